"""Import an export (``team import``) into an empty database, keeping every id: all of
it or nothing.

Two passes over the file, each reading one record at a time: the first checks every
record and what lies across them (checks.py) and writes nothing; the second inserts
table by table in the order foreign keys point (models.TABLES), a batch at a time, in one
transaction. Foreign keys that point at rows not inserted yet (their own table or a
later one: a person's manager, a question's parent and root) go in as NULL and are set
once every row exists, from what the first pass kept of them (one small tuple per person
and per question; the rest of a record is never held beyond its batch)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from team.backup.bulk import batched, reset_sequences
from team.backup.checks import Checker
from team.backup.reader import Source
from team.backup.rules import Progress, Row, TableSpec, quiet, record, table_specs
from team.db import is_empty
from team.services.core.errors import InvalidInput

BATCH = 2_000  # rows a statement inserts or updates
Keys = dict[int, tuple[int | None, ...]]  # a table's deferred foreign keys, by record key
Deferred = dict[str, Keys]  # by table (Checker.deferred)


def _execute(conn: Connection, statement: Any, params: list[Row], table: str) -> None:
    try:
        conn.execute(statement, params)
    except (IntegrityError, DataError) as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise InvalidInput(
            f"Table '{table}': the database refused a record ({reason}); nothing was imported."
        ) from None


def _insert_table(
    conn: Connection, spec: TableSpec, source: Source, tick: Callable[[int], None]
) -> None:
    """Insert every record of one table, its deferred foreign keys left NULL."""
    blank = dict.fromkeys(spec.deferred)
    rows = (
        {**record(spec, index, value), **blank}
        for index, value in enumerate(source.table(spec.name))
    )
    for batch in batched(rows, BATCH):
        _execute(conn, insert(spec.table), batch, spec.name)
        tick(len(batch))


def _patch(conn: Connection, spec: TableSpec, deferred: Keys) -> None:
    """Set the deferred foreign keys of one table (rows that have none are left alone)."""
    statement = update(spec.table).where(spec.table.c[spec.key] == bindparam("_key"))
    params = (
        {"_key": key, **dict(zip(spec.deferred, values, strict=True))}
        for key, values in deferred.items()
        if any(value is not None for value in values)
    )
    for batch in batched(params, BATCH):
        _execute(conn, statement, batch, spec.name)


def _check(source: Source, progress: Progress) -> tuple[Deferred, dict[str, int]]:
    """Pass one: every record checked. What the second pass needs of it (the deferred
    foreign keys; the rest of what the checks kept is let go) and rows per table."""
    checker = Checker()
    for done, item in enumerate(source.items(), start=1):
        checker.add(item.table, item.index, item.value)
        if done % 10_000 == 0:
            progress("Checking", done, None)
    counts = checker.finish()
    progress("Checking", sum(counts.values()), sum(counts.values()))
    return checker.deferred, counts


def _load(
    session: Session, source: Source, deferred: Deferred, total: int, progress: Progress
) -> None:
    """Pass two: every row inserted, then the deferred foreign keys set."""
    conn = session.connection()
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        progress("Importing", done, total)

    specs = table_specs()
    for spec in specs:
        _insert_table(conn, spec, source, tick)
    for spec in specs:
        if spec.deferred:
            _patch(conn, spec, deferred[spec.name])
    reset_sequences(conn, [spec.table for spec in specs])


def restore(session: Session, source: Source, *, progress: Progress = quiet) -> dict[str, int]:
    """Load ``source`` into an empty database: everything or nothing. Rows per table."""
    try:
        if not is_empty(session):
            raise InvalidInput(
                "The database already holds data; import loads only into an empty database."
            )
        deferred, counts = _check(source, progress)
        _load(session, source, deferred, sum(counts.values()), progress)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def import_file(session: Session, path: Path, *, progress: Progress = quiet) -> dict[str, int]:
    """``team import``: the export file at ``path``, streamed."""
    return restore(session, Source.file(path), progress=progress)


def import_data(session: Session, data: object) -> dict[str, int]:
    """A document already in memory (as ``json.load`` gives it), read exactly as
    ``team import`` reads a file (tests, and anything that builds a document)."""
    return restore(session, Source.document(data))
