"""Following a question's answer: its followers hear when the answer changes state or
confidence (a general question's followers: any answer in its tree), and managers and
viewers get the week's "what we now believe" for the general questions they follow."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from team.models import Follow, Question
from team.services.core.actors import acting
from team.services.core.errors import NotFound
from team.services.core.tx import atomic


def is_following(session: Session, person_id: int, question_id: int) -> bool:
    return (
        session.scalar(
            select(col(Follow.id)).where(
                col(Follow.person_id) == person_id, col(Follow.question_id) == question_id
            )
        )
        is not None
    )


@atomic
def follow(session: Session, person_id: int, *, question_id: int) -> None:
    """Follow ``question_id``'s answer (anyone may, viewers too); following twice is
    following."""
    acting(session, person_id)
    if session.get(Question, question_id) is None:
        raise NotFound(f"Question #{question_id} does not exist; it may have been deleted.")
    if is_following(session, person_id, question_id):
        return
    session.add(Follow(person_id=person_id, question_id=question_id))
    try:
        session.commit()
    except IntegrityError:  # the same follow saved a moment ago, in another tab
        session.rollback()


@atomic
def unfollow(session: Session, person_id: int, *, question_id: int) -> None:
    acting(session, person_id)
    session.execute(
        delete(Follow).where(
            col(Follow.person_id) == person_id, col(Follow.question_id) == question_id
        )
    )
    session.commit()


def followed_ids(session: Session, person_id: int) -> list[int]:
    """The questions ``person_id`` follows."""
    query = select(col(Follow.question_id)).where(col(Follow.person_id) == person_id)
    return list(session.scalars(query.order_by(col(Follow.question_id))))
