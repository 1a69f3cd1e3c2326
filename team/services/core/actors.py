"""Who is acting: the person a service call acts for, re-read for every call, and the
rules every write shares (viewers change nothing; some acts are a manager's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from team.models import Person
from team.services.core.errors import PermissionDenied
from team.vocabulary import Role


class _Person(Protocol):
    @property
    def id(self) -> int | None: ...  # None only for a row not saved yet
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> Role: ...


@dataclass(frozen=True)
class Actor:
    """The person doing something, as read from the database for this call (or, for a
    page asking what to offer, as its session knows them: the services check again)."""

    id: int
    name: str
    role: Role

    @classmethod
    def of(cls, person: _Person) -> Actor:
        """The actor a person (a saved row, or a view of one) is."""
        assert person.id is not None, "an actor is a saved person"
        return cls(id=person.id, name=person.name, role=Role(person.role))

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
    return Actor.of(person)


def require_writer(actor: Actor) -> None:
    if actor.is_viewer:
        raise PermissionDenied("Viewers have read-only access; ask a manager to change that.")


def require_manager(actor: Actor, doing: str) -> None:
    if not actor.is_manager:
        raise PermissionDenied(f"Only a manager can {doing}.")
