"""The notify worker: one run writes today's due-date reminders, plans new
notifications into messages, adds the weekly "what we now believe", then sends what is
due. ``team notify`` calls :func:`run_once` (``--loop``: again and again); the bench
calls it too. Progress goes to ``log`` (stderr for the command), one line a step and a
summary line at the end."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from threading import Event

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from team.config import Settings
from team.models import utcnow
from team.services.notify.channels import Channels, Secrets, read_secrets
from team.services.notify.deliver import Sent, claim, send_batch
from team.services.notify.periods import aware
from team.services.notify.plan import Planned, plan_all
from team.services.notify.reminders import write_reminders
from team.services.notify.weekly import Checked, plan_beliefs

Log = Callable[[str], None]
MAX_SKIPPED = 5_000  # failed messages a run sets aside before it leaves the rest for later


def _silent(_line: str) -> None:
    return None


@dataclass
class RunSummary:
    reminders: int = 0
    planned: Planned = field(default_factory=Planned)
    believe: int = 0
    sent: Sent = field(default_factory=Sent)
    seconds: float = 0.0

    def sending_line(self) -> str:
        s = self.sent
        why = "; ".join(r.rstrip(".") for r in sorted(s.reasons, key=s.reasons.__getitem__))
        retrying = f"retrying {s.retrying}" + (f" ({why})" if why and s.retrying else "")
        failed = f"failed {s.failed}" + (f" ({why})" if why and s.failed and not s.retrying else "")
        return f"sent {s.sent}, {retrying}, {failed}"

    def line(self) -> str:
        return (
            f"notify: {self.reminders} reminders, {self.planned.notifications} notifications "
            f"planned into {self.planned.messages} new messages, {self.believe} weekly "
            f"digests; {self.sending_line()} in {self.seconds:.1f} s"
        )


def _send_all(
    engine: Engine,
    settings: Settings,
    channels: Channels,
    clock: Callable[[], datetime],
    stop: Callable[[], bool],
) -> Sent:
    notify = settings.notify
    total = Sent()
    tried: set[int] = set()
    down: dict[str, str] = {}
    with Session(engine, expire_on_commit=False) as session:
        while not stop() and len(tried) < MAX_SKIPPED:
            ids = claim(session, notify, clock(), skip=tried)
            if not ids:
                break
            done = send_batch(
                session,
                ids,
                notify=notify,
                public_url=settings.app.public_url,
                channels=channels,
                clock=clock,
                down=down,
                stop=stop,
            )
            total.add(done)
            if done.retrying or done.failed:
                tried.update(ids)  # this run does not take these again (sent ones are gone)
    return total


def run_once(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime | None = None,
    log: Log = _silent,
    stop: Callable[[], bool] = lambda: False,
    secrets: Secrets | None = None,
    checked: Checked | None = None,
) -> RunSummary:
    """One run. ``now`` fixes the clock (tests, the bench); ``secrets`` default to the
    environment's (SecretMissing when one is not set)."""
    started = time.perf_counter()
    clock: Callable[[], datetime] = (lambda: aware(now)) if now is not None else utcnow
    notify = settings.notify
    channels = Channels(notify, secrets if secrets is not None else read_secrets(notify))
    summary = RunSummary()
    with Session(engine, expire_on_commit=False) as session:
        summary.reminders = write_reminders(session, clock())
        if summary.reminders:
            log(f"wrote {summary.reminders} due-soon and overdue reminders")
        summary.planned = plan_all(session, notify, clock())
        if summary.planned.notifications:
            p = summary.planned
            log(f"planned {p.notifications} notifications into {p.messages} new messages")
        summary.believe = plan_beliefs(session, notify, clock(), checked)
        if summary.believe:
            log(f'planned {summary.believe} weekly "what we now believe" messages')
    try:
        summary.sent = _send_all(engine, settings, channels, clock, stop)
    finally:
        channels.close()
    log(summary.sending_line())
    summary.seconds = time.perf_counter() - started
    return summary


def run_loop(
    engine: Engine,
    settings: Settings,
    *,
    every: float,
    stopping: Event,
    log: Log = _silent,
    secrets: Secrets | None = None,
) -> int:
    """Run until ``stopping`` is set (SIGTERM, SIGINT), ``every`` seconds from the start
    of one run to the next; how many runs."""
    checked: Checked = set()
    runs = 0
    while not stopping.is_set():
        begun = time.monotonic()
        try:
            summary = run_once(
                engine, settings, log=log, stop=stopping.is_set, secrets=secrets, checked=checked
            )
            log(summary.line())
        except OperationalError as exc:
            # The database restarting (or SQLite busy) is not the end of the service:
            # nothing was marked sent that was not, so the next run takes it up.
            reason = " ".join(str(exc.orig or exc).split())[:200]
            log(f"the database did not answer ({reason}); trying again in {every:g} s")
        runs += 1
        stopping.wait(max(0.0, every - (time.monotonic() - begun)))
    return runs
