"""Team reads: the people and projects pages pick from, people with their manager,
projects with their general questions, each person's workload and each IC's technique
breadth. Each read is a fixed number of grouped queries, whatever the size of the team.

The workload and breadth counts are progress/people.py's, which works on pandas: it is
imported by the reads that need it, so the many pages and the command line that only
pick people and projects from here do not load pandas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Person, Project, Question
from team.services.core.views import view_of
from team.vocabulary import QuestionStatus, Role


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    email: str
    role: Role
    reports_to_id: int | None
    active: bool
    created_at: datetime
    version: int


@dataclass(frozen=True)
class ProjectView:
    id: int
    name: str
    description: str
    archived: bool
    created_at: datetime
    version: int


def person_view(person: Person) -> PersonView:
    return view_of(PersonView, person)


def project_view(project: Project) -> ProjectView:
    return view_of(ProjectView, project)


def list_people(session: Session, *, active_only: bool = False) -> list[PersonView]:
    query = select(Person).order_by(col(Person.name))
    if active_only:
        query = query.where(col(Person.active).is_(True))
    return [person_view(p) for p in session.scalars(query)]


def list_projects(session: Session, *, include_archived: bool = True) -> list[ProjectView]:
    query = select(Project).order_by(col(Project.name))
    if not include_archived:
        query = query.where(col(Project.archived).is_(False))
    return [project_view(p) for p in session.scalars(query)]


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
        view_of(PersonRow, p, manager=manager, manager_active=manager_active)
        for p, manager, manager_active in session.execute(query)
    ]


def projects_overview(session: Session) -> list[ProjectRow]:
    """Projects with how many general questions (roots) they hold: one query, which
    counts the roots only (found by their empty parent), not every sub-question."""
    still_open = case((col(Question.status).in_(QuestionStatus.still_open()), 1), else_=0)
    roots = (
        select(
            col(Question.project_id).label("project_id"),
            func.count().label("roots"),
            func.sum(still_open).label("open_roots"),
        )
        .where(col(Question.parent_id).is_(None))
        .group_by(col(Question.project_id))
        .subquery("roots")
    )
    query = (
        select(Project, func.coalesce(roots.c.roots, 0), func.coalesce(roots.c.open_roots, 0))
        .outerjoin(roots, roots.c.project_id == col(Project.id))
        .order_by(col(Project.archived), col(Project.name))
    )
    return [
        view_of(ProjectRow, p, general_questions=int(roots), open_general_questions=int(open_roots))
        for p, roots, open_roots in session.execute(query)
    ]


def _active_by_id(session: Session) -> dict[int, bool]:
    return {int(i): bool(a) for i, a in session.execute(select(col(Person.id), col(Person.active)))}


def workload(session: Session, *, today: date | None = None) -> list[WorkloadRow]:
    """Open sub-questions per assignee and project, with how many are overdue. The
    counting is progress/people.py's, so Team and Progress always agree."""
    return _workload(session, today, _active_by_id(session))


def _workload(session: Session, today: date | None, active: dict[int, bool]) -> list[WorkloadRow]:
    from team.services.progress import people as progress_people  # pandas: see the top

    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) if today else None
    return [
        WorkloadRow(
            person_id=int(r["person_id"]),
            person=str(r["person"]),
            active=active.get(int(r["person_id"]), False),
            project=str(r["project"]),
            open_questions=int(r["open"]),
            overdue=int(r["overdue"]),
        )
        for r in progress_people.workload(session, now=now).to_dict("records")
    ]


def technique_breadth(session: Session) -> list[BreadthRow]:
    """IC x technique: questions assigned and findings logged, counted by
    progress_people.technique_breadth (the Progress chart's numbers)."""
    return _technique_breadth(session, _active_by_id(session))


def _technique_breadth(session: Session, active: dict[int, bool]) -> list[BreadthRow]:
    from team.services.progress import people as progress_people  # pandas: see the top

    return [
        BreadthRow(
            person_id=int(r["person_id"]),
            person=str(r["person"]),
            active=active.get(int(r["person_id"]), False),
            technique=str(r["technique"]),
            questions=int(r["assigned"]),
            findings=int(r["findings"]),
        )
        for r in progress_people.technique_breadth(session).to_dict("records")
    ]


@dataclass(frozen=True)
class TeamView:
    """Everything the Team page shows, read in one session."""

    people: list[PersonRow]
    projects: list[ProjectRow]
    workload: list[WorkloadRow]
    breadth: list[BreadthRow]


def team_view(session: Session, *, today: date | None = None) -> TeamView:
    """The people are read once: the workload and breadth rows take who is active from
    the people's rows."""
    people = people_overview(session)
    active = {p.id: p.active for p in people}
    return TeamView(
        people=people,
        projects=projects_overview(session),
        workload=_workload(session, today, active),
        breadth=_technique_breadth(session, active),
    )
