"""The forms of today's one-on-one, for the manager who holds it: notes, a track note,
a fix to a track note, an action item."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.one_on_ones import writes as one_on_ones
from team.services.one_on_ones.reads import OneOnOneView, Pair, TrackNoteView
from team.ui import state
from team.ui.actions import attempt, bind


def edit_track_note(person: PersonView, note: TrackNoteView) -> None:
    """Fix a track note of today's one-on-one (its holder only)."""
    version = state.base_version("track_note", note.id, note.version)
    with (
        st.popover("Edit", icon=":material/edit:", type="tertiary", key=f"oo_tn_edit_{note.id}"),
        st.form(f"oo_tn_form_{note.id}"),
    ):
        body = st.text_area("Note (Markdown)", value=note.body, key=f"oo_tn_body_{note.id}")
        saved = st.form_submit_button("Save")
    if saved:
        attempt(
            bind(
                one_on_ones.edit_track_note,
                person.id,
                track_note_id=note.id,
                version=version,
                body=body,
            ),
            "Track note saved.",
            key=f"oo_tn_{note.id}",
        )


def notes_form(person: PersonView, meeting: OneOnOneView) -> None:
    version = state.base_version("one_on_one", meeting.id, meeting.version)
    with st.form("oo_notes_form"):
        notes = st.text_area("Notes (Markdown)", value=meeting.notes, key="oo_notes", height=140)
        saved = st.form_submit_button("Save notes")
    if saved:
        attempt(
            bind(
                one_on_ones.edit_notes,
                person.id,
                one_on_one_id=meeting.id,
                version=version,
                notes=notes,
            ),
            "Notes saved.",
            key="oo_notes",
        )


def track_form(person: PersonView, meeting: OneOnOneView) -> None:
    with st.form("oo_track_form", clear_on_submit=True):
        track = st.text_input(
            "Track (topic)",
            value=one_on_ones.DEFAULT_TRACKS[0],
            key="oo_track",
            help="Topics kept apart, e.g. " + ", ".join(one_on_ones.DEFAULT_TRACKS),
        )
        body = st.text_area("Note (Markdown)", key="oo_track_body", height=90)
        added = st.form_submit_button("Add track note")
    if added:
        attempt(
            bind(
                one_on_ones.add_track_note,
                person.id,
                one_on_one_id=meeting.id,
                track=track,
                body=body,
            ),
            "Track note added.",
            key="oo_track",
        )


def action_form(person: PersonView, pair: Pair, meeting: OneOnOneView) -> None:
    owners = {pair.report_id: pair.report, pair.manager_id: pair.manager}
    with st.form("oo_action_form", clear_on_submit=True):
        description = st.text_input("Action item", key="oo_action_desc")
        left, right = st.columns(2)
        owner = left.selectbox(
            "Owner", list(owners), format_func=owners.__getitem__, key="oo_action_owner"
        )
        due = right.date_input("Due (optional)", value=None, key="oo_action_due")
        added = st.form_submit_button("Add action item")
    if added:
        attempt(
            bind(
                one_on_ones.add_action_item,
                person.id,
                one_on_one_id=meeting.id,
                owner_id=owner,
                description=description,
                due_date=due,
            ),
            "Action item added.",
            key="oo_action",
        )
