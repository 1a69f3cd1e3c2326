"""The forms of today's one-on-one, for the manager who holds it: notes, a track note,
a fix to a track note, an action item."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.one_on_ones import writes as one_on_ones
from team.services.one_on_ones.reads import OneOnOneView, Pair, TrackNoteView
from team.ui import state
from team.ui.actions import attempt, bind, submit
from team.ui.text import plain


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


NOTES_AND_TRACKS = (
    "**Notes** are this meeting's notes: one text, saved over as the meeting goes. A "
    "**track note** is an entry of its own filed under a topic (a track, such as Career "
    "growth): every one-on-one shows its track notes by topic, so with the same topic "
    "each time you can follow it from one meeting to the next."
)
NOTES_HELP = (
    "The meeting's own notes: one text for this one-on-one, which you save over as the "
    "meeting goes."
)
TRACK_HELP = (
    "A note filed under a topic (a track), kept apart from the meeting's notes: each is "
    "an entry of its own under its topic. Use the same topic each time and every "
    "one-on-one shows its notes grouped by topic, so a topic can be followed from one "
    "meeting to the next. For example: " + ", ".join(one_on_ones.DEFAULT_TRACKS) + "."
)


def notes_form(person: PersonView, meeting: OneOnOneView) -> None:
    version = state.base_version("one_on_one", meeting.id, meeting.version)
    with st.form("oo_notes_form"):
        notes = st.text_area(
            "Notes (Markdown)", value=meeting.notes, key="oo_notes", height=140, help=NOTES_HELP
        )
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


TRACK_FIELDS: dict[str, object] = {"oo_track": one_on_ones.DEFAULT_TRACKS[0], "oo_track_body": ""}


def track_form(person: PersonView, meeting: OneOnOneView) -> None:
    """Add a track note: cleared once added (it shows above), kept when refused."""
    state.start_widgets(TRACK_FIELDS)
    with st.form("oo_track_form", clear_on_submit=False):
        track = st.text_input("Track (topic)", key="oo_track", help=TRACK_HELP)
        body = st.text_area("Track note (Markdown)", key="oo_track_body", height=90)
        added = st.form_submit_button("Add track note")
    if added:
        submit(
            bind(
                one_on_ones.add_track_note,
                person.id,
                one_on_one_id=meeting.id,
                track=track,
                body=body,
            ),
            lambda _: f"Track note added under “{plain(track)}”.",
            fields=TRACK_FIELDS,
            key="oo_track",
        )


def action_form(person: PersonView, pair: Pair, meeting: OneOnOneView) -> None:
    """Add an action item: cleared once added (it shows above), kept when refused."""
    owners = {pair.report_id: pair.report, pair.manager_id: pair.manager}
    fields: dict[str, object] = {
        "oo_action_desc": "",
        "oo_action_owner": pair.report_id,
        "oo_action_due": None,
    }
    state.start_widgets(fields)
    with st.form("oo_action_form", clear_on_submit=False):
        description = st.text_input("Action item", key="oo_action_desc")
        left, right = st.columns(2)
        owner = left.selectbox(
            "Owner", list(owners), format_func=owners.__getitem__, key="oo_action_owner"
        )
        due = right.date_input("Due (optional)", value=None, key="oo_action_due")
        added = st.form_submit_button("Add action item")
    if added:
        who = owners.get(owner or pair.report_id, "")
        submit(
            bind(
                one_on_ones.add_action_item,
                person.id,
                one_on_one_id=meeting.id,
                owner_id=owner,
                description=description,
                due_date=due,
            ),
            lambda _: f"Action item added for {plain(who)}: “{plain(description)}”.",
            fields=fields,
            key="oo_action",
        )
