"""Review request services: asking for a review, the state machine and who may move it,
must-fix notes blocking approval, turnaround stamps and arithmetic, the queues."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Event, Note, Question, ReviewRequest, utcnow
from team.services.core.actors import acting
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import writes as notes
from team.services.questions import status as question_status
from team.services.reviews import reads as reviews_reads
from team.services.reviews import rules as reviews_rules
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from team.vocabulary import FindingStatus, NoteKind, QuestionStatus, ReviewStatus
from tests.factories import Team, root

R = ReviewStatus
URL = "https://github.com/acme/churn/pull/7"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _request(
    session: Session,
    team: Team,
    qid: int,
    *,
    by: int | None = None,
    reviewer: int | None = -1,
    url: str = URL,
    focus: str = "",
    finding_id: int | None = None,
) -> int:
    data = ReviewInput(
        question_id=qid,
        reviewer_id=team.manager if reviewer == -1 else reviewer,
        artifact_url=url,
        focus=focus,
        finding_id=finding_id,
    )
    return reviews.request_review(session, by or team.ic, data=data)


def _r(session: Session, rid: int) -> ReviewRequest:
    session.expire_all()
    review = session.get(ReviewRequest, rid)
    assert review is not None
    return review


def _stamp(session: Session, rid: int, **values: object) -> None:
    row = _r(session, rid)
    for name, value in values.items():
        setattr(row, name, value)
    session.commit()


def _events(session: Session, rid: int) -> list[Event]:
    query = select(Event).where(col(Event.entity) == "review_request", col(Event.entity_id) == rid)
    return list(session.scalars(query.order_by(col(Event.id))))


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _finding(session: Session, team: Team, qid: int, summary: str = "SMB churn doubled") -> int:
    return findings.log_finding(
        session, team.ic, question_id=qid, data=FindingInput(summary=summary)
    ).id


def _root_of(session: Session, qid: int) -> int | None:
    q = session.get(Question, qid)
    assert q is not None
    return q.root_id


# --------------------------------------------------------------------------- request


def test_request_review(session: Session, team: Team, qid: int) -> None:
    fid = _finding(session, team, qid)
    before = utcnow()
    rid = _request(
        session, team, qid, url=f"  {URL} ", focus="  The join on accounts. ", finding_id=fid
    )
    after = utcnow()
    row = _r(session, rid)
    assert (row.question_id, row.finding_id, row.requester_id, row.reviewer_id) == (
        qid,
        fid,
        team.ic,
        team.manager,
    )
    assert (row.artifact_url, row.focus, row.status, row.version) == (
        URL,
        "The join on accounts.",
        R.OPEN,
        1,
    )
    assert before <= row.requested_at <= after
    assert row.first_response_at is None and row.resolved_at is None
    [created] = _events(session, rid)
    assert (created.action, created.new_value, created.actor_id) == ("created", URL, team.ic)
    assert created.root_id == _root_of(session, qid) != qid
    view = reviews_reads.get_review(session, review_id=rid)
    assert (view.question_title, view.finding_summary, view.root_id) == (
        "Which segments churned?",
        "SMB churn doubled",
        _root_of(session, qid),
    )
    assert (view.status, view.open_must_fix) == (R.OPEN, 0)


def test_peer_review_by_another_ic(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid, reviewer=team.other_ic)
    reviews.move_review(session, team.other_ic, review_id=rid, version=1, status=R.APPROVED)
    assert _r(session, rid).status == R.APPROVED


BAD_REVIEWER = [
    pytest.param(None, "Pick who should review", id="none"),
    pytest.param(9_999, "not on the team", id="unknown"),
    pytest.param("ic", "Nobody reviews their own", id="self"),
    pytest.param("viewer", "is a viewer", id="viewer"),
    pytest.param("inactive_ic", "deactivated", id="inactive"),
]


@pytest.mark.parametrize(("reviewer", "message"), BAD_REVIEWER)
def test_bad_reviewer_is_refused(
    session: Session, team: Team, qid: int, reviewer: int | str | None, message: str
) -> None:
    reviewer_id: int | None = getattr(team, reviewer) if isinstance(reviewer, str) else reviewer
    with pytest.raises(InvalidInput, match=message) as caught:
        _request(session, team, qid, reviewer=reviewer_id)
    assert caught.value.field == "reviewer"
    assert _count(session, ReviewRequest) == 0


@pytest.mark.parametrize(
    "url",
    ["", "javascript:alert(1)", "ftp://example.com/x", "the PR on GitHub", "https://"],
)
def test_bad_artifact_url_is_refused(session: Session, team: Team, qid: int, url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _request(session, team, qid, url=url)
    assert caught.value.field == "artifact_url"
    assert _count(session, ReviewRequest) == 0


def test_over_long_focus_is_refused(session: Session, team: Team, qid: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        _request(session, team, qid, focus="f" * (reviews.FOCUS_MAX + 1))
    assert caught.value.field == "focus"
    assert _count(session, ReviewRequest) == 0


def test_unknown_question_is_refused(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput) as caught:
        _request(session, team, 9_999)
    assert caught.value.field == "question"


def test_withdrawn_finding_is_refused(session: Session, team: Team, qid: int) -> None:
    fid = _finding(session, team, qid)
    findings.move_finding(
        session, team.ic, finding_id=fid, version=1, status=FindingStatus.WITHDRAWN
    )
    with pytest.raises(InvalidInput, match="was withdrawn") as caught:
        _request(session, team, qid, finding_id=fid)
    assert caught.value.field == "finding"
    assert _count(session, ReviewRequest) == 0
    events = session.scalars(select(Event).where(col(Event.entity) == "review_request"))
    assert list(events) == []


def test_finding_of_another_question_is_refused(session: Session, team: Team, qid: int) -> None:
    other = root(session, team, "Should we replace the pricing heuristic?")
    fid = findings.log_finding(
        session, team.manager, question_id=other, data=FindingInput("Heuristic is fine")
    ).id
    with pytest.raises(InvalidInput, match="another question") as caught:
        _request(session, team, qid, finding_id=fid)
    assert caught.value.field == "finding"
    with pytest.raises(InvalidInput, match="does not exist") as caught:
        _request(session, team, qid, finding_id=9_999)
    assert caught.value.field == "finding"
    assert _count(session, ReviewRequest) == 0


@pytest.mark.parametrize(("who", "message"), [("viewer", "read-only"), ("inactive_ic", "deact")])
def test_viewer_and_inactive_cannot_request(
    session: Session, team: Team, qid: int, who: str, message: str
) -> None:
    with pytest.raises(PermissionDenied, match=message):
        _request(session, team, qid, by=getattr(team, who))
    assert _count(session, ReviewRequest) == 0


# --------------------------------------------------------------------------- state machine

ALLOWED = {
    (R.OPEN, R.IN_REVIEW), (R.OPEN, R.CHANGES_REQUESTED), (R.OPEN, R.APPROVED),
    (R.OPEN, R.WITHDRAWN),
    (R.IN_REVIEW, R.CHANGES_REQUESTED), (R.IN_REVIEW, R.APPROVED), (R.IN_REVIEW, R.WITHDRAWN),
    (R.CHANGES_REQUESTED, R.OPEN), (R.CHANGES_REQUESTED, R.WITHDRAWN),
}  # fmt: skip
REVIEWER_MOVES = (R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED)


def _mover(team: Team, target: ReviewStatus) -> int:
    """Someone who may make this move: the IC asked the manager for a review."""
    return team.manager if target in REVIEWER_MOVES else team.ic


@pytest.mark.parametrize("start", list(R))
@pytest.mark.parametrize("target", list(R))
def test_every_transition(
    session: Session, team: Team, qid: int, start: ReviewStatus, target: ReviewStatus
) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, status=start)
    if (start, target) in ALLOWED:
        reviews.move_review(session, _mover(team, target), review_id=rid, version=1, status=target)
        row = _r(session, rid)
        assert (row.status, row.version) == (target, 2)
        last = _events(session, rid)[-1]
        assert (last.field, last.old_value, last.new_value) == ("status", start, target)
        assert last.root_id == _root_of(session, qid)
    else:
        allowed = ", ".join(s.label for s in R if (start, s) in ALLOWED)
        tail = f"from there it can move to {allowed}." if allowed else "it is closed."
        expected = f"This review is {start.label}; {tail}"
        with pytest.raises(IllegalTransition, match=re.escape(expected)):
            reviews.move_review(
                session, _mover(team, target), review_id=rid, version=1, status=target
            )
        row = _r(session, rid)
        assert (row.status, row.version) == (start, 1)
        assert len(_events(session, rid)) == 1


def _may(who: str, target: ReviewStatus) -> bool:
    """The IC requested, the manager reviews."""
    if who == "viewer":
        return False
    if target in REVIEWER_MOVES:
        return who == "manager"
    if target == R.OPEN:
        return who == "ic"
    return who in ("ic", "manager", "other_manager")  # withdrawn


WHO = ["ic", "other_ic", "manager", "other_manager", "viewer"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_who_may_make_each_move(
    session: Session, team: Team, qid: int, start: ReviewStatus, target: ReviewStatus, who: str
) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, status=start)
    actor = getattr(team, who)
    if _may(who, target):
        reviews.move_review(session, actor, review_id=rid, version=1, status=target)
        assert _r(session, rid).status == target
    else:
        message = "read-only" if who == "viewer" else "Only the (reviewer|person who asked)"
        with pytest.raises(PermissionDenied, match=message):
            reviews.move_review(session, actor, review_id=rid, version=1, status=target)
        row = _r(session, rid)
        assert (row.status, row.version) == (start, 1)
        assert row.first_response_at is None and row.resolved_at is None


@pytest.mark.parametrize("status", list(R))
def test_allowed_moves(session: Session, team: Team, qid: int, status: ReviewStatus) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, status=status)
    view = reviews_reads.get_review(session, review_id=rid)
    for who in WHO:
        # What the page offers is exactly what move_review accepts, managers' withdrawal
        # of someone else's request included.
        expected = [t for t in R if (status, t) in ALLOWED and _may(who, t)]
        actor = acting(session, getattr(team, who))
        assert reviews_rules.allowed_moves(actor, view) == expected, who


def test_nobody_approves_their_own_request(session: Session, team: Team, qid: int) -> None:
    """A manager asking an IC for a review cannot approve it either."""
    rid = _request(session, team, qid, by=team.manager, reviewer=team.ic)
    for move in REVIEWER_MOVES:
        with pytest.raises(PermissionDenied, match="Only the reviewer"):
            reviews.move_review(session, team.manager, review_id=rid, version=1, status=move)
    assert _r(session, rid).status == R.OPEN
    reviews.move_review(session, team.ic, review_id=rid, version=1, status=R.APPROVED)
    assert _r(session, rid).status == R.APPROVED


def test_stale_move_is_refused(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.IN_REVIEW)
    with pytest.raises(StaleEdit, match="version 1, it is now version 2"):
        reviews.move_review(session, team.ic, review_id=rid, version=1, status=R.WITHDRAWN)
    row = _r(session, rid)
    assert (row.status, row.version, row.resolved_at) == (R.IN_REVIEW, 2, None)


def test_missing_review(session: Session, team: Team) -> None:
    with pytest.raises(NotFound):
        reviews.move_review(session, team.manager, review_id=9_999, version=1, status=R.APPROVED)
    with pytest.raises(NotFound):
        reviews_reads.get_review(session, review_id=9_999)


def test_full_cycle(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.IN_REVIEW)
    reviews.move_review(session, team.manager, review_id=rid, version=2, status=R.CHANGES_REQUESTED)
    reviews.move_review(session, team.ic, review_id=rid, version=3, status=R.OPEN)
    reviews.move_review(session, team.manager, review_id=rid, version=4, status=R.APPROVED)
    row = _r(session, rid)
    assert (row.status, row.version) == (R.APPROVED, 5)
    moves = [(e.old_value, e.new_value) for e in _events(session, rid) if e.field == "status"]
    assert moves == [
        ("open", "in_review"),
        ("in_review", "changes_requested"),
        ("changes_requested", "open"),
        ("open", "approved"),
    ]


# --------------------------------------------------------------------------- must-fix


def _must_fix(session: Session, who: int, rid: int, body: str = "Fix the join") -> int:
    return notes.add_note(
        session, who, target="review_request", target_id=rid, body=body, kind=NoteKind.MUST_FIX
    )


def test_open_must_fix_blocks_approval(session: Session, team: Team, qid: int) -> None:
    """Must-fix notes by others than the reviewer (another manager, the requester) leave
    the request waiting on its reviewer, who cannot approve it until they are resolved."""
    rid = _request(session, team, qid)
    first = _must_fix(session, team.other_manager, rid)
    notes.add_note(
        session,
        team.manager,
        target="review_request",
        target_id=rid,
        body="Nice plots",
        kind=NoteKind.PRAISE,
    )
    with pytest.raises(IllegalTransition, match="1 must-fix note is still open"):
        reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.APPROVED)
    second = _must_fix(session, team.ic, rid, "Also dedupe")
    with pytest.raises(IllegalTransition, match="2 must-fix notes are still open"):
        reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.APPROVED)
    assert reviews_reads.get_review(session, review_id=rid).open_must_fix == 2
    assert _r(session, rid).status == R.OPEN
    notes.set_resolved(session, team.ic, note_id=first, version=1)
    with pytest.raises(IllegalTransition, match="1 must-fix note is still open"):
        reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.APPROVED)
    notes.set_resolved(session, team.manager, note_id=second, version=1)
    assert reviews_reads.get_review(session, review_id=rid).open_must_fix == 0
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.APPROVED)
    assert _r(session, rid).status == R.APPROVED


def test_the_page_and_the_service_ask_one_approval_rule() -> None:
    assert reviews_rules.approval_refused(0) is None
    assert reviews_rules.approval_refused(1) == (
        "1 must-fix note is still open; they must be resolved before approval."
    )
    assert reviews_rules.approval_refused(3) == (
        "3 must-fix notes are still open; they must be resolved before approval."
    )


@pytest.mark.parametrize("start", [R.OPEN, R.IN_REVIEW])
def test_reviewers_must_fix_note_asks_for_changes(
    session: Session, team: Team, qid: int, start: ReviewStatus
) -> None:
    """The reviewer's must-fix note is their request for changes: the request reads
    changes requested without a second click, moved with the note and its event."""
    rid = _request(session, team, qid)
    if start == R.IN_REVIEW:
        reviews.move_review(session, team.manager, review_id=rid, version=1, status=start)
    version = _r(session, rid).version
    added = notes.write_note(
        session,
        team.manager,
        target="review_request",
        target_id=rid,
        body="The join drops trial users.",
        kind=NoteKind.MUST_FIX,
    )
    assert added.asked_for_changes
    row = _r(session, rid)
    assert (row.status, row.version) == (R.CHANGES_REQUESTED, version + 1)
    assert row.first_response_at is not None and row.resolved_at is None
    last = _events(session, rid)[-1]
    assert (last.field, last.old_value, last.new_value, last.actor_id) == (
        "status",
        start,
        "changes_requested",
        team.manager,
    )
    assert last.root_id == _root_of(session, qid)
    view = reviews_reads.get_review(session, review_id=rid)
    assert (view.status, view.open_must_fix) == (R.CHANGES_REQUESTED, 1)
    # The requester fixes it, resolves the note and asks again; then it can be approved.
    asked = row.version
    with pytest.raises(IllegalTransition, match="This review is changes requested"):
        reviews.move_review(session, team.manager, review_id=rid, version=asked, status=R.APPROVED)
    notes.set_resolved(session, team.ic, note_id=added.id, version=1)
    reviews.move_review(session, team.ic, review_id=rid, version=asked, status=R.OPEN)
    reviews.move_review(session, team.manager, review_id=rid, version=asked + 1, status=R.APPROVED)
    assert _r(session, rid).status == R.APPROVED


@pytest.mark.parametrize(
    ("who", "kind", "start"),
    [
        ("manager", NoteKind.COMMENT, R.OPEN),  # the reviewer, but not a must-fix
        ("manager", NoteKind.SUGGESTION, R.IN_REVIEW),
        ("other_manager", NoteKind.MUST_FIX, R.OPEN),  # a must-fix, but not the reviewer's
        ("ic", NoteKind.MUST_FIX, R.IN_REVIEW),
        ("manager", NoteKind.MUST_FIX, R.CHANGES_REQUESTED),  # already asked
        ("manager", NoteKind.MUST_FIX, R.APPROVED),  # closed
        ("manager", NoteKind.MUST_FIX, R.WITHDRAWN),
    ],
)
def test_other_notes_leave_the_status_alone(
    session: Session, team: Team, qid: int, who: str, kind: NoteKind, start: ReviewStatus
) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, status=start)
    added = notes.write_note(
        session, getattr(team, who), target="review_request", target_id=rid, body="Hm", kind=kind
    )
    assert not added.asked_for_changes
    assert (_r(session, rid).status, _r(session, rid).version) == (start, 1)
    assert [e for e in _events(session, rid) if e.field == "status"] == []


def test_note_and_its_request_for_changes_are_one_write(
    session: Session, team: Team, qid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the request cannot move (someone changed it a moment ago), the note is not
    written either: nothing half-done."""
    rid = _request(session, team, qid)

    def moved_meanwhile(*_args: object, **_kwargs: object) -> None:
        raise StaleEdit("This review request was changed by someone else.")

    monkeypatch.setattr(reviews, "save_fields", moved_meanwhile)
    events = _count(session, Event)
    with pytest.raises(StaleEdit):
        _must_fix(session, team.manager, rid)
    assert _count(session, Note) == 0
    assert _count(session, Event) == events
    assert (_r(session, rid).status, _r(session, rid).first_response_at) == (R.OPEN, None)


