"""One-on-ones: a manager meets one report; notes, notes kept apart by track (topic),
and action items that carry over to later meetings of the pair until done.

Who may do what:
  - only the manager and the report of a one-on-one see it; viewers see none;
  - a manager starts one-on-ones only with their own active reports (reports-to);
  - the manager of a one-on-one writes its notes and track notes and adds action items,
    owned by themselves or by the report;
  - the owner of an action item ticks it done (or reopens it); the manager of the
    one-on-one may tick any of its items.
Reads (pairs, history, carry-over) live in one_on_one_reads.py; the agenda, built from
live state, and the Markdown export in agenda.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import ActionItem, OneOnOne, Person, TrackNote, utcnow
from team.services.core import events
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied
from team.services.core.text import multi_line, one_line
from team.services.core.tx import atomic
from team.services.core.versioning import claim_version

NOTES_MAX = 50_000
TRACK_MAX = 80
TRACK_BODY_MAX = 20_000
ACTION_MAX = 500
DEFAULT_TRACKS = ("Project work", "Career growth", "Feedback")


@dataclass(frozen=True)
class Pair:
    """A manager and one report who hold (or held) one-on-ones."""

    manager_id: int
    manager: str
    report_id: int
    report: str
    current: bool  # the report reports to this manager now (and is active)


@dataclass(frozen=True)
class TrackNoteView:
    id: int
    track: str
    body: str
    author: str
    created_at: datetime
    version: int


@dataclass(frozen=True)
class ActionItemView:
    id: int
    one_on_one_id: int
    raised_on: date
    owner_id: int
    owner: str
    description: str
    due_date: date | None
    done: bool
    done_at: datetime | None
    version: int

    def overdue(self, today: date) -> bool:
        return not self.done and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class OneOnOneView:
    id: int
    manager_id: int
    manager: str
    report_id: int
    report: str
    held_on: date
    notes: str
    version: int
    tracks: tuple[TrackNoteView, ...] = ()
    actions: tuple[ActionItemView, ...] = ()

    def by_track(self) -> dict[str, list[TrackNoteView]]:
        """Track notes grouped by track, in the order tracks were first written."""
        grouped: dict[str, list[TrackNoteView]] = {}
        for note in self.tracks:
            grouped.setdefault(note.track, []).append(note)
        return grouped


# --------------------------------------------------------------------------- rules


def load(session: Session, one_on_one_id: int) -> OneOnOne:
    meeting = session.get(OneOnOne, one_on_one_id)
    if meeting is None:
        raise NotFound(f"One-on-one #{one_on_one_id} does not exist.")
    return meeting


def require_member(actor: Actor, manager_id: int, report_id: int) -> None:
    """Only the two people of a one-on-one see it."""
    if actor.id not in (manager_id, report_id):
        raise PermissionDenied(
            "One-on-ones are private to the manager and the report who hold them."
        )


def require_holder(actor: Actor, meeting: OneOnOne) -> None:
    require_writer(actor)
    require_member(actor, meeting.manager_id, meeting.report_id)
    if actor.id != meeting.manager_id:
        raise PermissionDenied(
            "Only the manager who holds this one-on-one writes its notes and action items; "
            "tell them what to add."
        )


def current_report(session: Session, manager: Actor, report_id: int) -> Person:
    """``report_id`` as a current, active report of ``manager``, or PermissionDenied."""
    if not manager.is_manager:
        raise PermissionDenied("Only a manager holds one-on-ones with their reports.")
    report = session.get(Person, report_id)
    if report is None or report.reports_to_id != manager.id:
        raise PermissionDenied("You hold one-on-ones only with people who report to you.")
    if not report.active:
        raise InvalidInput(f"{report.name} is deactivated; their past one-on-ones stay.")
    return report


def _event(
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int | None,
    action: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    assert entity_id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        field=field,
        old=old,
        new=new,
    )


def _text(
    value: str, limit: int, what: str, field: str, *, required: bool = True, line: bool = False
) -> str:
    """Cleaned by the one text rule: one line (``line``) or Markdown."""
    empty = f"Write the {what} first; it cannot be empty." if required else None
    rule = one_line if line else multi_line
    return rule(value, what=what, limit=limit, field=field, empty=empty)


# --------------------------------------------------------------------------- writes


@atomic
def start(session: Session, actor_id: int, report_id: int, held_on: date | None = None) -> int:
    """The manager starts a one-on-one with a report (today by default); returns its id."""
    actor = acting(session, actor_id)
    require_writer(actor)
    report = current_report(session, actor, report_id)
    day = held_on or date.today()
    if day > date.today():
        raise InvalidInput("Start a one-on-one on the day it is held, not ahead.", field="held_on")
    exists = session.scalar(
        select(col(OneOnOne.id)).where(
            col(OneOnOne.manager_id) == actor.id,
            col(OneOnOne.report_id) == report_id,
            col(OneOnOne.held_on) == day,
        )
    )
    if exists is not None:
        raise InvalidInput(
            f"A one-on-one with {report.name} on {day.isoformat()} already exists; add to it."
        )
    meeting = OneOnOne(manager_id=actor.id, report_id=report_id, held_on=day)
    session.add(meeting)
    session.flush()
    _event(session, actor, "one_on_one", meeting.id, "created", new=day)
    session.commit()
    assert meeting.id is not None
    return meeting.id


@atomic
def edit_notes(
    session: Session, actor_id: int, one_on_one_id: int, version: int, notes: str
) -> int:
    """The manager saves the meeting's notes (Markdown); returns the new version."""
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_holder(actor, meeting)
    text = _text(notes, NOTES_MAX, "notes", "notes", required=False)
    if text == meeting.notes:
        return meeting.version
    claim_version(session, meeting, version, "The notes of this one-on-one")
    _event(session, actor, "one_on_one", meeting.id, "updated", "notes", meeting.notes, text)
    meeting.notes = text
    session.commit()
    return meeting.version


