"""Needs my attention: what waits on the current person, in four sections."""

from __future__ import annotations

import streamlit as st

from team.models import utcnow
from team.services.work import NoteItem
from team.ui import auth, navigation, resources, state
from team.ui.text import plain, safe_markdown
from team.ui.workflow import NOTE_BADGES, ago, badge, finding_card, review_row


def _note(item: NoteItem) -> None:
    text, colour = NOTE_BADGES[item.kind]
    with st.container(border=True, key=f"attention_note_{item.id}"):
        st.markdown(
            f"{badge(text, colour)} **{plain(item.author)}** on “{plain(item.on_title)}” · "
            f"{ago(item.created_at)}"
        )
        st.markdown(safe_markdown(item.body))
        if item.on == "review_request":
            st.page_link(
                navigation.page("reviews"),
                label="Open the review",
                query_params={"review": str(item.on_id)},
            )
        elif item.root_id is not None:
            node = item.on_id if item.on == "question" else None
            params = {"root": str(item.root_id)} | ({"node": str(node)} if node else {})
            st.page_link(
                navigation.page("questions"), label="Open the question", query_params=params
            )


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Needs my attention")
    state.show_flash()
    items = resources.attention(person.id)
    if items.count == 0:
        st.success("Nothing waits on you right now.", icon="🎉")
        return
    names = {p.id: p.name for p in resources.all_people()}
    if items.reviews_to_do:
        st.subheader(f"Reviews to do ({len(items.reviews_to_do)})")
        sla = resources.settings().review_sla_hours
        for review in items.reviews_to_do:
            review_row(review, names, now=utcnow(), sla_hours=sla, key="attention")
    if items.open_must_fix:
        st.subheader(f"Must-fix notes still open on your work ({len(items.open_must_fix)})")
        for note in items.open_must_fix:
            _note(note)
    if items.new_notes:
        st.subheader(f"New notes on your work ({len(items.new_notes)})")
        for note in items.new_notes:
            _note(note)
    if items.awaiting_acceptance:
        st.subheader(
            f"Findings of your reports awaiting acceptance ({len(items.awaiting_acceptance)})"
        )
        for finding in items.awaiting_acceptance:
            finding_card(person, finding)


if __name__ == "__main__":
    render()