def test_must_fix_elsewhere_does_not_block(session: Session, team: Team, qid: int) -> None:
    fid = _finding(session, team, qid)
    rid = _request(session, team, qid, finding_id=fid)
    other = _request(session, team, qid, reviewer=team.other_manager)
    notes.add_note(
        session, team.manager, target="finding", target_id=fid, body="Fix", kind=NoteKind.MUST_FIX
    )
    notes.add_note(
        session,
        team.other_manager,
        target="review_request",
        target_id=other,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.APPROVED)
    assert _r(session, rid).status == R.APPROVED


def test_changes_can_be_requested_with_must_fix_open(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    _must_fix(session, team.other_manager, rid)
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.CHANGES_REQUESTED)
    assert _r(session, rid).status == R.CHANGES_REQUESTED


# --------------------------------------------------------------------------- turnaround


def _within(moment: datetime | None, before: datetime, after: datetime) -> bool:
    return moment is not None and before <= moment <= after


@pytest.mark.parametrize("first_act", [R.IN_REVIEW, R.CHANGES_REQUESTED, R.APPROVED])
def test_reviewers_first_move_stamps_first_response(
    session: Session, team: Team, qid: int, first_act: ReviewStatus
) -> None:
    rid = _request(session, team, qid)
    before = utcnow()
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=first_act)
    after = utcnow()
    row = _r(session, rid)
    assert _within(row.first_response_at, before, after)
    stamps = [e for e in _events(session, rid) if e.field == "first_response_at"]
    assert len(stamps) == 1 and stamps[0].actor_id == team.manager
    if first_act == R.APPROVED:
        assert _within(row.resolved_at, before, after)
    else:
        assert row.resolved_at is None


