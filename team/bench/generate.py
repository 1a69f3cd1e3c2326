"""Fill an empty, migrated database with a generated organisation of a given size, for
benchmarks: people and projects, question trees, findings, reviews, notes, answer
versions with citations, the decisions some of them informed, one-on-ones, the event
log and the notifications it calls for (notices.py), over the two years that end at the
start (UTC) of ``today``.

Rows are built in memory with their ids assigned up front (so children name their
parents without a round trip), then bulk-written table by table (write.py) in one
transaction: either everything is written or nothing. On PostgreSQL the id sequences
are moved past the written ids, so the app's own inserts work afterwards. The same
seed and day give the same organisation.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Connection, Engine, Table, func, select

from team.backup.bulk import reset_sequences
from team.bench.decisions import build_decisions
from team.bench.eventlog import build_events
from team.bench.meetings import build_meetings
from team.bench.notes import build_notes
from team.bench.notices import build_follows, build_notifications
from team.bench.people import build_people, build_projects
from team.bench.plan import Plan
from team.bench.sizes import SIZES, Size, check_size, scaled
from team.bench.synthesis import build_answers
from team.bench.trees import build_trees, question_rows
from team.bench.work import build_findings, build_reviews
from team.bench.write import write_tables
from team.db import check_schema
from team.models import TABLES, table_of, utcnow
from team.services.core.errors import InvalidInput


def _tables() -> list[Table]:
    return [table_of(model) for model in TABLES]


def plan_organisation(size: Size, *, seed: int = 7, today: date | None = None) -> Plan:
    """Every row of the organisation, in memory (times still as POSIX seconds)."""
    check_size(size)
    with _no_gc():
        return _plan(size, seed, today or utcnow().date())


@contextmanager
def _no_gc() -> Iterator[None]:
    """Without the cyclic garbage collector: the rows hold no cycles, and its full
    passes over a million live objects would double the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _plan(size: Size, seed: int, today: date) -> Plan:
    plan = Plan(size, seed, today)
    build_people(plan)
    build_projects(plan)
    nodes = build_trees(plan)
    question_rows(plan, nodes)
    findings = build_findings(plan, nodes)
    reviews = build_reviews(plan, nodes, findings)
    answers = build_answers(plan, nodes, findings)
    build_decisions(plan, answers, reviews)
    build_notes(plan, nodes, findings, reviews, answers)
    build_meetings(plan)
    build_events(plan, nodes)
    build_follows(plan)
    build_notifications(plan, nodes)
    return plan


def _refuse_unless_empty(conn: Connection) -> None:
    for table in _tables():
        if conn.execute(select(table.c.id).limit(1)).first() is not None:
            raise InvalidInput(
                f"The database already holds data (table '{table.name}' is not empty); the "
                "benchmark generator fills only an empty, migrated database. Point it at a "
                "new database."
            )


def count_rows(conn: Connection) -> dict[str, int]:
    return {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in _tables()
    }


def generate(
    engine: Engine, size: Size, *, seed: int = 7, today: date | None = None
) -> dict[str, int]:
    """Fill the empty, migrated database behind ``engine`` with an organisation of
    ``size``; returns the rows written per table (counted in the database).

    Raises ValueError for a size that cannot be generated, InvalidInput (a TeamError)
    when the database already holds data, and DatabaseError when it is not migrated."""
    check_size(size)
    check_schema(engine)
    with engine.connect() as conn:
        _refuse_unless_empty(conn)
    plan = plan_organisation(size, seed=seed, today=today)
    with _no_gc(), engine.begin() as conn:
        _refuse_unless_empty(conn)
        write_tables(conn, _tables(), plan.rows)
        reset_sequences(conn, _tables())
        return count_rows(conn)


def expected_counts(size: Size) -> dict[str, int]:
    """The rows ``generate`` writes per table that ``size`` fixes (the others, such as
    citations, track notes and action items, follow from the generated data)."""
    return {
        "person": size.people,
        "project": size.projects,
        "question": size.questions,
        "finding": size.findings,
        "review_request": size.review_requests,
        "note": size.notes,
        "answer": size.answer_versions,
        "one_on_one": size.one_on_ones,
        "event": size.events,
    }


__all__ = ["SIZES", "Size", "expected_counts", "generate", "plan_organisation", "scaled"]
