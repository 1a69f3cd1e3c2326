"""Finding services: logging and validation, who edits, the state machine and who may
move it, send-back notes, versions and events."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Event, Finding, Note, Question
from team.services.core import text as core_text
from team.services.core.actors import acting
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from team.services.findings import rules as findings_rules
from team.services.findings import writes as findings
from team.services.findings.reads import FindingView
from team.services.findings.writes import FindingInput
from team.services.questions import status as question_status
from team.vocabulary import Confidence, FindingKind, FindingStatus, NoteKind, QuestionStatus
from tests.factories import Team

F = FindingStatus
NOTEBOOK = "https://nb.example.com/churn.ipynb"
PR = "https://github.com/acme/churn/pull/7"


def _log(
    session: Session,
    team: Team,
    qid: int,
    *,
    by: int | None = None,
    share: bool = True,
    summary: str = "SMB churn doubled in Q3",
    **fields: Any,
) -> FindingView:
    data = FindingInput(summary=summary, **fields)
    return findings.log_finding(session, by or team.ic, question_id=qid, data=data, share=share)


def _f(session: Session, fid: int) -> Finding:
    session.expire_all()
    finding = session.get(Finding, fid)
    assert finding is not None
    return finding


def _events(session: Session, entity: str = "finding") -> list[Event]:
    return list(
        session.scalars(select(Event).where(col(Event.entity) == entity).order_by(col(Event.id)))
    )


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _notes(session: Session, fid: int) -> list[Note]:
    session.expire_all()
    return list(
        session.scalars(select(Note).where(col(Note.finding_id) == fid).order_by(col(Note.id)))
    )


def _root_of(session: Session, qid: int) -> int:
    q = session.get(Question, qid)
    assert q is not None and q.root_id is not None
    return q.root_id


def _set_status(session: Session, fid: int, status: FindingStatus) -> None:
    row = _f(session, fid)
    row.status = status
    session.commit()


# --------------------------------------------------------------------------- log


def test_log_shares_by_default_and_records_event(session: Session, team: Team, qid: int) -> None:
    logged = _log(
        session,
        team,
        qid,
        summary="  SMB churn\n doubled   in Q3 ",
        body="  Cohort table in the notebook.\n",
        links=(f" {NOTEBOOK} ", "", PR),
        kind=FindingKind.DATA_DECISION,
        confidence=Confidence.HIGH,
    )
    row = _f(session, logged.id)
    assert row.summary == "SMB churn doubled in Q3"
    assert row.body == "Cohort table in the notebook."
    assert row.links == [NOTEBOOK, PR]
    assert (row.kind, row.confidence) == (FindingKind.DATA_DECISION, Confidence.HIGH)
    assert (row.status, row.author_id, row.question_id, row.version) == (F.SHARED, team.ic, qid, 1)
    [created] = _events(session)
    assert (created.action, created.entity_id, created.new_value) == (
        "created",
        logged.id,
        "SMB churn doubled in Q3",
    )
    assert created.actor_id == team.ic
    assert created.root_id == _root_of(session, qid) != qid


def test_log_as_draft(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid, share=False)
    assert logged.status == F.DRAFT
    assert _f(session, logged.id).status == F.DRAFT


def test_manager_may_log_a_finding_too(session: Session, team: Team, qid: int) -> None:
    assert _log(session, team, qid, by=team.manager).author_id == team.manager


def test_limits_are_inclusive(session: Session, team: Team, qid: int) -> None:
    links = tuple(f"https://example.com/{i}" for i in range(findings.LINKS_MAX))
    logged = _log(session, team, qid, summary="s" * findings.SUMMARY_MAX, links=links)
    assert len(_f(session, logged.id).summary) == findings.SUMMARY_MAX
    assert len(_f(session, logged.id).links) == findings.LINKS_MAX


BAD_INPUT = [
    pytest.param({"summary": "  \n "}, "summary", "one-line summary", id="empty-summary"),
    pytest.param({"summary": "x" * 301}, "summary", "under 300 characters", id="long-summary"),
    pytest.param({"body": "b" * 50_001}, "body", "body under", id="long-body"),
    pytest.param({"links": ("javascript:alert(1)",)}, "links", "not a web link", id="js"),
    pytest.param({"links": ("ftp://files.example.com/x.csv",)}, "links", "http", id="ftp"),
    pytest.param({"links": ("see the notebook",)}, "links", "not a web link", id="plain-text"),
    pytest.param({"links": ("https://",)}, "links", "not a web link", id="no-host"),
    pytest.param({"links": ("https://example.com/a b",)}, "links", "spaces", id="space"),
    pytest.param(
        {"links": ("https://example.com/" + "a" * 2_000,)}, "links", "under 2,000", id="long-link"
    ),
    pytest.param(
        {"links": tuple(f"https://example.com/{i}" for i in range(21))},
        "links",
        "at most 20",
        id="too-many-links",
    ),
    pytest.param(
        {"links": (NOTEBOOK, "data:text/html,<script>x</script>")},
        "links",
        "not a web link",
        id="one-bad-of-two",
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_saved(
    session: Session, team: Team, qid: int, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        _log(session, team, qid, **fields)
    assert caught.value.field == field
    assert _count(session, Finding) == 0
    assert _events(session) == []


def test_dropped_question_is_refused(session: Session, team: Team, qid: int) -> None:
    question_status.set_status(
        session, team.manager, question_id=qid, version=1, status=QuestionStatus.DROPPED
    )
    with pytest.raises(InvalidInput, match="was dropped") as caught:
        _log(session, team, qid)
    assert caught.value.field == "question"
    assert _count(session, Finding) == 0 and _events(session) == []


def test_unknown_question_is_refused(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="does not exist") as caught:
        _log(session, team, 9_999)
    assert caught.value.field == "question"
    assert _count(session, Finding) == 0


@pytest.mark.parametrize(("who", "message"), [("viewer", "read-only"), ("inactive_ic", "deact")])
def test_viewer_and_inactive_cannot_log(
    session: Session, team: Team, qid: int, who: str, message: str
) -> None:
    with pytest.raises(PermissionDenied, match=message):
        _log(session, team, qid, by=getattr(team, who))
    assert _count(session, Finding) == 0


def test_parse_links_splits_lines_and_spaces() -> None:
    assert findings.parse_links(f" {NOTEBOOK}\n\n{PR}  https://x.example.com \n") == (
        NOTEBOOK,
        PR,
        "https://x.example.com",
    )
    assert findings.parse_links("  \n ") == ()


def test_check_link_accepts_web_links_only() -> None:
    assert core_text.check_link(f"  {PR}  ") == PR
    assert core_text.check_link("HTTP://Example.com/x") == "HTTP://Example.com/x"
    for bad in ("javascript:alert(1)", "ftp://example.com", "mailto:a@b.com", "example.com"):
        with pytest.raises(InvalidInput) as caught:
            core_text.check_link(bad, field="artifact_url")
        assert caught.value.field == "artifact_url"


# --------------------------------------------------------------------------- edit


def test_author_edits_with_one_event_per_changed_field(
    session: Session, team: Team, qid: int
) -> None:
    logged = _log(session, team, qid, links=(NOTEBOOK,))
    edited = findings.edit_finding(
        session,
        team.ic,
        finding_id=logged.id,
        version=1,
        data=FindingInput(
            summary="SMB churn doubled in Q3",
            links=(NOTEBOOK, PR),
            confidence=Confidence.LOW,
        ),
    )
    assert edited.version == 2 and edited.links == (NOTEBOOK, PR)
    row = _f(session, logged.id)
    assert (row.version, row.confidence, row.links) == (2, Confidence.LOW, [NOTEBOOK, PR])
    changes = {(e.field, e.old_value, e.new_value) for e in _events(session)[1:]}
    assert changes == {
        ("links", NOTEBOOK, f"{NOTEBOOK}\n{PR}"),
        ("confidence", "medium", "low"),
    }
    assert all(e.root_id == _root_of(session, qid) for e in _events(session))


def test_edit_without_change_keeps_the_version(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid)
    same = findings.edit_finding(
        session,
        team.ic,
        finding_id=logged.id,
        version=1,
        data=FindingInput(summary=" SMB churn doubled in Q3 "),
    )
    assert same.version == 1 and len(_events(session)) == 1


@pytest.mark.parametrize("who", ["other_ic", "manager"])
def test_only_the_author_edits(session: Session, team: Team, qid: int, who: str) -> None:
    logged = _log(session, team, qid)
    with pytest.raises(PermissionDenied, match="only your own findings"):
        findings.edit_finding(
            session,
            getattr(team, who),
            finding_id=logged.id,
            version=1,
            data=FindingInput(summary="Rewritten"),
        )
    row = _f(session, logged.id)
    assert (row.summary, row.version) == ("SMB churn doubled in Q3", 1)
    assert len(_events(session)) == 1


def test_viewer_cannot_edit(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid)
    with pytest.raises(PermissionDenied, match="read-only"):
        findings.edit_finding(
            session, team.viewer, finding_id=logged.id, version=1, data=FindingInput(summary="x")
        )


def test_bad_edit_saves_nothing(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid, links=(NOTEBOOK,))
    with pytest.raises(InvalidInput) as caught:
        findings.edit_finding(
            session,
            team.ic,
            finding_id=logged.id,
            version=1,
            data=FindingInput(summary="New summary", links=("javascript:alert(1)",)),
        )
    assert caught.value.field == "links"
    row = _f(session, logged.id)
    assert (row.summary, row.links, row.version) == ("SMB churn doubled in Q3", [NOTEBOOK], 1)


def test_withdrawn_finding_is_not_edited(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid)
    findings.move_finding(session, team.ic, finding_id=logged.id, version=1, status=F.WITHDRAWN)
    with pytest.raises(IllegalTransition, match="restore it as a draft"):
        findings.edit_finding(
            session, team.ic, finding_id=logged.id, version=2, data=FindingInput(summary="x")
        )
    restored = findings.move_finding(
        session, team.ic, finding_id=logged.id, version=2, status=F.DRAFT
    )
    edited = findings.edit_finding(
        session, team.ic, finding_id=logged.id, version=3, data=FindingInput(summary="x")
    )
    assert (restored.status, edited.summary, edited.version) == (F.DRAFT, "x", 4)


def test_stale_edit_overwrites_nothing(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid)
    findings.edit_finding(
        session, team.ic, finding_id=logged.id, version=1, data=FindingInput(summary="First save")
    )
    with pytest.raises(StaleEdit, match="version 1, it is now version 2"):
        findings.edit_finding(
            session, team.ic, finding_id=logged.id, version=1, data=FindingInput(summary="Second")
        )
    row = _f(session, logged.id)
    assert (row.summary, row.version) == ("First save", 2)
    assert [e.new_value for e in _events(session)] == ["SMB churn doubled in Q3", "First save"]


def test_stale_move_is_refused(session: Session, team: Team, qid: int) -> None:
    logged = _log(session, team, qid)
    findings.edit_finding(
        session, team.ic, finding_id=logged.id, version=1, data=FindingInput(summary="Edited")
    )
    with pytest.raises(StaleEdit):
        findings.move_finding(
            session, team.manager, finding_id=logged.id, version=1, status=F.ACCEPTED
        )
    assert _f(session, logged.id).status == F.SHARED
    with pytest.raises(StaleEdit):
        findings.move_finding(
            session,
            team.manager,
            finding_id=logged.id,
            version=1,
            status=F.NEEDS_WORK,
            reason="Why?",
        )
    assert _notes(session, logged.id) == []


def test_missing_finding(session: Session, team: Team) -> None:
    with pytest.raises(NotFound):
        findings.edit_finding(
            session, team.ic, finding_id=9_999, version=1, data=FindingInput(summary="x")
        )
    with pytest.raises(NotFound):
        findings.move_finding(session, team.manager, finding_id=9_999, version=1, status=F.ACCEPTED)


# --------------------------------------------------------------------------- state machine

# The module docstring, written out independently of TRANSITIONS.
ALLOWED = {
    (F.DRAFT, F.SHARED), (F.DRAFT, F.WITHDRAWN),
    (F.SHARED, F.ACCEPTED), (F.SHARED, F.NEEDS_WORK), (F.SHARED, F.WITHDRAWN),
    (F.NEEDS_WORK, F.SHARED), (F.NEEDS_WORK, F.WITHDRAWN),
    (F.ACCEPTED, F.NEEDS_WORK),
    (F.WITHDRAWN, F.DRAFT),
}  # fmt: skip


def _mover(team: Team, target: FindingStatus) -> int:
    """Someone who may make this move (the author is the IC)."""
    return team.manager if target in (F.ACCEPTED, F.NEEDS_WORK) else team.ic


@pytest.mark.parametrize("start", list(F))
@pytest.mark.parametrize("target", list(F))
def test_every_transition(
    session: Session, team: Team, qid: int, start: FindingStatus, target: FindingStatus
) -> None:
    fid = _log(session, team, qid).id
    _set_status(session, fid, start)
    who = _mover(team, target)
    move: dict[str, Any] = {"finding_id": fid, "version": 1, "status": target}
    if start == target:
        assert findings.move_finding(session, who, **move, reason="r").version == 1
        assert len(_events(session)) == 1
    elif (start, target) in ALLOWED:
        moved = findings.move_finding(session, who, **move, reason="Check the cohort cut-off.")
        assert (moved.status, moved.version) == (target, 2)
        row = _f(session, fid)
        assert (row.status, row.version) == (target, 2)
        last = _events(session)[-1]
        assert (last.field, last.old_value, last.new_value) == ("status", start, target)
        assert last.actor_id == _mover(team, target)
    else:
        allowed = ", ".join(s.label for s in F if (start, s) in ALLOWED)
        expected = f"is {start.label}; from there it can move to {allowed}, not to {target.label}"
        with pytest.raises(IllegalTransition, match=re.escape(expected)) as caught:
            findings.move_finding(session, who, **move, reason="r")
        assert caught.value.field == "status"
        row = _f(session, fid)
        assert (row.status, row.version) == (start, 1)
        assert len(_events(session)) == 1 and _notes(session, fid) == []


# Who may make each allowed move; the finding's author is the IC.
def _may(who: str, target: FindingStatus) -> bool:
    if who == "viewer":
        return False
    if target in (F.ACCEPTED, F.NEEDS_WORK):
        return who in ("manager", "other_manager")
    if target in (F.SHARED, F.DRAFT):
        return who == "ic"
    return who in ("ic", "manager", "other_manager")  # withdrawn


WHO = ["ic", "other_ic", "manager", "other_manager", "viewer"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_who_may_make_each_move(
    session: Session,
    team: Team,
    qid: int,
    start: FindingStatus,
    target: FindingStatus,
    who: str,
) -> None:
    fid = _log(session, team, qid).id
    _set_status(session, fid, start)
    actor = getattr(team, who)
    if _may(who, target):
        moved = findings.move_finding(
            session, actor, finding_id=fid, version=1, status=target, reason="Redo the cut."
        )
        assert moved.status == target
    else:
        message = "read-only" if who == "viewer" else "Only (a manager|the author)"
        with pytest.raises(PermissionDenied, match=message):
            findings.move_finding(
                session, actor, finding_id=fid, version=1, status=target, reason="Redo the cut."
            )
        assert _f(session, fid).status == start
        assert _notes(session, fid) == []


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("status", list(F))
def test_allowed_moves_offers_exactly_what_move_accepts(
    session: Session, team: Team, qid: int, who: str, status: FindingStatus
) -> None:
    fid = _log(session, team, qid).id
    _set_status(session, fid, status)
    actor = acting(session, getattr(team, who))
    expected = [t for t in F if (status, t) in ALLOWED and _may(who, t)]
    assert findings_rules.allowed_moves(actor, _f(session, fid)) == expected


def test_ic_cannot_accept_own_finding(session: Session, team: Team, qid: int) -> None:
    fid = _log(session, team, qid).id
    with pytest.raises(PermissionDenied, match="Only a manager can accept"):
        findings.move_finding(session, team.ic, finding_id=fid, version=1, status=F.ACCEPTED)
    assert _f(session, fid).status == F.SHARED


def test_full_round_trip(session: Session, team: Team, qid: int) -> None:
    fid = _log(session, team, qid, share=False).id
    findings.move_finding(session, team.ic, finding_id=fid, version=1, status=F.SHARED)
    findings.move_finding(
        session, team.manager, finding_id=fid, version=2, status=F.NEEDS_WORK, reason="Add the CI."
    )
    findings.move_finding(session, team.ic, finding_id=fid, version=3, status=F.SHARED)
    accepted = findings.move_finding(
        session, team.manager, finding_id=fid, version=4, status=F.ACCEPTED
    )
    assert (accepted.status, accepted.version) == (F.ACCEPTED, 5)
    statuses = [(e.old_value, e.new_value) for e in _events(session) if e.field == "status"]
    assert statuses == [
        ("draft", "shared"),
        ("shared", "needs_work"),
        ("needs_work", "shared"),
        ("shared", "accepted"),
    ]


# --------------------------------------------------------------------------- send back


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_send_back_needs_a_reason(session: Session, team: Team, qid: int, reason: str) -> None:
    fid = _log(session, team, qid).id
    with pytest.raises(InvalidInput, match="Say what needs work") as caught:
        findings.move_finding(
            session, team.manager, finding_id=fid, version=1, status=F.NEEDS_WORK, reason=reason
        )
    assert caught.value.field == "reason"
    row = _f(session, fid)
    assert (row.status, row.version) == (F.SHARED, 1)
    assert _notes(session, fid) == [] and _events(session, "note") == []


def test_over_long_reason_is_refused(session: Session, team: Team, qid: int) -> None:
    fid = _log(session, team, qid).id
    with pytest.raises(InvalidInput) as caught:
        findings.move_finding(
            session,
            team.manager,
            finding_id=fid,
            version=1,
            status=F.NEEDS_WORK,
            reason="r" * 5_001,
        )
    assert caught.value.field == "reason"
    assert _f(session, fid).status == F.SHARED and _notes(session, fid) == []


@pytest.mark.parametrize("start", [F.SHARED, F.ACCEPTED])
def test_send_back_leaves_a_must_fix_note(
    session: Session, team: Team, qid: int, start: FindingStatus
) -> None:
    fid = _log(session, team, qid).id
    _set_status(session, fid, start)
    findings.move_finding(
        session,
        team.manager,
        finding_id=fid,
        version=1,
        status=F.NEEDS_WORK,
        reason="  Exclude the test accounts.  ",
    )
    assert _f(session, fid).status == F.NEEDS_WORK
    [note] = _notes(session, fid)
    assert (note.kind, note.body, note.author_id, note.resolved) == (
        NoteKind.MUST_FIX,
        "Exclude the test accounts.",
        team.manager,
        False,
    )
    assert note.review_request_id is None and note.question_id is None
    [created] = _events(session, "note")
    assert (created.entity_id, created.action, created.actor_id) == (
        note.id,
        "created",
        team.manager,
    )
    assert created.root_id == _root_of(session, qid)


def test_reason_on_other_moves_leaves_no_note(session: Session, team: Team, qid: int) -> None:
    fid = _log(session, team, qid).id
    findings.move_finding(
        session, team.manager, finding_id=fid, version=1, status=F.ACCEPTED, reason="Nice work"
    )
    assert _notes(session, fid) == []


def test_editing_an_accepted_finding_needs_acceptance_again(
    session: Session, team: Team, qid: int
) -> None:
    fid = findings.log_finding(
        session, team.ic, question_id=qid, data=findings.FindingInput(summary="Churn up 4 pts")
    ).id
    findings.move_finding(
        session, team.manager, finding_id=fid, version=1, status=FindingStatus.ACCEPTED
    )
    edited = findings.edit_finding(
        session,
        team.ic,
        finding_id=fid,
        version=2,
        data=findings.FindingInput(summary="Churn up 6 pts"),
    )
    assert edited.status == FindingStatus.SHARED
    assert edited.summary == "Churn up 6 pts"
