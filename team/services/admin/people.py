"""Managing the team: people and projects are added, edited, deactivated or archived,
never deleted, so their history stays. The team reads live in team_reads.py.

Every write is manager-only, refuses a stale version, and records its events in the same
transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from team.models import (
    Person,
    PersonPublic,
    Project,
    ProjectPublic,
    Role,
)
from team.services.core import events
from team.services.core.actors import Actor, acting, require_manager
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied
from team.services.core.text import multi_line, one_line, without_controls
from team.services.core.tx import atomic
from team.services.core.versioning import claim_version

NAME_MAX = 120
EMAIL_MAX = 254
DESCRIPTION_MAX = 20_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_A_ROLE = {Role.MANAGER: "a manager", Role.IC: "an IC", Role.VIEWER: "a viewer"}


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    role: Role = Role.IC
    reports_to_id: int | None = None


@dataclass(frozen=True)
class ProjectInput:
    name: str
    description: str = ""


# --------------------------------------------------------------------------- validation


def _clean_name(name: str, what: str) -> str:
    return one_line(
        name,
        what="name",
        limit=NAME_MAX,
        field="name",
        empty=f"Give the {what} a name; it cannot be empty.",
    )


def _clean_email(email: str) -> str:
    cleaned = without_controls(email).strip().lower()
    if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
        raise InvalidInput(
            f"'{email.strip()}' does not look like an email address; use name@example.com.",
            field="email",
        )
    return cleaned


def _check_email_free(session: Session, email: str, person_id: int | None) -> None:
    query = select(Person).where(func.lower(col(Person.email)) == email)
    other = session.scalars(query).first()
    if other is not None and other.id != person_id:
        raise InvalidInput(
            f"{email} already belongs to {other.name}; each person needs their own email.",
            field="email",
        )


def _check_manager(session: Session, reports_to_id: int | None, person_id: int | None) -> None:
    """``reports_to_id`` is an active manager, and not the person or one of their reports."""
    if reports_to_id is None:
        return
    boss = session.get(Person, reports_to_id)
    if boss is None:
        raise InvalidInput(f"Person #{reports_to_id} does not exist.", field="reports_to")
    if boss.role != Role.MANAGER or not boss.active:
        state = "deactivated" if not boss.active else _A_ROLE[Role(boss.role)]
        raise InvalidInput(
            f"{boss.name} is {state}; people report to an active manager.", field="reports_to"
        )
    if person_id is not None and person_id in _chain_up(session, reports_to_id):
        raise InvalidInput(
            f"{boss.name} already reports (directly or not) to this person; pick another "
            "manager so the reporting line has no loop.",
            field="reports_to",
        )


def _chain_up(session: Session, start: int) -> set[int]:
    """``start`` and everyone above them (one query for the whole reporting map)."""
    above = dict(session.execute(select(col(Person.id), col(Person.reports_to_id))).all())
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen:
        seen.add(current)
        current = above.get(current)
    return seen


def _active_managers(session: Session) -> int:
    query = select(func.count()).where(
        col(Person.role) == Role.MANAGER, col(Person.active).is_(True)
    )
    return int(session.scalar(query.select_from(Person)) or 0)


def _active_reports(session: Session, manager_id: int) -> list[str]:
    query = select(col(Person.name)).where(
        col(Person.reports_to_id) == manager_id, col(Person.active).is_(True)
    )
    return list(session.scalars(query.order_by(col(Person.name))))


def _check_stops_managing(session: Session, person: Person, doing: str) -> None:
    """A manager who stops managing (deactivated or a new role) must not be the last
    active one, nor leave active people reporting to them."""
    if person.role != Role.MANAGER or not person.active:
        return
    if _active_managers(session) <= 1:
        raise InvalidInput(
            f"{person.name} is the last active manager; make someone else a manager before "
            f"you {doing}.",
            field="role",
        )
    reports = _active_reports(session, person.id or 0)
    if reports:
        raise InvalidInput(
            f"{', '.join(reports)} still report to {person.name}; move them to another "
            f"manager before you {doing}.",
            field="reports_to",
        )


# --------------------------------------------------------------------------- helpers


def _load_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"Person #{person_id} does not exist.")
    return person


def _load_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"Project #{project_id} does not exist.")
    return project


def _claim(session: Session, row: Person | Project, version: int) -> None:
    claim_version(session, row, version, f"'{row.name}'")


def _apply(
    session: Session, actor: Actor, row: Person | Project, version: int, wanted: dict[str, object]
) -> bool:
    """Claim the next version and set the changed fields, one event each."""
    entity = "person" if isinstance(row, Person) else "project"
    changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
    if not changed:
        return False
    _claim(session, row, version)
    assert row.id is not None
    for field, new in changed.items():
        old = getattr(row, field)
        events.record(
            session,
            actor_id=actor.id,
            entity=entity,
            entity_id=row.id,
            action="updated",
            field=field,
            old=old,
            new=new,
        )
        setattr(row, field, new)
    return True


def _insert(session: Session, actor_id: int | None, row: Person | Project) -> None:
    """Add ``row``; ``actor_id`` is None for an act from the command line."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise InvalidInput(
            f"'{row.name}' was just added by someone else; reload and check.", field="name"
        ) from None
    assert row.id is not None
    entity = "person" if isinstance(row, Person) else "project"
    events.record(
        session, actor_id=actor_id, entity=entity, entity_id=row.id, action="created", new=row.name
    )


