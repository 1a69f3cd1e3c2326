"""Question statuses: the state machine, who may move a question where, dropping a
branch, and the all-or-nothing bulk editor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from team.models import Priority, Question, QuestionPublic, QuestionStatus, utcnow
from team.services.core.actors import Actor, acting, require_manager, require_writer
from team.services.core.errors import IllegalTransition, PermissionDenied
from team.services.core.tx import atomic
from team.services.questions.store import (
    check_assignee,
    claim,
    load,
    public,
    record_change,
    subtree,
)

S = QuestionStatus
TRANSITIONS: dict[QuestionStatus, frozenset[QuestionStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.BLOCKED: frozenset({S.OPEN, S.IN_PROGRESS, S.DROPPED}),
    S.ANSWERED: frozenset({S.OPEN, S.IN_PROGRESS}),
    S.DROPPED: frozenset({S.OPEN}),
}
# Statuses an IC may not set: dropping and restoring a question is a manager's call.
MANAGER_ONLY_STATUSES = frozenset({S.DROPPED})


# --------------------------------------------------------------------------- status


def allowed_statuses(current: QuestionStatus) -> list[QuestionStatus]:
    return sorted(TRANSITIONS[QuestionStatus(current)], key=list(QuestionStatus).index)


def _check_transition(question: Question, new: QuestionStatus) -> None:
    current = QuestionStatus(question.status)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_statuses(current))
        raise IllegalTransition(
            f"'{question.title}' is {current.value}; from there it can move to {allowed}, "
            f"not to {new.value}.",
            field="status",
        )


def _check_status_permission(actor: Actor, question: Question, new: QuestionStatus) -> None:
    require_writer(actor)
    if actor.is_manager:
        return
    if question.assignee_id != actor.id:
        raise PermissionDenied("You can change the status only of questions assigned to you.")
    if new in MANAGER_ONLY_STATUSES or question.status == S.DROPPED:
        raise PermissionDenied("Only a manager can drop a question or bring one back.")


@atomic
def set_status(
    session: Session, actor_id: int, question_id: int, version: int, status: QuestionStatus
) -> QuestionPublic:
    """Move a question through its states. Dropping a question also drops its
    descendants that are not answered or dropped already; restoring brings back only
    the question itself."""
    actor = acting(session, actor_id)
    question = load(session, question_id)
    new = QuestionStatus(status)
    if question.status == new:
        return public(question)
    _check_status_permission(actor, question, new)
    _check_transition(question, new)
    claim(session, question, version)
    _change_status(session, actor, question, new)
    if new == S.DROPPED:
        _drop_descendants(session, actor, question)
    session.commit()
    return public(question)


def _change_status(session: Session, actor: Actor, question: Question, new: QuestionStatus) -> None:
    record_change(session, actor, question, "status", question.status, new)
    question.status = new


def _drop_descendants(session: Session, actor: Actor, question: Question) -> None:
    for node in subtree(session, question)[1:]:
        if node.status not in (S.ANSWERED, S.DROPPED):
            _change_status(session, actor, node, S.DROPPED)
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
def bulk_update(session: Session, actor_id: int, edits: list[BulkEdit]) -> int:
    """Apply many rows' assignee / status / priority / due changes in one transaction:
    every row is saved or, if any row is refused, none is. Returns rows changed."""
    actor = acting(session, actor_id)
    require_writer(actor)
    changed = sum(_apply_bulk_row(session, actor, edit) for edit in edits)
    session.commit()
    return changed


def _apply_bulk_row(session: Session, actor: Actor, edit: BulkEdit) -> int:
    question = load(session, edit.question_id)
    fields: dict[str, object] = {}
    if question.assignee_id != edit.assignee_id:
        require_manager(actor, "assign questions")
        check_assignee(session, edit.assignee_id)
        fields["assignee_id"] = edit.assignee_id
    if question.priority != edit.priority or question.due_date != edit.due_date:
        if not (actor.is_manager or question.owner_id == actor.id):
            raise PermissionDenied(
                f"You can change priority and due date only of questions you created "
                f"('{question.title}' is not)."
            )
        fields["priority"] = Priority(edit.priority)
        fields["due_date"] = edit.due_date
    new_status = QuestionStatus(edit.status)
    if question.status != new_status:
        _check_status_permission(actor, question, new_status)
        _check_transition(question, new_status)
    if not fields and question.status == new_status:
        return 0
    claim(session, question, edit.version)
    for field, value in fields.items():
        if getattr(question, field) != value:
            record_change(session, actor, question, field, getattr(question, field), value)
            setattr(question, field, value)
    if question.status != new_status:
        _change_status(session, actor, question, new_status)
        if new_status == S.DROPPED:
            _drop_descendants(session, actor, question)
    return 1
