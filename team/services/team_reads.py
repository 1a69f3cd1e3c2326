"""Team reads: people with their manager, projects with their general questions, each
person's workload and each IC's technique breadth. Each read is a fixed number of
grouped queries, whatever the size of the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Finding, FindingStatus, Person, Project, Question, QuestionStatus, Role

OPEN_STATUSES = (QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS, QuestionStatus.BLOCKED)


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    email: str
    role: Role
    active: bool
    reports_to_id: int | None
    manager: str | None
    manager_active: bool | None
    version: int


@dataclass(frozen=True)
class ProjectRow:
    id: int
    name: str
    description: str
    archived: bool
    general_questions: int
    open_general_questions: int
    version: int


@dataclass(frozen=True)
class WorkloadRow:
    person_id: int
    person: str
    active: bool
    project: str
    open_questions: int
    overdue: int


@dataclass(frozen=True)
class BreadthRow:
    person_id: int
    person: str
    active: bool
    technique: str
    questions: int
    findings: int


def people_overview(session: Session) -> list[PersonRow]:
    """Every person (active or not) with their manager's name: one query."""
    boss = aliased(Person)
    query = (
        select(Person, col(boss.name), col(boss.active))
        .outerjoin(boss, col(Person.reports_to_id) == boss.id)
        .order_by(col(Person.active).desc(), col(Person.name))
    )
    return [
        PersonRow(
            id=p.id or 0,
            name=p.name,
            email=p.email,
            role=Role(p.role),
            active=p.active,
            reports_to_id=p.reports_to_id,
            manager=manager,
            manager_active=manager_active,
            version=p.version,
        )
        for p, manager, manager_active in session.execute(query)
    ]


def projects_overview(session: Session) -> list[ProjectRow]:
    """Projects with how many general questions (roots) they hold: one query."""
    is_root = col(Question.parent_id).is_(None)
    open_root = is_root & col(Question.status).in_(OPEN_STATUSES)
    query = (
        select(
            Project,
            func.count(case((is_root, Question.id))),
            func.count(case((open_root, Question.id))),
        )
        .outerjoin(Question, col(Question.project_id) == Project.id)
        .group_by(col(Project.id))
        .order_by(col(Project.archived), col(Project.name))
    )
    return [
        ProjectRow(
            id=p.id or 0,
            name=p.name,
            description=p.description,
            archived=p.archived,
            general_questions=int(roots),
            open_general_questions=int(open_roots),
            version=p.version,
        )
        for p, roots, open_roots in session.execute(query)
    ]


def workload(session: Session, *, today: date | None = None) -> list[WorkloadRow]:
    """Open assigned questions per person and project, with how many are overdue (due
    before ``today``): one grouped query."""
    today = today or date.today()
    overdue = (col(Question.due_date) < today) & col(Question.due_date).is_not(None)
    query = (
        select(
            col(Person.id),
            col(Person.name),
            col(Person.active),
            col(Project.name),
            func.count(col(Question.id)),
            func.count(case((overdue, Question.id))),
        )
        .join(Person, col(Person.id) == Question.assignee_id)
        .join(Project, col(Project.id) == Question.project_id)
        .where(col(Question.status).in_(OPEN_STATUSES))
        .group_by(col(Person.id), col(Person.name), col(Person.active), col(Project.name))
        .order_by(col(Person.name), col(Project.name))
    )
    return [
        WorkloadRow(int(pid or 0), name, bool(active), project, int(n), int(late))
        for pid, name, active, project, n, late in session.execute(query)
    ]


def technique_breadth(session: Session) -> list[BreadthRow]:
    """IC x technique: questions assigned with that technique, and findings (not
    withdrawn) the IC logged on questions with that technique. Two grouped queries."""
    technique = col(Question.technique)
    assigned = (
        select(col(Question.assignee_id), technique, func.count(col(Question.id)))
        .where(technique.is_not(None), col(Question.assignee_id).is_not(None))
        .group_by(col(Question.assignee_id), technique)
    )
    logged = (
        select(col(Finding.author_id), technique, func.count(col(Finding.id)))
        .join(Question, col(Question.id) == Finding.question_id)
        .where(technique.is_not(None), col(Finding.status) != FindingStatus.WITHDRAWN)
        .group_by(col(Finding.author_id), technique)
    )
    counts: dict[tuple[int, str], list[int]] = {}
    for slot, query in enumerate((assigned, logged)):
        for pid, tech, n in session.execute(query):
            if pid is not None and tech is not None:
                counts.setdefault((pid, tech), [0, 0])[slot] = int(n)
    ics = {
        p.id: p
        for p in session.scalars(select(Person).where(col(Person.role) == Role.IC))
        if p.id is not None
    }
    rows = [
        BreadthRow(pid, ics[pid].name, ics[pid].active, tech, q, f)
        for (pid, tech), (q, f) in counts.items()
        if pid in ics
    ]
    return sorted(rows, key=lambda r: (r.person, r.technique))


@dataclass(frozen=True)
class TeamView:
    """Everything the Team page shows, read in one session."""

    people: list[PersonRow]
    projects: list[ProjectRow]
    workload: list[WorkloadRow]
    breadth: list[BreadthRow]


def team_view(session: Session, *, today: date | None = None) -> TeamView:
    return TeamView(
        people=people_overview(session),
        projects=projects_overview(session),
        workload=workload(session, today=today),
        breadth=technique_breadth(session),
    )
