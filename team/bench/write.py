"""Writing the generated rows fast, inside the caller's transaction.

Per-row work in SQLAlchemy's executemany (building each parameter set, running each
type's bind processor) costs more than the generation itself at a million rows, so
each value is converted once here, to what the driver stores, and the rows go straight
to the driver: one ``executemany`` per table, fed by a generator, on SQLite (with a
large page cache while writing); ``COPY ... FROM STDIN`` on PostgreSQL. Each table's
plain indexes are built after its rows are in. Any other database gets SQLAlchemy Core
``insert()`` with lists of dicts.

Values are stored exactly as the app's own writes store them: timestamps as aware UTC
(on SQLite the text SQLAlchemy writes, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC), dates in
ISO form, JSON as JSON text.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table, insert, text
from sqlalchemy.types import TypeDecorator, TypeEngine

from team.backup.bulk import batched
from team.bench.plan import Row

CHUNK = 10_000
_EPOCH = date(1970, 1, 1)
SQLITE_CACHE_KIB = 256 * 1024
Convert = Callable[[Any], Any] | None


def _base(sql_type: TypeEngine[Any]) -> TypeEngine[Any]:
    return sql_type.impl_instance if isinstance(sql_type, TypeDecorator) else sql_type


@functools.cache
def _day_text(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).isoformat()


def _sqlite_time(value: float) -> str:
    """The text SQLAlchemy stores on SQLite for this UTC moment, built by hand (three
    times faster than through a datetime)."""
    micros = round(value * 1_000_000)
    day, rest = divmod(micros, 86_400_000_000)
    seconds, micro = divmod(rest, 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_day_text(day)} {hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}"


def _aware_time(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _iso_day(value: date) -> str:
    return value.isoformat()


def _converters(table: Table, dialect: str) -> list[Convert]:
    """Per column, how a generated value becomes what the driver is given."""
    out: list[Convert] = []
    for column in table.columns:
        base = _base(column.type)
        if isinstance(base, DateTime):
            out.append(_sqlite_time if dialect == "sqlite" else _aware_time)
        elif isinstance(base, JSON) and dialect in ("sqlite", "postgresql"):
            out.append(json.dumps)
        elif isinstance(base, Date) and dialect == "sqlite":
            out.append(_iso_day)
        else:
            out.append(None)
    return out


def _values(rows: list[Row], table: Table, dialect: str) -> Iterator[list[Any]]:
    """Each row's values in column order, converted for the driver."""
    take = itemgetter(*(c.name for c in table.columns))
    converted = [(i, f) for i, f in enumerate(_converters(table, dialect)) if f is not None]
    for row in rows:
        values = list(take(row))
        for index, convert in converted:
            if values[index] is not None:
                values[index] = convert(values[index])
        yield values


def _quoted(conn: Connection, table: Table) -> tuple[str, str]:
    quote = conn.dialect.identifier_preparer.quote
    return quote(table.name), ", ".join(quote(c.name) for c in table.columns)


def _sqlite(conn: Connection, table: Table, rows: list[Row]) -> None:
    name, columns = _quoted(conn, table)
    marks = ", ".join("?" * len(table.columns))
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:  # sqlite3 reads the rows from the generator as it goes: one statement
        cursor.executemany(
            f"INSERT INTO {name} ({columns}) VALUES ({marks})", _values(rows, table, "sqlite")
        )
    finally:
        cursor.close()


def _postgresql(conn: Connection, table: Table, rows: list[Row]) -> None:
    name, columns = _quoted(conn, table)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        for values in _values(rows, table, "postgresql"):
            copy.write_row(values)


def _core(conn: Connection, table: Table, rows: list[Row]) -> None:
    names = [c.name for c in table.columns]
    for chunk in batched(_values(rows, table, conn.dialect.name), CHUNK):
        conn.execute(insert(table), [dict(zip(names, values, strict=True)) for values in chunk])


_INDEXES = {
    # Plain indexes (not those behind a primary key or unique constraint): name, definition.
    "sqlite": (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
        "AND sql IS NOT NULL"
    ),
    "postgresql": (
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = :table AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    ),
}


def _in_transaction(conn: Connection) -> bool:
    """Whether DDL would be rolled back with the rows. Python's sqlite3 opens its
    transaction only at the first INSERT, and runs DDL before that on its own."""
    if conn.dialect.name != "sqlite":
        return True
    return bool(getattr(conn.connection.driver_connection, "in_transaction", False))


@contextmanager
def _indexes_rebuilt(conn: Connection, table: Table) -> Iterator[None]:
    """Drop the table's plain indexes while it is filled and build them again after:
    one sort per index instead of a B-tree insert per row and index (the database's
    own definitions are kept and replayed, whatever migrations made them)."""
    query = _INDEXES.get(conn.dialect.name)
    if query is None or not _in_transaction(conn):
        yield
        return
    found = conn.execute(text(query), {"table": table.name}).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in found:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _, definition in found:
        conn.exec_driver_sql(definition)


def write_tables(conn: Connection, tables: list[Table], rows: dict[str, list[Row]]) -> None:
    """Insert ``rows`` (by table name) table by table, in ``tables`` order."""
    dialect = conn.dialect.name
    writer = {"sqlite": _sqlite, "postgresql": _postgresql}.get(dialect, _core)
    if dialect == "sqlite":
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        for table in tables:
            if rows.get(table.name):
                with _indexes_rebuilt(conn, table):
                    writer(conn, table, rows[table.name])
    finally:
        if dialect == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")
