"""Notes: review notes and comments on a review request, a finding, a question or an
answer. Anyone but a viewer writes them; a note is resolved by its author, by the person
whose work it is about, or by a manager."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, select
from sqlmodel import Session, col

from team.models import (
    Answer,
    Finding,
    Note,
    NoteKind,
    Person,
    Question,
    ReviewRequest,
)
from team.services.core import events
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.versioning import claim_version
from team.services.reviews import writes as reviews

BODY_MAX = 20_000
TargetKind = Literal["review_request", "finding", "question", "answer"]
TARGET_COLUMNS: dict[str, str] = {
    "review_request": "review_request_id",
    "finding": "finding_id",
    "question": "question_id",
    "answer": "answer_id",
}


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


def _target_row(
    session: Session, target: TargetKind, target_id: int
) -> tuple[object, int | None, int | None]:
    """(row, id of the person whose work it is, root question id) of a note's target."""
    if target == "review_request":
        review = session.get(ReviewRequest, target_id)
        question = session.get(Question, review.question_id) if review else None
        return review, review.requester_id if review else None, _root(question)
    if target == "finding":
        finding = session.get(Finding, target_id)
        question = session.get(Question, finding.question_id) if finding else None
        return finding, finding.author_id if finding else None, _root(question)
    if target == "question":
        q = session.get(Question, target_id)
        return q, (q.assignee_id or q.owner_id) if q else None, _root(q)
    answer = session.get(Answer, target_id)
    question = session.get(Question, answer.question_id) if answer else None
    return answer, answer.author_id if answer else None, _root(question)


def _root(question: Question | None) -> int | None:
    return question.root_id if question is not None else None


def insert_note(
    session: Session,
    actor: Actor,
    target: TargetKind,
    target_id: int,
    body: str,
    kind: NoteKind,
    root_id: int | None,
) -> int:
    """Add a note and its event to the session (the caller validates and commits)."""
    note = Note(author_id=actor.id, kind=NoteKind(kind), body=body)
    setattr(note, TARGET_COLUMNS[target], target_id)
    session.add(note)
    session.flush()
    assert note.id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity="note",
        entity_id=note.id,
        action="created",
        field="kind",
        new=note.kind,
        root_id=root_id,
    )
    return note.id


@atomic
def add_note(
    session: Session,
    actor_id: int,
    target: TargetKind,
    target_id: int,
    body: str,
    kind: NoteKind = NoteKind.COMMENT,
) -> int:
    """Write a note; returns its id. A reviewer's note counts as their first response."""
    actor = acting(session, actor_id)
    require_writer(actor)
    if target not in TARGET_COLUMNS:
        raise InvalidInput(f"Notes go on {', '.join(TARGET_COLUMNS)}; not on {target}.")
    row, _owner, root_id = _target_row(session, target, target_id)
    if row is None:
        raise NotFound(f"{target.replace('_', ' ').capitalize()} #{target_id} does not exist.")
    text = multi_line(
        body,
        what="note",
        limit=BODY_MAX,
        field="body",
        empty="Write something in the note first.",
    )
    note_id = insert_note(session, actor, target, target_id, text, kind, root_id)
    if isinstance(row, ReviewRequest):
        reviews.mark_first_response(session, actor, row)
    session.commit()
    return note_id


def _may_resolve(session: Session, actor: Actor, note: Note) -> bool:
    if actor.is_manager or note.author_id == actor.id:
        return True
    for target, column in TARGET_COLUMNS.items():
        target_id = getattr(note, column)
        if target_id is not None:
            _row, owner, _root_id = _target_row(session, target, target_id)  # type: ignore[arg-type]
            return owner == actor.id
    return False


@atomic
def set_resolved(
    session: Session, actor_id: int, note_id: int, version: int, resolved: bool = True
) -> None:
    """Resolve (or reopen) a note."""
    actor = acting(session, actor_id)
    require_writer(actor)
    note = session.get(Note, note_id)
    if note is None:
        raise NotFound(f"Note #{note_id} does not exist.")
    if note.resolved == resolved:
        return
    if not _may_resolve(session, actor, note):
        raise PermissionDenied(
            "Only the note's author, the person whose work it is about, or a manager can "
            "resolve it."
        )
    claim_version(session, note, version, "This note", touch=True)
    note.resolved = resolved
    _row, _owner, root_id = _target_row(session, *_target_of(note))
    events.record(
        session,
        actor_id=actor.id,
        entity="note",
        entity_id=note_id,
        action="updated",
        field="resolved",
        old=not resolved,
        new=resolved,
        root_id=root_id,
    )
    session.commit()


def _target_of(note: Note) -> tuple[TargetKind, int]:
    for target, column in TARGET_COLUMNS.items():
        value = getattr(note, column)
        if value is not None:
            return target, int(value)  # type: ignore[return-value]
    raise NotFound(f"Note #{note.id} has no target.")


def _thread_query() -> Select[Note, str]:
    return (
        select(Note, col(Person.name))
        .join(Person, col(Person.id) == col(Note.author_id))
        .order_by(col(Note.created_at), col(Note.id))
    )


def _view(note: Note, author: str) -> NoteView:
    return NoteView(
        id=int(note.id or 0),
        author_id=note.author_id,
        author=author,
        kind=NoteKind(note.kind),
        body=note.body,
        resolved=note.resolved,
        created_at=note.created_at,
        version=note.version,
    )


def notes_on(session: Session, target: TargetKind, target_id: int) -> list[NoteView]:
    """The thread on one target, oldest first."""
    column = getattr(Note, TARGET_COLUMNS[target])
    query = _thread_query().where(column == target_id)
    return [_view(n, name) for n, name in session.execute(query)]


def notes_on_many(
    session: Session, target: TargetKind, target_ids: Iterable[int]
) -> dict[int, list[NoteView]]:
    """The threads on many targets of one kind in one query (even for none): target id
    -> its notes, oldest first (an empty list for a target without notes)."""
    wanted = sorted(set(target_ids))
    threads: dict[int, list[NoteView]] = {i: [] for i in wanted}
    column = getattr(Note, TARGET_COLUMNS[target])
    for note, name in session.execute(_thread_query().where(column.in_(wanted))):
        threads[int(getattr(note, TARGET_COLUMNS[target]))].append(_view(note, name))
    return threads
