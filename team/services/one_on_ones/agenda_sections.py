"""The bounded reads behind a one-on-one agenda: each section's most pressing items and
how many there are in all, one query per kind of item whatever the amount of work.

Every query ranks its rows with ``ROW_NUMBER`` and counts them with ``COUNT(*) OVER``
(partitioned by section where one query feeds two sections), so a report with 500 open
questions costs what one with five does. The rules of each section are agenda.py's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Subquery,
    and_,
    case,
    func,
    join,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    Confidence,
    Finding,
    FindingKind,
    FindingStatus,
    Note,
    NoteKind,
    Person,
    Project,
    Question,
    QuestionStatus,
    ReviewRequest,
    ReviewStatus,
)
from team.services.core.sql_time import at, hours_between
from team.services.inbox.attention import on_work_of
from team.services.inbox.my_work import NoteItem, last_evidence
from team.services.reviews import writes as reviews

ACTIVE = (QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS, QuestionStatus.BLOCKED)
HIDDEN_FINDINGS = (FindingStatus.DRAFT, FindingStatus.WITHDRAWN)


@dataclass(frozen=True)
class Bounded:
    """The first items of some sections and each section's total (absent: none)."""

    items: dict[str, list[Any]]
    totals: dict[str, int]


@dataclass(frozen=True)
class FindingItem:
    id: int
    summary: str
    kind: FindingKind
    confidence: Confidence
    question_title: str
    created_at: datetime


@dataclass(frozen=True)
class QuestionItem:
    question_id: int
    root_id: int | None
    title: str
    project: str
    status: QuestionStatus
    due_date: date | None
    last_evidence_at: datetime | None
    quiet_days: int  # days since the last evidence (or since creation, when none)


@dataclass(frozen=True)
class ReviewItem:
    id: int
    question_title: str
    finding_summary: str | None
    status: ReviewStatus
    requested_at: datetime
    artifact_url: str


def _ranked(
    columns: list[Any],
    section: ColumnElement[Any] | str,
    order: list[Any],
    where: list[ColumnElement[bool]],
    select_from: Any,
) -> Subquery:
    """``columns`` plus their section, rank within it (rn) and the section's total; a
    plain string names the one section every row belongs to."""
    if isinstance(section, str):
        label: ColumnElement[Any] = literal_column(f"'{section}'", String)
        rank, total = func.row_number().over(order_by=order), func.count().over()
    else:
        label = section
        rank = func.row_number().over(partition_by=section, order_by=order)
        total = func.count().over(partition_by=section)
    return (
        select(*columns, label.label("section"), rank.label("rn"), total.label("total"))
        .select_from(select_from)
        .where(*where)
        .subquery("ranked")
    )


def _first(
    session: Session, ranked: Subquery, limit: int, convert: Callable[[Any], Any]
) -> Bounded:
    """The first ``limit`` rows of each section, converted, with each section's total."""
    query = select(ranked).where(ranked.c.rn <= limit).order_by(ranked.c.section, ranked.c.rn)
    items: dict[str, list[Any]] = {}
    totals: dict[str, int] = {}
    for row in session.execute(query):
        items.setdefault(row.section, []).append(convert(row))
        totals[row.section] = int(row.total)
    return Bounded(items, totals)


def aware(value: datetime | str | None) -> datetime | None:
    """SQLite hands back naive timestamps (and aggregates bypass the column type): put
    the UTC zone back on."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stamp(value: datetime | str) -> datetime:
    stamped = aware(value)
    assert stamped is not None
    return stamped


# --------------------------------------------------------------------------- findings


def new_findings(session: Session, report_id: int, since: datetime, limit: int) -> Bounded:
    """The report's shared or reviewed findings logged since ``since``, newest first."""
    ranked = _ranked(
        [
            col(Finding.id).label("id"),
            col(Finding.summary).label("summary"),
            col(Finding.kind).label("kind"),
            col(Finding.confidence).label("confidence"),
            col(Question.title).label("question_title"),
            col(Finding.created_at).label("created_at"),
        ],
        "new_findings",
        [col(Finding.created_at).desc(), col(Finding.id).desc()],
        [
            col(Finding.author_id) == report_id,
            col(Finding.created_at) >= since,
            col(Finding.status).not_in(HIDDEN_FINDINGS),
        ],
        join(Finding, Question, col(Question.id) == col(Finding.question_id)),
    )
    return _first(
        session,
        ranked,
        limit,
        lambda r: FindingItem(
            id=int(r.id),
            summary=r.summary,
            kind=FindingKind(r.kind),
            confidence=Confidence(r.confidence),
            question_title=r.question_title,
            created_at=_stamp(r.created_at),
        ),
    )


# --------------------------------------------------------------------------- questions


