"""The database's own INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL both
have it; SQLAlchemy spells it per dialect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignore(session: Session, table: Table) -> Any:
    """``INSERT INTO table ... ON CONFLICT DO NOTHING`` for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def inserted(session: Session, statement: Any, table: Table) -> int:
    """Run an insert-or-ignore and say how many rows it added. Counted from RETURNING:
    psycopg reports no row count (-1) for these statements."""
    return len(session.execute(statement.returning(table.c.id)).all())
