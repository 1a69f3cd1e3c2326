"""Small builders for tests: a team with one person of each role and a project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import Session, col

from team.models import Event, Person, Project, Question
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from team.vocabulary import QuestionStatus, Role


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def pk(row: HasId) -> int:
    """The id of a row the database has already numbered (flushed or read back)."""
    assert row.id is not None
    return row.id


@dataclass
class Team:
    manager: int
    other_manager: int
    ic: int
    other_ic: int
    viewer: int
    inactive_ic: int
    project: int
    archived_project: int


def make_team(session: Session) -> Team:
    def person(name: str, role: Role, active: bool = True, boss: int | None = None) -> int:
        row = Person(
            name=name,
            email=f"{name.lower()}@example.com",
            role=role,
            active=active,
            reports_to_id=boss,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id

    manager = person("Maya", Role.MANAGER)
    other_manager = person("Omar", Role.MANAGER)
    ic = person("Ines", Role.IC, boss=manager)
    other_ic = person("Ravi", Role.IC, boss=manager)
    viewer = person("Vera", Role.VIEWER)
    inactive = person("Ivan", Role.IC, active=False, boss=manager)
    project = Project(name="Retention", description="Why customers leave")
    archived = Project(name="Old pricing", archived=True)
    session.add_all([project, archived])
    session.commit()
    assert project.id is not None and archived.id is not None
    return Team(manager, other_manager, ic, other_ic, viewer, inactive, project.id, archived.id)


def root(session: Session, team: Team, title: str = "Why did retention drop in Q3?") -> int:
    return questions.create_question(
        session, team.manager, data=QuestionCreate(title=title, project_id=team.project)
    ).id


def node(
    session: Session,
    team: Team,
    parent: Question | None,
    title: str,
    status: QuestionStatus = QuestionStatus.OPEN,
    **fields: Any,
) -> Question:
    """A question written directly (no service, no event): a root when ``parent`` is
    None, in the parent's project unless ``fields`` say otherwise."""
    fields.setdefault("project_id", parent.project_id if parent else team.project)
    q = Question(
        title=title,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,
        owner_id=team.manager,
        status=status,
        **fields,
    )
    session.add(q)
    session.flush()
    if parent is None:
        q.root_id = q.id
    session.commit()
    return q


def backdate_question(session: Session, question_id: int, when: datetime) -> None:
    """Make a question look created (and assigned, if it was assigned as it was created)
    at ``when``: its ``created_at`` and its events so far move there, as they would read
    had it been made then."""
    row = session.get(Question, question_id)
    assert row is not None
    row.created_at = when
    session.execute(
        update(Event)
        .where(col(Event.entity) == "question", col(Event.entity_id) == question_id)
        .values(at=when)
    )
    session.commit()
