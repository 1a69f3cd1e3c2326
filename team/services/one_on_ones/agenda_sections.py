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
from datetime import date, datetime
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
from sqlmodel import Session, col

from team.models import Finding, Note, Project, Question, ReviewRequest
from team.services.core import due
from team.services.core.sql_time import aware
from team.services.inbox.my_work import AssignedQuestion
from team.services.notes.reads import note_item, note_item_rows
from team.services.notes.rules import on_work_of, open_must_fix
from team.services.questions.rules import assigned_at, is_stale, last_evidence, quiet_days
from team.vocabulary import Confidence, FindingKind, FindingStatus, QuestionStatus, ReviewStatus


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


def _stamp(value: datetime | str) -> datetime:
    stamped = aware(value)
    assert stamped is not None
    return stamped


# --------------------------------------------------------------------------- findings


def new_findings(session: Session, *, report_id: int, since: datetime, limit: int) -> Bounded:
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
            col(Finding.status).in_(FindingStatus.shared_ones()),
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
    *,
    report_id: int,
    day: date,
    now: datetime,
    stale_after_days: int,
    limit: int,
) -> Bounded:
    """The report's active assigned questions that are overdue (due before ``day``; the
    longest overdue first) or else stale (no evidence for ``stale_after_days``, counted
    as on My work: from their newest evidence or from when they were given the
    question, whichever is later; the quietest first)."""
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
            assigned_at().label("assigned"),
            case((due.overdue(day), 1), else_=0).label("overdue"),
        )
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(
            col(Question.assignee_id) == report_id,
            col(Question.status).in_(QuestionStatus.still_open()),
        )
        .subquery("active")
    )
    c = active.c
    quiet = quiet_days(session, c.last, c.created_at, c.assigned, now)
    overdue = c.overdue == 1
    section = case(
        (overdue, literal_column("'overdue_questions'", String)),
        (is_stale(quiet, stale_after_days), literal_column("'stale_questions'", String)),
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
        lambda r: AssignedQuestion(
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


def review_sections(session: Session, *, manager_id: int, report_id: int, limit: int) -> Bounded:
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
            col(rr.status).in_(ReviewStatus.waiting()),
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


def open_must_fix_notes(session: Session, *, report_id: int, limit: int) -> Bounded:
    """Unresolved must-fix notes by others on the report's work, newest first, with what
    each is on."""
    columns, joined = note_item_rows()
    ranked = _ranked(
        columns,
        "open_must_fix",
        [col(Note.created_at).desc(), col(Note.id).desc()],
        [on_work_of(report_id), open_must_fix()],
        joined,
    )
    return _first(session, ranked, limit, note_item)
