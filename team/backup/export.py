"""Export every table to one JSON document (``team export``), a row at a time.

The document is ``{"format": "team-export", "format_version": 1, "schema_revision": ...,
"tables": {name: [row, ...]}}`` with one object per row holding every column, ordered by
id. Columns are read from the table definitions, so a column added to a model is exported
(and checked on import, rules.py) without touching this module.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, func, select
from sqlmodel import Session, SQLModel

from team.backup.rules import FORMAT, FORMAT_VERSION, Progress, Row, quiet
from team.db import head_revision
from team.models import TABLES, table_of
from team.services.core.errors import InvalidInput


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(session: Session) -> Connection:
    """The session's connection, in a transaction that reads every table as of the same
    moment (else a row written while the export runs could be in the file while a row
    it refers to is not): on PostgreSQL a repeatable-read one when the session has none
    yet; on SQLite an explicit BEGIN, since Python's sqlite3 starts no transaction for
    reads (its first read fixes the snapshot; in WAL mode writers go on meanwhile)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and not session.in_transaction():
        return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    conn = session.connection()
    if dialect == "sqlite" and not getattr(
        conn.connection.driver_connection, "in_transaction", True
    ):
        conn.exec_driver_sql("BEGIN")
    return conn


def _rows(conn: Connection, model: type[SQLModel]) -> Iterator[Row]:
    """Every row of one table, by id, as JSON-able values, streamed (a batch at a
    time from the database, whatever the size of the table)."""
    table = table_of(model)
    query = select(table).order_by(*table.primary_key.columns)
    result = conn.execute(query, execution_options={"yield_per": 1_000})
    for row in result.mappings():
        yield {key: _json_value(value) for key, value in row.items()}


def export_data(session: Session) -> dict[str, Any]:
    """The whole document in memory (tests, and small teams): what write_export writes."""
    conn = _snapshot(session)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "tables": {table_of(m).name: list(_rows(conn, m)) for m in TABLES},
    }


def _write_document(session: Session, out: IO[str], progress: Progress) -> dict[str, int]:
    """Write the export to ``out`` a row at a time, exactly as ``json.dumps(document,
    indent=2, sort_keys=True, ensure_ascii=False)`` lays it out; rows per table."""
    conn = _snapshot(session)
    models = sorted(TABLES, key=lambda m: table_of(m).name)
    total = sum(
        int(conn.scalar(select(func.count()).select_from(table_of(m))) or 0) for m in models
    )
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": head_revision()}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "tables": {\n')
    counts, done = {}, 0
    for number, model in enumerate(models):
        name = table_of(model).name
        out.write(f"    {json.dumps(name)}: [")
        count = 0
        for row in _rows(conn, model):
            text = json.dumps(row, indent=2, sort_keys=True, ensure_ascii=False)
            out.write(("\n" if count == 0 else ",\n") + textwrap.indent(text, " " * 6))
            count += 1
            if count % 10_000 == 0:
                progress("Exporting", done + count, total)
        out.write(("\n    ]" if count else "]") + ("," if number < len(models) - 1 else "") + "\n")
        counts[name], done = count, done + count
        progress("Exporting", done, total)
    out.write("  }\n}\n")
    return counts


def write_export(session: Session, path: Path, *, progress: Progress = quiet) -> dict[str, int]:
    """Export everything to ``path``, a row at a time (memory stays small whatever the
    size), replacing it atomically: a reader never sees half a file. The file is
    readable by its owner only (it holds one-on-one notes). Rows per table."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            counts = _write_document(session, handle, progress)
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
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return counts
