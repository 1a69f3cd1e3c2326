"""Reads of one-on-ones: the pairs a person belongs to, a pair's history (newest first,
with notes, tracks and action items; in full or one page at a time) and the open action
items that carry over. Only the two people of a pair see its one-on-ones. Each read is
a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import ActionItem, OneOnOne, Person, TrackNote
from team.services.core.actors import acting
from team.services.core.paging import Paged, Window
from team.services.core.views import view_of
from team.services.one_on_ones.rules import load, require_member


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


def _action_views(rows: Iterable[Any]) -> list[ActionItemView]:
    """Rows of (ActionItem, held_on, owner name, ...) as views."""
    return [
        view_of(ActionItemView, a, raised_on=held_on, owner=owner) for a, held_on, owner, *_ in rows
    ]


def _actions(session: Session, *where: object) -> list[ActionItemView]:
    query = (
        select(ActionItem, col(OneOnOne.held_on), col(Person.name))
        .join(OneOnOne, col(OneOnOne.id) == col(ActionItem.one_on_one_id))
        .join(Person, col(Person.id) == col(ActionItem.owner_id))
        .where(*where)  # type: ignore[arg-type]
        .order_by(col(OneOnOne.held_on), col(ActionItem.id))
    )
    return _action_views(session.execute(query))


def _open_before(manager_id: int, report_id: int, day: date) -> list[ColumnElement[bool]]:
    return [
        col(OneOnOne.manager_id) == manager_id,
        col(OneOnOne.report_id) == report_id,
        col(OneOnOne.held_on) < day,
        col(ActionItem.done).is_(False),
    ]


@dataclass(frozen=True)
class OpenActions:
    """The first open items of earlier one-on-ones, overdue ones apart, with totals."""

    overdue: list[ActionItemView]
    overdue_total: int
    carried: list[ActionItemView]
    carried_total: int


def open_actions_bounded(
    session: Session, *, manager_id: int, report_id: int, day: date, limit: int
) -> OpenActions:
    """The open action items raised in the pair's one-on-ones held before ``day``,
    split into overdue (due before ``day``) and the rest, the oldest first, at most
    ``limit`` of each: one query."""
    late = and_(col(ActionItem.due_date).is_not(None), col(ActionItem.due_date) < day)
    order = (col(OneOnOne.held_on), col(ActionItem.id))
    ranked = (
        select(
            col(ActionItem.id).label("id"),
            late.label("late"),
            func.row_number().over(partition_by=late, order_by=order).label("rn"),
            func.count().over(partition_by=late).label("total"),
        )
        .join(OneOnOne, col(OneOnOne.id) == col(ActionItem.one_on_one_id))
        .where(*_open_before(manager_id, report_id, day))
        .subquery("ranked")
    )
    query = (
        select(ActionItem, col(OneOnOne.held_on), col(Person.name), ranked.c.late, ranked.c.total)
        .join(ranked, ranked.c.id == col(ActionItem.id))
        .join(OneOnOne, col(OneOnOne.id) == col(ActionItem.one_on_one_id))
        .join(Person, col(Person.id) == col(ActionItem.owner_id))
        .where(ranked.c.rn <= limit)
        .order_by(*order)
    )
    rows = session.execute(query).all()
    overdue = [r for r in rows if r.late]
    carried = [r for r in rows if not r.late]
    return OpenActions(
        overdue=_action_views(overdue),
        overdue_total=int(overdue[0].total) if overdue else 0,
        carried=_action_views(carried),
        carried_total=int(carried[0].total) if carried else 0,
    )


def _views(session: Session, meetings: Sequence[Any]) -> list[OneOnOneView]:
    """Rows of (OneOnOne, manager name, report name, ...) as views with their tracks and
    action items: two more queries whatever the count (even none, so a page costs the
    same whatever the data)."""
    ids = [int(m.id) for m, *_ in meetings]
    author = aliased(Person)
    tracks: dict[int, list[TrackNoteView]] = {}
    for t, name in session.execute(
        select(TrackNote, col(author.name))
        .join(author, col(author.id) == col(TrackNote.author_id))
        .where(col(TrackNote.one_on_one_id).in_(ids))
        .order_by(col(TrackNote.created_at), col(TrackNote.id))
    ):
        tracks.setdefault(t.one_on_one_id, []).append(view_of(TrackNoteView, t, author=name))
    actions: dict[int, list[ActionItemView]] = {}
    for a in _actions(session, col(ActionItem.one_on_one_id).in_(ids)):
        actions.setdefault(a.one_on_one_id, []).append(a)
    return [
        view_of(
            OneOnOneView,
            m,
            manager=manager,
            report=report,
            tracks=tuple(tracks.get(int(m.id), ())),
            actions=tuple(actions.get(int(m.id), ())),
        )
        for m, manager, report, *_ in meetings
    ]


def _named(*where: ColumnElement[bool]) -> Select[OneOnOne, str, str]:
    """One-on-ones with the names of their two people, newest first."""
    manager, report = aliased(Person), aliased(Person)
    return (
        select(OneOnOne, col(manager.name), col(report.name))
        .join(manager, col(manager.id) == col(OneOnOne.manager_id))
        .join(report, col(report.id) == col(OneOnOne.report_id))
        .where(*where)
        .order_by(col(OneOnOne.held_on).desc(), col(OneOnOne.id).desc())
    )


def _of_pair(manager_id: int, report_id: int) -> list[ColumnElement[bool]]:
    return [col(OneOnOne.manager_id) == manager_id, col(OneOnOne.report_id) == report_id]


def get(session: Session, actor_id: int, *, one_on_one_id: int) -> OneOnOneView:
    actor = acting(session, actor_id)
    meeting = load(session, one_on_one_id)
    require_member(actor, meeting.manager_id, meeting.report_id)
    return _views(session, session.execute(_named(col(OneOnOne.id) == one_on_one_id)).all())[0]


def history(
    session: Session, actor_id: int, *, manager_id: int, report_id: int
) -> list[OneOnOneView]:
    """Every one-on-one of the pair, newest first, with notes, tracks and action items."""
    actor = acting(session, actor_id)
    require_member(actor, manager_id, report_id)
    return _views(session, session.execute(_named(*_of_pair(manager_id, report_id))).all())


def pair_actions(
    session: Session, actor_id: int, *, manager_id: int, report_id: int
) -> list[ActionItemView]:
    """Every action item of the pair, open and done, by the day of the meeting that
    raised it (oldest first): one query after the check."""
    actor = acting(session, actor_id)
    require_member(actor, manager_id, report_id)
    return _actions(session, *_of_pair(manager_id, report_id))


@dataclass(frozen=True)
class Meetings:
    """What the One-on-ones page shows of a pair's meetings: the one held on the day (if
    any), the one held on the day chosen (if any), the newest of all (for the export)
    and one page of those held before the day."""

    today: OneOnOneView | None
    latest: OneOnOneView | None
    past: Paged[OneOnOneView]
    chosen: OneOnOneView | None = None


def meetings(
    session: Session,
    actor_id: int,
    *,
    manager_id: int,
    report_id: int,
    day: date,
    window: Window,
    chosen: date | None = None,
) -> Meetings:
    """The pair's meeting on ``day`` and on ``chosen`` (a day the manager picked to
    record or edit), its newest meeting (by the day held) and one ``window`` of the ones
    held before ``day`` (newest first, with the total): five queries whatever the count.
    A page past the end reads the last page."""
    actor = acting(session, actor_id)
    require_member(actor, manager_id, report_id)
    pair = _of_pair(manager_id, report_id)
    earlier = [*pair, col(OneOnOne.held_on) < day]
    total = int(session.scalar(select(func.count()).select_from(OneOnOne).where(*earlier)) or 0)
    window = window.within(total)
    page_ids = (
        select(col(OneOnOne.id))
        .where(*earlier)
        .order_by(col(OneOnOne.held_on).desc(), col(OneOnOne.id).desc())
        .limit(window.size)
        .offset(window.offset)
    )
    on_page = col(OneOnOne.id).in_(page_ids)
    newest = select(func.max(OneOnOne.held_on)).where(*pair).scalar_subquery()
    days = [day] if chosen is None else [day, chosen]
    rows = session.execute(
        _named(
            *pair, or_(on_page, col(OneOnOne.held_on).in_(days), col(OneOnOne.held_on) == newest)
        ).add_columns(on_page.label("on_page"))
    ).all()
    views = dict(zip((int(r[0].id) for r in rows), _views(session, rows), strict=True))
    page = [views[int(r[0].id)] for r in rows if r.on_page]
    return Meetings(
        today=next((v for v in views.values() if v.held_on == day), None),
        latest=next(iter(views.values()), None),
        past=Paged(items=page, total=total, window=window),
        chosen=next((v for v in views.values() if v.held_on == chosen), None),
    )
