"""The audit log: every event, filterable by person, entity and date, exportable as CSV.
Managers only. The text of a one-on-one (its notes, track notes, action items) stays
private to its two people: another manager sees that it changed, not what it says.

pandas is imported by :func:`search`, which builds its table, not with the module: the
app's cached reads import this module on every page, and they do not load pandas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, text
from sqlmodel import Session, col

from team.models import ActionItem, Event, OneOnOne, Person, TrackNote
from team.services.core import exports
from team.services.core.actors import acting, require_manager

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["id", "at", "who", "entity", "entity_id", "action", "field", "old", "new"]
EXPORT_MAX = 200_000
PRIVATE = "(private to the one-on-one)"


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    entity: str | None = None
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive


def _where(f: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.actor_id is not None:
        where.append(col(Event.actor_id) == f.actor_id)
    if f.entity:
        where.append(col(Event.entity) == f.entity)
    if f.since is not None:
        where.append(col(Event.at) >= datetime.combine(f.since, time.min, tzinfo=UTC))
    if f.until is not None:
        end = datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=UTC)
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


def search(
    session: Session, actor_id: int, *, f: AuditFilter, limit: int = 500
) -> tuple[pd.DataFrame, int]:
    """The newest ``limit`` matching events and how many match in all."""
    import pandas as pd

    require_manager(acting(session, actor_id), "read the audit log")
    where = _where(f)
    hidden = _private_to_others(actor_id)
    total = int(session.scalar(select(func.count()).select_from(Event).where(*where)) or 0)
    query = (
        select(
            col(Event.id),
            col(Event.at),
            col(Person.name),
            col(Event.entity),
            col(Event.entity_id),
            col(Event.action),
            col(Event.field),
            case((hidden, literal(PRIVATE)), else_=col(Event.old_value)),
            case((hidden, literal(PRIVATE)), else_=col(Event.new_value)),
        )
        .outerjoin(Person, col(Person.id) == col(Event.actor_id))
        .where(*where)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=COLUMNS)
    return frame, total


def to_csv(session: Session, actor_id: int, *, f: AuditFilter) -> str:
    """Every matching event (up to EXPORT_MAX), oldest first, as CSV text safe to open in
    a spreadsheet."""
    frame, _total = search(session, actor_id, f=f, limit=EXPORT_MAX)
    rows = frame.iloc[::-1].itertuples(index=False)
    return exports.to_csv(COLUMNS, (list(row) for row in rows))