def test_reviewer_note_is_a_first_response(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    before = utcnow()
    notes.add_note(
        session, team.manager, target="review_request", target_id=rid, body="Looking at it today."
    )
    after = utcnow()
    row = _r(session, rid)
    assert _within(row.first_response_at, before, after)
    assert (row.status, row.version) == (R.OPEN, 1)
    assert (
        reviews_reads.get_review(session, review_id=rid).first_response_at == row.first_response_at
    )


def test_first_response_is_never_overwritten(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, requested_at=T0, first_response_at=T0 + timedelta(hours=2))
    notes.add_note(
        session, team.manager, target="review_request", target_id=rid, body="More thoughts"
    )
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.IN_REVIEW)
    reviews.move_review(session, team.manager, review_id=rid, version=2, status=R.CHANGES_REQUESTED)
    reviews.move_review(session, team.ic, review_id=rid, version=3, status=R.OPEN)
    reviews.move_review(session, team.manager, review_id=rid, version=4, status=R.APPROVED)
    row = _r(session, rid)
    assert row.first_response_at == T0 + timedelta(hours=2)
    assert [e for e in _events(session, rid) if e.field == "first_response_at"] == []
    view = reviews_reads.get_review(session, review_id=rid)
    assert view.first_response_hours() == pytest.approx(2.0)


