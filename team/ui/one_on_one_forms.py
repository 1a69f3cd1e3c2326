"""The forms and buttons of the One-on-ones page: for the manager who holds a
one-on-one, the day of the meeting (today, or an earlier one to record or add to), the
button that starts or records it, notes, a track note, a fix to a track note, an action
item; for either of the pair, the downloads."""

from __future__ import annotations

from datetime import date

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.one_on_ones import agenda as agenda_export
from team.services.one_on_ones import export
from team.services.one_on_ones import writes as one_on_ones
from team.services.one_on_ones.agenda import Agenda
from team.services.one_on_ones.reads import OneOnOneView, Pair, TrackNoteView
from team.services.one_on_ones.rules import earliest_day
from team.ui import state
from team.ui.actions import attempt, bind, submit
from team.ui.downloads import csv_download
from team.ui.text import plain


def day_label(day: date) -> str:
    """A meeting's day as the page names it: ISO, then the weekday."""
    return f"{day.isoformat()} ({day:%a})"


def day_key(pair: Pair) -> str:
    """The widget key of the day picked for ``pair``'s meeting."""
    return f"oo_day_{pair.report_id}"


DAY_HELP = (
    "The day the one-on-one was held. Today by default; pick an earlier day to record a "
    "one-on-one held while away from the app, or to add to a past one. A day still "
    "ahead cannot be picked: a one-on-one is recorded once it is held (plan the next "
    "one with an action item due that day)."
)
TICK_ON_AGENDA = (
    "Open action items of past one-on-ones are ticked on the agenda above, where they "
    "carry over until done."
)


def meeting_day(pair: Pair, today: date) -> date:
    """The day of the meeting the manager starts, records or adds to: today unless they
    pick another (a history card's Edit button picks its day too)."""
    key = day_key(pair)
    state.start_widgets({key: today})
    picked = st.date_input(
        "Held on",
        key=key,
        min_value=earliest_day(today),
        max_value=today,
        format="YYYY-MM-DD",
        help=DAY_HELP,
        width=220,
    )
    return picked if isinstance(picked, date) and picked <= today else today


def record_button(person: PersonView, pair: Pair, day: date, today: date) -> None:
    """Start today's one-on-one, or record the one held on an earlier ``day``."""
    if day == today:
        st.caption(
            "Start it to keep notes in tracks and add action items. To record a one-on-one "
            "held while away from the app, pick its day under “Held on”."
        )
        label, done = "Start today's one-on-one", "One-on-one started."
    else:
        st.caption(
            f"No one-on-one with {plain(pair.report)} on {day_label(day)} yet. Record it to "
            "keep its notes and action items: it takes its place in the history by its "
            "day, and its open action items carry over like any other."
        )
        label = f"Record the one-on-one of {day_label(day)}"
        done = f"One-on-one of {day_label(day)} recorded: add its notes and action items."
    if st.button(label, key="oo_start", type="primary"):
        attempt(
            bind(one_on_ones.start, person.id, report_id=pair.report_id, held_on=day),
            done,
            key="oo_start",
        )


def _pick_day(key: str, day: date) -> None:
    st.session_state[key] = day
    st.toast(f"The one-on-one of {day_label(day)} is open above, under “Held on”.")


def edit_button(pair: Pair, day: date, one_on_one_id: int) -> None:
    """Open a past one-on-one in the meeting section above, to add to it."""
    st.button(
        "Edit this one-on-one",
        key=f"oo_edit_{one_on_one_id}",
        icon=":material/edit:",
        type="tertiary",
        on_click=_pick_day,
        args=(day_key(pair), day),
    )


def edit_track_note(person: PersonView, note: TrackNoteView) -> None:
    """Fix a track note of the one-on-one shown (its holder only)."""
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


def notes_key(one_on_one_id: int) -> str:
    return f"oo_notes_{one_on_one_id}"


def notes_form(person: PersonView, meeting: OneOnOneView) -> None:
    version = state.base_version("one_on_one", meeting.id, meeting.version)
    with st.form("oo_notes_form"):
        notes = st.text_area(
            "Notes (Markdown)",
            value=meeting.notes,
            key=notes_key(meeting.id),  # each meeting's own: another day starts from its notes
            height=140,
            help=NOTES_HELP,
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
            key=notes_key(meeting.id),
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


def downloads(
    person: PersonView, pair: Pair, agenda: Agenda | None, meeting: OneOnOneView | None
) -> None:
    """The agenda and a meeting as Markdown (for a current pair), the pair's action
    items as CSV (made on click)."""
    row = st.container(horizontal=True, key="oo_downloads")
    day = date.today().isoformat()
    if agenda is not None:
        row.download_button(
            "Download agenda and notes (Markdown)",
            data=agenda_export.to_markdown(agenda, meeting),
            file_name=f"one-on-one-{agenda.report_id}-{agenda.day.isoformat()}.md",
            mime="text/markdown",
            key="oo_download",
            on_click="ignore",  # no rerun: it could drop the file the click asks for
            icon=":material/download:",
        )
    with row:
        csv_download(
            "Download action items (CSV)",
            lambda session: export.action_items_csv(
                session, person.id, manager_id=pair.manager_id, report_id=pair.report_id
            ),
            file_name=f"one-on-one-action-items-{pair.report_id}-{day}.csv",
            key="oo_actions_csv",
        )
