"""Question rows in and out: the view pages get, loading, cleaning what a person typed,
inserting with its events, and a question's branch. Used by the question writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import CTE, Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Person, Question
from team.services.core.actors import Actor
from team.services.core.errors import InvalidInput
from team.services.core.text import multi_line, one_line
from team.services.core.views import view_of
from team.services.core.writes import load as load_row
from team.services.core.writes import record, save_fields
from team.services.questions.rules import MAX_DEPTH
from team.vocabulary import Priority, QuestionStatus, Role

TITLE_MAX = 300
CONTEXT_MAX = 20_000
TECHNIQUE_MAX = 60
LINES_MAX = 100


@dataclass(frozen=True)
class QuestionView:
    """A question as pages show it."""

    id: int
    title: str
    context: str
    technique: str | None
    priority: Priority
    due_date: date | None
    project_id: int
    parent_id: int | None
    root_id: int | None
    owner_id: int
    assignee_id: int | None
    status: QuestionStatus
    position: int
    created_at: datetime
    updated_at: datetime
    version: int


def view(question: Question) -> QuestionView:
    return view_of(QuestionView, question)


def load(session: Session, question_id: int) -> Question:
    return load_row(
        session,
        Question,
        question_id,
        f"Question #{question_id} does not exist; it may have been removed.",
    )


def save(
    session: Session, actor: Actor, question: Question, version: int, wanted: dict[str, object]
) -> dict[str, object]:
    """Set the changed fields of ``wanted`` on ``question`` (claiming ``version``, one
    event each, stamping updated_at); {field: old value} of what changed."""
    return save_fields(
        session,
        actor,
        question,
        version=version,
        wanted=wanted,
        what=what(question),
        root_id=question.root_id,
        touch=True,
    )


def what(question: Question) -> str:
    """How a stale edit names the question."""
    return f"'{question.title}'"


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
            f"{person.name} is a {Role(person.role).label}; questions are assigned to ICs.",
            field="assignee",
        )


def insert(session: Session, actor: Actor, question: Question) -> Question:
    """Add ``question`` with its ``created`` event (and its assignment's)."""
    session.add(question)
    session.flush()
    assert question.id is not None
    if question.root_id is None:
        question.root_id = question.id
        session.flush()
    record(session, actor, question, "created", new=question.title, root_id=question.root_id)
    if question.assignee_id is not None:
        record(
            session,
            actor,
            question,
            "updated",
            field="assignee_id",
            new=question.assignee_id,
            root_id=question.root_id,
        )
    return question


def root_of(session: Session, question_id: int) -> int | None:
    """The id of the general question (the root) of question ``question_id``: the tree
    a row on it (a finding, a review request, a note) belongs to; None when there is no
    such question."""
    question = session.get(Question, question_id)
    return question.root_id if question is not None else None


def depth_of(session: Session, question: Question) -> int:
    """Levels between ``question`` and its general question (0 for a general question);
    a chain that loops or runs past MAX_DEPTH stops there."""
    depth, current = 0, question
    while current.parent_id is not None and depth <= MAX_DEPTH:
        parent = session.get(Question, current.parent_id)
        if parent is None:
            break
        depth, current = depth + 1, parent
    return depth


def check_depth(depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidInput(
            f"A tree goes at most {MAX_DEPTH} levels below its general question; add this "
            "question higher up, or split the work into another general question.",
            field="parent",
        )


def branch(node_id: int) -> CTE:
    """Ids of ``node_id`` and every question below it (a recursive common table). UNION,
    not UNION ALL: an id already found is not walked again, so even rows that loop (a
    corrupt import) end the walk."""
    top: Select[Any] = select(col(Question.id).label("id")).where(col(Question.id) == node_id)
    found = top.cte("branch", recursive=True)
    child = aliased(Question)
    return found.union(select(col(child.id)).where(col(child.parent_id) == found.c.id))


def subtree(session: Session, question: Question) -> list[Question]:
    """``question`` and every question below it, read in full (one query)."""
    assert question.id is not None
    below = select(branch(question.id).c.id)
    rows = session.scalars(select(Question).where(col(Question.id).in_(below))).all()
    return [question, *(row for row in rows if row.id != question.id)]
