"""What the benchmark renders: every page for every role that may see it, as a person
of that role with real work, in the page's natural state and with a realistic selection
where the page takes one (the biggest question tree, the busiest review thread...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Note, OneOnOne, Person, Question, ReviewRequest
from team.ui.navigation import all_page_names, page_names_for
from team.vocabulary import Role

ROLES = (Role.MANAGER, Role.IC, Role.VIEWER)
DEFAULT = "default"

# What the Search page is measured with: words the generated texts hold (texts.py).
# A metric, in titles, summaries, notes, tracks and action items: 16 rows at S, about
# 17,000 at L.
COMMON_WORD = "churn"
# A number only a few links carry (a dashboard, a notebook, a commit): 1 row at S, 3 at L.
RARE_WORD = "208"
# A metric of three words, as a phrase: 11 rows at S, about 12,000 at L.
PHRASE = '"weekly active users"'
SEARCH_VIEWS: dict[str, dict[str, str]] = {
    "common word": {"q": COMMON_WORD},
    "rare word": {"q": RARE_WORD},
    "phrase": {"q": PHRASE},
    # The common word narrowed to findings, newest first.
    "with filters": {"q": COMMON_WORD, "kind": "finding", "sort": "date"},
}


@dataclass(frozen=True)
class Target:
    """One page, as one person, with the query parameters of one view."""

    page: str
    role: Role
    view: str
    person_id: int
    query: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable across data sizes (the person and the ids differ)."""
        return self.page, self.role.value, self.view

    @property
    def label(self) -> str:
        return f"{self.page}/{self.role.value}/{self.view}"


def _first(session: Session, query: Select[Any]) -> int | None:
    value = session.execute(query).first()
    return int(value[0]) if value is not None else None


def busiest_manager(session: Session) -> int | None:
    """The active manager with the most active reports."""
    report = aliased(Person)
    query = (
        select(col(Person.id))
        .join(report, col(report.reports_to_id) == col(Person.id), isouter=True)
        .where(col(Person.role) == Role.MANAGER, col(Person.active))
        .group_by(col(Person.id))
        .order_by(func.count(col(report.id)).desc(), col(Person.id))
    )
    return _first(session, query)


def busiest_ic(session: Session) -> int | None:
    """The active IC with the most assigned questions."""
    query = (
        select(col(Person.id))
        .join(Question, col(Question.assignee_id) == col(Person.id), isouter=True)
        .where(col(Person.role) == Role.IC, col(Person.active))
        .group_by(col(Person.id))
        .order_by(func.count(col(Question.id)).desc(), col(Person.id))
    )
    return _first(session, query)


def a_viewer(session: Session) -> int | None:
    query = (
        select(col(Person.id))
        .where(col(Person.role) == Role.VIEWER, col(Person.active))
        .order_by(col(Person.id))
    )
    return _first(session, query)


def biggest_root(session: Session) -> int | None:
    """The general question with the most questions in its tree."""
    query = (
        select(col(Question.root_id))
        .where(col(Question.root_id).is_not(None))
        .group_by(col(Question.root_id))
        .order_by(func.count().desc(), col(Question.root_id))
    )
    return _first(session, query)


def busiest_review(session: Session) -> int | None:
    """The review request with the most notes in its thread."""
    query = (
        select(col(ReviewRequest.id))
        .join(Note, col(Note.review_request_id) == col(ReviewRequest.id), isouter=True)
        .group_by(col(ReviewRequest.id))
        .order_by(func.count(col(Note.id)).desc(), col(ReviewRequest.id))
    )
    return _first(session, query)


def busiest_report(session: Session, manager_id: int) -> int | None:
    """The current report of ``manager_id`` with the most one-on-ones with them."""
    query = (
        select(col(Person.id))
        .join(
            OneOnOne,
            (col(OneOnOne.report_id) == col(Person.id)) & (col(OneOnOne.manager_id) == manager_id),
            isouter=True,
        )
        .where(col(Person.reports_to_id) == manager_id, col(Person.active))
        .group_by(col(Person.id))
        .order_by(func.count(col(OneOnOne.id)).desc(), col(Person.id))
    )
    return _first(session, query)


def people_by_role(session: Session) -> dict[Role, int]:
    """One person per role who has real work; a role nobody has is left out."""
    found = {
        Role.MANAGER: busiest_manager(session),
        Role.IC: busiest_ic(session),
        Role.VIEWER: a_viewer(session),
    }
    return {role: pid for role, pid in found.items() if pid is not None}


def _views(
    session: Session, page: str, role: Role, person_id: int
) -> list[tuple[str, dict[str, str]]]:
    """The views of ``page`` worth measuring: its natural state first."""
    views: list[tuple[str, dict[str, str]]] = [(DEFAULT, {})]
    if page == "search":  # with no words it shows only its box
        views = list(SEARCH_VIEWS.items())
    elif page in ("questions", "answers"):
        root = biggest_root(session)
        if root is not None:
            views.append(("biggest tree", {"root": str(root)}))
    elif page == "reviews":
        review = busiest_review(session)
        if review is not None:
            views.append(("busiest thread", {"review": str(review)}))
    elif page == "one_on_ones" and role == Role.MANAGER:
        report = busiest_report(session, person_id)
        if report is not None:
            views = [("busiest report", {"report": str(report)})]
    return views


def targets(session: Session, pages: list[str] | None = None) -> list[Target]:
    """Every (page, role, view) to measure in this database, in navigation order."""
    people = people_by_role(session)
    found = []
    for page in all_page_names():
        if pages is not None and page not in pages:
            continue
        for role, person_id in people.items():
            if page not in page_names_for(role):
                continue
            for view, query in _views(session, page, role, person_id):
                found.append(Target(page, role, view, person_id, tuple(sorted(query.items()))))
    return found
