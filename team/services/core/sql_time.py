"""Time arithmetic in SQL that reads the same on SQLite and PostgreSQL (no pandas, so
the pages that only need these do not pay for importing it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Float, Integer, cast, extract, func, literal
from sqlmodel import Session

TIMESTAMP = DateTime(timezone=True)


def hours_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    """``end - start`` in hours, as SQL (julianday on SQLite, epoch on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(extract("epoch", end - start), Float) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def at(value: datetime) -> ColumnElement[datetime]:
    """A timestamp bound with the column type, so SQLite compares like with like."""
    return literal(value, TIMESTAMP)


def whole_weeks(session: Session, hours: ColumnElement[Any]) -> ColumnElement[int]:
    """How many whole weeks ``hours`` (not negative) make, as an SQL integer."""
    weeks = hours / 168.0
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(weeks), Integer)
    return cast(weeks, Integer)  # SQLite truncates toward zero: the floor, for hours >= 0


def aware(value: datetime | str | None) -> datetime | None:
    """A timestamp as read back: SQLite hands back naive ones (and aggregates bypass the
    column type, so may hand back text); put the UTC zone back on."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