@pytest.mark.parametrize("who", ["ic", "other_manager", "other_ic"])
def test_notes_by_others_are_not_a_first_response(
    session: Session, team: Team, qid: int, who: str
) -> None:
    rid = _request(session, team, qid)
    notes.add_note(
        session, getattr(team, who), target="review_request", target_id=rid, body="Any news?"
    )
    assert _r(session, rid).first_response_at is None
    assert reviews_reads.get_review(session, review_id=rid).first_response_hours() is None


@pytest.mark.parametrize("who", ["ic", "other_manager"])
def test_withdrawal_resolves_without_a_response(
    session: Session, team: Team, qid: int, who: str
) -> None:
    rid = _request(session, team, qid)
    before = utcnow()
    reviews.move_review(session, getattr(team, who), review_id=rid, version=1, status=R.WITHDRAWN)
    after = utcnow()
    row = _r(session, rid)
    assert row.first_response_at is None
    assert _within(row.resolved_at, before, after)


def test_reviewer_note_after_withdrawal_is_not_a_response(
    session: Session, team: Team, qid: int
) -> None:
    rid = _request(session, team, qid)
    reviews.move_review(session, team.ic, review_id=rid, version=1, status=R.WITHDRAWN)
    notes.add_note(
        session, team.manager, target="review_request", target_id=rid, body="Sorry, saw it late."
    )
    row = _r(session, rid)
    assert row.first_response_at is None and row.resolved_at is not None
    assert reviews_reads.get_review(session, review_id=rid).first_response_hours() is None


