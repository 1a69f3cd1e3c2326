"""Sending is once per message even with two workers at once (PostgreSQL's SKIP LOCKED),
and a worker killed with SIGKILL mid-batch loses nothing: a restart sends what was left
and resends at most the messages that were claimed and not finished at the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session, col

from team.models import Delivery, Notification, table_of
from team.vocabulary import DeliveryStatus, NotificationKind
from tests.conftest import truncate_postgres
from tests.factories import make_team
from tests.notify.conftest import TEAM, run_worker, worker_env, write_config
from tests.notify.receivers import HttpReceiver


def _queue(session: Session, count: int) -> None:
    """``count`` notifications for Ines, each one message on the webhook."""
    t = make_team(session)
    rows = [
        {
            "person_id": t.ic,
            "kind": NotificationKind.ASSIGNED.value,
            "entity": "question",
            "entity_id": n,
            "title": f"Question {n}",
            "detail": "",
            "link": "questions?root=1",
        }
        for n in range(count)
    ]
    session.execute(insert(table_of(Notification)), rows)
    session.commit()


def _statuses(session: Session) -> Counter[str]:
    session.expire_all()
    found = session.execute(
        select(col(Delivery.status), func.count()).group_by(col(Delivery.status))
    ).all()
    return Counter({str(status): int(n) for status, n in found})


def _start(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TEAM, "notify"],
        env=worker_env(config),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.postgres
def test_two_workers_on_postgres_send_each_of_1000_messages_once(
    postgres_engine: Engine, tmp_path: Path, receiver: HttpReceiver
) -> None:
    truncate_postgres(postgres_engine)
    with Session(postgres_engine) as session:
        _queue(session, 1000)
    config = write_config(
        tmp_path,
        postgres_engine,
        hook=receiver.url(),
        defaults={"webhook": "immediate"},
        batch=50,
    )
    workers = [_start(config), _start(config)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    keys = Counter(h.headers["Idempotency-Key"] for h in receiver.hits)
    assert len(keys) == 1000
    assert max(keys.values()) == 1  # none twice
    sent_by = [int(err.split("sent ")[1].split(",")[0]) for _out, err in outputs]
    assert sum(sent_by) == 1000 and min(sent_by) > 0, sent_by  # both worked, none twice
    with Session(postgres_engine) as session:
        assert _statuses(session) == Counter({DeliveryStatus.SENT.value: 1000})


def test_a_worker_killed_mid_batch_loses_nothing_and_resends_only_what_was_in_flight(
    engine: Engine, session: Session, tmp_path: Path, receiver: HttpReceiver
) -> None:
    total = 400
    _queue(session, total)
    receiver.state.delay = 0.005
    config = write_config(
        tmp_path,
        engine,
        hook=receiver.url(),
        defaults={"webhook": "immediate"},
        batch=40,
        lease_seconds=0.5,
    )
    worker = _start(config)
    deadline = time.monotonic() + 60
    while len(receiver.hits) < 60 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=10)
    assert len(receiver.hits) < total, "the worker finished before it could be killed"
    in_flight = _statuses(session)[DeliveryStatus.SENDING.value]
    assert in_flight > 0
    before = len(receiver.hits)
    time.sleep(0.6)  # the killed worker's lease runs out
    done = run_worker(config)
    assert done.returncode == 0, done.stderr
    keys = Counter(h.headers["Idempotency-Key"] for h in receiver.hits)
    assert len(keys) == total  # nothing lost
    duplicates = sum(keys.values()) - total
    assert duplicates <= in_flight
    assert _statuses(session) == Counter({DeliveryStatus.SENT.value: total})
    assert len(receiver.hits) - before <= total - before + in_flight
