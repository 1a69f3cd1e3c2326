"""Fixtures most service tests share: the small team and one sub-question of it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.factories import Team, make_team, root


@pytest.fixture
def team(session: Session) -> Team:
    return make_team(session)


@pytest.fixture
def qid(session: Session, team: Team) -> int:
    """A sub-question assigned to the IC (so root_id differs from the question's id)."""
    rid = root(session, team)
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion("Which segments churned?", assignee_id=team.ic)],
    )
    return sub.id
