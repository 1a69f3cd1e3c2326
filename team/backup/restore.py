"""Import an export (``team import``) into an empty database, keeping every id: all of
it or nothing.

Two passes over the file, each holding one record at a time: the first checks every
record and what lies across them (checks.py) and writes nothing; the second inserts
table by table in the order foreign keys point (models.TABLES), a batch at a time, in one
transaction. Foreign keys that point at rows not inserted yet (their own table or a
later one) go in as NULL and are set once every row exists."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from team.backup.checks import Checker
from team.backup.reader import DocumentSource, FileSource, Source
from team.backup.rules import Progress, Row, TableSpec, quiet, record, table_specs
from team.db import is_empty
from team.services.core.errors import InvalidInput

BATCH = 2_000  # rows a statement inserts


def _execute(conn: Connection, statement: Any, params: list[Row], table: str) -> None:
    try:
        conn.execute(statement, params)
    except (IntegrityError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise InvalidInput(
            f"Table '{table}': the database refused a record ({reason}); nothing was imported."
        ) from None


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_table(
    conn: Connection,
    spec: TableSpec,
    source: Source,
    patches: list[Row],
    tick: Callable[[int], None],
) -> None:
    """Insert every record of one table; its deferred keys are kept in ``patches``."""
    blank = dict.fromkeys(spec.deferred)

    def rows() -> Iterator[Row]:
        for index, value in enumerate(source.table(spec.name)):
            row = record(spec, index, value)
            if any(row[c] is not None for c in spec.deferred):
                patches.append({"_key": row[spec.key], **{c: row[c] for c in spec.deferred}})
            yield {**row, **blank}

    for batch in _batches(rows()):
        _execute(conn, insert(spec.table), batch, spec.name)
        tick(len(batch))


def _patch(conn: Connection, spec: TableSpec, patches: list[Row]) -> None:
    statement = update(spec.table).where(spec.table.c[spec.key] == bindparam("_key"))
    for start in range(0, len(patches), BATCH):
        _execute(conn, statement, patches[start : start + BATCH], spec.name)


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


def _check(source: Source, progress: Progress) -> dict[str, int]:
    checker = Checker()
    for done, item in enumerate(source.items(), start=1):
        checker.add(item.table, item.index, item.value)
        if done % 10_000 == 0:
            progress("Checking", done, None)
    counts = checker.finish()
    progress("Checking", sum(counts.values()), sum(counts.values()))
    return counts


def _load(session: Session, source: Source, total: int, progress: Progress) -> None:
    conn = session.connection()
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        progress("Importing", done, total)

    specs = table_specs()
    patches: dict[str, list[Row]] = {spec.name: [] for spec in specs}
    for spec in specs:
        _insert_table(conn, spec, source, patches[spec.name], tick)
    for spec in specs:
        _patch(conn, spec, patches[spec.name])
    _reset_sequences(conn)


def restore(session: Session, source: Source, *, progress: Progress = quiet) -> dict[str, int]:
    """Load ``source`` into an empty database: everything or nothing. Rows per table."""
    try:
        if not is_empty(session):
            raise InvalidInput(
                "The database already holds data; import loads only into an empty database."
            )
        counts = _check(source, progress)
        _load(session, source, sum(counts.values()), progress)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def import_file(session: Session, path: Path, *, progress: Progress = quiet) -> dict[str, int]:
    """``team import``: the export file at ``path``, streamed."""
    return restore(session, FileSource(path), progress=progress)


def import_data(session: Session, data: object) -> dict[str, int]:
    """A document already in memory (as ``json.load`` gives it)."""
    return restore(session, DocumentSource(data))
