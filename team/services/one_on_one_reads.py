"""Reads of one-on-ones: the pairs a person belongs to, a pair's history (newest first,
with notes, tracks and action items) and the open action items that carry over. Only
the two people of a pair see its one-on-ones. Each read is a fixed number of queries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session, col

from team.models import ActionItem, OneOnOne, Person, TrackNote
from team.services.one_on_ones import (
    ActionItemView,
    OneOnOneView,
    Pair,
    TrackNoteView,
    load,
    require_member,
)
from team.services.people import acting


def pairs_for(session: Session, actor_id: int) -> list[Pair]:
    """The pairs ``actor`` belongs to: current reporting lines first, then pairs that
    only have past one-on-ones (a report who moved on keeps their history)."""
    actor = acting(session, actor_id)
    if actor.is_viewer:
        return []
    people = session.scalars(
        select(Person).where(or_(col(Person.reports_to_id) == actor.id, col(Person.id) == actor.id))
    ).all()
    names = {p.id: p.name for p in people if p.id is not None}
    current = {
        (actor.id, p.id)
        for p in people
        if p.id is not None and p.reports_to_id == actor.id and p.active
    }
    me = next(p for p in people if p.id == actor.id)
    if me.reports_to_id is not None:
        current.add((me.reports_to_id, actor.id))
    meetings = (
        select(col(OneOnOne.manager_id), col(OneOnOne.report_id))
        .where(or_(col(OneOnOne.manager_id) == actor.id, col(OneOnOne.report_id) == actor.id))
        .distinct()
    )
    held = {(int(m), int(r)) for m, r in session.execute(meetings).all()}
    pairs = current | held
    missing = {i for pair in pairs for i in pair} - set(names)
    if missing:
        query = select(col(Person.id), col(Person.name)).where(col(Person.id).in_(missing))
        names.update((int(i), str(n)) for i, n in session.execute(query).all())
    found = [Pair(m, names[m], r, names[r], (m, r) in current) for m, r in pairs]
    return sorted(found, key=lambda p: (not p.current, p.report, p.manager))


def _actions(session: Session, *where: object) -> list[ActionItemView]:
    query = (
        select(ActionItem, col(OneOnOne.held_on), col(Person.name))
        .join(OneOnOne, col(OneOnOne.id) == col(ActionItem.one_on_one_id))
        .join(Person, col(Person.id) == col(ActionItem.owner_id))
        .where(*where)  # type: ignore[arg-type]
        .order_by(col(OneOnOne.held_on), col(ActionItem.id))
    )
    return [
        ActionItemView(
            id=int(a.id),
            one_on_one_id=a.one_on_one_id,
            raised_on=held_on,
            owner_id=a.owner_id,
            owner=owner,
            description=a.description,
            due_date=a.due_date,
            done=a.done,
            done_at=a.done_at,
            version=a.version,
        )
        for a, held_on, owner in session.execute(query)
    ]


def open_actions_before(
    session: Session, manager_id: int, report_id: int, day: date
) -> list[ActionItemView]:
    """Open action items raised in the pair's one-on-ones held before ``day``."""
    return _actions(
        session,
        col(OneOnOne.manager_id) == manager_id,
        col(OneOnOne.report_id) == report_id,
        col(OneOnOne.held_on) < day,
        col(ActionItem.done).is_(False),
    )


def _views(session: Session, meetings: list[OneOnOne]) -> list[OneOnOneView]:
    """Meetings with their tracks and action items: three queries whatever the count."""
    ids = [int(m.id) for m in meetings]  # type: ignore[arg-type]
    if not ids:
        return []
    names = dict(session.execute(select(col(Person.id), col(Person.name))).all())
    tracks: dict[int, list[TrackNoteView]] = {}
    for t in session.scalars(
        select(TrackNote)
        .where(col(TrackNote.one_on_one_id).in_(ids))
        .order_by(col(TrackNote.created_at), col(TrackNote.id))
    ):
        tracks.setdefault(t.one_on_one_id, []).append(
            TrackNoteView(
                int(t.id),  # type: ignore[arg-type]
                t.track,
                t.body,
                names.get(t.author_id, "?"),
                t.created_at,
                t.version,
            )
        )
    actions: dict[int, list[ActionItemView]] = {}
    for a in _actions(session, col(ActionItem.one_on_one_id).in_(ids)):
        actions.setdefault(a.one_on_one_id, []).append(a)
    return [
        OneOnOneView(
            id=int(m.id),  # type: ignore[arg-type]
            manager_id=m.manager_id,
            manager=names.get(m.manager_id, "?"),
            report_id=m.report_id,
            report=names.get(m.report_id, "?"),
            held_on=m.held_on,
            notes=m.notes,
            version=m.version,
            tracks=tuple(tracks.get(int(m.id), ())),  # type: ignore[arg-type]
            actions=tuple(actions.get(int(m.id), ())),  # type: ignore[arg-type]
        )
        for m in meetings
    ]


def get(session: Session, actor_id: int, one_on_one_id: int) -> OneOnOneView:
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_member(actor, meeting.manager_id, meeting.report_id)
    return _views(session, [meeting])[0]


def history(session: Session, actor_id: int, manager_id: int, report_id: int) -> list[OneOnOneView]:
    """Every one-on-one of the pair, newest first, with notes, tracks and action items."""
    actor = acting(session, actor_id)
    require_member(actor, manager_id, report_id)
    meetings = session.scalars(
        select(OneOnOne)
        .where(col(OneOnOne.manager_id) == manager_id, col(OneOnOne.report_id) == report_id)
        .order_by(col(OneOnOne.held_on).desc(), col(OneOnOne.id).desc())
    ).all()
    return _views(session, list(meetings))
