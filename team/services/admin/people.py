"""Managing people: added, edited, deactivated and reactivated by managers (the rules are
in rules.py); the first manager of a deployment is added from the command line."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.models import Person
from team.services.admin.reads import PersonView, person_view
from team.services.admin.rules import (
    active_managers,
    check_email_free,
    check_manager,
    check_stops_managing,
    clash,
    clean_email,
    clean_name,
    just_added,
    manager,
)
from team.services.core.actors import Actor
from team.services.core.errors import PermissionDenied
from team.services.core.tx import atomic
from team.services.core.writes import commit, insert, load, save_fields
from team.vocabulary import Role

CLASH = clash("name or email")


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    role: Role = Role.IC
    reports_to_id: int | None = None


def _load(session: Session, person_id: int) -> Person:
    return load(session, Person, person_id, f"Person #{person_id} does not exist.")


def _insert(session: Session, actor: Actor | None, person: Person) -> None:
    # A person's unique value is their email.
    added = just_added(person.name)
    insert(session, actor, person, new=person.name, clash=added, clash_field="email")


@atomic
def add_person(session: Session, actor_id: int, *, data: PersonInput) -> PersonView:
    actor = manager(session, actor_id, "add people to the team")
    email = clean_email(data.email)
    person = Person(
        name=clean_name(data.name, "person"),
        email=email,
        role=Role(data.role),
        reports_to_id=data.reports_to_id,
    )
    check_email_free(session, email, None)
    check_manager(session, data.reports_to_id, None)
    _insert(session, actor, person)
    commit(session, clash=CLASH)
    return person_view(person)


@atomic
def add_first_manager(session: Session, *, name: str, email: str) -> PersonView:
    """Add a manager from the command line, only while no active manager exists: how a
    new deployment gets its first manager (or a team that lost all of them recovers)."""
    if active_managers(session):
        raise PermissionDenied(
            "The team already has an active manager; add people on the Team page instead."
        )
    cleaned = clean_email(email)
    check_email_free(session, cleaned, None)
    person = Person(name=clean_name(name, "person"), email=cleaned, role=Role.MANAGER)
    _insert(session, None, person)
    commit(session, clash=CLASH)
    return person_view(person)


@atomic
def edit_person(
    session: Session, actor_id: int, *, person_id: int, version: int, data: PersonInput
) -> PersonView:
    """Change name, email, role and reports-to of a person."""
    actor = manager(session, actor_id, "edit people")
    person = _load(session, person_id)
    role, email = Role(data.role), clean_email(data.email)
    wanted: dict[str, object] = {
        "name": clean_name(data.name, "person"),
        "email": email,
        "role": role,
        "reports_to_id": data.reports_to_id,
    }
    check_email_free(session, email, person_id)
    if data.reports_to_id != person.reports_to_id:
        check_manager(session, data.reports_to_id, person_id)
    if role != person.role:
        check_stops_managing(session, person, "change their role")
        if person_id == actor.id:
            raise PermissionDenied("You cannot change your own role; ask another manager.")
    if save_fields(session, actor, person, version=version, wanted=wanted, what=f"'{person.name}'"):
        commit(session, clash=CLASH)
    return person_view(person)


@atomic
def set_person_active(
    session: Session, actor_id: int, *, person_id: int, version: int, active: bool
) -> PersonView:
    """Deactivate (``active=False``) or reactivate a person. Nothing is deleted: their
    questions, findings and history stay; a deactivated person can no longer act."""
    doing = "reactivate people" if active else "deactivate people"
    actor = manager(session, actor_id, doing)
    person = _load(session, person_id)
    if not active:
        check_stops_managing(session, person, "deactivate them")
        if person_id == actor.id:
            raise PermissionDenied("You cannot deactivate yourself; ask another manager.")
    wanted: dict[str, object] = {"active": active}
    if save_fields(session, actor, person, version=version, wanted=wanted, what=f"'{person.name}'"):
        session.commit()
    return person_view(person)
