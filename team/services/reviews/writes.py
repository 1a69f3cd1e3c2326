"""Review requests: an IC asks someone to look at code or analysis; the reviewer starts,
requests changes or approves (the rules are in rules.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.config_checklists import ReviewChecklists
from team.models import Finding, Person, Question, ReviewRequest, utcnow
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import IllegalTransition, InvalidInput
from team.services.core.text import check_link, multi_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, load, save_fields
from team.services.questions.store import root_of
from team.services.reviews.checklist import copy_checklist, required_open
from team.services.reviews.reads import must_fix_counts

# notes/writes.py stamps a note's first response through this module.
from team.services.reviews.responses import mark_first_response as mark_first_response
from team.services.reviews.rules import (
    approval_refused,
    check_move,
    checklist_refused,
    may_review,
    must_fix_asks_for_changes,
)
from team.vocabulary import FindingStatus, QuestionStatus, ReviewKind, ReviewStatus

FOCUS_MAX = 10_000


@dataclass(frozen=True)
class ReviewInput:
    question_id: int
    reviewer_id: int | None
    artifact_url: str
    focus: str = ""
    finding_id: int | None = None
    kind: ReviewKind = ReviewKind.ANALYSIS


def _check_reviewer(session: Session, requester: Actor, reviewer_id: int | None) -> None:
    if reviewer_id is None:
        raise InvalidInput("Pick who should review this.", field="reviewer")
    reviewer = session.get(Person, reviewer_id)
    if reviewer is None:
        raise InvalidInput(f"Person #{reviewer_id} is not on the team.", field="reviewer")
    if may_review(reviewer, requester.id):
        return
    if reviewer.id == requester.id:
        raise InvalidInput("Nobody reviews their own work; pick someone else.", field="reviewer")
    if not reviewer.active:
        raise InvalidInput(
            f"{reviewer.name} is deactivated; pick an active reviewer.", field="reviewer"
        )
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
    if not FindingStatus(finding.status).is_evidence:
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


@atomic
def request_review(
    session: Session,
    actor_id: int,
    *,
    data: ReviewInput,
    checklists: ReviewChecklists | None = None,
) -> int:
    """Ask for a review of ``data.kind``; returns the new request's id. The kind's
    checklist in ``checklists`` (config.yaml's ``review_checklists``, which pages pass)
    is copied into the request; without ``checklists`` it has none (approval then waits
    on nothing but must-fix notes, as before checklists existed)."""
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
        kind=ReviewKind(data.kind),
    )
    insert(session, actor, review, new=url, root_id=question.root_id)
    if checklists is not None:
        items = checklists.for_kind(review.kind)
        copy_checklist(session, actor, review, items, root_id=question.root_id)
    session.commit()
    assert review.id is not None
    return review.id


def open_must_fix_count(session: Session, review_id: int) -> int:
    return must_fix_counts(session, [review_id]).get(review_id, 0)


def _approval_refused(session: Session, review_id: int) -> str | None:
    """What still holds up approval: an open must-fix note, else a required checklist
    item neither ticked nor waived."""
    return approval_refused(open_must_fix_count(session, review_id)) or checklist_refused(
        required_open(session, review_id)
    )


@atomic
def move_review(
    session: Session, actor_id: int, *, review_id: int, version: int, status: ReviewStatus
) -> None:
    """Start, request changes, approve, ask again or withdraw."""
    actor = acting(session, actor_id)
    require_writer(actor)
    review = load(session, ReviewRequest, review_id, f"Review request #{review_id} does not exist.")
    new = ReviewStatus(status)
    check_move(actor, review, new)
    if new == ReviewStatus.APPROVED and (refused := _approval_refused(session, review_id)):
        raise IllegalTransition(refused)
    _move(session, actor, review, new, version)
    session.commit()


def _move(
    session: Session, actor: Actor, review: ReviewRequest, new: ReviewStatus, version: int
) -> None:
    """Move a request already checked, with its events (the caller commits)."""
    mark_first_response(session, actor, review)
    save_fields(
        session,
        actor,
        review,
        version=version,
        wanted={"status": new},
        what="This review request",
        root_id=root_of(session, review.question_id),
    )
    if not new.is_open:
        review.resolved_at = utcnow()


def follow_must_fix(session: Session, actor: Actor, review: ReviewRequest) -> bool:
    """After ``actor``'s must-fix note on ``review`` (same transaction): the reviewer's
    note on a request waiting on them moves it to changes requested, with its event.
    True when it moved. The note's first response is stamped either way."""
    if not must_fix_asks_for_changes(actor, review):
        mark_first_response(session, actor, review)
        return False
    check_move(actor, review, ReviewStatus.CHANGES_REQUESTED)
    _move(session, actor, review, ReviewStatus.CHANGES_REQUESTED, review.version)
    return True
