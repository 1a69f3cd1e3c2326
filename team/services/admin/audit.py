"""The audit log: every event, filterable by person, kind of thing and date, exportable
as CSV, in words (audit_words.py: names, titles, labels, the viewer's local time, with
the zone named in the time's column header). Managers only. The text of a one-on-one
(its notes, track notes, action items) stays private to its two people: another manager
sees that it changed, not what it says.

pandas is imported by :func:`search`, which builds its table, not with the module: the
app's cached reads import this module on every page, and they do not load pandas."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, text
from sqlmodel import Session, col

from team.models import ActionItem, Event, OneOnOne, Person, TrackNote
from team.services.admin.audit_words import Raw, Words, headers, zone_of
from team.services.core import exports
from team.services.core.actors import acting, require_manager
from team.services.core.sql_time import aware

if TYPE_CHECKING:
    import pandas as pd

EXPORT_MAX = 200_000
BATCH = 5_000  # events put in words at a time in an export (a few queries each)
PRIVATE = "(private to the one-on-one)"


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    entity: str | None = None
    since: date | None = None  # inclusive, a day in ``zone``
    until: date | None = None  # inclusive, a day in ``zone``
    zone: str | None = None  # the viewer's time zone (IANA name); None or unknown: UTC


def _where(f: AuditFilter, zone: tzinfo) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.actor_id is not None:
        where.append(col(Event.actor_id) == f.actor_id)
    if f.entity:
        where.append(col(Event.entity) == f.entity)
    if f.since is not None:
        where.append(col(Event.at) >= datetime.combine(f.since, time.min, tzinfo=zone))
    if f.until is not None:
        end = datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=zone)
        where.append(col(Event.at) < end)
    return where


def _private_to_others(actor_id: int) -> ColumnElement[bool]:
    """Events that carry the text of a one-on-one ``actor_id`` is not part of."""
    mine = select(col(OneOnOne.id)).where(
        or_(col(OneOnOne.manager_id) == actor_id, col(OneOnOne.report_id) == actor_id)
    )
    tracks = select(col(TrackNote.id)).where(col(TrackNote.one_on_one_id).in_(mine))
    actions = select(col(ActionItem.id)).where(col(ActionItem.one_on_one_id).in_(mine))
    return or_(
        and_(col(Event.entity) == "one_on_one", col(Event.entity_id).not_in(mine)),
        and_(col(Event.entity) == "track_note", col(Event.entity_id).not_in(tracks)),
        and_(col(Event.entity) == "action_item", col(Event.entity_id).not_in(actions)),
    )


# The distinct entities by a loose index scan: one index probe per entity, not a pass
# over every event (SELECT DISTINCT reads the whole index).
_ENTITIES = text(
    "WITH RECURSIVE seen(entity) AS ("
    " SELECT MIN(entity) FROM event"
    " UNION ALL"
    " SELECT (SELECT MIN(e.entity) FROM event e WHERE e.entity > seen.entity)"
    " FROM seen WHERE seen.entity IS NOT NULL"
    ") SELECT entity FROM seen WHERE entity IS NOT NULL"
)


def entities(session: Session, actor_id: int) -> list[str]:
    """The kinds of thing the log has events about, in order."""
    require_manager(acting(session, actor_id), "read the audit log")
    return [str(e) for e in session.scalars(_ENTITIES)]


def _events(
    session: Session, actor_id: int, f: AuditFilter, zone: tzinfo, limit: int
) -> tuple[list[Raw], int]:
    """The newest ``limit`` matching events (newest first) and how many match in all."""
    where = _where(f, zone)
    hidden = _private_to_others(actor_id)
    total = int(session.scalar(select(func.count()).select_from(Event).where(*where)) or 0)
    query = (
        select(
            col(Event.at),
            col(Person.name),
            col(Event.entity),
            col(Event.entity_id),
            col(Event.action),
            col(Event.field),
            _unless(hidden, col(Event.old_value)),
            _unless(hidden, col(Event.new_value)),
            case((hidden, 1), else_=0),
        )
        .outerjoin(Person, col(Person.id) == col(Event.actor_id))
        .where(*where)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    return [_raw(row) for row in session.execute(query)], total


def _unless(hidden: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    """``value``, or (a value there, hidden from the reader) the word PRIVATE."""
    return case((and_(hidden, value.is_not(None)), literal(PRIVATE)), else_=value)


def _raw(row: Any) -> Raw:
    at, actor, entity, entity_id, action, field, old, new, hidden = row
    moment = aware(at)
    assert moment is not None
    return Raw(moment, actor, entity, int(entity_id), action, field, old, new, bool(hidden))


def search(
    session: Session, actor_id: int, *, f: AuditFilter, limit: int = 500
) -> tuple[pd.DataFrame, int]:
    """The newest ``limit`` matching events in words, newest first (the time column's
    header names the zone), and how many match in all."""
    import pandas as pd

    require_manager(acting(session, actor_id), "read the audit log")
    zone, name = zone_of(f.zone)
    events, total = _events(session, actor_id, f, zone, limit)
    words = Words(session, events, zone)
    return pd.DataFrame([words.row(e) for e in events], columns=headers(name)), total


def _in_words(session: Session, events: Sequence[Raw], zone: tzinfo) -> Iterator[list[object]]:
    for start in range(0, len(events), BATCH):
        batch = events[start : start + BATCH]
        words = Words(session, batch, zone)
        yield from (words.row(e) for e in batch)


def to_csv(session: Session, actor_id: int, *, f: AuditFilter) -> str:
    """Every matching event (up to EXPORT_MAX), oldest first, in words as the page shows
    them, as CSV text safe to open in a spreadsheet."""
    require_manager(acting(session, actor_id), "read the audit log")
    zone, name = zone_of(f.zone)
    events, _total = _events(session, actor_id, f, zone, EXPORT_MAX)
    return exports.to_csv(headers(name), _in_words(session, events[::-1], zone))
