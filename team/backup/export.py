"""Export every table to one JSON document (``team export``).

The document is ``{"format": "team-export", "format_version": 1, "schema_revision": ...,
"tables": {name: [row, ...]}}`` with one object per row holding every column, ordered by
id. Columns are read from the table definitions, so a column added to a model is exported
(and checked on import, rules.py) without touching this module.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session

from team.backup.rules import FORMAT, FORMAT_VERSION, Row
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
