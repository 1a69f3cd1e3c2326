"""Writing many rows with their ids given, for ``team import`` and the benchmark's
generator alike: rows a batch at a time, then the id sequences moved past the written
ids so the app's own inserts go on from there."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from sqlalchemy import Connection, Table, text

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), taken as they come."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """On PostgreSQL, make each table's id sequence continue after its highest id (on
    SQLite the next id already follows the highest)."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        (key,) = table.primary_key.columns
        name, column = quote(table.name), quote(key.name)
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :key), "
                f"COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {name}"
            ),
            {"table": name, "key": key.name},
        )
