"""The benchmark's notification parts: the generated inbox (the outbox's rules, read
state, nothing left for the worker to send), the write cost (the side without the
outbox really writes none), the drain (the real `team notify` delivers each queued
notification to the receiver once), and the report lines. Nothing here asserts a
duration."""

from __future__ import annotations

import functools
import io
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, Engine, func, select
from sqlmodel import Session, col

from team import db
from team.bench import command, notify_costs
from team.bench.command import bench
from team.bench.drain import Drain, drain, drain_at, drain_lines
from team.bench.generate import generate
from team.bench.measure import Sample
from team.bench.notify_costs import (
    NotifyCosts,
    WriteCost,
    inbox_lines,
    notify_write_cost,
    outbox,
    write_cost,
    write_lines,
)
from team.bench.runner import Options, SizeResult
from team.bench.sizes import SIZES, scaled
from team.bench.targets import Target, busiest_manager
from team.models import Finding, Note, Notification, Question, ReviewRequest, utcnow
from team.services.core import events
from team.services.core.paging import Window
from team.services.notify.inbox import inbox_page, unread_count
from team.services.notify.outbox import write_notifications
from team.services.questions.writes import assign
from team.vocabulary import NotificationKind, Role
from tests.conftest import POSTGRES_URL, truncate_postgres

TINY = scaled(SIZES["L"], 0.003)
K = NotificationKind


def _count(engine: Engine, *where: ColumnElement[bool]) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(Notification).where(*where)
        return int(session.scalar(query) or 0)


@pytest.fixture
def tiny_file(sqlite_engine: Engine) -> str:
    generate(sqlite_engine, TINY)
    sqlite_engine.dispose()
    return str(sqlite_engine.url)


# --------------------------------------------------------------------------- generated


def test_the_generated_inbox_follows_the_outbox_rules(engine: Engine) -> None:
    today = utcnow().date()
    generate(engine, TINY, today=today)
    end = datetime.combine(today, time(0), UTC)
    with Session(engine) as session:
        rows = list(session.scalars(select(Notification)))
        reviews = list(session.scalars(select(ReviewRequest)))
        notes = list(session.scalars(select(Note).where(col(Note.finding_id).is_not(None))))
        authors = dict(session.execute(select(col(Finding.id), col(Finding.author_id))).all())
    kinds = Counter(n.kind for n in rows)
    assert {K.ASSIGNED, K.REVIEW_REQUESTED, K.NOTE, K.OVERDUE, K.DUE_SOON} <= set(kinds)
    # Never for one's own acts; nothing left for the worker to send.
    assert all(n.person_id != n.actor_id for n in rows)
    assert all(n.planned_at is not None for n in rows)
    # Each reviewer was told of the request (unless gone before it was made).
    asked = {(n.person_id, n.entity_id) for n in rows if n.kind == K.REVIEW_REQUESTED}
    told = sum((r.reviewer_id, r.id) in asked for r in reviews)
    assert told >= 0.9 * len(reviews) and kinds[K.REVIEW_REQUESTED] == told
    # A note on someone's finding reaches its author.
    about = {(n.person_id, n.entity_id) for n in rows if n.entity == "finding"}
    others = [m for m in notes if m.author_id != authors[m.finding_id or 0]]
    assert others and sum((authors[m.finding_id or 0], m.finding_id) in about for m in others) >= (
        0.9 * len(others)
    )
    # Old ones are read, a few days' worth mostly not.
    old = [n for n in rows if n.at.replace(tzinfo=UTC) < end - timedelta(days=30)]
    assert sum(n.read_at is not None for n in old) >= 0.9 * len(old)
    assert any(n.read_at is None for n in rows)
    # The inbox reads them newest first, with the unread count.
    person = Counter(n.person_id for n in rows).most_common(1)[0][0]
    with Session(engine) as session:
        page = inbox_page(session, person, window=Window(size=20))
        unread = unread_count(session, person)
    assert page.total == sum(n.person_id == person for n in rows)
    assert [i.at for i in page.items] == sorted((i.at for i in page.items), reverse=True)
    assert unread == sum(n.person_id == person and n.read_at is None for n in rows)


