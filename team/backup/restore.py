"""Import an export (``team import``) into an empty database: the whole file is checked
against the rules (rules.py) before anything is written; every id is kept; everything is
loaded or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from team.backup.rules import Row, table_specs, validated
from team.db import is_empty
from team.services.core.errors import InvalidInput


def read_import(path: Path) -> object:
    """The parsed JSON of ``path``, or InvalidInput saying why it cannot be read."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file; check the path.") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text; is this a team export file?") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}."
        ) from None


def _execute(conn: Connection, statement: Any, params: list[Row], table: str) -> None:
    try:
        conn.execute(statement, params)
    except (IntegrityError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise InvalidInput(
            f"Table '{table}': the database refused a record ({reason}); nothing was imported."
        ) from None


def _insert(conn: Connection, rows: dict[str, list[Row]]) -> None:
    """Insert table by table; foreign keys that point at rows not inserted yet (their
    own table or a later one) go in as NULL and are set once every row exists."""
    specs = table_specs()
    for spec in specs:
        if rows[spec.name]:
            blank = dict.fromkeys(spec.deferred)
            params = [{**row, **blank} for row in rows[spec.name]]
            _execute(conn, insert(spec.table), params, spec.name)
    for spec in specs:
        patches = [
            {"_key": row[spec.key], **{c: row[c] for c in spec.deferred}}
            for row in rows[spec.name]
            if any(row[c] is not None for c in spec.deferred)
        ]
        if patches:
            statement = update(spec.table).where(spec.table.c[spec.key] == bindparam("_key"))
            _execute(conn, statement, patches, spec.name)


def _reset_sequences(conn: Connection) -> None:
    """On PostgreSQL, make each id sequence continue after the highest imported id."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for spec in table_specs():
        table, key = quote(spec.name), quote(spec.key)
        conn.execute(
            sql_text(
                f"SELECT setval(pg_get_serial_sequence(:table, :key), "
                f"COALESCE(MAX({key}), 1), MAX({key}) IS NOT NULL) FROM {table}"
            ),
            {"table": table, "key": spec.key},
        )


def import_data(session: Session, data: object) -> dict[str, int]:
    """Load an export into an empty database, keeping ids: everything or nothing.
    Returns rows per table."""
    try:
        if not is_empty(session):
            raise InvalidInput(
                "The database already holds data; import loads only into an empty database."
            )
        rows = validated(data)
        conn = session.connection()
        _insert(conn, rows)
        _reset_sequences(conn)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {name: len(table_rows) for name, table_rows in rows.items()}
