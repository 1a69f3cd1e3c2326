"""The rules of one-on-ones: who sees and writes them, and who ticks an action item.

- only the manager and the report of a one-on-one see it; viewers see none (nor does
  another manager: its text stays private to the pair);
- a manager starts one-on-ones only with their own active reports (reports-to);
- a one-on-one is recorded for the day it was held: today, or an earlier day (one held
  while away from the app), at most ``BACKDATE_YEARS`` years back (an older day is a
  mistyped year); never a day still ahead (a meeting not yet held has no notes: plan
  the next one with an action item due that day); one per pair and day;
- the manager of a one-on-one writes its notes and track notes and adds action items,
  owned by themselves or by the report;
- the owner of an action item ticks it done (or reopens it); the manager of the
  one-on-one may tick any of its items.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from team.models import OneOnOne, Person
from team.services.core.actors import Actor, require_writer
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.writes import load as load_row

BACKDATE_YEARS = 3


def earliest_day(today: date) -> date:
    """The oldest day a one-on-one can be recorded for, ``BACKDATE_YEARS`` years back."""
    year = today.year - BACKDATE_YEARS
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def check_day(day: date, today: date) -> None:
    """``day`` as the day a one-on-one was held, or InvalidInput saying what to pick."""
    if day > today:
        raise InvalidInput(
            f"{day.isoformat()} is still ahead: a one-on-one is recorded once it is held. "
            "Pick today or the earlier day it was held; to plan the next one, add an "
            "action item due that day.",
            field="held_on",
        )
    oldest = earliest_day(today)
    if day < oldest:
        raise InvalidInput(
            f"{day.isoformat()} is more than {BACKDATE_YEARS} years ago; check the year. "
            f"One-on-ones can be recorded back to {oldest.isoformat()}.",
            field="held_on",
        )


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
