"""What notifications cost (the issue's goals, printed by `team bench`, never asserted by
a test), at the last size:

- on writes: the same kinds of realistic writes through the services (a question
  assigned to an IC, a note on an IC's finding, a review asked of an IC: each makes one
  notification) with the outbox and without it. The outbox runs just before each commit
  (``_notify_before_commit`` in team/services/core/events.py); for the side without it,
  this harness alone swaps the ``write_notifications`` that module calls for a no-op.
  Rounds of the two sides are taken in turns in one database (on SQLite a copy of the
  last size's file; on PostgreSQL the database itself), each side with writes of its own;
- the drain: 10,000 notifications queued for people who want webhooks at once, sent by
  the real worker (`team notify` in a subprocess) to a webhook receiver on loopback
  (receiver.py), timed from start to exit and counted at the receiver (drain.py).
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any, TextIO

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session, col

from team import db
from team.bench.drain import DRAIN_COUNT, drain_at, drain_lines
from team.bench.index_costs import sqlite_copy
from team.bench.report import MAX_COLD_RATIO, MAX_STATEMENTS, MAX_WARM_RATIO, rows_of
from team.bench.runner import SizeResult
from team.bench.targets import busiest_manager
from team.bench.texts import Texts
from team.models import Finding, Notification, Person, Question
from team.services.core import events
from team.services.notes.writes import add_note
from team.services.questions.writes import assign
from team.services.reviews.writes import ReviewInput, request_review
from team.vocabulary import QuestionStatus, Role

WRITE_ROUNDS = 40  # per side
WRITES_PER_ROUND = 10  # each an assignment, a note and a review request: three writes
SEED = 1616
WRITE_GOAL_RATIO = 1.2
COPY_NAME = "notify-writes.db"
INBOX_PAGE = "attention"
OUTBOX_CALL = "write_notifications"  # what events.py calls just before a commit


@dataclass(frozen=True)
class PlannedWrite:
    """Three writes, each concerning an IC other than the acting manager."""

    question_id: int  # assigned to ``ic``
    ic: int
    finding_id: int  # a note on it (an IC's finding)
    note: str
    review_question_id: int  # a review of it asked of ``reviewer``
    reviewer: int
    artifact: str


def _ids(session: Session, query: Select[Any]) -> list[int]:
    return [int(i) for i in session.scalars(query) if i is not None]


def planned_writes(
    session: Session, manager: int, count: int, seed: int = SEED
) -> list[PlannedWrite]:
    """``count`` groups of writes, each on questions and findings of its own."""
    ics = _ids(
        session,
        select(col(Person.id)).where(col(Person.role) == Role.IC, col(Person.active)),
    )
    if len(ics) < 2:
        raise ValueError("The write cost of notifications needs two active ICs.")
    in_scope = select(col(Question.id)).where(
        col(Question.status).not_in([QuestionStatus.DROPPED, QuestionStatus.ANSWERED])
    )
    questions = _ids(session, in_scope.order_by(col(Question.id)))
    findings = _ids(
        session,
        select(col(Finding.id)).where(col(Finding.author_id).in_(ics)).order_by(col(Finding.id)),
    )
    assignees = dict(session.execute(select(col(Question.id), col(Question.assignee_id))).all())
    rng = Random(seed)
    text = Texts(rng)
    picked = rng.sample(questions, min(len(questions), 2 * count))
    noted = rng.sample(findings, min(len(findings), count))
    writes = []
    for i in range(count):
        question = picked[(2 * i) % len(picked)]
        ic = rng.choice([p for p in ics if p != assignees.get(question)])
        writes.append(
            PlannedWrite(
                question,
                ic,
                noted[i % len(noted)],
                text.note("comment"),
                picked[(2 * i + 1) % len(picked)],
                rng.choice(ics),
                text.artifact(800_000 + i),
            )
        )
    return writes


def _no_notifications(_session: Session, _events: object, _held: object = None) -> int:
    return 0


@contextmanager
def outbox(on: bool) -> Iterator[None]:
    """The outbox as it is (``on``), or skipped for the duration (bench harness only)."""
    if on:
        yield
        return
    kept = getattr(events, OUTBOX_CALL)
    setattr(events, OUTBOX_CALL, _no_notifications)
    try:
        yield
    finally:
        setattr(events, OUTBOX_CALL, kept)


class Writer:
    """One side: its planned writes as a manager, with or without the outbox, a round at
    a time."""

    PER_ITEM = 3

    def __init__(self, engine: Engine, manager: int, writes: list[PlannedWrite], on: bool) -> None:
        self.engine, self.manager, self.writes, self.on = engine, manager, writes, on
        self.next = 0
        self.rounds: list[float] = []

    def write(self, item: PlannedWrite) -> None:
        with Session(self.engine) as session:
            question = session.get(Question, item.question_id)
            assert question is not None
            assign(
                session,
                self.manager,
                question_id=item.question_id,
                version=question.version,
                assignee_id=item.ic,
            )
        with Session(self.engine) as session:
            add_note(
                session, self.manager, target="finding", target_id=item.finding_id, body=item.note
            )
        with Session(self.engine) as session:
            data = ReviewInput(item.review_question_id, item.reviewer, item.artifact)
            request_review(session, self.manager, data=data)

    def warm(self) -> None:
        """Untimed: the first writes open connections and warm caches."""
        with outbox(self.on):
            self.write(self.writes[0])
        self.next = 1

    def round(self, size: int) -> None:
        items = self.writes[self.next : self.next + size]
        self.next += size
        with outbox(self.on):
            start = time.perf_counter()
            for item in items:
                self.write(item)
            self.rounds.append((time.perf_counter() - start) * 1000)

    def per_write_ms(self, size: int) -> float:
        return statistics.median(self.rounds) / (self.PER_ITEM * size)


@dataclass(frozen=True)
class WriteCost:
    """Ms a write takes (over the median round) with the outbox and without it, and
    the ratio: the median of each pair of rounds taken one after the other (a change in
    the machine's load between pairs falls on both sides of each)."""

    writes: int  # timed, per side
    per_round: int
    with_ms: float
    without_ms: float
    notifications: int  # written by the side with the outbox
    ratio: float


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Notification)) or 0)


