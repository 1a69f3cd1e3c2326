"""Fixtures of the worker's real-parts tests: an SMTP server and an HTTP receiver on
loopback, a config.yaml pointing the worker at them and at the test database, and the
worker itself run as a subprocess (`team notify`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from tests.notify.receivers import HttpReceiver, SmtpServer

SECRET = "s3cret-for-tests"
SECRET_ENV = "TEAM_TEST_WEBHOOK_SECRET"
SLACK_ENV = "TEAM_TEST_SLACK_URL"
TEAM = str(Path(sys.executable).parent / "team")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    http = HttpReceiver()
    http.thread.start()
    yield http
    http.server.shutdown()
    http.server.server_close()


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def write_config(
    folder: Path,
    engine: Engine,
    *,
    smtp: SmtpServer | None = None,
    hook: str | None = None,
    slack: bool = False,
    defaults: dict[str, str] | None = None,
    **notify: Any,
) -> Path:
    """A config.yaml for the worker: the test database, the channels given."""
    section: dict[str, Any] = {"retry_seconds": 0, "timeout_seconds": 5, **notify}
    if smtp is not None:
        section["email"] = {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "from": "Team answers <team@example.com>",
        }
    if hook is not None:
        section["webhook"] = {"url": hook, "secret_env": SECRET_ENV}
    if slack:
        section["slack"] = {"url_env": SLACK_ENV}
    section["defaults"] = defaults or {"email": "immediate", "webhook": "immediate"}
    config = {
        "database": {"url": url_of(engine)},
        "app": {"public_url": "https://team.example.com"},
        "notify": section,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def worker_env(
    config: Path, now: str | None = None, slack_url: str = "http://127.0.0.1:9/none"
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEAM_DATABASE_URL", "TEAM_NOW")}
    env.update({"TEAM_CONFIG": str(config), SECRET_ENV: SECRET, SLACK_ENV: slack_url})
    if now is not None:
        env["TEAM_NOW"] = now
    return env


def run_worker(
    config: Path,
    *,
    now: str | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 120,
    slack_url: str = "http://127.0.0.1:9/none",
) -> subprocess.CompletedProcess[str]:
    """`team notify` once, as a subprocess; its exit code and stderr."""
    return subprocess.run(
        [TEAM, "notify", *args],
        env=worker_env(config, now, slack_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
