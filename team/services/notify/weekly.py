"""Planning the weekly "what we now believe": for each active manager and viewer, once
per week (the week that ended at their digest day and hour, in their time zone), on
each channel they have not turned off, a ``believe`` delivery, only when something
changed that week (believe.weekly_beliefs says what). The key names the person, the
channel and the week's end, so planning it twice adds nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from team.config import NotifySettings
from team.models import Delivery, Person, table_of
from team.services.notify import believe
from team.services.notify.dialect import insert_ignore, inserted
from team.services.notify.periods import Period, last_week
from team.services.notify.settings import available_channels, settings_of
from team.vocabulary import Cadence, DeliveryKind, DeliveryStatus, Role

# (person id, week end) already looked at by this process: a week with no change is not
# asked again each run of a long-running worker.
Checked = set[tuple[int, datetime]]


def believe_key(person_id: int, channel: str, week: Period) -> str:
    return f"b:{person_id}:{channel}:{week.end.isoformat()}"


def plan_beliefs(
    session: Session, notify: NotifySettings, now: datetime, checked: Checked | None = None
) -> int:
    """Add the weekly "what we now believe" messages not planned yet and commit; how
    many were added."""
    seen: Checked = set() if checked is None else checked
    people = [
        int(pid)
        for pid in session.scalars(
            select(col(Person.id)).where(
                col(Person.active), col(Person.role).in_([Role.MANAGER, Role.VIEWER])
            )
        )
        if pid is not None
    ]
    offered = available_channels(notify)
    wanted: dict[int, tuple[Period, list[str]]] = {}
    for pid, view in settings_of(session, people, notify).items():
        on = [c.value for c in offered if view.cadences[c] != Cadence.OFF]
        week = last_week(
            now, zone=view.time_zone, hour=view.digest_hour, weekday=view.digest_weekday
        )
        if on and (pid, week.end) not in seen:
            wanted[pid] = (week, on)
    keys = [believe_key(p, c, w) for p, (w, on) in wanted.items() for c in on]
    have = set(session.scalars(select(col(Delivery.key)).where(col(Delivery.key).in_(keys))))
    rows: list[dict[str, Any]] = []
    for pid, (week, on) in wanted.items():
        seen.add((pid, week.end))
        missing = [c for c in on if believe_key(pid, c, week) not in have]
        if not missing:
            continue
        if believe.weekly_beliefs(session, pid, start=week.start, end=week.end) is None:
            continue  # nothing changed: no message
        rows += [
            {
                "person_id": pid,
                "channel": c,
                "kind": DeliveryKind.BELIEVE.value,
                "key": believe_key(pid, c, week),
                "status": DeliveryStatus.PENDING.value,
                "period_start": week.start,
                "due_at": week.end,
                "attempts": 0,
                "last_error": "",
                "created_at": now,
            }
            for c in missing
        ]
    added = 0
    if rows:
        table = table_of(Delivery)
        added = inserted(session, insert_ignore(session, table).values(rows), table)
    session.commit()
    return added
