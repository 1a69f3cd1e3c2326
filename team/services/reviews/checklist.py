"""A review's checklist: the items of its kind in config.yaml (``review_checklists``),
copied into the review when it is requested, so that a later change of the config never
rewrites a past review. The reviewer ticks an item, un-ticks it, or marks it not
applicable (waived) with a reason; each change is an event on the review request (field
``check:<position>``) and claims the request's next version, so an edit made on an old
page is refused like any other edit of the request. Approval waits for every required
item to be ticked or waived (rules.checklist_refused). A review requested before
checklists existed has none, and approves as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from team.config_checklists import ChecklistItem
from team.models import ReviewCheck, ReviewRequest, utcnow
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import IllegalTransition, NotFound, PermissionDenied
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.views import view_of
from team.services.core.writes import claim_version, load, record
from team.services.questions.store import root_of
from team.services.reviews.responses import mark_first_response
from team.services.reviews.rules import checklist_closed, checklist_refused_to
from team.vocabulary import CheckState

REASON_MAX = 2_000


@dataclass(frozen=True)
class CheckView:
    """One item of a review's checklist as pages show it."""

    id: int
    review_request_id: int
    position: int
    text: str
    required: bool
    state: CheckState
    reason: str
    checked_by_id: int | None
    checked_at: datetime | None

    @property
    def done(self) -> bool:
        """Ticked, or waived (not applicable): nothing more to check."""
        return self.state != CheckState.OPEN


def copy_checklist(
    session: Session,
    actor: Actor,
    review: ReviewRequest,
    items: Sequence[ChecklistItem],
    *,
    root_id: int | None,
) -> None:
    """Record ``items`` as the checklist of the review just added (same transaction),
    with one event listing them; no items, no checklist and no event."""
    assert review.id is not None
    if not items:
        return
    session.add_all(
        ReviewCheck(review_request_id=review.id, position=n, text=item.text, required=item.required)
        for n, item in enumerate(items)
    )
    lines = [f"{item.text}{' (required)' if item.required else ''}" for item in items]
    record(
        session, actor, review, "checklist_copied", field="checklist", new=lines, root_id=root_id
    )


def checklist_of(session: Session, *, review_id: int) -> list[CheckView]:
    """The checklist of a review, in order (one query; empty for a review without)."""
    rows = session.scalars(
        select(ReviewCheck)
        .where(col(ReviewCheck.review_request_id) == review_id)
        .order_by(col(ReviewCheck.position))
    )
    return [view_of(CheckView, row) for row in rows]


def check_counts(session: Session, review_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{review id: (items, items ticked or waived)} for these reviews (one query, even
    for none); a review without a checklist is left out."""
    done = func.sum(case((col(ReviewCheck.state) == CheckState.OPEN.value, 0), else_=1))
    query = (
        select(col(ReviewCheck.review_request_id), func.count(), done)
        .where(col(ReviewCheck.review_request_id).in_(review_ids))
        .group_by(col(ReviewCheck.review_request_id))
    )
    return {int(rid): (int(n), int(d or 0)) for rid, n, d in session.execute(query)}


def required_open(session: Session, review_id: int) -> list[str]:
    """The texts of the review's required items neither ticked nor waived, in order."""
    query = (
        select(col(ReviewCheck.text))
        .where(
            col(ReviewCheck.review_request_id) == review_id,
            col(ReviewCheck.required),
            col(ReviewCheck.state) == CheckState.OPEN.value,
        )
        .order_by(col(ReviewCheck.position))
    )
    return list(session.scalars(query))


@atomic
def set_check(
    session: Session,
    actor_id: int,
    *,
    review_id: int,
    position: int,
    version: int,
    state: CheckState,
    reason: str = "",
) -> None:
    """Tick (``ticked``), un-tick (``open``) or waive (``waived``, with ``reason``: why
    the item does not apply) item ``position`` of the review's checklist, as its
    reviewer; ``version`` is the request's version the page showed. Setting an item to
    what it already is changes nothing."""
    actor = acting(session, actor_id)
    require_writer(actor)
    review = load(session, ReviewRequest, review_id, f"Review request #{review_id} does not exist.")
    if refused := checklist_refused_to(actor, review):
        raise PermissionDenied(refused)
    if closed := checklist_closed(review):
        raise IllegalTransition(closed)
    check = _check(session, review_id, position)
    new, why = _wanted(check, CheckState(state), reason)
    old = _said(CheckState(check.state), check.reason)
    if old == _said(new, why):
        return
    claim_version(session, review, version, "This review request")
    mark_first_response(session, actor, review)
    check.state, check.reason = new, why
    check.checked_by_id = None if new == CheckState.OPEN else actor.id
    check.checked_at = None if new == CheckState.OPEN else utcnow()
    root = root_of(session, review.question_id)
    record(
        session,
        actor,
        review,
        "updated",
        field=f"check:{position}",
        old=old,
        new=_said(new, why),
        root_id=root,
    )
    session.commit()


def _check(session: Session, review_id: int, position: int) -> ReviewCheck:
    found = session.scalars(
        select(ReviewCheck).where(
            col(ReviewCheck.review_request_id) == review_id,
            col(ReviewCheck.position) == position,
        )
    ).first()
    if found is None:
        raise NotFound(f"Review request #{review_id} has no checklist item {position + 1}.")
    return found


def _wanted(check: ReviewCheck, state: CheckState, reason: str) -> tuple[CheckState, str]:
    """The new state and reason: a waiver needs a reason, the other states keep none."""
    if state != CheckState.WAIVED:
        return state, ""
    why = multi_line(
        reason,
        what="reason",
        limit=REASON_MAX,
        field="reason",
        empty=f"Give a reason why “{check.text}” does not apply before marking it not applicable.",
    )
    return state, why


def _said(state: CheckState, reason: str) -> str:
    """An item's state as its event stores it: the state, and a waiver's reason."""
    return f"{state.value}: {reason}" if state == CheckState.WAIVED else state.value
