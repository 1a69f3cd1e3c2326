"""The notify worker's drain for `team bench`: 10,000 notifications queued for people
who want webhooks at once, sent by the real `team notify` (a subprocess, as a service
manager runs it) to a receiver on loopback, timed from start to exit and counted at the
receiver by idempotency key (each queued notification's message is ``n<id>:webhook``).

The queue goes into the last size's database (on SQLite a copy of its file), beside its
generated history (all planned already), so the worker finds the queue among the rows a
real deployment holds; what else it finds due there (the day's due-date reminders of the
same people) is sent too and counted apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import make_url
from sqlmodel import Session, col

from team import db
from team.bench.index_costs import sqlite_copy
from team.bench.receiver import receiver
from team.bench.targets import busiest_manager
from team.config import CONFIG_ENV
from team.models import Notification, Person, PersonSetting, Question, utcnow
from team.services.notify.links import question_link
from team.vocabulary import Cadence, NotificationKind, Role

DRAIN_COUNT = 10_000
DRAIN_GOAL_S = 60.0
SECRET_ENV = "TEAM_BENCH_WEBHOOK_SECRET"
WORKER_TIMEOUT_S = 900.0
COPY_NAME = "notify-drain.db"
# The worker as its console script runs it (`team notify`), whatever Python runs the bench.
WORKER = (sys.executable, "-c", "from team.cli import main; main()", "notify")


@dataclass(frozen=True)
class Drain:
    queued: int
    people: int  # who they were for
    seconds: float  # the worker's run, start to exit
    exit_code: int
    ours: int  # distinct messages of the queued notifications that arrived
    repeated: int  # of those, how many came more than once
    others: int  # other messages it sent (reminders found due)
    last_words: str  # the worker's last line on stderr

    @property
    def per_second(self) -> float:
        return self.ours / self.seconds if self.seconds > 0 else 0.0


def _recipients(session: Session, actor: int | None) -> list[int]:
    query = select(col(Person.id)).where(
        col(Person.active), col(Person.role).in_([Role.IC, Role.MANAGER])
    )
    found = session.scalars(query.order_by(col(Person.id)))
    return [int(p) for p in found if p is not None and p != actor]


def _want_webhooks(session: Session, people: list[int]) -> None:
    """These people get webhooks at once, and nothing else."""
    session.execute(delete(PersonSetting).where(col(PersonSetting.person_id).in_(people)))
    session.add_all(
        PersonSetting(person_id=p, email=Cadence.OFF, slack=Cadence.OFF, webhook=Cadence.IMMEDIATE)
        for p in people
    )


def queue(engine: Engine, count: int = DRAIN_COUNT) -> tuple[list[int], int]:
    """Queue ``count`` unplanned notifications (a question assigned, a note on it) for
    the active managers and ICs, who are set to get webhooks at once; their ids, oldest
    first, and how many people they are for."""
    now = utcnow()
    with Session(engine) as session:
        actor = busiest_manager(session)
        people = _recipients(session, actor)
        questions = session.execute(
            select(col(Question.id), col(Question.root_id), col(Question.title))
            .order_by(col(Question.id))
            .limit(count)
        ).all()
        if not people or not questions:
            raise ValueError("The drain needs people and questions in the database.")
        _want_webhooks(session, people)
        kinds = (NotificationKind.ASSIGNED, NotificationKind.NOTE)
        rows = []
        for i in range(count):
            qid, root, title = questions[i % len(questions)]
            rows.append(
                {
                    "person_id": people[i % len(people)],
                    "kind": kinds[i % 2],
                    "at": now - timedelta(milliseconds=count - i),
                    "actor_id": actor,
                    "entity": "question",
                    "entity_id": qid,
                    "root_id": root,
                    "title": title,
                    "detail": "Could you look at the weekly active users split?" if i % 2 else "",
                    "link": question_link(root, qid),
                }
            )
        # Anything an earlier part of the bench left unplanned is not part of the queue.
        session.execute(
            update(Notification)
            .where(col(Notification.planned_at).is_(None))
            .values(planned_at=now)
        )
        ids = session.scalars(insert(Notification).returning(col(Notification.id)), rows).all()
        session.commit()
    return sorted(int(i) for i in ids if i is not None), len(people)


def write_config(path: Path, url: str, hook: str) -> Path:
    """A config for the worker: the database, the webhook and the app's public address."""
    settings = {
        "database": {"url": url},
        "auth": {"mode": "local"},
        "app": {"public_url": "http://127.0.0.1:8501"},
        "notify": {"webhook": {"url": hook, "secret_env": SECRET_ENV}},
    }
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def _environment(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEAM_DATABASE_URL"}
    env[CONFIG_ENV] = str(config)
    env[SECRET_ENV] = "bench-secret"
    return env


def drain(url: str, folder: Path, count: int = DRAIN_COUNT) -> Drain:
    """Queue ``count`` notifications in the database at ``url``, then time one run of
    `team notify` sending them to a receiver on loopback."""
    engine = db.make_engine(url)
    try:
        ids, people = queue(engine, count)
    finally:
        engine.dispose()
    with receiver() as (hook, received):
        config = write_config(folder / "notify-config.yaml", url, hook)
        start = time.perf_counter()
        done = subprocess.run(
            WORKER,
            env=_environment(config),
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
            check=False,
        )
        seconds = time.perf_counter() - start
    wanted = {f"n{i}:webhook" for i in ids}
    ours = {k: n for k, n in received.keys.items() if k in wanted}
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return Drain(
        queued=len(ids),
        people=people,
        seconds=seconds,
        exit_code=done.returncode,
        ours=len(ours),
        repeated=sum(1 for n in ours.values() if n > 1),
        others=received.messages - sum(ours.values()),
        last_words=lines[-1] if lines else "",
    )


def drain_at(url: str, folder: Path, count: int = DRAIN_COUNT) -> Drain:
    """The drain over the database at ``url``: on SQLite in a copy of its file (removed
    afterwards), on PostgreSQL in the database itself."""
    if make_url(url).get_backend_name() != "sqlite":
        return drain(url, folder, count)
    copy = sqlite_copy(url, folder / COPY_NAME)
    try:
        return drain(copy, folder, count)
    finally:
        for suffix in ("", "-wal", "-shm"):
            (folder / f"{COPY_NAME}{suffix}").unlink(missing_ok=True)


def _goal(met: bool) -> str:
    return "met" if met else "MISSED"


def drain_lines(size: str, d: Drain) -> list[str]:
    head = (
        f"notify drain at {size}: {d.queued:,} notifications queued for {d.people} people "
        f"(webhook at once), one `team notify` run to a receiver on loopback:"
    )
    if d.exit_code != 0:
        return [
            f"{head} the worker exited with {d.exit_code} after {d.seconds:.1f} s: {d.last_words}"
        ]
    complete = d.ours == d.queued
    met = complete and d.seconds < DRAIN_GOAL_S
    arrived = f"{d.ours:,} of {d.queued:,} arrived"
    if d.repeated:
        arrived += f" ({d.repeated} more than once)"
    return [
        f"{head} {d.seconds:.1f} s, {d.per_second:,.0f} messages/s; {arrived}, "
        f"{d.others:,} other messages (reminders found due); goal < {DRAIN_GOAL_S:.0f} s "
        f"with all {d.queued:,} delivered, {_goal(met)}",
        f"  the worker's summary: {d.last_words}",
    ]
