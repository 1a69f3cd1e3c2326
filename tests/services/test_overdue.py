"""One rule of overdue (core/due.py), asked by Overview's headline, Team's workload and
Progress's workload chart: on the same data they count the same questions, against the
same day. (Overview once counted overdue general questions only, so it read "Overdue 0"
while Team showed two people with overdue sub-questions.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session

from team.services.admin import reads as admin_reads
from team.services.core import due
from team.services.one_on_ones import agenda_sections
from team.services.progress import people as progress_people
from team.services.progress.overdue import overdue_count
from team.services.questions.portfolio import PortfolioFilter
from team.vocabulary import QuestionStatus
from tests.factories import Team, node

TODAY = date(2026, 6, 10)
LATE = TODAY - timedelta(days=1)
S = QuestionStatus


def _team_total(session: Session, today: date | None = None) -> int:
    return sum(r.overdue for r in admin_reads.workload(session, today=today))


@pytest.fixture
def tree(session: Session, team: Team) -> Team:
    """Overdue: A (open, Ines), B (in progress, Ravi), A1 (blocked, under A, Ines).
    Not overdue: answered, dropped, due today, due later, no due date."""
    r = node(session, team, None, "Why did retention drop?", due_date=TODAY + timedelta(days=30))
    a = node(session, team, r, "A", assignee_id=team.ic, due_date=LATE)
    node(session, team, r, "B", S.IN_PROGRESS, assignee_id=team.other_ic, due_date=LATE)
    node(session, team, a, "A1", S.BLOCKED, assignee_id=team.ic, due_date=LATE)
    node(session, team, r, "done", S.ANSWERED, assignee_id=team.ic, due_date=LATE)
    node(session, team, r, "gone", S.DROPPED, assignee_id=team.ic, due_date=LATE)
    node(session, team, r, "today", assignee_id=team.ic, due_date=TODAY)
    node(session, team, r, "later", assignee_id=team.other_ic, due_date=TODAY + timedelta(days=3))
    node(session, team, r, "whenever", assignee_id=team.other_ic)
    return team


def test_overview_and_team_count_the_same_overdue_questions(session: Session, tree: Team) -> None:
    overview = overdue_count(session, f=PortfolioFilter(), today=TODAY)
    per_person = {
        r.person: r.overdue for r in admin_reads.workload(session, today=TODAY) if r.overdue
    }
    assert overview == 3
    assert per_person == {"Ines": 2, "Ravi": 1}
    assert sum(per_person.values()) == overview
    chart = progress_people.workload(session, now=datetime.combine(TODAY, time(), tzinfo=UTC))
    assert int(chart["overdue"].sum()) == overview
    # Ines's one-on-one agenda lists her two.
    agenda = agenda_sections.questions(
        session,
        report_id=tree.ic,
        day=TODAY,
        now=datetime.combine(TODAY, time(), tzinfo=UTC),
        stale_after_days=10_000,
        limit=10,
    )
    assert agenda.totals.get("overdue_questions") == 2


def test_every_count_takes_today_from_one_place(
    session: Session, tree: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No page passes a day: each asks due.today(), so at a day's edge they cannot
    disagree (Team counted against the UTC date, Overview against the server's)."""
    monkeypatch.setattr(due, "today", lambda: TODAY)
    assert overdue_count(session, f=PortfolioFilter()) == _team_total(session) == 3
    monkeypatch.setattr(due, "today", lambda: LATE)  # the day before: nothing is late yet
    assert overdue_count(session, f=PortfolioFilter()) == _team_total(session) == 0
    assert int(progress_people.workload(session)["overdue"].sum()) == 0


def test_overview_also_counts_a_late_general_question_and_unassigned_work(
    session: Session, team: Team
) -> None:
    """Overview's number is every overdue question of the trees it shows; Team's is
    the same rule per assignee, so work nobody is assigned shows on Overview only."""
    r = node(session, team, None, "Late root", due_date=LATE)
    node(session, team, r, "nobody's", due_date=LATE)
    assert overdue_count(session, f=PortfolioFilter(), today=TODAY) == 2
    assert _team_total(session, TODAY) == 0
    assert overdue_count(session, f=PortfolioFilter(project_id=team.archived_project)) == 0


def test_the_rule_read_in_python_matches_the_sql() -> None:
    assert due.is_overdue(LATE, S.BLOCKED, TODAY)
    assert not due.is_overdue(TODAY, S.OPEN, TODAY)
    assert not due.is_overdue(LATE, S.ANSWERED, TODAY)
    assert not due.is_overdue(None, S.OPEN, TODAY)
