"""My work: the questions assigned to a person, with when each last had evidence, whether
it is stale (questions/rules.py) and how many reviews on it are open. Long lists are read
one page at a time with their total; each read is a fixed number of queries."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlmodel import Session, col

from team.models import Project, Question, ReviewRequest, utcnow
from team.services.core.paging import Paged, Window, read_page
from team.services.core.sql_time import aware
from team.services.questions.rules import assigned_at, is_stale, last_evidence, quiet_days
from team.vocabulary import QuestionStatus, ReviewStatus


@dataclass(frozen=True)
class AssignedQuestion:
    """A question assigned to someone, with how long it has been without evidence (My
    work's queue, the one-on-one agenda's overdue and stale questions)."""

    question_id: int
    root_id: int | None
    title: str
    project: str
    status: QuestionStatus
    due_date: date | None
    last_evidence_at: datetime | None
    quiet_days: int  # days without new evidence (see the module's note for since when)


@dataclass(frozen=True)
class WorkItem(AssignedQuestion):
    stale: bool  # still open and quiet for the stale_after_days of config.yaml
    open_reviews: int
    version: int


def _assigned(person_id: int) -> Select[Question, str]:
    """Questions assigned to ``person_id`` (not dropped): unfinished first, by due date
    (undated last), then title."""
    return (
        select(Question, col(Project.name))
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(
            col(Question.assignee_id) == person_id,
            col(Question.status) != QuestionStatus.DROPPED,
        )
        .order_by(
            case((col(Question.status) == QuestionStatus.ANSWERED, 1), else_=0),
            col(Question.due_date).asc().nulls_last(),
            col(Question.title),
            col(Question.id),
        )
    )


@dataclass(frozen=True)
class _Facts:
    last: datetime | None
    quiet: float
    stale: bool
    open_reviews: int


def _work_items(
    session: Session, stale_after_days: int, now: datetime
) -> Callable[[Iterable[Any]], list[WorkItem]]:
    """Rows of :func:`_assigned` as work items, with evidence, staleness and open
    reviews read for those questions only (one query)."""

    def convert(rows: Iterable[Any]) -> list[WorkItem]:
        found = list(rows)
        facts = _question_facts(session, [int(q.id) for q, _ in found], stale_after_days, now)
        items = []
        for q, project in found:
            fact = facts[int(q.id)]
            status = QuestionStatus(q.status)
            items.append(
                WorkItem(
                    question_id=int(q.id),
                    root_id=q.root_id,
                    title=q.title,
                    project=project,
                    status=status,
                    due_date=q.due_date,
                    last_evidence_at=fact.last,
                    quiet_days=math.floor(fact.quiet),
                    stale=fact.stale and status.is_open,
                    open_reviews=fact.open_reviews,
                    version=q.version,
                )
            )
        return items

    return convert


def _question_facts(
    session: Session, question_ids: list[int], stale_after_days: int, now: datetime
) -> dict[int, _Facts]:
    """question id -> its facts, in one query (even for none)."""
    open_reviews = (
        select(func.count())
        .where(
            col(ReviewRequest.question_id) == col(Question.id),
            col(ReviewRequest.status).in_(ReviewStatus.still_open()),
        )
        .scalar_subquery()
    )
    inner = (
        select(
            col(Question.id).label("id"),
            col(Question.created_at).label("created_at"),
            last_evidence().label("last"),
            assigned_at().label("assigned"),
            open_reviews.label("open_reviews"),
        )
        .where(col(Question.id).in_(question_ids))
        .subquery("facts")
    )
    c = inner.c
    quiet = quiet_days(session, c.last, c.created_at, c.assigned, now)
    query = select(
        inner.c.id, inner.c.last, quiet, is_stale(quiet, stale_after_days), inner.c.open_reviews
    )
    return {
        int(qid): _Facts(aware(last), float(days), bool(stale), int(n or 0))
        for qid, last, days, stale, n in session.execute(query)
    }


def my_questions(
    session: Session, *, person_id: int, stale_after_days: int, now: datetime | None = None
) -> list[WorkItem]:
    """Questions assigned to ``person_id`` (not dropped), unfinished first, by due date."""
    convert = _work_items(session, stale_after_days, now or utcnow())
    return convert(session.execute(_assigned(person_id)))


def my_questions_page(
    session: Session,
    *,
    person_id: int,
    window: Window,
    stale_after_days: int,
    now: datetime | None = None,
) -> Paged[WorkItem]:
    """One page of :func:`my_questions`, with the total."""
    convert = _work_items(session, stale_after_days, now or utcnow())
    return read_page(session, _assigned(person_id), window, convert)


def open_assignments(session: Session, *, person_id: int) -> list[tuple[int, str]]:
    """(id, title) of the questions assigned to ``person_id`` still to answer, in queue
    order: what a finding or a review request can be about."""
    inner = _assigned(person_id).where(col(Question.status).in_(QuestionStatus.still_open()))
    query = inner.with_only_columns(col(Question.id), col(Question.title))
    return [(int(qid), title) for qid, title in session.execute(query)]
