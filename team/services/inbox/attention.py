"""What needs a person's attention: reviews to do, new notes by others on their work,
must-fix notes still open on their work and (for a manager) findings of their reports
awaiting acceptance. Counted in one query; each section read one page at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlmodel import Session, col

from team.models import (
    Finding,
    FindingStatus,
    Note,
    NoteKind,
    Person,
    Question,
    ReviewRequest,
    utcnow,
)
from team.services.core.listing import keyed_page
from team.services.core.paging import Paged, Window
from team.services.findings.reads import (
    FindingView,
    finding_query,
    finding_views,
    to_views,
)
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewView

T = TypeVar("T")
NoteQuery = Select[Note, str, str, str, int | None]
NEW_NOTE_DAYS = 7  # a note by someone else on your work is "new" for this many days
SECTIONS = ("reviews_to_do", "open_must_fix", "new_notes", "awaiting_acceptance")
SECTION_SIZE = 10  # items a page of each section shows: the page is an inbox of four lists


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


@dataclass(frozen=True)
class AttentionPage:
    """One page of each attention section, each with its total."""

    reviews_to_do: Paged[ReviewView]
    open_must_fix: Paged[NoteItem]
    new_notes: Paged[NoteItem]
    awaiting_acceptance: Paged[FindingView]

    @property
    def count(self) -> int:
        return sum(getattr(self, name).total for name in SECTIONS)


# --------------------------------------------------------------------------- attention


def on_work_of(person_id: int) -> ColumnElement[bool]:
    """Notes by others on this person's findings, review requests, assigned questions and
    unassigned questions they own: the rule of the attention list and of the one-on-one
    agenda's must-fix section."""
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
    return and_(mine, col(Note.author_id) != person_id)


def _where(person_id: int, now: datetime) -> dict[str, list[ColumnElement[bool]]]:
    """The filter of each section but the reviews to do (the reviewer's queue)."""
    reports = select(col(Person.id)).where(col(Person.reports_to_id) == person_id)
    mine = on_work_of(person_id)
    return {
        "open_must_fix": [mine, _must_fix()],
        "new_notes": [mine, _recent(now)],
        "awaiting_acceptance": [
            col(Finding.status) == FindingStatus.SHARED,
            col(Finding.author_id).in_(reports),
        ],
    }


def _must_fix() -> ColumnElement[bool]:
    return and_(col(Note.kind) == NoteKind.MUST_FIX, col(Note.resolved).is_(False))


def _recent(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(Note.created_at) >= now - timedelta(days=NEW_NOTE_DAYS),
        col(Note.kind) != NoteKind.MUST_FIX,
    )


def attention_counts(
    session: Session, person_id: int, *, now: datetime | None = None
) -> dict[str, int]:
    """How many items each section holds, counted in SQL in one query (the notes on the
    person's work are gathered once for both note sections)."""
    now = now or utcnow()
    where = _where(person_id, now)
    notes = (
        select(
            func.count(case((_must_fix(), 1))).label("must_fix"),
            func.count(case((_recent(now), 1))).label("recent"),
        )
        .where(on_work_of(person_id))
        .subquery()
    )
    awaiting = select(func.count()).select_from(Finding).where(*where["awaiting_acceptance"])
    query = select(
        reviews.queue_count(person_id).scalar_subquery(),
        notes.c.must_fix,
        notes.c.recent,
        awaiting.scalar_subquery(),
    ).select_from(notes)
    row = session.execute(query).one()
    return {name: int(n or 0) for name, n in zip(SECTIONS, row, strict=True)}


def attention_count(session: Session, person_id: int, *, now: datetime | None = None) -> int:
    """How many things wait on this person (for the navigation)."""
    return sum(attention_counts(session, person_id, now=now).values())


def _note_rows() -> NoteQuery:
    """Notes with their author and what they are on, newest first."""
    target = func.coalesce(
        col(Note.question_id), col(Finding.question_id), col(ReviewRequest.question_id)
    )
    return (
        select(
            Note,
            col(Person.name),
            col(Finding.summary),
            col(Question.title),
            col(Question.root_id),
        )
        .join(Person, col(Person.id) == col(Note.author_id))
        .outerjoin(Finding, col(Finding.id) == col(Note.finding_id))
        .outerjoin(ReviewRequest, col(ReviewRequest.id) == col(Note.review_request_id))
        .outerjoin(Question, col(Question.id) == target)
        .order_by(*_newest_note())
    )


def _newest_note() -> list[Any]:
    return [col(Note.created_at).desc(), col(Note.id).desc()]


def _note_items(rows: Iterable[Any]) -> list[NoteItem]:
    items = []
    for note, author, summary, title, root in rows:
        on, on_id = _on(note)
        on_title = {"finding": summary, "review_request": f"Review of “{title}”"}.get(on, title)
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
                on_title=on_title or "",
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


def _oldest_finding() -> list[Any]:
    return [col(Finding.created_at), col(Finding.id)]


def attention(session: Session, person_id: int, *, now: datetime | None = None) -> Attention:
    """What waits on this person, in full: reviews to do, new notes on their work,
    must-fix notes still open on their work, and (for a manager) findings of their
    reports awaiting acceptance."""
    where = _where(person_id, now or utcnow())
    awaiting = finding_query().where(*where["awaiting_acceptance"]).order_by(*_oldest_finding())
    return Attention(
        reviews_to_do=reviews.queue_for(session, person_id),
        new_notes=_note_items(session.execute(_note_rows().where(*where["new_notes"]))),
        open_must_fix=_note_items(session.execute(_note_rows().where(*where["open_must_fix"]))),
        awaiting_acceptance=finding_views(session, awaiting),
    )


def attention_page(
    session: Session,
    person_id: int,
    pages: Mapping[str, int] | None = None,
    *,
    now: datetime | None = None,
    size: int = SECTION_SIZE,
    totals: Mapping[str, int] | None = None,
) -> AttentionPage:
    """One page of each section (``pages``: section -> page number, 1 by default), the
    newest notes and the oldest reviews and findings first, with every section's total
    (counted unless ``totals`` are given, as :func:`attention_counts` returns them); a
    fixed number of queries whatever the sizes."""
    now = now or utcnow()
    totals = totals if totals is not None else attention_counts(session, person_id, now=now)
    where = _where(person_id, now)

    def window(name: str) -> Window:
        return Window(page=int((pages or {}).get(name, 1)), size=size)

    def notes(name: str) -> Paged[NoteItem]:
        keys = select(col(Note.id)).where(*where[name]).order_by(*_newest_note())
        return keyed_page(
            session,
            keys=keys,
            rows=_note_rows(),
            key=col(Note.id),
            window=window(name),
            convert=_note_items,
            total=totals[name],
        )

    awaiting = select(col(Finding.id)).where(*where["awaiting_acceptance"])
    return AttentionPage(
        reviews_to_do=reviews.queue_page(
            session, person_id, window("reviews_to_do"), total=totals["reviews_to_do"]
        ),
        open_must_fix=notes("open_must_fix"),
        new_notes=notes("new_notes"),
        awaiting_acceptance=keyed_page(
            session,
            keys=awaiting.order_by(*_oldest_finding()),
            rows=finding_query().order_by(*_oldest_finding()),
            key=col(Finding.id),
            window=window("awaiting_acceptance"),
            convert=to_views,
            total=totals["awaiting_acceptance"],
        ),
    )
