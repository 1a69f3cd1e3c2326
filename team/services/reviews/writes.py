"""Review requests: an IC asks someone to look at code or analysis.

State machine (who in brackets):
  open              -> in_review [reviewer], changes_requested [reviewer],
                       approved [reviewer], withdrawn [requester, manager]
  in_review         -> changes_requested [reviewer], approved [reviewer],
                       withdrawn [requester, manager]
  changes_requested -> open [requester: "ask again"], withdrawn [requester, manager]
  approved, withdrawn: final.
Nobody reviews their own request. Approval is refused while a must-fix note on the
request is unresolved. The reviewer's first act (starting, a decision or a note) stamps
``first_response_at``; approval or withdrawal stamps ``resolved_at``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import (
    Finding,
    FindingStatus,
    Note,
    NoteKind,
    Person,
    Question,
    QuestionStatus,
    ReviewRequest,
    ReviewStatus,
    Role,
    utcnow,
)
from team.services.core import events
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from team.services.core.links import check_link
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.versioning import claim_version
from team.services.reviews.reads import (
    CLOSED,
    OPEN_STATUSES,
    WAITING,
    ReviewView,
    all_reviews,
    converter,
    get_review,
    open_reviews_page,
    queue_count,
    queue_for,
    queue_page,
    requested_by,
    requested_by_page,
)

__all__ = [  # the reads live in review_reads; importable from here too
    "CLOSED",
    "OPEN_STATUSES",
    "WAITING",
    "ReviewView",
    "all_reviews",
    "converter",
    "get_review",
    "open_reviews_page",
    "queue_count",
    "queue_for",
    "queue_page",
    "requested_by",
    "requested_by_page",
]

FOCUS_MAX = 10_000
R = ReviewStatus
TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    R.OPEN: frozenset({R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED, R.WITHDRAWN}),
    R.IN_REVIEW: frozenset({R.CHANGES_REQUESTED, R.APPROVED, R.WITHDRAWN}),
    R.CHANGES_REQUESTED: frozenset({R.OPEN, R.WITHDRAWN}),
    R.APPROVED: frozenset(),
    R.WITHDRAWN: frozenset(),
}
REVIEWER_MOVES = frozenset({R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED})


@dataclass(frozen=True)
class ReviewInput:
    question_id: int
    reviewer_id: int | None
    artifact_url: str
    focus: str = ""
    finding_id: int | None = None


# --------------------------------------------------------------------------- helpers


def load(session: Session, review_id: int) -> ReviewRequest:
    review = session.get(ReviewRequest, review_id)
    if review is None:
        raise NotFound(f"Review request #{review_id} does not exist.")
    return review


def _claim(session: Session, review: ReviewRequest, version: int) -> None:
    claim_version(session, review, version, "This review request")


def _event(
    session: Session,
    actor: Actor,
    review: ReviewRequest,
    action: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    assert review.id is not None
    question = session.get(Question, review.question_id)
    events.record(
        session,
        actor_id=actor.id,
        entity="review_request",
        entity_id=review.id,
        action=action,
        field=field,
        old=old,
        new=new,
        root_id=question.root_id if question else None,
    )


def mark_first_response(session: Session, actor: Actor, review: ReviewRequest) -> None:
    """Stamp the first response if ``actor`` is the reviewer, none is stamped yet and the
    request is not closed (a note after withdrawal answers nothing)."""
    if (
        actor.id == review.reviewer_id
        and review.first_response_at is None
        and review.resolved_at is None
    ):
        review.first_response_at = utcnow()
        _event(
            session, actor, review, "updated", "first_response_at", None, review.first_response_at
        )


def _check_reviewer(session: Session, requester: Actor, reviewer_id: int | None) -> None:
    if reviewer_id is None:
        raise InvalidInput("Pick who should review this.", field="reviewer")
    reviewer = session.get(Person, reviewer_id)
    if reviewer is None:
        raise InvalidInput(f"Person #{reviewer_id} is not on the team.", field="reviewer")
    if reviewer.id == requester.id:
        raise InvalidInput("Nobody reviews their own work; pick someone else.", field="reviewer")
    if not reviewer.active:
        raise InvalidInput(
            f"{reviewer.name} is deactivated; pick an active reviewer.", field="reviewer"
        )
    if reviewer.role == Role.VIEWER:
        raise InvalidInput(
            f"{reviewer.name} is a viewer and cannot review; pick a manager or an IC.",
            field="reviewer",
        )


def _check_finding(session: Session, finding_id: int | None, question_id: int) -> None:
    if finding_id is None:
        return
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise InvalidInput(f"Finding #{finding_id} does not exist.", field="finding")
    if finding.status == FindingStatus.WITHDRAWN:
        raise InvalidInput(
            f"The finding '{finding.summary}' was withdrawn; restore it before asking for "
            "a review of it.",
            field="finding",
        )
    if finding.question_id != question_id:
        raise InvalidInput(
            "That finding belongs to another question; link a finding of this question.",
            field="finding",
        )


# --------------------------------------------------------------------------- writes


@atomic
def request_review(session: Session, actor_id: int, data: ReviewInput) -> int:
    """Ask for a review; returns the new request's id."""
    actor = acting(session, actor_id)
    require_writer(actor)
    url = check_link(data.artifact_url, field="artifact_url")
    focus = multi_line(data.focus, what="focus", limit=FOCUS_MAX, field="focus")
    question = session.get(Question, data.question_id)
    if question is None:
        raise InvalidInput(f"Question #{data.question_id} does not exist.", field="question")
    if question.status == QuestionStatus.DROPPED:
        raise InvalidInput(
            f"'{question.title}' was dropped; ask for reviews on questions still in scope.",
            field="question",
        )
    _check_reviewer(session, actor, data.reviewer_id)
    _check_finding(session, data.finding_id, data.question_id)
    assert data.reviewer_id is not None
    review = ReviewRequest(
        question_id=data.question_id,
        finding_id=data.finding_id,
        requester_id=actor.id,
        reviewer_id=data.reviewer_id,
        artifact_url=url,
        focus=focus,
    )
    session.add(review)
    session.flush()
    _event(session, actor, review, "created", new=url)
    session.commit()
    assert review.id is not None
    return review.id


