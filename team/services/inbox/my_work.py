"""Reads for the IC workflow: my queue of assigned questions (findings are read in
finding_reads, attention in attention; both stay importable from here). Each read is a
fixed number of queries; long lists are read one page at a time with their total."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ScalarSelect, Select, case, func, select
from sqlmodel import Session, col

from team.models import (
    Finding,
    FindingStatus,
    Project,
    Question,
    QuestionStatus,
    ReviewRequest,
    ReviewStatus,
)
from team.services.core.paging import Paged, Window, read_page
from team.services.findings.reads import (
    FindingQuery,
    FindingView,
    finding_query,
    finding_views,
    findings_by,
    findings_by_page,
    findings_on,
    get_finding,
)
from team.services.inbox.attention import (
    NEW_NOTE_DAYS,
    SECTION_SIZE,
    SECTIONS,
    Attention,
    AttentionPage,
    NoteItem,
    attention,
    attention_count,
    attention_counts,
    attention_page,
)

__all__ = [  # finding reads and attention live in their own modules; importable from here
    "NEW_NOTE_DAYS",
    "SECTIONS",
    "SECTION_SIZE",
    "Attention",
    "AttentionPage",
    "FindingQuery",
    "FindingView",
    "NoteItem",
    "attention",
    "attention_count",
    "attention_counts",
    "attention_page",
    "finding_query",
    "finding_views",
    "findings_by",
    "findings_by_page",
    "findings_on",
    "get_finding",
]

OPEN_REVIEW = (ReviewStatus.OPEN, ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED)


@dataclass(frozen=True)
class WorkItem:
    question_id: int
    root_id: int | None
    title: str
    project: str
    status: QuestionStatus
    due_date: date | None
    last_evidence_at: datetime | None
    open_reviews: int
    version: int

    def days_since_evidence(self, now: datetime) -> int | None:
        if self.last_evidence_at is None:
            return None
        return (now - self.last_evidence_at).days


# --------------------------------------------------------------------------- my work


def last_evidence() -> ScalarSelect[datetime]:
    """Per question (correlated): when its newest non-withdrawn finding was logged."""
    return (
        select(func.max(Finding.created_at))
        .where(
            col(Finding.question_id) == col(Question.id),
            col(Finding.status) != FindingStatus.WITHDRAWN,
        )
        .scalar_subquery()
    )


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


def _work_items(session: Session) -> Callable[[Iterable[Any]], list[WorkItem]]:
    """Rows of :func:`_assigned` as work items, with evidence and open reviews read for
    those questions only (one query)."""

    def convert(rows: Iterable[Any]) -> list[WorkItem]:
        found = list(rows)
        facts = _question_facts(session, [int(q.id) for q, _ in found])
        return [
            WorkItem(
                question_id=int(q.id),
                root_id=q.root_id,
                title=q.title,
                project=project,
                status=QuestionStatus(q.status),
                due_date=q.due_date,
                last_evidence_at=facts.get(int(q.id), (None, 0))[0],
                open_reviews=facts.get(int(q.id), (None, 0))[1],
                version=q.version,
            )
            for q, project in found
        ]

    return convert


def _question_facts(
    session: Session, question_ids: list[int]
) -> dict[int, tuple[datetime | None, int]]:
    """question id -> (last evidence, open reviews), in one query (even for none)."""
    open_reviews = (
        select(func.count())
        .where(
            col(ReviewRequest.question_id) == col(Question.id),
            col(ReviewRequest.status).in_(OPEN_REVIEW),
        )
        .scalar_subquery()
    )
    query = select(col(Question.id), last_evidence(), open_reviews).where(
        col(Question.id).in_(question_ids)
    )
    return {int(qid): (_aware(last), int(n or 0)) for qid, last, n in session.execute(query)}


def my_questions(session: Session, person_id: int) -> list[WorkItem]:
    """Questions assigned to ``person_id`` (not dropped), unfinished first, by due date."""
    return _work_items(session)(session.execute(_assigned(person_id)))


def my_questions_page(session: Session, person_id: int, window: Window) -> Paged[WorkItem]:
    """One page of :func:`my_questions`, with the total."""
    return read_page(session, _assigned(person_id), window, _work_items(session))


def open_assignments(session: Session, person_id: int) -> list[tuple[int, str]]:
    """(id, title) of the questions assigned to ``person_id`` still to answer, in queue
    order: what a finding or a review request can be about."""
    inner = _assigned(person_id).where(col(Question.status) != QuestionStatus.ANSWERED)
    query = inner.with_only_columns(col(Question.id), col(Question.title))
    return [(int(qid), title) for qid, title in session.execute(query)]


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type; put the UTC zone back on."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
