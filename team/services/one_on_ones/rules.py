"""The rules of one-on-ones: who sees and writes them, and who ticks an action item.

- only the manager and the report of a one-on-one see it; viewers see none (nor does
  another manager: its text stays private to the pair);
- a manager starts one-on-ones only with their own active reports (reports-to);
- the manager of a one-on-one writes its notes and track notes and adds action items,
  owned by themselves or by the report;
- the owner of an action item ticks it done (or reopens it); the manager of the
  one-on-one may tick any of its items.
"""

from __future__ import annotations

from sqlmodel import Session

from team.models import OneOnOne, Person
from team.services.core.actors import Actor, require_writer
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.writes import load as load_row


def load(session: Session, one_on_one_id: int) -> OneOnOne:
    return load_row(
        session, OneOnOne, one_on_one_id, f"One-on-one #{one_on_one_id} does not exist."
    )


def require_member(actor: Actor, manager_id: int, report_id: int) -> None:
    """Only the two people of a one-on-one see it."""
    if actor.id not in (manager_id, report_id):
        raise PermissionDenied(
            "One-on-ones are private to the manager and the report who hold them."
        )


def require_holder(actor: Actor, meeting: OneOnOne) -> None:
    require_writer(actor)
    require_member(actor, meeting.manager_id, meeting.report_id)
    if actor.id != meeting.manager_id:
        raise PermissionDenied(
            "Only the manager who holds this one-on-one writes its notes and action items; "
            "tell them what to add."
        )


def current_report(session: Session, manager: Actor, report_id: int) -> Person:
    """``report_id`` as a current, active report of ``manager``, or PermissionDenied."""
    if not manager.is_manager:
        raise PermissionDenied("Only a manager holds one-on-ones with their reports.")
    report = session.get(Person, report_id)
    if report is None or report.reports_to_id != manager.id:
        raise PermissionDenied("You hold one-on-ones only with people who report to you.")
    if not report.active:
        raise InvalidInput(f"{report.name} is deactivated; their past one-on-ones stay.")
    return report


def may_tick(person_id: int, *, owner_id: int, manager_id: int) -> bool:
    """The item's owner, or the manager of its one-on-one."""
    return person_id in (owner_id, manager_id)
