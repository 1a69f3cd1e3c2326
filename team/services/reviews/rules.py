"""The rules of review requests: how a request's status moves, who moves it, and who may
review.

State machine (who in brackets):
  open              -> in_review [reviewer], changes_requested [reviewer],
                       approved [reviewer], withdrawn [requester, manager]
  in_review         -> changes_requested [reviewer], approved [reviewer],
                       withdrawn [requester, manager]
  changes_requested -> open [requester: "ask again"], withdrawn [requester, manager]
  approved, withdrawn: final.
Nobody reviews their own request, and a viewer reviews nothing. Approval is refused
while a must-fix note on the request is unresolved (:func:`approval_refused`, which the
service and the page both ask). A must-fix note by the reviewer on a request waiting on
them is a request for changes: the request moves to changes_requested with the note
(:func:`must_fix_asks_for_changes`). The reviewer's first act (starting, a decision or a
note) stamps ``first_response_at``; approval or withdrawal stamps ``resolved_at``.

Checklists (checklist.py): approval is also refused while a required item of the
request's checklist is neither ticked nor waived (:func:`checklist_refused`). Only the
reviewer ticks, un-ticks or waives an item (a manager who is not the reviewer too does
not: the checklist is the reviewer's own record), and only while the request is not
closed; a tick is a response (it stamps ``first_response_at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from team.services.core.actors import Actor
from team.services.core.errors import IllegalTransition, PermissionDenied
from team.vocabulary import ReviewStatus, Role

R = ReviewStatus
TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    R.OPEN: frozenset({R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED, R.WITHDRAWN}),
    R.IN_REVIEW: frozenset({R.CHANGES_REQUESTED, R.APPROVED, R.WITHDRAWN}),
    R.CHANGES_REQUESTED: frozenset({R.OPEN, R.WITHDRAWN}),
    R.APPROVED: frozenset(),
    R.WITHDRAWN: frozenset(),
}
REVIEWER_MOVES = frozenset({R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED})


class Reviewed(Protocol):
    @property
    def requester_id(self) -> int: ...
    @property
    def reviewer_id(self) -> int: ...
    @property
    def status(self) -> ReviewStatus: ...


def may_move(actor: Actor, review: Reviewed, new: ReviewStatus) -> bool:
    if actor.is_viewer:
        return False
    if new in REVIEWER_MOVES:
        return actor.id == review.reviewer_id
    if new == R.OPEN:
        return actor.id == review.requester_id
    return actor.id == review.requester_id or actor.is_manager  # withdrawn


def allowed_moves(actor: Actor, review: Reviewed) -> list[ReviewStatus]:
    """The statuses ``actor`` may move this request to, in a stable order."""
    moves = TRANSITIONS[ReviewStatus(review.status)]
    return [s for s in ReviewStatus if s in moves and may_move(actor, review, s)]


def check_move(actor: Actor, review: Reviewed, new: ReviewStatus) -> None:
    """IllegalTransition or PermissionDenied unless ``actor`` may move it to ``new``."""
    current = ReviewStatus(review.status)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in ReviewStatus if s in TRANSITIONS[current])
        raise IllegalTransition(
            f"This review is {current.label}; "
            + (f"from there it can move to {allowed}." if allowed else "it is closed.")
        )
    if not may_move(actor, review, new):
        raise PermissionDenied(_who_may(new))


def approval_refused(open_must_fix: int) -> str | None:
    """Why the request cannot be approved yet (its unresolved must-fix notes), or None
    when it can."""
    if not open_must_fix:
        return None
    notes = "1 must-fix note is" if open_must_fix == 1 else f"{open_must_fix} must-fix notes are"
    return f"{notes} still open; they must be resolved before approval."


def checklist_refused(open_required: Sequence[str]) -> str | None:
    """Why the request cannot be approved yet (the required checklist items neither
    ticked nor waived, by their texts), or None when it can."""
    if not open_required:
        return None
    named = [f"“{text}”" for text in open_required]
    items = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"Tick or waive {items} before approving."


def checklist_refused_to(actor: Actor, review: Reviewed) -> str | None:
    """Why ``actor`` may not tick, un-tick or waive an item of this request's checklist
    (PermissionDenied's sentence), or None when they may: its reviewer only."""
    if actor.is_viewer or actor.id != review.reviewer_id:
        return "Only the reviewer ticks or waives the items of a review's checklist."
    return None


def checklist_closed(review: Reviewed) -> str | None:
    """Why this request's checklist can no longer change (it is approved or withdrawn),
    or None while it can."""
    status = ReviewStatus(review.status)
    if status in ReviewStatus.closed():
        return f"This review is {status.label}; its checklist can no longer change."
    return None


def must_fix_asks_for_changes(actor: Actor, review: Reviewed) -> bool:
    """A must-fix note by ``actor`` on this request moves it to changes requested: the
    reviewer's note, while the request waits on them (open or in review)."""
    return actor.id == review.reviewer_id and ReviewStatus(review.status).is_waiting


def _who_may(new: ReviewStatus) -> str:
    if new in REVIEWER_MOVES:
        return "Only the reviewer can start a review, request changes or approve."
    if new == R.OPEN:
        return "Only the person who asked for the review can ask again."
    return "Only the person who asked for the review, or a manager, can withdraw it."


class Reviewer(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def active(self) -> bool: ...
    @property
    def role(self) -> Role: ...


def may_review(person: Reviewer, requester_id: int) -> bool:
    """Who may be asked for a review: an active manager or IC, not the requester."""
    return person.active and person.role != Role.VIEWER and person.id != requester_id
