"""The reviewer's first response to a request: stamped by their first act on it
(starting, a decision, a note, a checklist tick)."""

from __future__ import annotations

from sqlmodel import Session

from team.models import ReviewRequest, utcnow
from team.services.core.actors import Actor
from team.services.core.writes import record
from team.services.questions.store import root_of


def mark_first_response(session: Session, actor: Actor, review: ReviewRequest) -> None:
    """Stamp the first response if ``actor`` is the reviewer, none is stamped yet and the
    request is not closed (a note after withdrawal answers nothing)."""
    if (
        actor.id == review.reviewer_id
        and review.first_response_at is None
        and review.resolved_at is None
    ):
        review.first_response_at = utcnow()
        record(
            session,
            actor,
            review,
            "updated",
            field="first_response_at",
            new=review.first_response_at,
            root_id=root_of(session, review.question_id),
        )