def test_the_app_adds_notifications_after_the_generated_ones(engine: Engine) -> None:
    generate(engine, TINY)
    with Session(engine) as session:
        manager = busiest_manager(session)
        highest = int(session.scalar(select(func.max(Notification.id))) or 0)
        question = session.scalars(
            select(Question).where(col(Question.assignee_id).is_not(None))
        ).first()
        ics = session.scalars(
            select(col(Notification.person_id)).where(col(Notification.kind) == K.ASSIGNED)
        ).all()
    assert manager is not None and question is not None and question.id is not None
    ic = next(p for p in ics if p != question.assignee_id)
    with Session(engine) as session:
        assign(session, manager, question_id=question.id, version=question.version, assignee_id=ic)
    with Session(engine) as session:
        made = session.scalars(select(Notification).where(col(Notification.id) > highest)).all()
    assert {(n.person_id, n.kind) for n in made} >= {(ic, K.ASSIGNED)}


# --------------------------------------------------------------------------- write cost


def test_without_the_outbox_a_write_notifies_nobody_and_after_it_does(tiny_file: str) -> None:
    engine = db.make_engine(tiny_file)
    try:
        with Session(engine) as session:
            manager = busiest_manager(session)
            assert manager is not None
            first, second = notify_costs.planned_writes(session, manager, 2)
        before = _count(engine)
        with outbox(False):
            notify_costs.Writer(engine, manager, [first], on=False).write(first)
        assert _count(engine) == before
        assert getattr(events, notify_costs.OUTBOX_CALL) is write_notifications
        notify_costs.Writer(engine, manager, [second], on=True).write(second)
        assert _count(engine) >= before + 3  # one a write, and the old assignee's
    finally:
        engine.dispose()


def test_the_write_cost_takes_turns_in_a_copy_and_leaves_the_file_as_it_was(
    tiny_file: str, tmp_path: Path
) -> None:
    engine = db.make_engine(tiny_file)
    before = _count(engine)
    engine.dispose()
    cost = notify_write_cost(tiny_file, tmp_path, rounds=2, per_round=2)
    assert cost.writes == 2 * 2 * 3 and cost.per_round == 6
    # The side with the outbox: a notification each write at least (and the old
    # assignee's when a question changes hands).
    assert cost.notifications >= cost.writes and cost.ratio > 0
    engine = db.make_engine(tiny_file)
    assert _count(engine) == before
    engine.dispose()
    assert not list(tmp_path.glob("notify-*"))


@pytest.mark.postgres
def test_on_postgresql_the_write_cost_writes_in_the_database(postgres_engine: Engine) -> None:
    truncate_postgres(postgres_engine)
    generate(postgres_engine, TINY)
    before = _count(postgres_engine)
    cost = write_cost(postgres_engine, rounds=2, per_round=2)
    # The warm-up write of the side with the outbox notifies too.
    assert _count(postgres_engine) - before >= cost.notifications >= cost.writes


# --------------------------------------------------------------------------- drain


def _drained(d: Drain, count: int) -> None:
    assert d.exit_code == 0, d.last_words
    assert (d.queued, d.ours, d.repeated) == (count, count, 0)
    assert d.people > 1 and d.seconds > 0


def test_the_worker_delivers_every_queued_notification_once(tiny_file: str, tmp_path: Path) -> None:
    d = drain_at(tiny_file, tmp_path, 120)
    _drained(d, 120)
    assert not list(tmp_path.glob("notify-drain.db*"))
    # In the copy, not the file itself.
    engine = db.make_engine(tiny_file)
    assert _count(engine, col(Notification.planned_at).is_(None)) == 0
    engine.dispose()


