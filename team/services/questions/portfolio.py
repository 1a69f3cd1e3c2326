"""The portfolio of general questions for Overview: one page of rows, most urgent
first, and headline numbers over every general question that matches. A fixed number
of queries whatever the size; only the trees on the page are rolled up in Python.

Two readings of the coverage rule (rollup.py) exist on purpose: ``roll_up`` gives every
node of the trees on screen its coverage and confidence, and :func:`coverage_totals`
counts leaves across thousands of trees in one recursive query without loading them.
``tests/services/test_portfolio.py`` checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Person, Project, Question
from team.services.answers.health_reads import flagged_by_root
from team.services.core.due import is_overdue
from team.services.core.paging import Paged, Window, read_page, words_in
from team.services.questions.rollup import Evidence
from team.services.questions.tree import involves, rollups_by_root
from team.vocabulary import AnswerState, Confidence, QuestionStatus

_PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class PortfolioFilter:
    project_id: int | None = None
    person_id: int | None = None
    search: str = ""  # every word must occur in the title, in any case


@dataclass(frozen=True)
class PortfolioRow:
    id: int
    title: str
    project_id: int
    project: str
    owner: str
    status: QuestionStatus
    priority: str
    due_date: date | None
    leaves: int
    answered_leaves: int
    confidence: Confidence | None
    answer_state: AnswerState | None
    open_questions: int
    people: tuple[str, ...]
    person_ids: tuple[int, ...]
    version: int
    evidence: Evidence | None = None  # cited findings in the tree, reviewed or not
    flagged_answers: int = 0  # latest answers in the tree whose evidence changed since

    @property
    def coverage(self) -> float | None:
        return self.answered_leaves / self.leaves if self.leaves else None

    @property
    def overdue(self) -> bool:
        return is_overdue(self.due_date, self.status)


@dataclass(frozen=True)
class Summary:
    """Headline numbers over every general question that matches the filter."""

    general_questions: int
    open_sub_questions: int
    leaves: int
    answered_leaves: int

    @property
    def coverage(self) -> float | None:
        return self.answered_leaves / self.leaves if self.leaves else None


def matching_roots(
    project_id: int | None, person_id: int | None, search: str = ""
) -> list[ColumnElement[bool]]:
    """The filter of general questions (Overview's, and Progress's): of a project, and/or
    whose tree a person owns or is assigned a node of, and/or whose title holds every
    word of ``search``."""
    where: list[ColumnElement[bool]] = [col(Question.parent_id).is_(None)]
    if project_id is not None:
        where.append(col(Question.project_id) == project_id)
    if person_id is not None:
        where.append(involves(person_id))
    return where + words_in(search, col(Question.title))


def _matching_roots(f: PortfolioFilter) -> list[ColumnElement[bool]]:
    return matching_roots(f.project_id, f.person_id, f.search)


def urgency() -> list[Any]:
    """Unfinished first, then by priority, due date (none last) and title."""
    closed = case((col(Question.status).in_(QuestionStatus.finished()), 1), else_=0)
    priority = case(_PRIORITY_RANK, value=col(Question.priority), else_=9)
    no_due = case((col(Question.due_date).is_(None), 1), else_=0)
    return [closed, priority, no_due, col(Question.due_date), col(Question.title), col(Question.id)]


def page(session: Session, *, f: PortfolioFilter, window: Window) -> Paged[PortfolioRow]:
    """The general questions matching ``f``, most urgent first, one page of them."""
    owner = aliased(Person)
    query = (
        select(Question, col(Project.name), col(owner.name))
        .join(Project, col(Project.id) == col(Question.project_id))
        .join(owner, col(owner.id) == col(Question.owner_id))
        .where(*_matching_roots(f))
        .order_by(*urgency())
    )
    found = read_page(session, query, window, list)
    ids = [int(q.id) for q, _, _ in found.items]
    rollups = rollups_by_root(session, root_ids=ids)
    people = _people_by_root(session, ids)
    open_counts = _open_counts(session, ids)
    flagged = flagged_by_root(session, root_ids=ids)
    rows = []
    for q, project_name, owner_name in found.items:
        rolled, own = rollups[q.id]
        names = people.get(q.id, {})
        rows.append(
            PortfolioRow(
                id=q.id,
                title=q.title,
                project_id=q.project_id,
                project=project_name,
                owner=owner_name,
                status=QuestionStatus(q.status),
                priority=q.priority,
                due_date=q.due_date,
                leaves=rolled.leaves,
                answered_leaves=rolled.answered_leaves,
                confidence=rolled.confidence,
                answer_state=own.state if own else None,
                open_questions=open_counts.get(q.id, 0),
                people=tuple(sorted(names.values())),
                person_ids=tuple(sorted(names)),
                version=q.version,
                evidence=rolled.evidence,
                flagged_answers=flagged.get(q.id, 0),
            )
        )
    return Paged(items=rows, total=found.total, window=found.window)


def summary(session: Session, *, f: PortfolioFilter) -> Summary:
    """Counts over every matching general question, in two queries (overdue is counted
    by progress/overdue.py, at every depth)."""
    roots = select(col(Question.id)).where(*_matching_roots(f))
    n_roots = session.scalar(select(func.count()).where(*_matching_roots(f)))
    open_subs = session.scalar(
        select(func.count()).where(
            col(Question.root_id).in_(roots),
            col(Question.parent_id).is_not(None),
            col(Question.status).in_(QuestionStatus.still_open()),
        )
    )
    leaves, answered = coverage_totals(session, roots)
    return Summary(
        general_questions=int(n_roots or 0),
        open_sub_questions=int(open_subs or 0),
        leaves=leaves,
        answered_leaves=answered,
    )


def _leaves(roots: Select[Any]) -> list[ColumnElement[bool]]:
    """The leaves in scope of the trees of ``roots``: a node is in scope when neither it
    nor an ancestor is dropped; a leaf is an in-scope node without a sub-question that is
    not dropped (rollup.py). Only the subtrees under dropped nodes (few) are walked; the
    rest is one pass over the trees' rows."""
    in_trees = col(Question.root_id).in_(roots)
    dropped = QuestionStatus.DROPPED
    cut = (
        select(col(Question.id))
        .where(in_trees, col(Question.status) == dropped)
        .cte("cut", recursive=True)
    )
    child = aliased(Question)
    # UNION: a node already cut is not walked again (rows that loop end the walk).
    cut = cut.union(select(col(child.id)).join(cut, col(child.parent_id) == cut.c.id))
    live_parents = select(col(Question.parent_id)).where(
        in_trees, col(Question.status) != dropped, col(Question.parent_id).is_not(None)
    )
    return [
        in_trees,
        col(Question.id).not_in(select(cut.c.id)),
        col(Question.id).not_in(live_parents),
    ]


