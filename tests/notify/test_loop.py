"""`team notify --loop` outlives a database that does not answer: it says so and tries
again at the next run (a service manager restarting it in a tight loop would give up)."""

from __future__ import annotations

import threading

from team import db
from team.config import parse_config
from team.services.notify.channels import read_secrets
from team.services.notify.worker import run_loop


def test_the_loop_keeps_going_when_the_database_does_not_answer() -> None:
    url = "postgresql+psycopg://team:team@127.0.0.1:1/team"  # nothing listens on port 1
    settings = parse_config({"database": {"url": url}})
    engine = db.make_engine(url)
    stopping = threading.Event()
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        if len(lines) == 3:
            stopping.set()

    runs = run_loop(
        engine,
        settings,
        every=0.01,
        stopping=stopping,
        log=log,
        secrets=read_secrets(settings.notify, {}),
    )
    assert runs == 3
    assert all("the database did not answer" in line for line in lines), lines
    assert all("trying again in 0.01 s" in line for line in lines)
