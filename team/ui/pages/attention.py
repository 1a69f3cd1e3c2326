"""Needs my attention: what waits on the current person, in four sections."""

from __future__ import annotations

import streamlit as st

from team.models import utcnow
from team.services.work import SECTION_SIZE, SECTIONS, NoteItem
from team.ui import auth, resources, state
from team.ui.paging import window
from team.ui.text import plain, safe_markdown
from team.ui.workflow import (
    NOTE_BADGES,
    PageFor,
    ago,
    badge,
    finding_cards,
    page_number,
    pages_once,
    review_row,
)


def _note(item: NoteItem, page_for: PageFor) -> None:
    text, colour = NOTE_BADGES[item.kind]
    with st.container(border=True, key=f"attention_note_{item.id}"):
        # One element for the line and the body: a page of notes renders half as many.
        # The line is escaped text, so nothing in the body can reach into it.
        st.markdown(
            f"{badge(text, colour)} **{plain(item.author)}** on “{plain(item.on_title)}” · "
            f"{ago(item.created_at)}\n\n{safe_markdown(item.body)}"
        )
        if item.on == "review_request":
            st.page_link(
                page_for("reviews"),
                label="Open the review",
                query_params={"review": str(item.on_id)},
            )
        elif item.root_id is not None:
            node = item.on_id if item.on == "question" else None
            params = {"root": str(item.root_id)} | ({"node": str(node)} if node else {})
            st.page_link(page_for("questions"), label="Open the question", query_params=params)


def _section(title: str, total: int, key: str, noun: str) -> bool:
    """A section's heading with its total and page picker; False when it is empty."""
    if not total:
        return False
    st.subheader(f"{title} ({total:,})")
    window(total, f"attention_{key}", size=SECTION_SIZE, noun=noun)
    return True


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Needs my attention")
    state.show_flash()
    pages = {name: page_number(f"attention_{name}") for name in SECTIONS}
    items = resources.attention(person.id, pages)
    if items.count == 0:
        st.success("Nothing waits on you right now.", icon="🎉")
        return
    names = {p.id: p.name for p in resources.all_people()}
    page_for = pages_once()
    to_do = items.reviews_to_do
    if _section("Reviews to do", to_do.total, "reviews_to_do", "reviews"):
        sla = resources.settings().review_sla_hours
        for review in to_do.items:
            review_row(
                review, names, now=utcnow(), sla_hours=sla, key="attention", page_for=page_for
            )
    must_fix = items.open_must_fix
    title = "Must-fix notes still open on your work"
    if _section(title, must_fix.total, "open_must_fix", "notes"):
        for note in must_fix.items:
            _note(note, page_for)
    new = items.new_notes
    if _section("New notes on your work", new.total, "new_notes", "notes"):
        for note in new.items:
            _note(note, page_for)
    awaiting = items.awaiting_acceptance
    title = "Findings of your reports awaiting acceptance"
    if _section(title, awaiting.total, "awaiting_acceptance", "findings"):
        finding_cards(person, awaiting.items)


if __name__ == "__main__":
    render()