def test_asking_again_keeps_the_clock(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.CHANGES_REQUESTED)
    responded = _r(session, rid).first_response_at
    reviews.move_review(session, team.ic, review_id=rid, version=2, status=R.OPEN)
    row = _r(session, rid)
    assert row.first_response_at == responded and row.resolved_at is None


def test_age_and_first_response_hours(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, requested_at=T0, first_response_at=T0 + timedelta(hours=3, minutes=30))
    view = reviews_reads.get_review(session, review_id=rid)
    assert view.requested_at == T0
    assert view.age_hours(T0 + timedelta(hours=10)) == pytest.approx(10.0)
    assert view.first_response_hours() == pytest.approx(3.5)
    assert not view.overdue(T0 + timedelta(hours=100), 24)  # responded: not overdue


def test_age_stops_at_resolution(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    _stamp(
        session,
        rid,
        status=R.APPROVED,
        requested_at=T0,
        first_response_at=T0 + timedelta(hours=1),
        resolved_at=T0 + timedelta(hours=5),
    )
    view = reviews_reads.get_review(session, review_id=rid)
    assert view.age_hours(T0 + timedelta(days=30)) == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("status", "waited", "overdue"),
    [
        (R.OPEN, timedelta(hours=25), True),
        (R.IN_REVIEW, timedelta(hours=25), True),
        (R.OPEN, timedelta(hours=24), False),  # exactly at the SLA is not yet over it
        (R.OPEN, timedelta(hours=23, minutes=59), False),
        (R.CHANGES_REQUESTED, timedelta(hours=90), False),  # waits on the requester
        (R.WITHDRAWN, timedelta(hours=90), False),
    ],
)
def test_overdue(
    session: Session,
    team: Team,
    qid: int,
    status: ReviewStatus,
    waited: timedelta,
    overdue: bool,
) -> None:
    rid = _request(session, team, qid)
    _stamp(session, rid, status=status, requested_at=T0)
    view = reviews_reads.get_review(session, review_id=rid)
    assert view.overdue(T0 + waited, 24) is overdue


