"""Decisions: every decision an answer informed, newest first, with its question, the
evidence it was taken on, whether that evidence has changed since, and its revisit;
filtered to the revisits due, a project, or one general question (?root=)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from team.services.core.paging import PAGE_SIZE, Window
from team.ui import auth, reads, state
from team.ui.decision_forms import decision_card
from team.ui.navigation import pages_once
from team.ui.paging import pager, requested_page
from team.ui.text import plain
from team.ui.tree_nav import query_int

KEY = "decisions"


def _filters() -> tuple[bool, int | None]:
    """Due only, and the project (None: all)."""
    projects = {p.id: p.name for p in reads.all_projects()}
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    project_id = right.selectbox(
        "Project",
        list(projects),
        index=None,
        format_func=projects.__getitem__,
        placeholder="All projects",
        key=f"{KEY}_project",
    )
    due_only = left.toggle(
        "Due for revisit only",
        key=f"{KEY}_due_only",
        help="Decisions whose revisit date has come and that nobody marked revisited.",
    )
    return due_only, project_id


def _root_filter() -> int | None:
    """The general question a link named (?root=), with a way back to every decision."""
    root_id = query_int("root")
    if root_id is not None and st.button(
        "Show the decisions of every question", key=f"{KEY}_all_roots", icon=":material/close:"
    ):
        st.query_params.pop("root", None)
        st.rerun()
    return root_id


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Decisions")
    state.show_flash()
    st.caption(
        "Each decision an answer version informed, newest first: the evidence it was taken "
        "on, whether that evidence has changed since, and when to revisit it."
    )
    due_only, project_id = _filters()
    root_id = _root_filter()
    today = date.today()
    found = reads.decision_list(
        window=Window(requested_page(KEY), PAGE_SIZE),
        today=today,
        due_only=due_only,
        project_id=project_id,
        root_id=root_id,
    )
    if not found.total:
        narrowed = due_only or project_id is not None or root_id is not None
        st.info(
            "No decision matches these filters; clear them to see every decision."
            if narrowed
            else "No decision recorded yet. Record one under an answer version on the "
            "Answers page: what was decided, by whom, when, and when to revisit it."
        )
        return
    if root_id is not None and found.items:
        st.markdown(f"Decisions on “{plain(found.items[0].root_title)}”")
    pager(found, KEY, noun="decisions, newest first")
    page_for = pages_once()
    for d in found.items:
        decision_card(person, d, today, key="page", page_for=page_for)


if __name__ == "__main__":
    render()
