"""The rules of notes: what a note may be on, whose work each target is, and who may
resolve a note.

A note is on exactly one of a review request, a finding, a question or an answer. The
work is the requester's (a review request), the author's (a finding, an answer), and for
a question its assignee's, or its owner's while it is unassigned. Notes by others on a
person's work are what "Needs my attention" and the one-on-one agenda show them. Anyone
but a viewer writes notes; a note is resolved by its author, by the person whose work it
is on, or by a manager.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session, col

from team.models import Answer, Finding, Note, Question, ReviewRequest
from team.services.core.actors import Actor
from team.services.questions.store import root_of
from team.vocabulary import NoteKind

TargetKind = Literal["review_request", "finding", "question", "answer"]
TARGET_COLUMNS: dict[str, str] = {
    "review_request": "review_request_id",
    "finding": "finding_id",
    "question": "question_id",
    "answer": "answer_id",
}


def target_row(
    session: Session, target: TargetKind, target_id: int
) -> tuple[object, int | None, int | None]:
    """(row, id of the person whose work it is, general question id) of a note's target;
    the row is None when the target does not exist."""
    if target == "question":
        q = session.get(Question, target_id)
        if q is None:
            return None, None, None
        return q, q.assignee_id or q.owner_id, q.root_id
    row: ReviewRequest | Finding | Answer | None
    if target == "review_request":
        row = session.get(ReviewRequest, target_id)
    elif target == "finding":
        row = session.get(Finding, target_id)
    else:
        row = session.get(Answer, target_id)
    if row is None:
        return None, None, None
    owner = row.requester_id if isinstance(row, ReviewRequest) else row.author_id
    return row, owner, root_of(session, row.question_id)


def target_of(note: Note) -> tuple[TargetKind, int]:
    for target, column in TARGET_COLUMNS.items():
        value = getattr(note, column)
        if value is not None:
            return target, int(value)  # type: ignore[return-value]
    raise ValueError(f"Note #{note.id} has no target.")


def on_work_of(person_id: int) -> ColumnElement[bool]:
    """Notes by others on this person's work (the rule of :func:`target_row`, in SQL):
    on their findings and review requests, their assigned questions and the unassigned
    questions they own. (Answers are left out: a note on an answer is read on the
    Answers page.)"""
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
                    and_(col(Question.assignee_id).is_(None), col(Question.owner_id) == person_id),
                )
            )
        ),
    )
    return and_(mine, col(Note.author_id) != person_id)


def may_resolve(session: Session, actor: Actor, note: Note) -> bool:
    if actor.is_manager or note.author_id == actor.id:
        return True
    _row, owner, _root_id = target_row(session, *target_of(note))
    return owner == actor.id


def open_must_fix() -> ColumnElement[bool]:
    """A must-fix note not resolved yet: it holds up approval of a review."""
    return and_(col(Note.kind) == NoteKind.MUST_FIX, col(Note.resolved).is_(False))
