"""The rules of the team: people and projects are added, edited, deactivated or archived
by managers, never deleted, so their history stays. A person has a name and an email of
their own; reports-to names an active manager, never in a loop; the team always keeps an
active manager, and a manager who stops managing leaves nobody reporting to them."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Person
from team.services.core.actors import Actor, acting, require_manager
from team.services.core.errors import InvalidInput
from team.services.core.text import one_line, without_controls
from team.vocabulary import Role

NAME_MAX = 120
EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_A_ROLE = {Role.MANAGER: "a manager", Role.IC: "an IC", Role.VIEWER: "a viewer"}


def manager(session: Session, actor_id: int, doing: str) -> Actor:
    """The acting person, who must be a manager to do ``doing``."""
    actor = acting(session, actor_id)
    require_manager(actor, doing)
    return actor


def clash(same: str) -> str:
    """What a save that met someone else's save of the same ``same`` says."""
    return f"Someone else saved the same {same} a moment ago; reload and try again."


def just_added(name: str) -> str:
    """What an add that met someone else's add of ``name`` says."""
    return f"'{name}' was just added by someone else; reload and check."


def clean_name(name: str, what: str) -> str:
    return one_line(
        name,
        what="name",
        limit=NAME_MAX,
        field="name",
        empty=f"Give the {what} a name; it cannot be empty.",
    )


def clean_email(email: str) -> str:
    cleaned = without_controls(email).strip().lower()
    if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
        raise InvalidInput(
            f"'{email.strip()}' does not look like an email address; use name@example.com.",
            field="email",
        )
    return cleaned


def check_email_free(session: Session, email: str, person_id: int | None) -> None:
    query = select(Person).where(func.lower(col(Person.email)) == email)
    other = session.scalars(query).first()
    if other is not None and other.id != person_id:
        raise InvalidInput(
            f"{email} already belongs to {other.name}; each person needs their own email.",
            field="email",
        )


def check_manager(session: Session, reports_to_id: int | None, person_id: int | None) -> None:
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


def active_managers(session: Session) -> int:
    query = select(func.count()).where(
        col(Person.role) == Role.MANAGER, col(Person.active).is_(True)
    )
    return int(session.scalar(query.select_from(Person)) or 0)


def _active_reports(session: Session, manager_id: int) -> list[str]:
    query = select(col(Person.name)).where(
        col(Person.reports_to_id) == manager_id, col(Person.active).is_(True)
    )
    return list(session.scalars(query.order_by(col(Person.name))))


def check_stops_managing(session: Session, person: Person, doing: str) -> None:
    """A manager who stops managing (deactivated or a new role) must not be the last
    active one, nor leave active people reporting to them."""
    if person.role != Role.MANAGER or not person.active:
        return
    if active_managers(session) <= 1:
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
