"""The rules of questions: how a status may move, who may do what to a question, and when
a question is stale.

Who (PRODUCT.md): a manager does everything; an IC works on the questions assigned to
them: moves them through statuses (but does not drop or restore one), splits them
further, reorders their sub-questions, logs findings and drafts answers on them, and
edits the questions they created; a viewer changes nothing.

Stale means no new evidence for N days (``stale_after_days`` in config.yaml): evidence is
a finding that is not withdrawn; a question without any counts from its creation. Quiet
time starts again when the question is given to someone (evidence logged before that is
not theirs to follow up): a question just assigned is not stale, however old it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, ScalarSelect, case, func, select
from sqlmodel import Session, col

from team.models import Event, Finding, Question, table_of
from team.services.core.actors import Actor, require_writer
from team.services.core.errors import IllegalTransition, PermissionDenied
from team.services.core.sql_time import at, hours_between
from team.vocabulary import FindingStatus, QuestionStatus, Role

S = QuestionStatus
TRANSITIONS: dict[QuestionStatus, frozenset[QuestionStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.BLOCKED: frozenset({S.OPEN, S.IN_PROGRESS, S.DROPPED}),
    S.ANSWERED: frozenset({S.OPEN, S.IN_PROGRESS}),
    S.DROPPED: frozenset({S.OPEN}),
}


class Assignable(Protocol):
    """A question as a row or a view: what the rules read of it."""

    @property
    def assignee_id(self) -> int | None: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def status(self) -> QuestionStatus: ...
    @property
    def title(self) -> str: ...


# --------------------------------------------------------------------------- who


def works_on(actor: Actor, question: Assignable) -> bool:
    """A manager, or the IC the question is assigned to: who may move it through
    statuses, split it, log findings on it and write its answer."""
    return actor.is_manager or (actor.role == Role.IC and question.assignee_id == actor.id)


def may_edit(actor: Actor, question: Assignable) -> bool:
    """A manager, or (not a viewer) the person who created it: who may change its
    title, context, technique, priority and due date."""
    return actor.is_manager or (not actor.is_viewer and question.owner_id == actor.id)


def may_reorder(actor: Actor, parent: Assignable | None) -> bool:
    """A manager, or who works on the parent: who may reorder sub-questions."""
    return actor.is_manager or (parent is not None and works_on(actor, parent))


def status_choices(actor: Actor, question: Assignable) -> list[QuestionStatus]:
    """The statuses ``actor`` may move this question to, in the vocabulary's order:
    none for who does not work on it; an IC neither drops nor restores a question."""
    if not works_on(actor, question):
        return []
    current = QuestionStatus(question.status)
    if not actor.is_manager and current == S.DROPPED:
        return []
    allowed = TRANSITIONS[current] - ({S.DROPPED} if not actor.is_manager else set())
    return [s for s in QuestionStatus if s in allowed]


@dataclass(frozen=True)
class Acts:
    """What a person may do to one question: the questions page shows these, and the
    services check each again."""

    statuses: list[QuestionStatus]
    assign: bool
    split: bool
    edit: bool
    move: bool
    reorder: bool


def acts(actor: Actor, question: Assignable, parent: Assignable | None) -> Acts:
    """What ``actor`` may do to ``question`` (whose parent is ``parent``, None for a
    general question)."""
    return Acts(
        statuses=status_choices(actor, question),
        assign=actor.is_manager,
        split=works_on(actor, question),
        edit=may_edit(actor, question),
        move=actor.is_manager and parent is not None,
        reorder=parent is not None and may_reorder(actor, parent),
    )


def check_status_change(actor: Actor, question: Assignable, new: QuestionStatus) -> None:
    """PermissionDenied or IllegalTransition unless ``actor`` may move ``question`` to
    ``new``."""
    require_writer(actor)
    if not works_on(actor, question):
        raise PermissionDenied("You can change the status only of questions assigned to you.")
    current = QuestionStatus(question.status)
    if not actor.is_manager and S.DROPPED in (new, current):
        raise PermissionDenied("Only a manager can drop a question or bring one back.")
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in QuestionStatus if s in TRANSITIONS[current])
        raise IllegalTransition(
            f"'{question.title}' is {current.label}; from there it can move to {allowed}, "
            f"not to {new.label}.",
            field="status",
        )


# --------------------------------------------------------------------------- stale


def last_evidence() -> ScalarSelect[datetime]:
    """Per question (correlated): when its newest finding that counts as evidence was
    logged."""
    return (
        select(func.max(Finding.created_at))
        .where(
            col(Finding.question_id) == col(Question.id),
            col(Finding.status).in_(FindingStatus.evidence()),
        )
        .scalar_subquery()
    )


def assigned_at() -> ScalarSelect[datetime]:
    """Per question (correlated): when its assignee was last changed, or NULL when it
    has kept the one it was created with."""
    return (
        select(func.max(Event.at))
        .where(
            col(Event.entity) == table_of(Question).name,
            col(Event.entity_id) == col(Question.id),
            col(Event.field) == "assignee_id",
        )
        .scalar_subquery()
    )


def quiet_days(
    session: Session, last: Any, created: Any, assigned: Any, now: datetime
) -> ColumnElement[Any]:
    """Days without new evidence, in SQL: since the ``last`` evidence (``created`` when
    there is none) or since the question was ``assigned``, whichever is later."""
    evidence = func.coalesce(last, created)
    start = case((assigned > evidence, assigned), else_=evidence)
    return hours_between(session, start, at(now)) / 24.0


def is_stale(quiet: ColumnElement[Any], stale_after_days: int) -> ColumnElement[bool]:
    """Stale: ``stale_after_days`` or more without new evidence."""
    return quiet >= stale_after_days


# --------------------------------------------------------------------------- tree shape

MAX_DEPTH = 50  # levels of sub-questions below a general question


def chain_problem(
    question_id: int, parents: Mapping[int, int | None], root_id: int | None
) -> str | None:
    """Why the chain of parents from ``question_id`` (``parents``: id -> parent id) is
    not a path of a tree ending at its general question ``root_id``, or None: a question
    is not its own parent, the chain has no loop, is at most MAX_DEPTH levels long, and
    ends at ``root_id``."""
    seen = [question_id]
    current = parents.get(question_id)
    while current is not None:
        if current == question_id and len(seen) == 1:
            return "its parent is itself; a question cannot be its own sub-question"
        if current in seen:
            return f"its chain of parents loops back through question #{current}"
        if len(seen) > MAX_DEPTH:
            return f"it lies more than {MAX_DEPTH} levels below its general question"
        seen.append(current)
        current = parents.get(current)
    if seen[-1] != root_id:
        return f"its root_id is {root_id}, but its chain of parents ends at #{seen[-1]}"
    return None
