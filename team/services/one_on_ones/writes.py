"""One-on-ones: a manager meets one report; notes, notes kept apart by track (topic),
and action items that carry over to later meetings of the pair until done. Who may do
what is in rules.py; the reads (pairs, history, carry-over) in reads.py; the agenda,
built from live state, and the Markdown export in agenda.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import ActionItem, OneOnOne, Person, TrackNote, utcnow
from team.services.core.actors import acting, require_writer
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.text import multi_line, one_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, lock_row, record, save_fields
from team.services.core.writes import load as load_row
from team.services.one_on_ones.rules import (
    check_day,
    current_report,
    load,
    may_tick,
    require_holder,
    require_member,
)

NOTES_MAX = 50_000
TRACK_MAX = 80
TRACK_BODY_MAX = 20_000
ACTION_MAX = 500
DEFAULT_TRACKS = ("Project work", "Career growth", "Feedback")


def _text(
    value: str, limit: int, what: str, field: str, *, required: bool = True, line: bool = False
) -> str:
    """Cleaned by the one text rule: one line (``line``) or Markdown."""
    empty = f"Write the {what} first; it cannot be empty." if required else None
    rule = one_line if line else multi_line
    return rule(value, what=what, limit=limit, field=field, empty=empty)


@atomic
def start(session: Session, actor_id: int, *, report_id: int, held_on: date | None = None) -> int:
    """The manager starts today's one-on-one with a report, or records one held on an
    earlier day (``held_on``: rules.py says how far back); returns its id. Where it sits
    among the pair's meetings (the history, the agenda's "since", carry-over) follows
    the day it was held, not when it was recorded."""
    actor = acting(session, actor_id)
    require_writer(actor)
    report = current_report(session, actor, report_id)
    day = held_on or date.today()
    check_day(day, date.today())
    lock_row(session, Person, report_id)  # two starts of the same day take turns
    exists = session.scalar(
        select(col(OneOnOne.id)).where(
            col(OneOnOne.manager_id) == actor.id,
            col(OneOnOne.report_id) == report_id,
            col(OneOnOne.held_on) == day,
        )
    )
    if exists is not None:
        raise InvalidInput(
            f"A one-on-one with {report.name} on {day.isoformat()} already exists: pick that "
            "day to add its notes and action items.",
            field="held_on",
        )
    meeting = OneOnOne(manager_id=actor.id, report_id=report_id, held_on=day)
    insert(session, actor, meeting, new=day)
    session.commit()
    assert meeting.id is not None
    return meeting.id


@atomic
def edit_notes(
    session: Session, actor_id: int, *, one_on_one_id: int, version: int, notes: str
) -> int:
    """The manager saves the meeting's notes (Markdown); returns the new version."""
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_holder(actor, meeting)
    text = _text(notes, NOTES_MAX, "notes", "notes", required=False)
    save_fields(
        session,
        actor,
        meeting,
        version=version,
        wanted={"notes": text},
        what="The notes of this one-on-one",
    )
    session.commit()
    return meeting.version


@atomic
def add_track_note(
    session: Session, actor_id: int, *, one_on_one_id: int, track: str, body: str
) -> int:
    """The manager writes a note under a track (a topic kept apart); returns its id."""
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_holder(actor, meeting)
    name = _text(track, TRACK_MAX, "track name", "track", line=True)
    note = TrackNote(
        one_on_one_id=one_on_one_id,
        track=name,
        body=_text(body, TRACK_BODY_MAX, "track note", "body"),
        author_id=actor.id,
    )
    insert(session, actor, note, field="track", new=name)
    session.commit()
    assert note.id is not None
    return note.id


@atomic
def edit_track_note(
    session: Session, actor_id: int, *, track_note_id: int, version: int, body: str
) -> None:
    actor = acting(session, actor_id)
    note = load_row(
        session, TrackNote, track_note_id, f"Track note #{track_note_id} does not exist."
    )
    require_holder(actor, load(session, note.one_on_one_id))
    text = _text(body, TRACK_BODY_MAX, "track note", "body")
    save_fields(
        session,
        actor,
        note,
        version=version,
        wanted={"body": text},
        what=f"The '{note.track}' note",
    )
    session.commit()


@atomic
def add_action_item(
    session: Session,
    actor_id: int,
    *,
    one_on_one_id: int,
    owner_id: int | None,
    description: str,
    due_date: date | None = None,
) -> int:
    """The manager adds an action item owned by themselves or the report; returns its id."""
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_holder(actor, meeting)
    if owner_id not in (meeting.manager_id, meeting.report_id):
        raise InvalidInput(
            "An action item belongs to one of the two people in the meeting; pick the "
            "manager or the report as its owner.",
            field="owner",
        )
    item = ActionItem(
        one_on_one_id=one_on_one_id,
        owner_id=owner_id,
        description=_text(description, ACTION_MAX, "action item", "description", line=True),
        due_date=due_date,
    )
    insert(session, actor, item, new=item.description)
    if due_date is not None:
        record(session, actor, item, "updated", field="due_date", new=due_date)
    session.commit()
    assert item.id is not None
    return item.id


@atomic
def set_done(
    session: Session, actor_id: int, *, action_item_id: int, version: int, done: bool = True
) -> None:
    """Tick an action item done (or reopen it): its owner, or the meeting's manager."""
    actor = acting(session, actor_id)
    require_writer(actor)
    item = load_row(
        session, ActionItem, action_item_id, f"Action item #{action_item_id} does not exist."
    )
    meeting = load(session, item.one_on_one_id)
    require_member(actor, meeting.manager_id, meeting.report_id)
    if not may_tick(actor.id, owner_id=item.owner_id, manager_id=meeting.manager_id):
        raise PermissionDenied("You can tick only your own action items.")
    changed = save_fields(
        session,
        actor,
        item,
        version=version,
        wanted={"done": done},
        what=f"The action item '{item.description}'",
    )
    if changed:
        item.done_at = utcnow() if done else None
    session.commit()
