"""One-on-ones: the manager picks a report and gets an agenda built from live state,
starts today's meeting (or picks an earlier day to record one held while away from the
app, or to add to a past one), keeps notes in tracks and adds action items; the report
sees their own one-on-ones and ticks their own action items; either downloads the
pair's action items as CSV. Every write goes through a service, which checks the rules
again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.errors import TeamError
from team.services.core.paging import Window
from team.services.inbox.my_work import AssignedQuestion
from team.services.notes.reads import NoteItem
from team.services.one_on_ones import writes as one_on_ones
from team.services.one_on_ones.agenda import Agenda, Section
from team.services.one_on_ones.agenda_sections import FindingItem, ReviewItem
from team.services.one_on_ones.reads import ActionItemView, Meetings, OneOnOneView, Pair
from team.services.one_on_ones.rules import may_tick
from team.ui import auth, evidence_health, reads, resources, state
from team.ui import one_on_one_forms as forms
from team.ui.actions import attempt, bind
from team.ui.chips import chip
from team.ui.decision_forms import agenda_lines
from team.ui.paging import requested_page, window
from team.ui.text import plain, safe_markdown
from team.vocabulary import Role

HISTORY_PAGE = 5  # past one-on-ones per page
# Material icons (Streamlit's own font), not emoji: no emoji font, no box to see.
DONE_ICON = ":material/check_box:"
OPEN_ICON = ":material/check_box_outline_blank:"


# --------------------------------------------------------------------------- pieces


def _action_text(item: ActionItemView, today: date) -> str:
    due = f" · due {item.due_date.isoformat()}" if item.due_date else ""
    late = " · :red[overdue]" if item.overdue(today) else ""
    strike = "~~" if item.done else ""
    return (
        f"{DONE_ICON if item.done else OPEN_ICON} {strike}{plain(item.description)}{strike} · "
        f"**{plain(item.owner)}**{due}{late} · raised {item.raised_on.isoformat()}"
    )


def _action_row(person: PersonView, pair: Pair, item: ActionItemView, today: date) -> None:
    """The item and its button side by side in one flex row (far fewer elements than
    columns, which matters in a list)."""
    row = st.container(horizontal=True, vertical_alignment="center", key=f"oo_item_{item.id}")
    row.markdown(_action_text(item, today), width="stretch")
    if not may_tick(person.id, owner_id=item.owner_id, manager_id=pair.manager_id):
        return
    verb, key = ("Reopen", "action_reopen") if item.done else ("Done", "action_done")
    version = state.base_version("action_item", item.id, item.version)
    if row.button(verb, key=f"{key}_{item.id}"):
        attempt(
            bind(
                one_on_ones.set_done,
                person.id,
                action_item_id=item.id,
                version=version,
                done=not item.done,
            ),
            "Action item reopened." if item.done else "Action item done.",
            key=f"{key}_{item.id}",
        )


def _list(lines: list[str]) -> str:
    """Plain-text lines as one Markdown list (one element, however many lines)."""
    return "\n".join(f"- {line}" for line in lines)


def _finding_lines(items: list[FindingItem]) -> str:
    return _list(
        [
            f"**{plain(f.summary)}** · {plain(f.kind.label)}, "
            f"{f.confidence.value} confidence · on “{plain(f.question_title)}” · "
            f"{f.created_at.date().isoformat()}"
            for f in items
        ]
    )


def _question_lines(items: list[AssignedQuestion]) -> str:
    return _list(
        [
            f"**{plain(q.title)}** · {plain(q.project)} · {q.status.label}"
            + (f" · due {q.due_date.isoformat()}" if q.due_date else "")
            + f" · no new evidence for {q.quiet_days} days"
            for q in items
        ]
    )


def _review_lines(items: list[ReviewItem]) -> str:
    return _list(
        [
            f"Review of “{plain(r.finding_summary or r.question_title)}” · "
            f"{r.status.label} · requested {r.requested_at.date().isoformat()} · "
            + chip(r.artifact_url)
            for r in items
        ]
    )


def _note_lines(items: list[NoteItem]) -> str:
    return _list(
        [f"**{plain(n.author)}** on “{plain(n.on_title)}”: {plain(n.body)}" for n in items]
    )


LINES: dict[str, Callable[[Any], str]] = {
    "new_findings": _finding_lines,
    "overdue_questions": _question_lines,
    "stale_questions": _question_lines,
    "reviews_awaiting_manager": _review_lines,
    "reviews_owed": _review_lines,
    "open_must_fix": _note_lines,
    "decisions_due": agenda_lines,
    "flagged_answers": evidence_health.agenda_lines,
}


def _section(person: PersonView, pair: Pair, agenda: Agenda, section: Section) -> None:
    """A section that has items: its heading and items, one element for a list of lines,
    one row per action item (each has its button)."""
    heading = f"#### {section.title} ({section.count})"
    more = (
        f":gray[The {section.shown} most pressing shown; {section.more:,} more.]"
        if section.more
        else ""
    )
    items = getattr(agenda, section.key)
    if section.key in LINES:
        st.markdown("\n\n".join(p for p in (heading, LINES[section.key](items), more) if p))
    else:
        st.markdown(heading)
        for item in items:
            _action_row(person, pair, item, agenda.day)
        if more:
            st.markdown(more)


def nothing_on(sections: list[Section]) -> str:
    """One line naming the sections with nothing in them (none: empty)."""
    empty = [s.title.lower() for s in sections if not s.count]
    return f"Nothing on: {', '.join(empty)}." if empty else ""


def _agenda_view(person: PersonView, pair: Pair, agenda: Agenda) -> None:
    since = agenda.previous_on or agenda.since.date()
    what = "your last one-on-one" if agenda.previous_on else "the last two weeks"
    st.header("Agenda", anchor=False)
    st.caption(
        f"Built from live work since {what} ({since.isoformat()}). A question is stale "
        f"after {agenda.stale_after_days} days without new evidence."
    )
    sections = agenda.sections()
    for section in sections:
        if section.count:
            _section(person, pair, agenda, section)
    if line := nothing_on(sections):
        st.caption(line)


# --------------------------------------------------------------------------- the meeting


def _meeting_body(
    person: PersonView,
    pair: Pair,
    meeting: OneOnOneView,
    today: date,
    *,
    tick: bool = True,
    edit: bool = False,
) -> None:
    """Notes, tracks and action items; items are ticked here only when ``tick`` (open
    items of past meetings are ticked on the agenda, where they carry over), track
    notes fixed only when ``edit``."""
    st.markdown("**Notes**")
    st.markdown(safe_markdown(meeting.notes) if meeting.notes else "_No notes._")
    for track, notes in meeting.by_track().items():
        st.markdown(f"**Track notes · {plain(track)}**")
        for note in notes:
            st.markdown(safe_markdown(note.body))
            if edit:
                forms.edit_track_note(person, note)
    if not tick and meeting.actions:
        st.markdown(
            "**Action items**\n\n" + _list([_action_text(a, today) for a in meeting.actions])
        )
        return
    st.markdown("**Action items**")
    if not meeting.actions:
        st.caption("No action items.")
    for item in meeting.actions:
        _action_row(person, pair, item, today)


def meeting_title(day: date, today: date) -> str:
    """The meeting section's heading; the day in words, so a narrow screen wraps it
    between words, not inside the date."""
    return "Today's one-on-one" if day == today else f"One-on-one of {day:%a} {day.day} {day:%b %Y}"


def _meeting(
    person: PersonView, pair: Pair, meeting: OneOnOneView | None, day: date, today: date
) -> None:
    """The meeting of ``day`` (today unless the manager picked another): its notes and
    action items, and for its manager the forms to add to them; or, when there is none
    yet, the button that starts (today) or records (an earlier day) it."""
    holder = person.id == pair.manager_id
    if meeting is None:
        if holder and pair.current:
            forms.record_button(person, pair, day, today)
        else:
            st.caption(
                f"No one-on-one today. When {plain(pair.manager)} starts one, its notes and "
                "action items appear here."
            )
        return
    past = day != today
    _meeting_body(person, pair, meeting, today, tick=not past, edit=holder)
    if past and any(not a.done for a in meeting.actions):
        st.caption(forms.TICK_ON_AGENDA)
    if holder:
        st.caption(forms.NOTES_AND_TRACKS)
        forms.notes_form(person, meeting)
        forms.track_form(person, meeting)
        forms.action_form(person, pair, meeting)


def meeting_key(one_on_one_id: int) -> str:
    """The widget key of a past one-on-one's expander (True while it is open)."""
    return f"oo_meeting_{one_on_one_id}"


