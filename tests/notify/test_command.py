"""`team notify` as an operator meets it: one sentence and exit 1 on a missing secret,
a bad config or an unreachable database; --loop stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine

from tests.notify.conftest import SECRET_ENV, TEAM, run_worker, worker_env, write_config
from tests.notify.receivers import HttpReceiver


def test_a_missing_secret_is_one_sentence_and_exit_1(
    sqlite_engine: Engine, tmp_path: Path, receiver: HttpReceiver
) -> None:
    config = write_config(tmp_path, sqlite_engine, hook=receiver.url())
    env = {k: v for k, v in worker_env(config).items() if k != SECRET_ENV}
    done = subprocess.run(
        [TEAM, "notify"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"team: notify.webhook's secret is read from the environment variable {SECRET_ENV}, "
        f"which is not set; export {SECRET_ENV} for the worker (see config.yaml)."
    ]


def test_an_unreachable_database_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "database:\n  url: postgresql+psycopg://team:x@127.0.0.1:1/none\n", encoding="utf-8"
    )
    done = run_worker(config)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Cannot reach the database" in lines[0], done.stderr


def test_a_bad_notify_setting_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("notify:\n  max_attempts: 0\n", encoding="utf-8")
    done = run_worker(config)
    assert done.returncode == 1
    assert "'notify.max_attempts'" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_loop_stops_on_sigterm_with_exit_0(
    sqlite_engine: Engine, tmp_path: Path, receiver: HttpReceiver
) -> None:
    config = write_config(tmp_path, sqlite_engine, hook=receiver.url())
    worker = subprocess.Popen(
        [TEAM, "notify", "--loop", "--every", "1"],
        env=worker_env(config),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stderr is not None
    first = worker.stderr.readline()  # the first run's line: it is running
    assert first.startswith("notify: "), first
    worker.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    while worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert worker.wait(timeout=5) == 0
