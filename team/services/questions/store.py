"""Shared pieces of the question services: loading, the version claim, validation,
and event recording. Used by questions.py (tree edits) and question_status.py."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Person, Question, QuestionPublic, Role
from team.services.core import events
from team.services.core.actors import Actor
from team.services.core.errors import InvalidInput, NotFound
from team.services.core.text import multi_line, one_line
from team.services.core.versioning import claim_version

TITLE_MAX = 300
CONTEXT_MAX = 20_000
TECHNIQUE_MAX = 60
LINES_MAX = 100


def load(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"Question #{question_id} does not exist; it may have been removed.")
    return question


def claim(session: Session, question: Question, expected_version: int) -> None:
    """Take the next version of ``question`` (and stamp updated_at) or raise StaleEdit."""
    claim_version(session, question, expected_version, f"'{question.title}'", touch=True)


def public(question: Question) -> QuestionPublic:
    return QuestionPublic.model_validate(question)


def clean_title(title: str) -> str:
    return one_line(
        title,
        what="title",
        limit=TITLE_MAX,
        field="title",
        empty="Give the question a title; it cannot be empty.",
        hint="put detail in the context instead",
    )


def clean_context(context: str) -> str:
    return multi_line(context, what="context", limit=CONTEXT_MAX, field="context")


def clean_technique(technique: str | None) -> str | None:
    if technique is None:
        return None
    cleaned = one_line(technique, what="technique", limit=TECHNIQUE_MAX, field="technique")
    return cleaned or None


def check_assignee(session: Session, assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    person = session.get(Person, assignee_id)
    if person is None:
        raise InvalidInput(f"Person #{assignee_id} does not exist.", field="assignee")
    if not person.active:
        raise InvalidInput(
            f"{person.name} is deactivated; assign the question to an active IC.",
            field="assignee",
        )
    if person.role != Role.IC:
        raise InvalidInput(
            f"{person.name} is a {person.role}; questions are assigned to ICs.",
            field="assignee",
        )


def may_split(actor: Actor, parent: Question) -> bool:
    return actor.is_manager or (actor.role == Role.IC and parent.assignee_id == actor.id)


def record_change(
    session: Session,
    actor: Actor,
    question: Question,
    field: str,
    old: object,
    new: object,
    *,
    action: str = "updated",
) -> None:
    assert question.id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity="question",
        entity_id=question.id,
        action=action,
        field=field,
        old=old,
        new=new,
        root_id=question.root_id,
    )


def insert(session: Session, actor: Actor, question: Question) -> Question:
    session.add(question)
    session.flush()
    assert question.id is not None
    if question.root_id is None:
        question.root_id = question.id
        session.flush()
    events.record(
        session,
        actor_id=actor.id,
        entity="question",
        entity_id=question.id,
        action="created",
        new=question.title,
        root_id=question.root_id,
    )
    if question.assignee_id is not None:
        record_change(session, actor, question, "assignee_id", None, question.assignee_id)
    return question


def subtree(session: Session, question: Question) -> list[Question]:
    """``question`` and every node below it (one query for the whole tree)."""
    tree = session.scalars(select(Question).where(col(Question.root_id) == question.root_id)).all()
    children: dict[int | None, list[Question]] = {}
    for node in tree:
        children.setdefault(node.parent_id, []).append(node)
    found, stack = [], [question]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node.id, []))
    return found