def _answered() -> ColumnElement[int]:
    return func.coalesce(
        func.sum(case((col(Question.status) == QuestionStatus.ANSWERED, 1), else_=0)), 0
    )


def coverage_totals(session: Session, roots: Select[Any]) -> tuple[int, int]:
    """(leaves, answered leaves) summed over the trees of ``roots``, in one query."""
    leaves, done = session.execute(select(func.count(), _answered()).where(*_leaves(roots))).one()
    return int(leaves), int(done)


def coverage_by_root(session: Session, roots: Select[Any]) -> dict[int, tuple[int, int]]:
    """{root id: (leaves, answered leaves)} of the trees of ``roots`` that have a leaf in
    scope, in one query."""
    query = (
        select(col(Question.root_id), func.count(), _answered())
        .where(*_leaves(roots))
        .group_by(col(Question.root_id))
    )
    return {int(r): (int(n), int(done)) for r, n, done in session.execute(query)}


def _people_by_root(session: Session, root_ids: list[int]) -> dict[int, dict[int, str]]:
    """{root id: {person id: name}} of everyone who owns or is assigned a node."""
    if not root_ids:
        return {}
    in_trees = col(Question.root_id).in_(root_ids)
    assignees = select(col(Question.root_id), col(Question.assignee_id)).where(
        in_trees, col(Question.assignee_id).is_not(None)
    )
    owners = select(col(Question.root_id), col(Question.owner_id)).where(in_trees)
    union = assignees.union(owners).subquery()
    query = select(union.c.root_id, col(Person.id), col(Person.name)).join(
        Person, col(Person.id) == union.c.assignee_id
    )
    result: dict[int, dict[int, str]] = {}
    for root_id, pid, name in session.execute(query):
        result.setdefault(root_id, {})[pid] = name
    return result


def _open_counts(session: Session, root_ids: list[int]) -> dict[int, int]:
    if not root_ids:
        return {}
    query = (
        select(col(Question.root_id), func.count())
        .where(
            col(Question.root_id).in_(root_ids),
            col(Question.status).in_(QuestionStatus.still_open()),
            col(Question.parent_id).is_not(None),
        )
        .group_by(col(Question.root_id))
    )
    return {root: int(n) for root, n in session.execute(query)}
