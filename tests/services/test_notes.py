"""Note services: writing a note on each kind of target, validation, who may resolve,
versions, events and the order of a thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Answer, Event, Note
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import reads as notes_reads
from team.services.notes import rules as notes_rules
from team.services.notes import writes as notes
from team.services.notes.rules import TargetKind
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from team.vocabulary import NoteKind
from tests.factories import Team, root

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KINDS: list[TargetKind] = ["review_request", "finding", "question", "answer"]


@dataclass
class Work:
    """One of each target kind, all in one tree; the IC owns the work."""

    root: int
    question: int  # assigned to the IC
    finding: int  # by the IC
    review_request: int  # asked by the IC of the manager
    answer: int  # written by the manager on the question

    def of(self, kind: str) -> int:
        return int(getattr(self, kind))


@pytest.fixture
def work(session: Session, team: Team) -> Work:
    rid = root(session, team)
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion("Which segments churned?", assignee_id=team.ic)],
    )
    fid = findings.log_finding(
        session, team.ic, question_id=sub.id, data=FindingInput(summary="SMB churned")
    ).id
    review = reviews.request_review(
        session,
        team.ic,
        data=ReviewInput(
            sub.id, team.manager, "https://github.com/acme/churn/pull/7", finding_id=fid
        ),
    )
    answer = Answer(question_id=sub.id, author_id=team.manager, body="SMB, mostly.")
    session.add(answer)
    session.commit()
    assert answer.id is not None
    return Work(rid, sub.id, fid, review, answer.id)


def _note(session: Session, note_id: int) -> Note:
    session.expire_all()
    note = session.get(Note, note_id)
    assert note is not None
    return note


def _note_events(session: Session) -> list[Event]:
    query = select(Event).where(col(Event.entity) == "note").order_by(col(Event.id))
    return list(session.scalars(query))


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --------------------------------------------------------------------------- add


@pytest.mark.parametrize("kind", KINDS)
def test_add_note_on_each_target(
    session: Session, team: Team, work: Work, kind: TargetKind
) -> None:
    target = work.of(kind)
    nid = notes.add_note(
        session,
        team.other_ic,
        target=kind,
        target_id=target,
        body="  Check the **cohort** cut-off.\n",
        kind=NoteKind.SUGGESTION,
    )
    note = _note(session, nid)
    assert (note.author_id, note.kind, note.body, note.resolved, note.version) == (
        team.other_ic,
        NoteKind.SUGGESTION,
        "Check the **cohort** cut-off.",
        False,
        1,
    )
    columns = {k: getattr(note, notes_rules.TARGET_COLUMNS[k]) for k in KINDS}
    assert columns == {k: (target if k == kind else None) for k in KINDS}
    [created] = _note_events(session)
    assert (created.entity_id, created.action, created.actor_id, created.new_value) == (
        nid,
        "created",
        team.other_ic,
        "suggestion",
    )
    assert created.root_id == work.root
    [view] = notes_reads.notes_on(session, target=kind, target_id=target)
    assert (view.id, view.author, view.kind, view.resolved) == (
        nid,
        "Ravi",
        NoteKind.SUGGESTION,
        False,
    )
    for other in KINDS:
        if other != kind:
            assert notes_reads.notes_on(session, target=other, target_id=work.of(other)) == []


def test_default_kind_is_comment(session: Session, team: Team, work: Work) -> None:
    nid = notes.add_note(
        session, team.ic, target="finding", target_id=work.finding, body="Added the CI."
    )
    assert _note(session, nid).kind == NoteKind.COMMENT


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_target_is_refused(
    session: Session, team: Team, work: Work, kind: TargetKind
) -> None:
    with pytest.raises(NotFound, match="#9999 does not exist"):
        notes.add_note(session, team.manager, target=kind, target_id=9_999, body="Hello")
    assert _count(session, Note) == 0 and _note_events(session) == []


def test_unknown_target_kind_is_refused(session: Session, team: Team, work: Work) -> None:
    with pytest.raises(InvalidInput, match="Notes go on"):
        notes.add_note(session, team.manager, target="person", target_id=team.ic, body="Hello")  # type: ignore[arg-type]
    assert _count(session, Note) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write something"), ("  \n\t ", "Write something"), ("x" * 20_001, "under 20,000")],
)
def test_bad_body_is_refused(
    session: Session, team: Team, work: Work, body: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        notes.add_note(
            session,
            team.manager,
            target="finding",
            target_id=work.finding,
            body=body,
            kind=NoteKind.MUST_FIX,
        )
    assert caught.value.field == "body"
    assert _count(session, Note) == 0 and _note_events(session) == []


def test_longest_body_is_accepted(session: Session, team: Team, work: Work) -> None:
    nid = notes.add_note(
        session, team.manager, target="finding", target_id=work.finding, body="x" * notes.BODY_MAX
    )
    assert len(_note(session, nid).body) == notes.BODY_MAX


@pytest.mark.parametrize(("who", "message"), [("viewer", "read-only"), ("inactive_ic", "deact")])
def test_viewer_and_inactive_cannot_write(
    session: Session, team: Team, work: Work, who: str, message: str
) -> None:
    with pytest.raises(PermissionDenied, match=message):
        notes.add_note(
            session, getattr(team, who), target="question", target_id=work.question, body="Hi"
        )
    assert _count(session, Note) == 0


# --------------------------------------------------------------------------- resolve


# (target, resolver, allowed): the note is written by the other manager, Omar; the IC
# owns the finding, the review request and (as assignee) the question; the manager
# Maya wrote the answer.
RESOLVERS: list[tuple[TargetKind, str, bool]] = [
    *[(kind, "other_manager", True) for kind in KINDS],  # the note's author
    *[(kind, "manager", True) for kind in KINDS],  # any manager
    ("finding", "ic", True),  # the finding's author
    ("review_request", "ic", True),  # the requester
    ("question", "ic", True),  # the assignee
    ("answer", "ic", False),  # not the IC's work
    *[(kind, "other_ic", False) for kind in KINDS],  # unrelated IC
    *[(kind, "viewer", False) for kind in KINDS],
]


@pytest.mark.parametrize(("kind", "who", "allowed"), RESOLVERS)
def test_who_may_resolve(
    session: Session, team: Team, work: Work, kind: TargetKind, who: str, allowed: bool
) -> None:
    nid = notes.add_note(
        session,
        team.other_manager,
        target=kind,
        target_id=work.of(kind),
        body="Fix it",
        kind=NoteKind.MUST_FIX,
    )
    resolver = getattr(team, who)
    if allowed:
        notes.set_resolved(session, resolver, note_id=nid, version=1)
        note = _note(session, nid)
        assert (note.resolved, note.version) == (True, 2)
        last = _note_events(session)[-1]
        assert (last.entity_id, last.field, last.old_value, last.new_value) == (
            nid,
            "resolved",
            "false",
            "true",
        )
        assert (last.actor_id, last.root_id) == (resolver, work.root)
    else:
        message = "read-only" if who == "viewer" else "Only the note's author"
        with pytest.raises(PermissionDenied, match=message):
            notes.set_resolved(session, resolver, note_id=nid, version=1)
        note = _note(session, nid)
        assert (note.resolved, note.version) == (False, 1)
        assert len(_note_events(session)) == 1


def test_assignee_not_owner_resolves_on_a_question(
    session: Session, team: Team, work: Work
) -> None:
    """On an unassigned question the owner (here the manager) is the person whose work it is."""
    nid = notes.add_note(
        session, team.other_ic, target="question", target_id=work.root, body="Scope?"
    )
    with pytest.raises(PermissionDenied):
        notes.set_resolved(session, team.ic, note_id=nid, version=1)
    notes.set_resolved(session, team.manager, note_id=nid, version=1)
    assert _note(session, nid).resolved


def test_resolve_then_reopen_in_one_session(session: Session, team: Team, work: Work) -> None:
    """What the thread shows follows each save at once, and the next save builds on it."""
    nid = notes.add_note(
        session,
        team.manager,
        target="finding",
        target_id=work.finding,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    notes.set_resolved(session, team.ic, note_id=nid, version=1)
    [view] = notes_reads.notes_on(session, target="finding", target_id=work.finding)
    assert (view.resolved, view.version) == (True, 2)
    notes.set_resolved(session, team.ic, note_id=nid, version=2, resolved=False)
    [view] = notes_reads.notes_on(session, target="finding", target_id=work.finding)
    assert (view.resolved, view.version) == (False, 3)
    note = _note(session, nid)
    assert (note.resolved, note.version) == (False, 3)
    changes = [(e.old_value, e.new_value) for e in _note_events(session) if e.field]
    assert changes == [(None, "must_fix"), ("false", "true"), ("true", "false")]


def test_resolving_twice_changes_nothing(session: Session, team: Team, work: Work) -> None:
    nid = notes.add_note(
        session,
        team.manager,
        target="finding",
        target_id=work.finding,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    notes.set_resolved(session, team.ic, note_id=nid, version=1)
    notes.set_resolved(session, team.manager, note_id=nid, version=2)
    assert _note(session, nid).version == 2
    assert len(_note_events(session)) == 2


def test_stale_resolve_is_refused(session: Session, team: Team, work: Work) -> None:
    nid = notes.add_note(
        session,
        team.manager,
        target="finding",
        target_id=work.finding,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    notes.set_resolved(session, team.ic, note_id=nid, version=1)
    with pytest.raises(StaleEdit, match="changed by someone else since you opened it"):
        notes.set_resolved(session, team.manager, note_id=nid, version=1, resolved=False)
    note = _note(session, nid)
    assert (note.resolved, note.version) == (True, 2)
    assert len(_note_events(session)) == 2


def test_missing_note(session: Session, team: Team) -> None:
    with pytest.raises(NotFound):
        notes.set_resolved(session, team.manager, note_id=9_999, version=1)


# --------------------------------------------------------------------------- thread


def test_thread_is_oldest_first(session: Session, team: Team, work: Work) -> None:
    ids = [
        notes.add_note(
            session, team.manager, target="review_request", target_id=work.review_request, body=body
        )
        for body in ("third", "first", "tie-a", "tie-b")
    ]
    elsewhere = notes.add_note(
        session, team.manager, target="finding", target_id=work.finding, body="elsewhere"
    )
    times = [T0 + timedelta(hours=5), T0, T0 + timedelta(hours=1), T0 + timedelta(hours=1)]
    for nid, at in zip(ids, times, strict=True):
        _note(session, nid).created_at = at
        session.commit()
    thread = notes_reads.notes_on(session, target="review_request", target_id=work.review_request)
    assert [n.body for n in thread] == ["first", "tie-a", "tie-b", "third"]
    assert thread[0].created_at == T0
    assert elsewhere not in {n.id for n in thread}
