"""The audit log: every event, filterable by person, entity and date, exportable as CSV.
Managers only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from team.models import Event, Person
from team.services.people import acting, require_manager

COLUMNS = ["id", "at", "who", "entity", "entity_id", "action", "field", "old", "new"]
EXPORT_MAX = 200_000


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


def entities(session: Session, actor_id: int) -> list[str]:
    require_manager(acting(session, actor_id), "read the audit log")
    query = select(col(Event.entity)).distinct().order_by(col(Event.entity))
    return [str(e) for e in session.scalars(query)]


def search(
    session: Session, actor_id: int, f: AuditFilter, *, limit: int = 500
) -> tuple[pd.DataFrame, int]:
    """The newest ``limit`` matching events and how many match in all."""
    require_manager(acting(session, actor_id), "read the audit log")
    where = _where(f)
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
            col(Event.old_value),
            col(Event.new_value),
        )
        .outerjoin(Person, col(Person.id) == col(Event.actor_id))
        .where(*where)
        .order_by(col(Event.at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=COLUMNS)
    return frame, total


def to_csv(session: Session, actor_id: int, f: AuditFilter) -> str:
    """Every matching event (up to EXPORT_MAX), oldest first, as CSV text."""
    frame, _total = search(session, actor_id, f, limit=EXPORT_MAX)
    frame = frame.iloc[::-1]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in frame.itertuples(index=False):
        values = list(row)
        values[1] = values[1].isoformat() if isinstance(values[1], datetime) else values[1]
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()