def allowed_moves(actor_id: int, review: ReviewView | ReviewRequest) -> list[ReviewStatus]:
    moves = TRANSITIONS[ReviewStatus(review.status)]
    return [s for s in ReviewStatus if s in moves and _may_move(actor_id, review, s, None)]


def _may_move(
    actor_id: int, review: ReviewView | ReviewRequest, new: ReviewStatus, actor: Actor | None
) -> bool:
    if new in REVIEWER_MOVES:
        return actor_id == review.reviewer_id
    if new == R.OPEN:
        return actor_id == review.requester_id
    return actor_id == review.requester_id or (actor is not None and actor.is_manager)


def open_must_fix(session: Session, review_id: int) -> int:
    query = select(func.count()).where(
        col(Note.review_request_id) == review_id,
        col(Note.kind) == NoteKind.MUST_FIX,
        col(Note.resolved).is_(False),
    )
    return int(session.scalar(query) or 0)


@atomic
def move_review(
    session: Session, actor_id: int, review_id: int, version: int, status: ReviewStatus
) -> None:
    """Start, request changes, approve, ask again or withdraw."""
    actor = acting(session, actor_id)
    require_writer(actor)
    review = load(session, review_id)
    current, new = ReviewStatus(review.status), ReviewStatus(status)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in ReviewStatus if s in TRANSITIONS[current])
        raise IllegalTransition(
            f"This review is {current.value.replace('_', ' ')}; "
            + (f"from there it can move to {allowed}." if allowed else "it is closed.")
        )
    if not _may_move(actor.id, review, new, actor):
        raise PermissionDenied(_who_may(new))
    if new == R.APPROVED and (count := open_must_fix(session, review_id)):
        raise IllegalTransition(
            f"{count} must-fix note{'s are' if count > 1 else ' is'} still open; they must be "
            "resolved before approval."
        )
    _claim(session, review, version)
    mark_first_response(session, actor, review)
    _event(session, actor, review, "updated", "status", current, new)
    review.status = new
    if new in (R.APPROVED, R.WITHDRAWN):
        review.resolved_at = utcnow()
    session.commit()


def _who_may(new: ReviewStatus) -> str:
    if new in REVIEWER_MOVES:
        return "Only the reviewer can start a review, request changes or approve."
    if new == R.OPEN:
        return "Only the person who asked for the review can ask again."
    return "Only the person who asked for the review, or a manager, can withdraw it."
