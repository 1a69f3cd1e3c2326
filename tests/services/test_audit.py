"""The audit log: filters by person, entity and date; CSV of every match; managers only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from team.models import Event
from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.core.errors import PermissionDenied
from tests.factories import Team, make_team


@pytest.fixture
def team(session: Session) -> Team:
    team = make_team(session)
    rows = [
        (datetime(2026, 10, 1, 9, tzinfo=UTC), team.manager, "question", "created"),
        (datetime(2026, 10, 2, 23, 59, tzinfo=UTC), team.ic, "finding", "created"),
        (datetime(2026, 10, 3, 0, 0, tzinfo=UTC), team.ic, "finding", "updated"),
        (datetime(2026, 10, 5, 12, tzinfo=UTC), team.manager, "review_request", "created"),
    ]
    for i, (at, who, entity, action) in enumerate(rows, start=1):
        session.add(
            Event(at=at, actor_id=who, entity=entity, entity_id=i, action=action, new_value="x")
        )
    session.commit()
    return team


def test_filters(session: Session, team: Team) -> None:
    frame, total = audit.search(session, team.manager, f=AuditFilter())
    assert total == 4
    assert list(frame["entity_id"]) == [4, 3, 2, 1]  # newest first
    _frame, total = audit.search(session, team.manager, f=AuditFilter(actor_id=team.ic))
    assert total == 2
    _frame, total = audit.search(session, team.manager, f=AuditFilter(entity="finding"))
    assert total == 2
    frame, total = audit.search(
        session, team.manager, f=AuditFilter(since=date(2026, 10, 2), until=date(2026, 10, 2))
    )
    assert total == 1  # until is inclusive of the whole day, and no more
    assert list(frame["who"]) == ["Ines"]


def test_limit_keeps_the_total(session: Session, team: Team) -> None:
    frame, total = audit.search(session, team.manager, f=AuditFilter(), limit=2)
    assert (len(frame), total) == (2, 4)


def test_csv_has_every_match_oldest_first(session: Session, team: Team) -> None:
    text = audit.to_csv(session, team.manager, f=AuditFilter(entity="finding"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == audit.COLUMNS
    assert [r[5] for r in rows[1:]] == ["created", "updated"]
    assert rows[1][1].startswith("2026-10-02T23:59")


@pytest.mark.parametrize("who", ["ic", "viewer"])
def test_only_managers_read_the_audit_log(session: Session, team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied, match="Only a manager"):
        audit.search(session, getattr(team, who), f=AuditFilter())
    with pytest.raises(PermissionDenied):
        audit.entities(session, getattr(team, who))