def write_cost(
    engine: Engine, rounds: int = WRITE_ROUNDS, per_round: int = WRITES_PER_ROUND
) -> WriteCost:
    """The two sides' rounds in turns (which goes first alternates) in this database."""
    total = 1 + rounds * per_round
    with Session(engine) as session:
        manager = busiest_manager(session)
        if manager is None:
            raise ValueError("No manager in the data: the write cost needs one.")
        planned = planned_writes(session, manager, 2 * total)
    sides = [
        Writer(engine, manager, planned[0::2], on=True),
        Writer(engine, manager, planned[1::2], on=False),
    ]
    for side in sides:
        side.warm()
    before = _count(engine)
    for number in range(rounds):
        for side in sides if number % 2 == 0 else sides[::-1]:
            side.round(per_round)
    made = _count(engine) - before
    with_ms, without_ms = (s.per_write_ms(per_round) for s in sides)
    paired = statistics.median(a / b for a, b in zip(*(s.rounds for s in sides), strict=True))
    per_item = Writer.PER_ITEM
    return WriteCost(
        rounds * per_round * per_item, per_round * per_item, with_ms, without_ms, made, paired
    )


def notify_write_cost(
    url: str, folder: Path, rounds: int = WRITE_ROUNDS, per_round: int = WRITES_PER_ROUND
) -> WriteCost:
    """The write cost over the database at ``url``: on SQLite in a copy (left out of the
    way afterwards), on PostgreSQL in the database itself."""
    sqlite = make_url(url).get_backend_name() == "sqlite"
    target = sqlite_copy(url, folder / COPY_NAME) if sqlite else url
    engine = db.make_engine(target)
    try:
        return write_cost(engine, rounds, per_round)
    finally:
        engine.dispose()
        if sqlite:
            for suffix in ("", "-wal", "-shm"):
                (folder / f"{COPY_NAME}{suffix}").unlink(missing_ok=True)


def _goal(met: bool) -> str:
    return "met" if met else "MISSED"


def write_lines(size: str, cost: WriteCost, backend: str) -> list[str]:
    return [
        f"write cost of notifications at {size}: {cost.writes} writes a side (a question "
        f"assigned to an IC, a note on an IC's finding, a review asked of an IC, through the "
        f"services; {cost.per_round} a round, rounds in turns in {backend}, median round): "
        f"with the outbox {cost.with_ms:.1f} ms a write ({cost.notifications} notifications "
        f"written), without it {cost.without_ms:.1f} ms; median of the paired rounds' "
        f"ratios {cost.ratio:.2f}x; goal <= "
        f"{WRITE_GOAL_RATIO}x, {_goal(cost.ratio <= WRITE_GOAL_RATIO)}"
    ]


# --------------------------------------------------------------------------- the inbox


def inbox_lines(results: list[SizeResult]) -> list[str]:
    """The inbox ("Needs my attention", whose first tab it is) against the page targets
    the table marks: warm and cold ratio, statements per run, statements that grow."""
    rows = [r for r in rows_of(results) if r.target.page == INBOX_PAGE]
    if not rows or len(results) < 2:
        return []
    first, last = results[0].size.name, results[-1].size.name
    lines = []
    for row in rows:
        warm, cold = row.ratio(True), row.ratio(False)
        most, _lower = row.most_statements()
        sample = row.samples[-1]
        met = (
            warm is not None
            and cold is not None
            and warm[0] <= MAX_WARM_RATIO
            and cold[0] <= MAX_COLD_RATIO
            and most <= MAX_STATEMENTS
            and not row.grows()
        )
        shown = (
            "-" if sample is None else f"warm {sample.warm_ms:.0f} ms, cold {sample.cold_ms:.0f} ms"
        )
        lines.append(
            f"  {row.target.role.value}: at {last} {shown}; {last}/{first} warm "
            f"{_ratio(warm)}, cold {_ratio(cold)}; at most {most} statements"
            f"{' (growing)' if row.grows() else ''}; {_goal(met)}"
        )
    return [
        f"inbox page at {last} (Needs my attention, its Inbox tab first; targets: warm "
        f"<= {MAX_WARM_RATIO}x, cold <= {MAX_COLD_RATIO}x, <= {MAX_STATEMENTS} statements "
        "that do not grow):",
        *lines,
    ]


def _ratio(found: tuple[float, bool] | None) -> str:
    if found is None:
        return "-"
    return f"{'>' if found[1] else ''}{found[0]:.2f}x"


# --------------------------------------------------------------------------- in `team bench`


class NotifyCosts:
    """The notification goals in a `team bench` run: at the last size (``after``) the
    write cost and the drain; in the report (``lines``) those and the inbox page."""

    def __init__(
        self,
        progress: TextIO | None = None,
        *,
        rounds: int = WRITE_ROUNDS,
        per_round: int = WRITES_PER_ROUND,
        drain_count: int = DRAIN_COUNT,
    ) -> None:
        self.progress = progress
        self.rounds, self.per_round, self.drain_count = rounds, per_round, drain_count
        self.found: list[str] = []

    def _say(self, message: str) -> None:
        if self.progress is not None:
            print(message, file=self.progress, flush=True)

    def after(self, results: list[SizeResult], folder: Path) -> None:
        last = results[-1]
        size, url = last.size.name, last.url
        sqlite = make_url(url).get_backend_name() == "sqlite"
        where = "a copy of its file" if sqlite else "the database itself"
        self._say(f"{size}: timing writes with and without notifications")
        cost = notify_write_cost(url, folder, self.rounds, self.per_round)
        self.found += write_lines(size, cost, where)
        self._say(f"{size}: draining {self.drain_count:,} notifications through `team notify`")
        try:
            self.found += drain_lines(size, drain_at(url, folder, self.drain_count))
        except subprocess.TimeoutExpired as exc:
            self.found.append(
                f"notify drain at {size}: `team notify` was stopped after {exc.timeout:.0f} s"
            )

    def lines(self, results: list[SizeResult]) -> list[str]:
        found = self.found + inbox_lines(results)
        if not found:
            return []
        return [
            "notifications (the issue's goals, measured in this run):",
            *(f"  {f}" for f in found),
        ]