def _history_view(
    person: PersonView, pair: Pair, meetings: Meetings, key: str, today: date
) -> None:
    st.header("Past one-on-ones", anchor=False)
    past = meetings.past
    if not past.total:
        st.caption(
            "No past one-on-ones yet: each one-on-one is kept here with its notes, tracks "
            "and action items."
        )
    window(past.total, key, size=past.window.size, noun="past one-on-ones")
    editable = person.id == pair.manager_id and pair.current
    shown = meetings.chosen.id if meetings.chosen else None
    for meeting in past.items:
        open_items = sum(not a.done for a in meeting.actions)
        card = st.expander(
            f"{forms.day_label(meeting.held_on)} · {open_items} open action "
            + ("item" if open_items == 1 else "items")
            + (" · open above" if meeting.id == shown else ""),
            key=meeting_key(meeting.id),
            on_change="rerun",
        )
        if card.open:  # drawn only while open: a page of closed ones costs five elements
            with card:
                _meeting_body(person, pair, meeting, today, tick=False)
                if editable and meeting.id != shown:
                    forms.edit_button(pair, meeting.held_on, meeting.id)


# --------------------------------------------------------------------------- page


def _pick(person: PersonView, pairs: list[Pair]) -> Pair | None:
    if person.role == Role.MANAGER:
        mine = [p for p in pairs if p.manager_id == person.id]
        if not mine:
            st.info(
                "Nobody reports to you yet. Once people report to you (set on the Team "
                "page), pick one here to get an agenda built from their work, start a "
                "one-on-one, keep notes in tracks and add action items."
            )
            return None
        by_report = {p.report_id: p for p in mine}
        wanted = st.query_params.get("report", "")
        ids = list(by_report)
        index = ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in ids else 0
        chosen = st.selectbox(
            "Report",
            ids,
            index=index,
            format_func=lambda i: (
                by_report[i].report + ("" if by_report[i].current else " (former)")
            ),
            key="oo_report",
        )
        return by_report[chosen if chosen is not None else ids[0]]
    mine = [p for p in pairs if p.report_id == person.id]
    if not mine:
        st.info(
            "You have no one-on-ones yet. When you report to a manager and they start one "
            "with you, its agenda, notes and your action items appear here."
        )
        return None
    if len(mine) == 1:
        return mine[0]
    by_manager = {p.manager_id: p for p in mine}
    ids = list(by_manager)
    wanted = st.query_params.get("manager", "")
    index = ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in ids else 0
    picked = st.selectbox(
        "With", ids, index=index, format_func=lambda i: by_manager[i].manager, key="oo_manager"
    )
    return by_manager[picked if picked is not None else mine[0].manager_id]