# --------------------------------------------------------------------------- queues


def test_queue_lists_what_waits_on_the_reviewer_oldest_first(
    session: Session, team: Team, qid: int
) -> None:
    made = {
        name: _request(session, team, qid, reviewer=reviewer)
        for name, reviewer in [
            ("open", team.manager),
            ("in_review", team.manager),
            ("changes", team.manager),
            ("approved", team.manager),
            ("withdrawn", team.manager),
            ("omar", team.other_manager),
            ("by_ravi", team.manager),
        ]
    }
    status = {
        "in_review": R.IN_REVIEW,
        "changes": R.CHANGES_REQUESTED,
        "approved": R.APPROVED,
        "withdrawn": R.WITHDRAWN,
    }
    hours = {"omar": 0, "in_review": 1, "changes": 2, "by_ravi": 3, "approved": 4, "open": 5}
    for name, rid in made.items():
        _stamp(
            session,
            rid,
            status=status.get(name, R.OPEN),
            requested_at=T0 + timedelta(hours=hours.get(name, 6)),
        )
    _stamp(session, made["by_ravi"], requester_id=team.other_ic)
    queue = reviews_reads.queue_for(session, reviewer_id=team.manager)
    assert [v.id for v in queue] == [made["in_review"], made["by_ravi"], made["open"]]
    assert [v.id for v in reviews_reads.queue_for(session, reviewer_id=team.other_manager)] == [
        made["omar"]
    ]
    assert reviews_reads.queue_for(session, reviewer_id=team.ic) == []
    mine = reviews_reads.requested_by(session, requester_id=team.ic)
    assert [v.id for v in mine] == [
        made["omar"],
        made["in_review"],
        made["changes"],
        made["approved"],
        made["open"],
        made["withdrawn"],
    ]
    assert [v.id for v in reviews_reads.requested_by(session, requester_id=team.other_ic)] == [
        made["by_ravi"]
    ]
    assert reviews_reads.requested_by(session, requester_id=team.manager) == []
    open_ids = {v.id for v in reviews_reads.all_reviews(session, open_only=True)}
    assert open_ids == set(made.values()) - {made["approved"], made["withdrawn"]}
    assert len(reviews_reads.all_reviews(session)) == len(made)


def test_queue_drops_a_request_once_decided(session: Session, team: Team, qid: int) -> None:
    rid = _request(session, team, qid)
    reviews.move_review(session, team.manager, review_id=rid, version=1, status=R.IN_REVIEW)
    assert [v.id for v in reviews_reads.queue_for(session, reviewer_id=team.manager)] == [rid]
    reviews.move_review(session, team.manager, review_id=rid, version=2, status=R.CHANGES_REQUESTED)
    assert reviews_reads.queue_for(session, reviewer_id=team.manager) == []
    reviews.move_review(session, team.ic, review_id=rid, version=3, status=R.OPEN)
    [back] = reviews_reads.queue_for(session, reviewer_id=team.manager)
    assert (back.id, back.status, back.version) == (rid, R.OPEN, 4)


def test_review_on_a_dropped_question_is_refused(session: Session, team: Team, qid: int) -> None:
    question_status.set_status(
        session, team.manager, question_id=qid, version=1, status=QuestionStatus.DROPPED
    )
    with pytest.raises(InvalidInput, match="was dropped") as caught:
        _request(session, team, qid)
    assert caught.value.field == "question"
