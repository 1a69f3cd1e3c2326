"""What the search index costs on the database (the issue's goals, printed by
`team bench`, never asserted by a test):

- building the index for rows that already exist: migration 0004's own steps over the
  last size's rows (the index dropped first, untimed; the rest of the schema stays at
  head, as the app's writes need it);
- keeping the index in step on writes: the same realistic writes through the services
  with the index and without it. On SQLite the two are copies of the last size's file,
  one without the search triggers, written to in turns. On PostgreSQL the index (its
  ``<table>_fts`` tables and triggers) is not dropped and restored cheaply: the writes
  run with it, then without it (migration 0004's downgrade alone), and the timed
  rebuild comes last.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from random import Random
from types import ModuleType

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from team import db
from team.bench.targets import busiest_manager
from team.bench.texts import Texts
from team.models import Question
from team.services.findings.writes import FindingInput, edit_finding, log_finding
from team.vocabulary import QuestionStatus

WRITE_ROUNDS = 12  # per side
WRITES_PER_ROUND = 10  # each a finding logged and then edited: twice as many writes
SEED = 2026  # the written texts differ from the generated ones (seed 7), words alike
SEARCH_TRIGGER = re.compile(r"_fts_a[idu]$")  # the triggers migration 0004 adds


def _search_migration() -> ModuleType:
    """Migration 0004 (the search index) as a module, to run its steps on their own."""
    path = Path(db.__file__).parent / "migrations" / "versions" / "0004_search_index.py"
    spec = importlib.util.spec_from_file_location("team_search_index_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _search_step(engine: Engine, step: str) -> None:
    """Run migration 0004's ``upgrade`` or ``downgrade`` alone, in one transaction. The
    schema stays at head otherwise (the app's writes need the later tables), and so
    does the recorded revision."""
    migration = _search_migration()
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        getattr(migration, step)()


def drop_search_index(engine: Engine) -> None:
    """Take the search index away (its tables, triggers and functions), nothing else."""
    _search_step(engine, "downgrade")


def time_index_build(engine: Engine) -> float:
    """Seconds migration 0004 takes to build the index over the rows the database holds.
    The index is dropped first (untimed); the database is left at head."""
    drop_search_index(engine)
    return _index_upgrade(engine)


def _index_upgrade(engine: Engine) -> float:
    """Seconds migration 0004's own upgrade takes, on a database without the index."""
    start = time.perf_counter()
    _search_step(engine, "upgrade")
    return time.perf_counter() - start


# --------------------------------------------------------------------------- writes


@dataclass(frozen=True)
class WriteCost:
    """Ms a write takes (over the median round) with the index kept in step and
    without it."""

    writes: int  # timed, per side
    per_round: int
    with_index_ms: float
    without_index_ms: float
    in_turns: bool  # the sides taken in turns (SQLite) or one after the other

    @property
    def ratio(self) -> float:
        return self.with_index_ms / self.without_index_ms


@dataclass(frozen=True)
class PlannedWrite:
    question_id: int
    logged: FindingInput
    edited: FindingInput


def planned_writes(session: Session, count: int, seed: int = SEED) -> list[PlannedWrite]:
    """``count`` findings to log on questions still in scope, each with the edit that
    follows: the same list for each side of the comparison."""
    in_scope = (
        select(col(Question.id))
        .where(col(Question.status) != QuestionStatus.DROPPED)
        .order_by(col(Question.id))
    )
    ids = [i for i in session.scalars(in_scope) if i is not None]
    rng = Random(seed)
    text = Texts(rng)
    writes = []
    for i in range(count):
        summary = text.finding("result")
        edited = text.finding("caveat")
        link = (text.artifact(900_000 + i),)
        writes.append(
            PlannedWrite(
                ids[int(rng.random() * len(ids))],
                FindingInput(summary, text.finding_body(summary), link),
                FindingInput(edited, text.finding_body(edited), link),
            )
        )
    return writes


class Writer:
    """Writes the planned findings into one database, a round at a time, as a manager
    (who works on every question)."""

    def __init__(self, engine: Engine, manager_id: int, writes: list[PlannedWrite]) -> None:
        self.engine, self.manager_id, self.writes = engine, manager_id, writes
        self.next = 0
        self.rounds: list[float] = []

    def write(self, item: PlannedWrite) -> None:
        with Session(self.engine) as session:
            view = log_finding(
                session, self.manager_id, question_id=item.question_id, data=item.logged
            )
        with Session(self.engine) as session:
            edit_finding(
                session, self.manager_id, finding_id=view.id, version=view.version, data=item.edited
            )

    def round(self, size: int) -> None:
        """Time ``size`` of the planned writes (each a finding logged, then edited)."""
        items = self.writes[self.next : self.next + size]
        self.next += size
        start = time.perf_counter()
        for item in items:
            self.write(item)
        self.rounds.append((time.perf_counter() - start) * 1000)

    def per_write_ms(self, size: int) -> float:
        """The median round's time over its writes (two per finding)."""
        return statistics.median(self.rounds) / (2 * size)


def _writes(engine: Engine, rounds: int, per_round: int) -> tuple[int, list[PlannedWrite]]:
    with Session(engine) as session:
        manager = busiest_manager(session)
        if manager is None:
            raise ValueError("No manager in the data: the write cost needs one.")
        return manager, planned_writes(session, 1 + rounds * per_round)


def sqlite_copy(url: str, path: Path) -> str:
    """A consistent copy of the SQLite database at ``url`` (its WAL included) at
    ``path``; returns its URL."""
    source_path = make_url(url).database
    assert source_path is not None
    source, target = sqlite3.connect(source_path), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


def drop_search_triggers(engine: Engine) -> list[str]:
    """Drop the triggers that keep SQLite's search index in step; their names."""
    with engine.begin() as conn:
        names = [
            str(name)
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
            if SEARCH_TRIGGER.search(str(name))
        ]
        for name in names:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return names


def without_index_copy(url: str, path: Path) -> tuple[str, list[str]]:
    """A copy of the SQLite database at ``url`` at ``path`` whose search index is no
    longer kept in step (its triggers dropped); its URL and the triggers dropped."""
    copy = sqlite_copy(url, path)
    engine = db.make_engine(copy)
    try:
        return copy, drop_search_triggers(engine)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class IndexCosts:
    build_s: float
    writes: WriteCost


def _first_writes(writers: list[Writer]) -> None:
    """Untimed: the first write to a database opens it and warms its caches."""
    for writer in writers:
        writer.write(writer.writes[0])
        writer.next = 1


def sqlite_index_costs(
    url: str, folder: Path, rounds: int = WRITE_ROUNDS, per_round: int = WRITES_PER_ROUND
) -> IndexCosts:
    """On two copies of the database at ``url`` (which is left as it is), one without
    the search triggers: the same writes to each, a round at a time in turns; then the
    index built afresh on the other (timed). The build comes last: the large write it
    leaves behind (SQLite's write-ahead log) would slow the writes after it."""
    with_url = sqlite_copy(url, folder / "search-with-index.db")
    without_url, _dropped = without_index_copy(url, folder / "search-without-index.db")
    engines = [db.make_engine(with_url), db.make_engine(without_url)]
    try:
        manager, writes = _writes(engines[0], rounds, per_round)
        writers = [Writer(engine, manager, writes) for engine in engines]
        _first_writes(writers)
        for _ in range(rounds):
            for writer in writers:
                writer.round(per_round)
        build_s = time_index_build(engines[0])
        with_ms, without_ms = (w.per_write_ms(per_round) for w in writers)
        cost = WriteCost(rounds * per_round * 2, per_round * 2, with_ms, without_ms, True)
        return IndexCosts(build_s, cost)
    finally:
        for engine in engines:
            engine.dispose()
        for name in ("search-with-index.db", "search-without-index.db"):
            for suffix in ("", "-wal", "-shm"):
                (folder / f"{name}{suffix}").unlink(missing_ok=True)


def _checkpoint(engine: Engine) -> None:
    """Let PostgreSQL write out what came before (the generated data, a rebuild), so a
    checkpoint in the middle does not fall on one side only; skipped when the user may
    not (CHECKPOINT needs a superuser or pg_checkpoint)."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CHECKPOINT")
    except DBAPIError:
        pass


def postgres_index_costs(
    engine: Engine, rounds: int = WRITE_ROUNDS, per_round: int = WRITES_PER_ROUND
) -> IndexCosts:
    """In the database itself, which keeps the written findings and is left at head:
    the writes with the search index, then without it (taken back to 0003), then
    the rebuild (timed)."""
    manager, writes = _writes(engine, rounds, per_round)

    def one_side() -> float:
        _checkpoint(engine)
        writer = Writer(engine, manager, writes)
        _first_writes([writer])
        for _ in range(rounds):
            writer.round(per_round)
        return writer.per_write_ms(per_round)

    with_ms = one_side()
    drop_search_index(engine)
    without_ms = one_side()
    _checkpoint(engine)
    build_s = _index_upgrade(engine)
    cost = WriteCost(rounds * per_round * 2, per_round * 2, with_ms, without_ms, False)
    return IndexCosts(build_s, cost)


def index_costs(url: str, folder: Path) -> IndexCosts:
    """The build time and write cost of the search index over the database at ``url``."""
    if make_url(url).get_backend_name() == "sqlite":
        return sqlite_index_costs(url, folder)
    engine = db.make_engine(url)
    try:
        return postgres_index_costs(engine)
    finally:
        engine.dispose()
