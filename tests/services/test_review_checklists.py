"""Review checklists: the kind's checklist is copied into a review when it is requested;
the reviewer ticks, un-ticks or waives (with a reason) its items; approval waits for
every required item, naming those missing; a later change of the config leaves past
reviews as they were; each change is an event, refused when stale or closed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.config import parse_config
from team.config_checklists import ChecklistItem, ReviewChecklists
from team.models import Event, ReviewCheck, ReviewRequest
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    PermissionDenied,
    StaleEdit,
)
from team.services.reviews import reads as reviews_reads
from team.services.reviews import writes as reviews
from team.services.reviews.checklist import set_check
from team.services.reviews.writes import ReviewInput
from team.vocabulary import CheckState, ReviewKind, ReviewStatus
from tests.factories import Team

URL = "https://github.com/acme/churn/pull/7"
R, C = ReviewStatus, CheckState
SMALL = ReviewChecklists(
    code=(ChecklistItem(text="Tests pass"),),
    analysis=(
        ChecklistItem(text="The question is stated"),
        ChecklistItem(text="The comparison is fair"),
        ChecklistItem(text="Seasonality is handled", required=False),
    ),
    data_cleaning=(),
)


def _request(
    session: Session,
    team: Team,
    qid: int,
    *,
    kind: ReviewKind = ReviewKind.ANALYSIS,
    checklists: ReviewChecklists | None = SMALL,
) -> int:
    data = ReviewInput(qid, team.manager, URL, kind=kind)
    return reviews.request_review(session, team.ic, data=data, checklists=checklists)


def _version(session: Session, rid: int) -> int:
    session.expire_all()
    row = session.get(ReviewRequest, rid)
    assert row is not None
    return row.version


def _set(
    session: Session,
    who: int,
    rid: int,
    position: int,
    state: CheckState,
    reason: str = "",
    version: int | None = None,
) -> None:
    v = _version(session, rid) if version is None else version
    set_check(session, who, review_id=rid, position=position, version=v, state=state, reason=reason)


def _approve(session: Session, team: Team, rid: int) -> None:
    v = _version(session, rid)
    reviews.move_review(session, team.manager, review_id=rid, version=v, status=R.APPROVED)


def _states(session: Session, rid: int) -> list[tuple[str, CheckState, str]]:
    checks = reviews_reads.get_review(session, review_id=rid).checks
    return [(c.text, c.state, c.reason) for c in checks]


def test_the_kinds_checklist_is_copied_when_the_review_is_requested(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    review = reviews_reads.get_review(session, review_id=rid)
    assert review.kind == ReviewKind.ANALYSIS
    assert [(c.position, c.text, c.required, c.state) for c in review.checks] == [
        (0, "The question is stated", True, C.OPEN),
        (1, "The comparison is fair", True, C.OPEN),
        (2, "Seasonality is handled", False, C.OPEN),
    ]
    code = reviews_reads.get_review(
        session, review_id=_request(session, team, qid, kind=ReviewKind.CODE)
    )
    assert code.kind == ReviewKind.CODE and [c.text for c in code.checks] == ["Tests pass"]
    copied = session.scalars(
        select(col(Event.new_value)).where(
            col(Event.entity_id) == rid, col(Event.field) == "checklist"
        )
    ).one()
    assert copied is not None and "The comparison is fair (required)" in copied


def test_the_built_in_defaults_give_every_kind_a_checklist(
    session: Session, team: Team, qid: int
) -> None:
    defaults = parse_config({}).review_checklists
    for kind in ReviewKind:
        rid = _request(session, team, qid, kind=kind, checklists=defaults)
        checks = reviews_reads.get_review(session, review_id=rid).checks
        assert [c.text for c in checks] == [i.text for i in defaults.for_kind(kind)]
        assert any(c.required for c in checks)


def test_a_required_open_item_blocks_approval_naming_it(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 0, C.TICKED)
    with pytest.raises(IllegalTransition) as refused:
        _approve(session, team, rid)
    assert refused.value.message == "Tick or waive “The comparison is fair” before approving."
    assert _version(session, rid) == 2 and session.get(ReviewRequest, rid).status == R.OPEN  # type: ignore[union-attr]
    _set(session, team.manager, rid, 0, C.OPEN)  # un-ticked: both are named again
    with pytest.raises(IllegalTransition, match="“The question is stated” and “The comp"):
        _approve(session, team, rid)


def test_ticking_every_required_item_lets_approval_through(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 0, C.TICKED)
    _set(session, team.manager, rid, 1, C.TICKED)  # the optional item stays open
    _approve(session, team, rid)
    assert _states(session, rid)[2][1] == C.OPEN
    session.expire_all()
    assert session.get(ReviewRequest, rid).status == R.APPROVED  # type: ignore[union-attr]


def test_a_waiver_needs_a_reason_and_counts_as_done(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 0, C.TICKED)
    before = _version(session, rid)
    with pytest.raises(InvalidInput) as refused:
        _set(session, team.manager, rid, 1, C.WAIVED, reason="  \n ")
    assert refused.value.message == (
        "Give a reason why “The comparison is fair” does not apply before marking it not "
        "applicable."
    )
    assert _version(session, rid) == before and _states(session, rid)[1][1] == C.OPEN
    _set(session, team.manager, rid, 1, C.WAIVED, reason="A descriptive count, no comparison")
    assert _states(session, rid)[1] == (
        "The comparison is fair",
        C.WAIVED,
        "A descriptive count, no comparison",
    )
    view = reviews_reads.get_review(session, review_id=rid)
    assert (view.checks_done, view.checks_total) == (2, 3)
    assert view.checklist_refused() is None
    _approve(session, team, rid)


def test_ticking_a_waived_item_drops_its_reason(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 1, C.WAIVED, reason="No comparison made")
    _set(session, team.manager, rid, 1, C.TICKED)
    assert _states(session, rid)[1] == ("The comparison is fair", C.TICKED, "")
    row = session.scalars(select(ReviewCheck).where(col(ReviewCheck.position) == 1)).one()
    assert row.checked_by_id == team.manager and row.checked_at is not None


def test_a_config_change_leaves_past_reviews_as_they_were(
    session: Session, team: Team, qid: int
) -> None:
    old = _request(session, team, qid)
    _set(session, team.manager, old, 2, C.TICKED)
    changed = ReviewChecklists(
        code=SMALL.code,
        analysis=(ChecklistItem(text="The comparison is fair", required=False),),
        data_cleaning=(),
    )
    new = _request(session, team, qid, checklists=changed)
    assert _states(session, old) == [
        ("The question is stated", C.OPEN, ""),
        ("The comparison is fair", C.OPEN, ""),
        ("Seasonality is handled", C.TICKED, ""),
    ]
    assert [
        (c.text, c.required) for c in reviews_reads.get_review(session, review_id=new).checks
    ] == [("The comparison is fair", False)]
    _approve(session, team, new)  # nothing required under the new config
    with pytest.raises(IllegalTransition, match="The question is stated"):
        _approve(session, team, old)  # the old review keeps its required items


def test_reviews_without_a_checklist_approve_as_before(
    session: Session, team: Team, qid: int
) -> None:
    before = _request(session, team, qid, checklists=None)  # requested before checklists
    empty = _request(session, team, qid, kind=ReviewKind.DATA_CLEANING)  # a kind with none
    for rid in (before, empty):
        view = reviews_reads.get_review(session, review_id=rid)
        assert view.checks == () and view.checks_total == 0
        _approve(session, team, rid)


def test_a_stale_version_is_refused(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    seen = _version(session, rid)
    _set(session, team.manager, rid, 0, C.TICKED, version=seen)
    with pytest.raises(StaleEdit, match="reload"):
        _set(session, team.manager, rid, 1, C.TICKED, version=seen)
    assert _states(session, rid)[1][1] == C.OPEN
    # The requester's withdrawal from the old page is refused too: the tick moved it on.
    with pytest.raises(StaleEdit):
        reviews.move_review(session, team.ic, review_id=rid, version=seen, status=R.WITHDRAWN)


@pytest.mark.parametrize("who", ["other_manager", "ic", "other_ic", "viewer", "inactive_ic"])
def test_only_the_reviewer_ticks(session: Session, team: Team, qid: int, who: str) -> None:
    rid = _request(session, team, qid)
    with pytest.raises(PermissionDenied):
        _set(session, getattr(team, who), rid, 0, C.TICKED)
    assert _states(session, rid)[0][1] == C.OPEN and _version(session, rid) == 1


@pytest.mark.parametrize("closing", [R.APPROVED, R.WITHDRAWN])
def test_a_closed_review_refuses_ticks(
    session: Session, team: Team, qid: int, closing: ReviewStatus
) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 0, C.TICKED)
    _set(session, team.manager, rid, 1, C.TICKED)
    who = team.manager if closing == R.APPROVED else team.ic
    reviews.move_review(session, who, review_id=rid, version=_version(session, rid), status=closing)
    with pytest.raises(IllegalTransition, match=f"is {closing.label}; its checklist"):
        _set(session, team.manager, rid, 0, C.OPEN)
    assert _states(session, rid)[0][1] == C.TICKED


def test_each_change_is_an_event_and_the_first_tick_is_a_response(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    _set(session, team.manager, rid, 1, C.TICKED)
    _set(session, team.manager, rid, 1, C.TICKED)  # the same again: nothing changes
    _set(session, team.manager, rid, 1, C.WAIVED, reason="Descriptive only")
    _set(session, team.manager, rid, 1, C.OPEN)
    events = session.execute(
        select(col(Event.field), col(Event.old_value), col(Event.new_value), col(Event.actor_id))
        .where(col(Event.entity) == "review_request", col(Event.entity_id) == rid)
        .where(col(Event.field).like("check:%"))
        .order_by(col(Event.id))
    ).all()
    assert [tuple(e) for e in events] == [
        ("check:1", "open", "ticked", team.manager),
        ("check:1", "ticked", "waived: Descriptive only", team.manager),
        ("check:1", "waived: Descriptive only", "open", team.manager),
    ]
    assert _version(session, rid) == 4
    assert reviews_reads.get_review(session, review_id=rid).first_response_at is not None


def test_lists_show_progress_without_a_query_per_review(
    session: Session, team: Team, qid: int
) -> None:
    rids = [_request(session, team, qid) for _ in range(2)]
    _set(session, team.manager, rids[0], 0, C.TICKED)
    _set(session, team.manager, rids[0], 2, C.WAIVED, reason="Too short a window")
    with counting(session) as few:
        queue = reviews_reads.queue_for(session, reviewer_id=team.manager)
    assert [(v.kind, v.checks_done, v.checks_total) for v in queue] == [
        (ReviewKind.ANALYSIS, 2, 3),
        (ReviewKind.ANALYSIS, 0, 3),
    ]
    for _ in range(5):
        _request(session, team, qid)
    with counting(session) as many:
        assert len(reviews_reads.queue_for(session, reviewer_id=team.manager)) == 7
    assert len(many) == len(few)
