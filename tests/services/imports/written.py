"""What an import left in the database, for the import tests: the rows it may write
counted (so "nothing was written" is a comparison), and a tree read back as plain
tuples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Event, Notification, Question, QuestionKey


class Where(TypedDict, total=False):
    """Where an import goes: under a question, or into a project as general questions."""

    under_id: int
    project_id: int


@dataclass(frozen=True)
class Counts:
    questions: int
    events: int
    keys: int
    notifications: int


def counts(session: Session) -> Counts:
    """How many rows of each kind an import writes the database holds now (read afresh,
    outside whatever the session has cached)."""
    session.expire_all()

    def n(model: type) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return Counts(n(Question), n(Event), n(QuestionKey), n(Notification))


def children(
    session: Session, parent_id: int | None, project_id: int | None = None
) -> list[Question]:
    """The questions under ``parent_id`` (the general questions of ``project_id`` when
    None) in their order among siblings."""
    query = select(Question).where(col(Question.parent_id) == parent_id)
    if parent_id is None:
        query = select(Question).where(
            col(Question.parent_id).is_(None), col(Question.project_id) == project_id
        )
    return list(session.scalars(query.order_by(col(Question.position), col(Question.id))))


def outline_of(session: Session, parent_id: int | None) -> list[tuple[int, str]]:
    """The tree below ``parent_id`` as (level, title) in reading order."""
    assert parent_id is not None
    found: list[tuple[int, str]] = []

    def walk(at: int, level: int) -> None:
        for child in children(session, at):
            assert child.id is not None
            found.append((level, child.title))
            walk(child.id, level + 1)

    walk(parent_id, 0)
    return found


def by_title(session: Session) -> dict[str, Question]:
    session.expire_all()
    return {q.title: q for q in session.scalars(select(Question))}