def _show(person: PersonView, pair: Pair) -> None:
    today = date.today()
    history_key = f"oo_history_{pair.manager_id}_{pair.report_id}"
    other = pair.report if person.id == pair.manager_id else pair.manager
    st.subheader(f"With {plain(other)}", anchor=False)
    top = st.container()  # filled once the meetings are read (they need the day picked)
    title = st.empty()
    recording = person.id == pair.manager_id and pair.current
    day = forms.meeting_day(pair, today) if recording else today
    meetings = reads.meetings(
        person.id,
        manager_id=pair.manager_id,
        report_id=pair.report_id,
        day=today,
        window=Window(requested_page(history_key), HISTORY_PAGE),
        chosen=None if day == today else day,
    )
    meeting = meetings.today if day == today else meetings.chosen
    with top:
        agenda = None
        if pair.current:
            agenda = reads.agenda_of(
                person.id,
                manager_id=pair.manager_id,
                report_id=pair.report_id,
                stale_after_days=resources.settings().stale_after_days,
                today=today,
            )
        else:
            st.info(f"{plain(pair.report)} no longer reports here; past one-on-ones stay below.")
        forms.downloads(person, pair, agenda, meeting or meetings.latest)
        if agenda is not None:
            _agenda_view(person, pair, agenda)
    title.header(meeting_title(day, today), anchor=False)
    _meeting(person, pair, meeting, day, today)
    _history_view(person, pair, meetings, history_key, today)


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    state.show_flash()
    st.title("One-on-ones")
    if person.role == Role.VIEWER:
        st.info("One-on-ones are private to a manager and their report.")
        return
    try:
        pair = _pick(person, reads.pairs(person.id))
        if pair is not None:
            _show(person, pair)
    except TeamError as exc:
        st.error(plain(exc.message), icon=":material/warning:")


if __name__ == "__main__":
    render()