def questions(
    session: Session,
    report_id: int,
    *,
    day: date,
    now: datetime,
    stale_after_days: int,
    limit: int,
) -> Bounded:
    """The report's active assigned questions that are overdue (due before ``day``; the
    longest overdue first) or else stale (no evidence for ``stale_after_days``, counted
    from creation when there is none; the quietest first)."""
    active = (
        select(
            col(Question.id).label("question_id"),
            col(Question.root_id).label("root_id"),
            col(Question.title).label("title"),
            col(Project.name).label("project"),
            col(Question.status).label("status"),
            col(Question.due_date).label("due_date"),
            col(Question.created_at).label("created_at"),
            last_evidence().label("last"),
        )
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(col(Question.assignee_id) == report_id, col(Question.status).in_(ACTIVE))
        .subquery("active")
    )
    c = active.c
    quiet = hours_between(session, func.coalesce(c.last, c.created_at), at(now)) / 24.0
    overdue = and_(c.due_date.is_not(None), c.due_date < day)
    section = case(
        (overdue, literal_column("'overdue_questions'", String)),
        (quiet >= stale_after_days, literal_column("'stale_questions'", String)),
    )
    ranked = _ranked(
        [*c, quiet.label("quiet")],
        section,
        [case((overdue, c.due_date)), quiet.desc(), c.title, c.question_id],
        [section.is_not(None)],
        active,
    )
    return _first(
        session,
        ranked,
        limit,
        lambda r: QuestionItem(
            question_id=int(r.question_id),
            root_id=r.root_id,
            title=r.title,
            project=r.project,
            status=QuestionStatus(r.status),
            due_date=r.due_date,
            last_evidence_at=aware(r.last),
            quiet_days=math.floor(r.quiet),
        ),
    )


# --------------------------------------------------------------------------- reviews


def review_sections(session: Session, manager_id: int, report_id: int, limit: int) -> Bounded:
    """Requests of the report waiting on the manager, and requests waiting on the report
    as reviewer; the longest waiting first."""
    rr = ReviewRequest
    awaiting = and_(col(rr.requester_id) == report_id, col(rr.reviewer_id) == manager_id)
    section = case(
        (awaiting, literal_column("'reviews_awaiting_manager'", String)),
        else_=literal_column("'reviews_owed'", String),
    )
    ranked = _ranked(
        [
            col(rr.id).label("id"),
            col(Question.title).label("question_title"),
            col(Finding.summary).label("finding_summary"),
            col(rr.status).label("status"),
            col(rr.requested_at).label("requested_at"),
            col(rr.artifact_url).label("artifact_url"),
        ],
        section,
        [col(rr.requested_at), col(rr.id)],
        [
            col(rr.status).in_(reviews.WAITING),
            or_(awaiting, col(rr.reviewer_id) == report_id),
        ],
        join(rr, Question, col(Question.id) == col(rr.question_id)).outerjoin(
            Finding, col(Finding.id) == col(rr.finding_id)
        ),
    )
    return _first(
        session,
        ranked,
        limit,
        lambda r: ReviewItem(
            id=int(r.id),
            question_title=r.question_title,
            finding_summary=r.finding_summary,
            status=ReviewStatus(r.status),
            requested_at=_stamp(r.requested_at),
            artifact_url=r.artifact_url,
        ),
    )


# --------------------------------------------------------------------------- notes


def open_must_fix(session: Session, report_id: int, limit: int) -> Bounded:
    """Unresolved must-fix notes by others on the report's work, newest first, with what
    each is on."""
    finding, review, question = aliased(Finding), aliased(ReviewRequest), aliased(Question)
    target = func.coalesce(col(Note.question_id), col(finding.question_id), col(review.question_id))
    ranked = _ranked(
        [
            col(Note.id).label("id"),
            col(Person.name).label("author"),
            col(Note.kind).label("kind"),
            col(Note.body).label("body"),
            col(Note.created_at).label("created_at"),
            col(Note.version).label("version"),
            col(Note.finding_id).label("finding_id"),
            col(Note.review_request_id).label("review_request_id"),
            col(Note.question_id).label("on_question_id"),
            col(Note.answer_id).label("answer_id"),
            col(finding.summary).label("finding_summary"),
            col(question.title).label("question_title"),
            col(question.root_id).label("root_id"),
        ],
        "open_must_fix",
        [col(Note.created_at).desc(), col(Note.id).desc()],
        [
            on_work_of(report_id),
            col(Note.kind) == NoteKind.MUST_FIX,
            col(Note.resolved).is_(False),
        ],
        join(Note, Person, col(Person.id) == col(Note.author_id))
        .outerjoin(finding, col(finding.id) == col(Note.finding_id))
        .outerjoin(review, col(review.id) == col(Note.review_request_id))
        .outerjoin(question, col(question.id) == target),
    )
    return _first(session, ranked, limit, _note_item)


def _note_item(r: Any) -> NoteItem:
    if r.finding_id:
        on, on_id, title = "finding", int(r.finding_id), r.finding_summary
    elif r.review_request_id:
        on, on_id = "review_request", int(r.review_request_id)
        title = f"Review of “{r.question_title}”"
    elif r.on_question_id:
        on, on_id, title = "question", int(r.on_question_id), r.question_title
    else:
        on, on_id, title = "answer", int(r.answer_id or 0), ""
    return NoteItem(
        id=int(r.id),
        author=r.author,
        kind=NoteKind(r.kind),
        body=r.body,
        created_at=_stamp(r.created_at),
        version=int(r.version),
        on=on,
        on_id=on_id,
        on_title=title or "",
        root_id=r.root_id,
    )
