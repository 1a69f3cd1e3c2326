"""People and projects: who is acting, and the lists the pages pick from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Person, PersonPublic, Project, ProjectPublic, Role
from team.services.core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The person doing something, as read from the database for this call."""

    id: int
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER


def acting(session: Session, person_id: int | None) -> Actor:
    """Load the acting person afresh, so a deactivated person or a changed role takes
    effect on their very next action, whatever their browser session remembers. The row
    is re-read even when this database session already holds it (populate_existing), so
    a long session never acts on a copy made before someone deactivated the person."""
    person = (
        session.get(Person, person_id, populate_existing=True) if person_id is not None else None
    )
    if person is None or person.id is None:
        raise PermissionDenied("Pick who you are first; this session has no known person.")
    if not person.active:
        raise PermissionDenied(
            f"{person.name} is deactivated and can no longer make changes; ask a manager."
        )
    return Actor(id=person.id, name=person.name, role=Role(person.role))


def require_writer(actor: Actor) -> None:
    if actor.is_viewer:
        raise PermissionDenied("Viewers have read-only access; ask a manager to change that.")


def require_manager(actor: Actor, doing: str) -> None:
    if not actor.is_manager:
        raise PermissionDenied(f"Only a manager can {doing}.")


def list_people(session: Session, *, active_only: bool = False) -> list[PersonPublic]:
    query = select(Person).order_by(col(Person.name))
    if active_only:
        query = query.where(col(Person.active).is_(True))
    return [PersonPublic.model_validate(p) for p in session.scalars(query)]


def list_projects(session: Session, *, include_archived: bool = True) -> list[ProjectPublic]:
    query = select(Project).order_by(col(Project.name))
    if not include_archived:
        query = query.where(col(Project.archived).is_(False))
    return [ProjectPublic.model_validate(p) for p in session.scalars(query)]
