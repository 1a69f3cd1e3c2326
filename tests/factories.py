"""Small builders for tests: a team with one person of each role and a project."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.models import Person, Project, QuestionCreate, Role
from team.services import questions


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
        session, team.manager, QuestionCreate(title=title, project_id=team.project)
    ).id
