"""Export every table to one JSON document, and import such a document into an empty
database.

The document is ``{"format": "team-export", "format_version": 1, "schema_revision": ...,
"tables": {name: [row, ...]}}`` with one object per row holding every column, ordered by
id. Columns are read from the table definitions, so a column added to a model is exported
(and checked on import) without touching this module. An import checks the whole file
before it writes anything, keeps every id, and either loads everything or nothing. The
rules that check are in team.backup.rules.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from team.backup.rules import (
    FORMAT,
    FORMAT_VERSION,
    Row,
    table_of,
    table_specs,
    validated,
)
from team.db import head_revision, is_empty
from team.models import TABLES
from team.services.core.errors import InvalidInput

# --------------------------------------------------------------------------- export


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(session: Session) -> Connection:
    """The session's connection; on PostgreSQL a repeatable-read transaction when the
    session has none yet, so every table is read as of the same moment."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session.connection()


def export_data(session: Session) -> dict[str, Any]:
    """Every row of every table as plain JSON-able values (one query per table)."""
    conn = _snapshot(session)
    tables: dict[str, list[Row]] = {}
    for model in TABLES:
        table = table_of(model)
        result = conn.execute(select(table).order_by(*table.primary_key.columns))
        tables[table.name] = [
            {key: _json_value(value) for key, value in row.items()} for row in result.mappings()
        ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "tables": tables,
    }


def _write_atomically(path: Path, content: str) -> None:
    """Write to a temporary file next to ``path`` and move it into place, so a reader
    never sees half a file. The file is readable by its owner only (it holds
    one-on-one notes)."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(
            f"Cannot write {path} ({exc.strerror}); pick a folder that exists and that "
            "you may write to."
        ) from None


def write_export(session: Session, path: Path) -> dict[str, int]:
    """Export everything to ``path`` (replacing it atomically); rows per table."""
    data = export_data(session)
    _write_atomically(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return {name: len(rows) for name, rows in data["tables"].items()}


# --------------------------------------------------------------------------- reading


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


# --------------------------------------------------------------------------- import


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


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Row",
    "export_data",
    "import_data",
    "read_import",
    "write_export",
]
