"""The demo team: load ``data/demo_team.yaml`` into an empty database.

Rows are backdated relative to ``now`` and every creation and status change writes the
event the history charts read, at the time it happened. The whole load is one
transaction: a bad file or a clash leaves the database as it was. The file's shape and
reading it live in team.demo.spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from team.db import is_empty
from team.demo.spec import (
    read_demo,
)
from team.demo.writer import DemoWriter
from team.models import TABLES, Notification, Person, Question, utcnow
from team.services.core import events
from team.services.core.errors import InvalidInput

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_team.yaml"
NOT_EMPTY = (
    "The database already holds data; `team demo` loads the demo team only into an empty "
    "database (use --force to replace everything)."
)


# --------------------------------------------------------------------------- loading


_SHOWN = {"people": "people", "projects": "projects", "questions": "questions"}
_SHOWN |= {"findings": "findings", "review_requests": "review requests"}
_SHOWN |= {"answers": "answer versions", "notes": "notes", "one_on_ones": "one-on-ones"}
_SHOWN |= {"action_items": "action items"}


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demo team holds."""

    # One count per table of team.models.TABLES, named by the table in the plural.
    people: int
    projects: int
    questions: int
    findings: int
    review_requests: int
    answers: int
    citations: int
    notes: int
    one_on_ones: int
    track_notes: int
    action_items: int
    events: int
    notifications: int
    follows: int
    person_settings: int
    deliveries: int
    delivery_items: int
    question_keys: int
    review_checks: int
    citation_flags: int
    decisions: int

    def __str__(self) -> str:
        return ", ".join(f"{getattr(self, name)} {label}" for name, label in _SHOWN.items())


def _wipe(session: Session) -> None:
    """Delete every row, children first; self-references are cut before."""
    session.execute(update(Person).values(reports_to_id=None))
    session.execute(update(Question).values(parent_id=None, root_id=None))
    for table in reversed(TABLES):
        session.execute(delete(table))


SEEN_DAYS = 3  # the demo's notifications older than this are read


def _settle_notifications(session: Session, moment: datetime) -> None:
    """The demo's history made notifications like any change; they are history, not news:
    none is sent by the notify worker, and those older than a few days are read."""
    events.notify(session)
    session.execute(update(Notification).values(planned_at=moment))
    session.execute(
        update(Notification)
        .where(col(Notification.at) < moment - timedelta(days=SEEN_DAYS))
        .values(read_at=moment)
    )


def summarize(session: Session) -> DemoSummary:
    """Row counts of every table."""
    counts = {}
    for table in TABLES:
        name = str(table.__tablename__)
        plural = {"person": "people", "delivery": "deliveries"}.get(name, f"{name}s")
        counts[plural] = int(session.scalar(select(func.count()).select_from(table)) or 0)
    return DemoSummary(**counts)


def load_demo(
    session: Session,
    *,
    path: Path | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> DemoSummary:
    """Load the demo team (``path`` or ``DEMO_FILE``) in one transaction.

    Refuses when the database already holds data, unless ``force``: then every row of
    every table is deleted first, in the same transaction."""
    source = path or DEMO_FILE
    spec = read_demo(source)
    moment = utcnow() if now is None else now
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    try:
        if force:
            _wipe(session)
        elif not is_empty(session):
            raise InvalidInput(NOT_EMPTY)
        DemoWriter(session, moment, source.name).load(spec)
        _settle_notifications(session, moment)
        summary = summarize(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary
