"""Reads for the IC workflow: my queue, findings with their authors, and what needs a
person's attention. Each read is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ScalarSelect, Select, and_, func, or_, select
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
    utcnow,
)
from team.services import reviews
from team.services.reviews import ReviewView

FindingQuery = Select[Finding, str, str, int | None]
NoteQuery = Select[Note, str]
NEW_NOTE_DAYS = 7  # a note by someone else on your work is "new" for this many days
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


@dataclass(frozen=True)
class FindingView:
    id: int
    question_id: int
    question_title: str
    root_id: int | None
    author_id: int
    author: str
    summary: str
    body: str
    links: tuple[str, ...]
    kind: FindingKind
    confidence: Confidence
    status: FindingStatus
    created_at: datetime
    version: int


@dataclass(frozen=True)
class NoteItem:
    """A note with what it is on, for the attention list."""

    id: int
    author: str
    kind: NoteKind
    body: str
    created_at: datetime
    version: int
    on: str  # "finding", "review_request", "question"
    on_id: int
    on_title: str
    root_id: int | None


@dataclass
class Attention:
    reviews_to_do: list[ReviewView] = field(default_factory=list)
    new_notes: list[NoteItem] = field(default_factory=list)
    open_must_fix: list[NoteItem] = field(default_factory=list)
    awaiting_acceptance: list[FindingView] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.reviews_to_do)
            + len(self.new_notes)
            + len(self.open_must_fix)
            + len(self.awaiting_acceptance)
        )


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


def my_questions(session: Session, person_id: int) -> list[WorkItem]:
    """Questions assigned to ``person_id`` (not dropped), unfinished first, by due date."""
    evidence = last_evidence()
    open_reviews = (
        select(func.count())
        .where(
            col(ReviewRequest.question_id) == col(Question.id),
            col(ReviewRequest.status).in_(OPEN_REVIEW),
        )
        .scalar_subquery()
    )
    query = (
        select(Question, col(Project.name), evidence, open_reviews)
        .join(Project, col(Project.id) == col(Question.project_id))
        .where(
            col(Question.assignee_id) == person_id,
            col(Question.status) != QuestionStatus.DROPPED,
        )
    )
    items = [
        WorkItem(
            question_id=int(q.id),
            root_id=q.root_id,
            title=q.title,
            project=project,
            status=QuestionStatus(q.status),
            due_date=q.due_date,
            last_evidence_at=_aware(last),
            open_reviews=int(count or 0),
            version=q.version,
        )
        for q, project, last, count in session.execute(query)
    ]
    return sorted(items, key=_queue_order)


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type; put the UTC zone back on."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _queue_order(item: WorkItem) -> tuple[int, date, str]:
    done = item.status == QuestionStatus.ANSWERED
    return (int(done), item.due_date or date.max, item.title)


# --------------------------------------------------------------------------- findings


def finding_query() -> FindingQuery:
    return (
        select(Finding, col(Person.name), col(Question.title), col(Question.root_id))
        .join(Person, col(Person.id) == col(Finding.author_id))
        .join(Question, col(Question.id) == col(Finding.question_id))
    )


def finding_views(session: Session, query: FindingQuery) -> list[FindingView]:
    return [
        FindingView(
            id=int(f.id),
            question_id=f.question_id,
            question_title=title,
            root_id=root_id,
            author_id=f.author_id,
            author=name,
            summary=f.summary,
            body=f.body,
            links=tuple(f.links or ()),
            kind=FindingKind(f.kind),
            confidence=Confidence(f.confidence),
            status=FindingStatus(f.status),
            created_at=f.created_at,
            version=f.version,
        )
        for f, name, title, root_id in session.execute(query)
    ]


def findings_on(session: Session, question_ids: list[int]) -> list[FindingView]:
    """Findings on these questions, newest first."""
    if not question_ids:
        return []
    query = finding_query().where(col(Finding.question_id).in_(question_ids))
    return finding_views(session, query.order_by(col(Finding.created_at).desc()))


def findings_by(session: Session, author_id: int) -> list[FindingView]:
    query = finding_query().where(col(Finding.author_id) == author_id)
    return finding_views(session, query.order_by(col(Finding.created_at).desc()))


def get_finding(session: Session, finding_id: int) -> FindingView | None:
    found = finding_views(session, finding_query().where(col(Finding.id) == finding_id))
    return found[0] if found else None


# --------------------------------------------------------------------------- attention


def _notes_on_my_work(person_id: int) -> NoteQuery:
    """Notes by others on this person's findings, review requests, assigned questions and
    unassigned questions they own."""
    mine = or_(
        col(Note.finding_id).in_(
            select(col(Finding.id)).where(col(Finding.author_id) == person_id)
        ),
        col(Note.review_request_id).in_(
            select(col(ReviewRequest.id)).where(col(ReviewRequest.requester_id) == person_id)
        ),
        col(Note.question_id).in_(
            select(col(Question.id)).where(
                or_(
                    col(Question.assignee_id) == person_id,
                    # Unassigned, a question is its owner's work (as notes.py resolves it).
                    and_(col(Question.assignee_id).is_(None), col(Question.owner_id) == person_id),
                )
            )
        ),
    )
    return (
        select(Note, col(Person.name))
        .join(Person, col(Person.id) == col(Note.author_id))
        .where(mine, col(Note.author_id) != person_id)
        .order_by(col(Note.created_at).desc())
    )


def _note_items(session: Session, query: NoteQuery) -> list[NoteItem]:
    rows = list(session.execute(query))
    finding_ids = {n.finding_id for n, _ in rows if n.finding_id}
    review_ids = {n.review_request_id for n, _ in rows if n.review_request_id}
    question_ids = {n.question_id for n, _ in rows if n.question_id}
    titles: dict[tuple[str, int], tuple[str, int | None]] = {}
    if finding_ids:
        for fid, summary, root in session.execute(
            select(col(Finding.id), col(Finding.summary), col(Question.root_id))
            .join(Question, col(Question.id) == col(Finding.question_id))
            .where(col(Finding.id).in_(finding_ids))
        ):
            titles[("finding", fid)] = (summary, root)
    if review_ids:
        for rid, title, root in session.execute(
            select(col(ReviewRequest.id), col(Question.title), col(Question.root_id))
            .join(Question, col(Question.id) == col(ReviewRequest.question_id))
            .where(col(ReviewRequest.id).in_(review_ids))
        ):
            titles[("review_request", rid)] = (f"Review of “{title}”", root)
    if question_ids:
        for qid, title, root in session.execute(
            select(col(Question.id), col(Question.title), col(Question.root_id)).where(
                col(Question.id).in_(question_ids)
            )
        ):
            titles[("question", qid)] = (title, root)
    items = []
    for note, author in rows:
        on, on_id = _on(note)
        title, root = titles.get((on, on_id), ("", None))
        items.append(
            NoteItem(
                id=int(note.id),
                author=author,
                kind=NoteKind(note.kind),
                body=note.body,
                created_at=note.created_at,
                version=note.version,
                on=on,
                on_id=on_id,
                on_title=title,
                root_id=root,
            )
        )
    return items


def _on(note: Note) -> tuple[str, int]:
    if note.finding_id:
        return "finding", note.finding_id
    if note.review_request_id:
        return "review_request", note.review_request_id
    if note.question_id:
        return "question", note.question_id
    return "answer", int(note.answer_id or 0)


def attention(session: Session, person_id: int, *, now: datetime | None = None) -> Attention:
    """What waits on this person: reviews to do, new notes on their work, must-fix notes
    still open on their work, and (for a manager) findings of their reports awaiting
    acceptance."""
    now = now or utcnow()
    on_my_work = _notes_on_my_work(person_id)
    recent = on_my_work.where(
        col(Note.created_at) >= now - timedelta(days=NEW_NOTE_DAYS),
        col(Note.kind) != NoteKind.MUST_FIX,
    )
    must_fix = on_my_work.where(col(Note.kind) == NoteKind.MUST_FIX, col(Note.resolved).is_(False))
    reports = select(col(Person.id)).where(col(Person.reports_to_id) == person_id)
    awaiting = finding_query().where(
        col(Finding.status) == FindingStatus.SHARED, col(Finding.author_id).in_(reports)
    )
    return Attention(
        reviews_to_do=reviews.queue_for(session, person_id),
        new_notes=_note_items(session, recent),
        open_must_fix=_note_items(session, must_fix),
        awaiting_acceptance=finding_views(session, awaiting.order_by(col(Finding.created_at))),
    )


def attention_count(session: Session, person_id: int) -> int:
    return attention(session, person_id).count