@atomic
def add_track_note(
    session: Session, actor_id: int, one_on_one_id: int, track: str, body: str
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
    session.add(note)
    session.flush()
    _event(session, actor, "track_note", note.id, "created", "track", None, name)
    session.commit()
    assert note.id is not None
    return note.id


@atomic
def edit_track_note(
    session: Session, actor_id: int, track_note_id: int, version: int, body: str
) -> None:
    actor = acting(session, actor_id)
    note = session.get(TrackNote, track_note_id)
    if note is None:
        raise NotFound(f"Track note #{track_note_id} does not exist.")
    require_holder(actor, load(session, note.one_on_one_id))
    text = _text(body, TRACK_BODY_MAX, "track note", "body")
    if text == note.body:
        return
    claim_version(session, note, version, f"The '{note.track}' note")
    _event(session, actor, "track_note", note.id, "updated", "body", note.body, text)
    note.body = text
    session.commit()


@atomic
def add_action_item(
    session: Session,
    actor_id: int,
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
    session.add(item)
    session.flush()
    _event(session, actor, "action_item", item.id, "created", new=item.description)
    if due_date is not None:
        _event(session, actor, "action_item", item.id, "updated", "due_date", None, due_date)
    session.commit()
    assert item.id is not None
    return item.id


@atomic
def set_done(
    session: Session, actor_id: int, action_item_id: int, version: int, done: bool = True
) -> None:
    """Tick an action item done (or reopen it): its owner, or the meeting's manager."""
    actor = acting(session, actor_id)
    require_writer(actor)
    item = session.get(ActionItem, action_item_id)
    if item is None:
        raise NotFound(f"Action item #{action_item_id} does not exist.")
    meeting = load(session, item.one_on_one_id)
    require_member(actor, meeting.manager_id, meeting.report_id)
    if actor.id not in (item.owner_id, meeting.manager_id):
        raise PermissionDenied("You can tick only your own action items.")
    if item.done == done:
        return
    claim_version(session, item, version, f"The action item '{item.description}'")
    _event(session, actor, "action_item", item.id, "updated", "done", item.done, done)
    item.done, item.done_at = done, utcnow() if done else None
    session.commit()