@pytest.mark.postgres
def test_on_postgresql_the_worker_drains_the_database_itself(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    truncate_postgres(postgres_engine)
    generate(postgres_engine, TINY)
    _drained(drain(POSTGRES_URL, tmp_path, 120), 120)
    assert _count(postgres_engine, col(Notification.planned_at).is_(None)) == 0


# --------------------------------------------------------------------------- lines


def _sample(ms: float, statements: int) -> Sample:
    return Sample(ms, ms, statements, statements, 10, 10, runs=1)


def _result(name: str, ms: float, statements: int) -> SizeResult:
    target = Target("attention", Role.IC, "default", 1)
    result = SizeResult(replace(SIZES["S"], name=name), "", 0.0, {}, _sample(1, 0))
    result.samples[target.key] = (target, _sample(ms, statements))
    return result


def test_the_lines_say_which_goals_were_met() -> None:
    (writes,) = write_lines("L", WriteCost(360, 30, 6.0, 5.0, 400, 1.2), "a copy of its file")
    assert "with the outbox 6.0 ms a write (400 notifications written)" in writes
    assert (
        "without it 5.0 ms; median of the paired rounds' ratios 1.20x; goal <= 1.2x, met" in writes
    )
    ok = Drain(10_000, 70, 31.0, 0, 10_000, 0, 12, "sent 10012")
    assert "31.0 s, 323 messages/s; 10,000 of 10,000 arrived" in drain_lines("L", ok)[0]
    assert drain_lines("L", ok)[0].endswith("met")
    short = Drain(10_000, 70, 31.0, 0, 9_990, 0, 0, "sent 9990")
    assert drain_lines("L", short)[0].endswith("MISSED")
    slow = Drain(10_000, 70, 75.0, 0, 10_000, 0, 0, "sent")
    assert drain_lines("L", slow)[0].endswith("MISSED")
    broken = Drain(10_000, 70, 1.0, 2, 0, 0, 0, "notify: NOPE is not set")
    assert drain_lines("L", broken) == [
        "notify drain at L: 10,000 notifications queued for 70 people (webhook at once), one "
        "`team notify` run to a receiver on loopback: the worker exited with 2 after 1.0 s: "
        "notify: NOPE is not set"
    ]
    steady = inbox_lines([_result("S", 40, 9), _result("L", 50, 9)])
    assert steady[1].strip().startswith("ic: at L warm 50 ms") and steady[1].endswith("met")
    grown = inbox_lines([_result("S", 40, 9), _result("L", 90, 12)])
    assert "(growing)" in grown[1] and grown[1].endswith("MISSED")
    assert inbox_lines([_result("S", 40, 9)]) == []
    assert NotifyCosts().lines([]) == []


def test_bench_prints_the_notification_lines_when_the_inbox_is_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = functools.partial(NotifyCosts, rounds=1, per_round=1, drain_count=40)
    monkeypatch.setattr(command, "NotifyCosts", small)
    sizes = [scaled(SIZES["L"], 0.001), scaled(SIZES["L"], 0.002)]
    out = io.StringIO()
    options = Options(sizes=sizes, repeat=1, folder=tmp_path, pages=["attention"])
    assert bench(options, out=out, progress=None) == []
    text = out.getvalue()
    last = sizes[-1].name
    assert f"write cost of notifications at {last}:" in text
    assert f"notify drain at {last}: 40 notifications" in text and "40 of 40 arrived" in text
    assert f"inbox page at {last}" in text
    for role in ("manager", "ic", "viewer"):
        assert f"    {role}: at {last} warm" in text
    assert text.rstrip().splitlines()[-1].startswith("worst warm")
    out = io.StringIO()
    bench(
        Options(sizes=sizes[:1], repeat=1, folder=tmp_path / "o", pages=["overview"]),
        out=out,
        progress=None,
    )
    assert "notifications (the issue's goals" not in out.getvalue()
