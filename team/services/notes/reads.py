"""Notes as pages show them: one target's thread, many targets' threads in one query, and
notes with what they are on (for lists of notes on someone's work)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Join, Select, func, join, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Finding, Note, Person, Question, ReviewRequest
from team.services.core.sql_time import aware
from team.services.core.views import view_of
from team.services.notes.rules import TARGET_COLUMNS, TargetKind
from team.vocabulary import NoteKind


@dataclass(frozen=True)
class NoteView:
    id: int
    author_id: int
    author: str
    kind: NoteKind
    body: str
    resolved: bool
    created_at: datetime
    version: int


def _thread_query() -> Select[Note, str]:
    return (
        select(Note, col(Person.name))
        .join(Person, col(Person.id) == col(Note.author_id))
        .order_by(col(Note.created_at), col(Note.id))
    )


def _view(note: Note, author: str) -> NoteView:
    return view_of(NoteView, note, author=author)


def notes_on(session: Session, *, target: TargetKind, target_id: int) -> list[NoteView]:
    """The thread on one target, oldest first."""
    column = getattr(Note, TARGET_COLUMNS[target])
    query = _thread_query().where(column == target_id)
    return [_view(n, name) for n, name in session.execute(query)]


def notes_on_many(
    session: Session, *, target: TargetKind, target_ids: Iterable[int]
) -> dict[int, list[NoteView]]:
    """The threads on many targets of one kind in one query (even for none): target id
    -> its notes, oldest first (an empty list for a target without notes)."""
    wanted = sorted(set(target_ids))
    threads: dict[int, list[NoteView]] = {i: [] for i in wanted}
    column = getattr(Note, TARGET_COLUMNS[target])
    for note, name in session.execute(_thread_query().where(column.in_(wanted))):
        threads[int(getattr(note, TARGET_COLUMNS[target]))].append(_view(note, name))
    return threads


# --------------------------------------------------------------------------- notes on work


@dataclass(frozen=True)
class NoteItem:
    """A note with what it is on, for lists of notes on someone's work."""

    id: int
    author: str
    kind: NoteKind
    body: str
    created_at: datetime
    version: int
    on: str  # "finding", "review_request", "question", "answer"
    on_id: int
    on_title: str
    root_id: int | None


def note_item_rows() -> tuple[list[Any], Join]:
    """The columns :func:`note_item` reads and the join they come from: the note, its
    author and what it is on (aliased, so a filter on the plain tables stays apart)."""
    finding, review, question = aliased(Finding), aliased(ReviewRequest), aliased(Question)
    target = func.coalesce(col(Note.question_id), col(finding.question_id), col(review.question_id))
    columns: list[Any] = [
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
    ]
    joined = (
        join(Note, Person, col(Person.id) == col(Note.author_id))
        .outerjoin(finding, col(finding.id) == col(Note.finding_id))
        .outerjoin(review, col(review.id) == col(Note.review_request_id))
        .outerjoin(question, col(question.id) == target)
    )
    return columns, joined


def note_item(row: Any) -> NoteItem:
    """A row of :func:`note_item_rows` as a NoteItem."""
    if row.finding_id:
        on, on_id, title = "finding", int(row.finding_id), row.finding_summary
    elif row.review_request_id:
        on, on_id = "review_request", int(row.review_request_id)
        title = f"Review of “{row.question_title}”"
    elif row.on_question_id:
        on, on_id, title = "question", int(row.on_question_id), row.question_title
    else:
        on, on_id, title = "answer", int(row.answer_id or 0), ""
    created = aware(row.created_at)
    assert created is not None
    return NoteItem(
        id=int(row.id),
        author=row.author,
        kind=NoteKind(row.kind),
        body=row.body,
        created_at=created,
        version=int(row.version),
        on=on,
        on_id=on_id,
        on_title=title or "",
        root_id=row.root_id,
    )
