"""Notes: review notes and comments, written and resolved (the rules are in rules.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.models import Note, ReviewRequest
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, load, save_fields
from team.services.notes.rules import (
    TARGET_COLUMNS,
    TargetKind,
    may_resolve,
    target_of,
    target_row,
)
from team.services.reviews.writes import follow_must_fix, mark_first_response
from team.vocabulary import Entity, NoteKind

BODY_MAX = 20_000


def insert_note(
    session: Session,
    actor: Actor,
    *,
    target: TargetKind,
    target_id: int,
    body: str,
    kind: NoteKind,
    root_id: int | None,
) -> int:
    """Add a note and its event to the session (the caller validates and commits)."""
    note = Note(author_id=actor.id, kind=NoteKind(kind), body=body)
    setattr(note, TARGET_COLUMNS[target], target_id)
    insert(session, actor, note, field="kind", new=note.kind, root_id=root_id)
    assert note.id is not None
    return note.id


@dataclass(frozen=True)
class NoteAdded:
    id: int
    asked_for_changes: bool  # a reviewer's must-fix note moved the review to changes requested


@atomic
def add_note(
    session: Session,
    actor_id: int,
    *,
    target: TargetKind,
    target_id: int,
    body: str,
    kind: NoteKind = NoteKind.COMMENT,
) -> int:
    """Write a note; returns its id (:func:`write_note` says what else it did)."""
    return write_note(
        session, actor_id, target=target, target_id=target_id, body=body, kind=kind
    ).id


@atomic
def write_note(
    session: Session,
    actor_id: int,
    *,
    target: TargetKind,
    target_id: int,
    body: str,
    kind: NoteKind = NoteKind.COMMENT,
) -> NoteAdded:
    """Write a note. On a review request, the reviewer's note counts as their first
    response, and their must-fix note on a request waiting on them asks for changes:
    the request moves to changes requested in the same transaction, with its event
    (reviews/rules.py)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    if target not in TARGET_COLUMNS:
        raise InvalidInput(f"Notes go on {', '.join(TARGET_COLUMNS)}; not on {target}.")
    row, _owner, root_id = target_row(session, target, target_id)
    if row is None:
        raise NotFound(f"{Entity(target).label.capitalize()} #{target_id} does not exist.")
    text = multi_line(
        body,
        what="note",
        limit=BODY_MAX,
        field="body",
        empty="Write something in the note first.",
    )
    note_id = insert_note(
        session, actor, target=target, target_id=target_id, body=text, kind=kind, root_id=root_id
    )
    asked = False
    if isinstance(row, ReviewRequest):
        if NoteKind(kind) == NoteKind.MUST_FIX:
            asked = follow_must_fix(session, actor, row)
        else:
            mark_first_response(session, actor, row)
    session.commit()
    return NoteAdded(note_id, asked)


@atomic
def set_resolved(
    session: Session, actor_id: int, *, note_id: int, version: int, resolved: bool = True
) -> None:
    """Resolve (or reopen) a note."""
    actor = acting(session, actor_id)
    require_writer(actor)
    note = load(session, Note, note_id, f"Note #{note_id} does not exist.")
    if note.resolved == resolved:
        return
    if not may_resolve(session, actor, note):
        raise PermissionDenied(
            "Only the note's author, the person whose work it is about, or a manager can "
            "resolve it."
        )
    _row, _owner, root_id = target_row(session, *target_of(note))
    save_fields(
        session,
        actor,
        note,
        version=version,
        wanted={"resolved": resolved},
        what="This note",
        root_id=root_id,
        touch=True,
    )
    session.commit()
