"""Question statuses: moving one question (dropping a branch with it) and the
all-or-nothing bulk editor. The rules (transitions, who may) are in rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Question, utcnow
from team.services.core.actors import Actor, acting, require_manager, require_writer
from team.services.core.errors import PermissionDenied
from team.services.core.tx import atomic
from team.services.core.writes import record
from team.services.questions.rules import check_status_change, may_edit
from team.services.questions.store import (
    QuestionView,
    check_assignee,
    load,
    save,
    subtree,
    view,
)
from team.vocabulary import Priority, QuestionStatus


@atomic
def set_status(
    session: Session, actor_id: int, *, question_id: int, version: int, status: QuestionStatus
) -> QuestionView:
    """Move a question through its states. Dropping a question also drops its
    descendants that are not answered or dropped already; restoring brings back only
    the question itself."""
    actor = acting(session, actor_id)
    question = load(session, question_id)
    new = QuestionStatus(status)
    if question.status == new:
        return view(question)
    check_status_change(actor, question, new)
    _save(session, actor, question, version, {"status": new})
    session.commit()
    return view(question)


def _save(
    session: Session, actor: Actor, question: Question, version: int, wanted: dict[str, object]
) -> None:
    """Save the changed fields; a question dropped drops its branch with it."""
    changed = save(session, actor, question, version, wanted)
    if "status" in changed and question.status == QuestionStatus.DROPPED:
        _drop_descendants(session, actor, question)


def _drop_descendants(session: Session, actor: Actor, question: Question) -> None:
    for node in subtree(session, question)[1:]:
        if QuestionStatus(node.status).is_open:
            record(
                session,
                actor,
                node,
                "updated",
                field="status",
                old=node.status,
                new=QuestionStatus.DROPPED,
                root_id=node.root_id,
            )
            node.status = QuestionStatus.DROPPED
            node.version += 1
            node.updated_at = utcnow()


# --------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class BulkEdit:
    """One row of the bulk editor: the version it was read at and its wanted values."""

    question_id: int
    version: int
    assignee_id: int | None
    status: QuestionStatus
    priority: Priority
    due_date: date | None


@atomic
def bulk_update(session: Session, actor_id: int, *, edits: list[BulkEdit]) -> int:
    """Apply many rows' assignee / status / priority / due changes in one transaction:
    every row is saved or, if any row is refused, none is. Returns rows changed."""
    actor = acting(session, actor_id)
    require_writer(actor)
    # Every row in one query; each row's load below finds it in the session (held here,
    # as the session keeps rows only while they are referenced).
    ids = [e.question_id for e in edits]
    rows = session.scalars(select(Question).where(col(Question.id).in_(ids))).all()
    changed = sum(_apply_bulk_row(session, actor, edit) for edit in edits)
    del rows
    session.commit()
    return changed


def _apply_bulk_row(session: Session, actor: Actor, edit: BulkEdit) -> int:
    question = load(session, edit.question_id)
    wanted: dict[str, object] = {}
    if question.assignee_id != edit.assignee_id:
        require_manager(actor, "assign questions")
        check_assignee(session, edit.assignee_id)
        wanted["assignee_id"] = edit.assignee_id
    if question.priority != edit.priority or question.due_date != edit.due_date:
        if not may_edit(actor, question):
            raise PermissionDenied(
                f"You can change priority and due date only of questions you created "
                f"('{question.title}' is not)."
            )
        wanted |= {"priority": Priority(edit.priority), "due_date": edit.due_date}
    new_status = QuestionStatus(edit.status)
    if question.status != new_status:
        check_status_change(actor, question, new_status)
        wanted["status"] = new_status
    if not wanted:
        return 0
    _save(session, actor, question, edit.version, wanted)
    return 1