def _commit(session: Session) -> None:
    """Commit; a unique clash from a concurrent save becomes a sentence, not a traceback."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InvalidInput(
            "Someone else saved the same name or email a moment ago; reload and try again."
        ) from None


def _manager(session: Session, actor_id: int, doing: str) -> Actor:
    actor = acting(session, actor_id)
    require_manager(actor, doing)
    return actor


# --------------------------------------------------------------------------- people


@atomic
def add_person(session: Session, actor_id: int, data: PersonInput) -> PersonPublic:
    actor = _manager(session, actor_id, "add people to the team")
    email = _clean_email(data.email)
    person = Person(
        name=_clean_name(data.name, "person"),
        email=email,
        role=Role(data.role),
        reports_to_id=data.reports_to_id,
    )
    _check_email_free(session, email, None)
    _check_manager(session, data.reports_to_id, None)
    _insert(session, actor.id, person)
    _commit(session)
    return PersonPublic.model_validate(person)


@atomic
def add_first_manager(session: Session, *, name: str, email: str) -> PersonPublic:
    """Add a manager from the command line, only while no active manager exists: how a
    new deployment gets its first manager (or a team that lost all of them recovers)."""
    if _active_managers(session):
        raise PermissionDenied(
            "The team already has an active manager; add people on the Team page instead."
        )
    cleaned = _clean_email(email)
    _check_email_free(session, cleaned, None)
    person = Person(name=_clean_name(name, "person"), email=cleaned, role=Role.MANAGER)
    _insert(session, None, person)
    _commit(session)
    return PersonPublic.model_validate(person)


@atomic
def edit_person(
    session: Session, actor_id: int, person_id: int, version: int, data: PersonInput
) -> PersonPublic:
    """Change name, email, role and reports-to of a person."""
    actor = _manager(session, actor_id, "edit people")
    person = _load_person(session, person_id)
    role, email = Role(data.role), _clean_email(data.email)
    wanted: dict[str, object] = {
        "name": _clean_name(data.name, "person"),
        "email": email,
        "role": role,
        "reports_to_id": data.reports_to_id,
    }
    _check_email_free(session, email, person_id)
    if data.reports_to_id != person.reports_to_id:
        _check_manager(session, data.reports_to_id, person_id)
    if role != person.role:
        _check_stops_managing(session, person, "change their role")
        if person_id == actor.id:
            raise PermissionDenied("You cannot change your own role; ask another manager.")
    if _apply(session, actor, person, version, wanted):
        _commit(session)
    return PersonPublic.model_validate(person)


@atomic
def set_person_active(
    session: Session, actor_id: int, person_id: int, version: int, active: bool
) -> PersonPublic:
    """Deactivate (``active=False``) or reactivate a person. Nothing is deleted: their
    questions, findings and history stay; a deactivated person can no longer act."""
    doing = "reactivate people" if active else "deactivate people"
    actor = _manager(session, actor_id, doing)
    person = _load_person(session, person_id)
    if not active:
        _check_stops_managing(session, person, "deactivate them")
        if person_id == actor.id:
            raise PermissionDenied("You cannot deactivate yourself; ask another manager.")
    if _apply(session, actor, person, version, {"active": active}):
        session.commit()
    return PersonPublic.model_validate(person)


def deactivate_person(
    session: Session, actor_id: int, person_id: int, version: int
) -> PersonPublic:
    return set_person_active(session, actor_id, person_id, version, False)


def reactivate_person(
    session: Session, actor_id: int, person_id: int, version: int
) -> PersonPublic:
    return set_person_active(session, actor_id, person_id, version, True)


# --------------------------------------------------------------------------- projects


def _check_project_name_free(session: Session, name: str, project_id: int | None) -> None:
    query = select(Project).where(func.lower(col(Project.name)) == name.lower())
    other = session.scalars(query).first()
    if other is not None and other.id != project_id:
        raise InvalidInput(
            f"A project named '{other.name}' already exists; pick another name.", field="name"
        )


def _clean_project(session: Session, data: ProjectInput, project_id: int | None) -> ProjectInput:
    name = _clean_name(data.name, "project")
    description = multi_line(
        data.description, what="description", limit=DESCRIPTION_MAX, field="description"
    )
    _check_project_name_free(session, name, project_id)
    return ProjectInput(name=name, description=description)


@atomic
def add_project(session: Session, actor_id: int, data: ProjectInput) -> ProjectPublic:
    actor = _manager(session, actor_id, "add projects")
    clean = _clean_project(session, data, None)
    project = Project(name=clean.name, description=clean.description)
    _insert(session, actor.id, project)
    _commit(session)
    return ProjectPublic.model_validate(project)


@atomic
def edit_project(
    session: Session, actor_id: int, project_id: int, version: int, data: ProjectInput
) -> ProjectPublic:
    actor = _manager(session, actor_id, "edit projects")
    project = _load_project(session, project_id)
    clean = _clean_project(session, data, project_id)
    wanted: dict[str, object] = {"name": clean.name, "description": clean.description}
    if _apply(session, actor, project, version, wanted):
        _commit(session)
    return ProjectPublic.model_validate(project)


@atomic
def set_project_archived(
    session: Session, actor_id: int, project_id: int, version: int, archived: bool
) -> ProjectPublic:
    """Archive a project (its questions stay, read-only history) or reopen it."""
    actor = _manager(session, actor_id, "archive or reopen projects")
    project = _load_project(session, project_id)
    if _apply(session, actor, project, version, {"archived": archived}):
        session.commit()
    return ProjectPublic.model_validate(project)
