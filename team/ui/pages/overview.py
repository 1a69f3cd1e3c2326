"""Overview: the portfolio of general questions, with coverage, state, due and people."""

from __future__ import annotations

from datetime import date

import streamlit as st

from team.services.core.paging import Window
from team.services.questions.portfolio import PortfolioFilter, PortfolioRow, Summary
from team.ui import auth, evidence_health, navigation, reads
from team.ui.filters import project_person_filters
from team.ui.labels import COVERAGE_HELP, status_badge
from team.ui.paging import pager, requested_page, words
from team.ui.rollup_text import evidence_line
from team.ui.text import plain
from team.vocabulary import Priority, Role

OVERDUE_HELP = (
    "Questions still open (open, in progress or blocked) after their due date: general "
    "questions and sub-questions at any depth, assigned or not. Team's workload counts "
    "the same rule per assignee."
)


def _metrics(summary: Summary, overdue: int) -> None:
    cols = st.columns(4)
    cols[0].metric("General questions", f"{summary.general_questions:,}")
    cols[1].metric("Open sub-questions", f"{summary.open_sub_questions:,}")
    coverage = summary.coverage
    cols[2].metric(
        "Coverage", f"{coverage:.0%}" if coverage is not None else "n/a", help=COVERAGE_HELP
    )
    cols[3].metric("Overdue", f"{overdue:,}", help=OVERDUE_HELP)


def _due_text(due: date | None, overdue: bool) -> str:
    if due is None:
        return "no due date"
    text = f"due {due:%d %b %Y}"
    return f":red[{text} · overdue]" if overdue else text


def _row(row: PortfolioRow) -> None:
    """One general question as a card of four elements: the title (a link to its tree),
    one caption of facts, the coverage bar. A page of cards costs what it draws."""
    answer = row.answer_state.label if row.answer_state else "no answer yet"
    confidence = row.confidence.label if row.confidence else "none yet"
    evidence = f" · {evidence_line(row.evidence)}" if row.evidence else ""
    people = ", ".join(plain(p) for p in row.people) or "nobody yet"
    flagged = evidence_health.overview_fact(row.flagged_answers)
    coverage = row.coverage
    with st.container(border=True, key=f"overview_row_{row.id}"):
        st.page_link(
            navigation.page("questions"),
            label=plain(row.title),
            query_params={"root": str(row.id)},
            icon=":material/account_tree:",
        )
        st.caption(
            f"{status_badge(row.status)} {_due_text(row.due_date, row.overdue)} · "
            f"{plain(row.project)} · owner {plain(row.owner)} · "
            f"{Priority(row.priority).label} priority  \n"
            f"Answer: {answer} · confidence {confidence}{evidence}  \n"
            f"People: {people}" + (f"  \n{flagged}" if flagged else "")
        )
        st.progress(
            coverage or 0.0,
            text=(
                f"{row.answered_leaves} of {row.leaves} answered ({coverage:.0%})"
                if coverage is not None
                else "no sub-questions in scope"
            ),
        )


def render() -> None:
    person = auth.current_person()
    st.title("Overview")
    project_id, person_id = project_person_filters("overview", person_label="Person involved")
    search = words(st.text_input("Search", placeholder="Words in the title", key="overview_search"))
    f = PortfolioFilter(project_id, person_id, search)
    found = reads.portfolio_page(f=f, window=Window(requested_page("overview")))
    if not found.total:
        if project_id is None and person_id is None and not search:
            hint = (
                "Create the first one on the Questions page."
                if person is not None and person.role == Role.MANAGER
                else "A manager creates them on the Questions page."
            )
            st.info(f"No general questions yet. {hint}")
        else:
            st.info("No general question matches these filters; clear them to see all.")
        return
    _metrics(reads.portfolio_summary(f=f), reads.overdue_count(f=f))
    pager(found, "overview", noun="general questions, most urgent first")
    for row in found.items:
        _row(row)


if __name__ == "__main__":
    render()
