"""Work reads: an IC's queue of questions, and what needs a person's attention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, overload

import pytest
from sqlalchemy import select, update
from sqlmodel import Session, col

from team.models import Event, Finding, Note, Person, Question, ReviewRequest, utcnow
from team.services.findings import reads as findings_reads
from team.services.findings import writes as findings
from team.services.findings.reads import FindingView
from team.services.findings.writes import FindingInput
from team.services.inbox import attention as inbox_attention
from team.services.inbox import my_work as work
from team.services.inbox.attention import Attention
from team.services.notes import writes as notes
from team.services.notes.reads import NoteItem
from team.services.notes.rules import TargetKind
from team.services.one_on_ones import agenda as agendas
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.reads import ReviewView
from team.services.reviews.writes import ReviewInput
from team.vocabulary import FindingStatus, NoteKind, QuestionStatus, ReviewStatus, Role
from tests.factories import Team, backdate_question, root

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _mine(
    session: Session, team: Team, *, now: datetime | None = None, stale_after: int = 14
) -> list[work.WorkItem]:
    return work.my_questions(session, person_id=team.ic, stale_after_days=stale_after, now=now)


URL = "https://github.com/acme/churn/pull/7"


@pytest.fixture
def rid(session: Session, team: Team) -> int:
    return root(session, team)


def _sub(session: Session, team: Team, parent: int, title: str, **fields: Any) -> int:
    [q] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=parent,
        items=[SubQuestion(title, **fields)],
    )
    return q.id


def _finding(
    session: Session, by: int, qid: int, summary: str = "SMB churned", *, share: bool = True
) -> int:
    return findings.log_finding(
        session, by, question_id=qid, data=FindingInput(summary=summary), share=share
    ).id


def _review(session: Session, by: int, qid: int, reviewer: int) -> int:
    return reviews.request_review(session, by, data=ReviewInput(qid, reviewer, URL))


def _set(session: Session, model: type, row_id: int, **values: object) -> None:
    session.expire_all()
    row = session.get(model, row_id)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)
    session.commit()


# --------------------------------------------------------------------------- my questions


def test_my_questions_lists_only_mine_unfinished_first(
    session: Session, team: Team, rid: int
) -> None:
    late = _sub(session, team, rid, "Late", assignee_id=team.ic, due_date=date(2027, 2, 1))
    soon = _sub(session, team, rid, "Soon", assignee_id=team.ic, due_date=date(2027, 1, 1))
    undated = _sub(session, team, rid, "Undated", assignee_id=team.ic)
    done = _sub(session, team, rid, "Done", assignee_id=team.ic, due_date=date(2026, 1, 1))
    blocked = _sub(session, team, rid, "Blocked", assignee_id=team.ic, due_date=date(2027, 3, 1))
    dropped = _sub(session, team, rid, "Dropped", assignee_id=team.ic)
    _sub(session, team, rid, "Ravi's", assignee_id=team.other_ic)
    _sub(session, team, rid, "Nobody's")
    question_status.set_status(
        session, team.ic, question_id=done, version=1, status=QuestionStatus.ANSWERED
    )
    question_status.set_status(
        session, team.ic, question_id=blocked, version=1, status=QuestionStatus.BLOCKED
    )
    question_status.set_status(
        session, team.manager, question_id=dropped, version=1, status=QuestionStatus.DROPPED
    )
    items = _mine(session, team)
    assert [i.question_id for i in items] == [soon, late, blocked, undated, done]
    first = items[0]
    assert (first.title, first.project, first.root_id, first.status, first.due_date) == (
        "Soon",
        "Retention",
        rid,
        QuestionStatus.OPEN,
        date(2027, 1, 1),
    )
    assert items[-1].status == QuestionStatus.ANSWERED and items[-1].version == 2
    assert work.my_questions(session, person_id=team.manager, stale_after_days=14) == []


def test_last_evidence_is_the_newest_finding_not_withdrawn(
    session: Session, team: Team, rid: int
) -> None:
    mine = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    quiet = _sub(session, team, rid, "Quiet", assignee_id=team.ic)
    other = _sub(session, team, rid, "Other", assignee_id=team.other_ic)
    old = _finding(session, team.ic, mine, "Old")
    draft = _finding(session, team.ic, mine, "Draft", share=False)
    withdrawn = _finding(session, team.ic, mine, "Withdrawn")
    by_ravi = _finding(session, team.other_ic, other, "Elsewhere")
    _set(session, Finding, old, created_at=T0)
    _set(session, Finding, draft, created_at=T0 + timedelta(days=2))
    _set(session, Finding, withdrawn, created_at=T0 + timedelta(days=5))
    _set(session, Finding, by_ravi, created_at=T0 + timedelta(days=9))
    findings.move_finding(
        session, team.ic, finding_id=withdrawn, version=1, status=FindingStatus.WITHDRAWN
    )
    now = T0 + timedelta(days=12, hours=23)
    backdate_question(session, mine, T0 - timedelta(days=1))
    backdate_question(session, quiet, T0 - timedelta(days=30))
    by_id = {i.question_id: i for i in _mine(session, team, now=now)}
    assert by_id[mine].last_evidence_at == T0 + timedelta(days=2)
    assert (by_id[mine].quiet_days, by_id[mine].stale) == (10, False)
    # No evidence at all: quiet since the question was created (stale after 14 days).
    assert by_id[quiet].last_evidence_at is None
    assert (by_id[quiet].quiet_days, by_id[quiet].stale) == (42, True)
    strict = {i.question_id: i for i in _mine(session, team, now=now, stale_after=10)}
    assert strict[mine].stale  # 10 days quiet, stale after 10
    # A withdrawn finding is not evidence, whoever's question it is.
    findings.move_finding(
        session, team.ic, finding_id=draft, version=1, status=FindingStatus.WITHDRAWN
    )
    by_id = {i.question_id: i for i in _mine(session, team)}
    assert by_id[mine].last_evidence_at == T0


def test_quiet_time_starts_when_the_question_is_given_to_its_assignee(
    session: Session, team: Team, rid: int
) -> None:
    """A question just assigned is not stale, however old it is or however long ago
    someone else last logged evidence on it; one that stays quiet after it was assigned
    becomes stale as any other."""
    old_unassigned = _sub(session, team, rid, "Old, just assigned")
    old_with_ravi = _sub(session, team, rid, "Ravi's old one", assignee_id=team.other_ic)
    old_assigned = _sub(session, team, rid, "Old, assigned long ago", assignee_id=team.ic)
    by_ravi = _finding(session, team.other_ic, old_with_ravi, "Ravi's evidence")
    for q in (old_unassigned, old_with_ravi, old_assigned):
        backdate_question(session, q, T0 - timedelta(days=40))
    _set(session, Finding, by_ravi, created_at=T0 - timedelta(days=30))
    now = T0 + timedelta(days=1)
    for q in (old_unassigned, old_with_ravi):
        row = session.get(Question, q)
        assert row is not None
        questions.assign(
            session, team.manager, question_id=q, version=row.version, assignee_id=team.ic
        )
    # The assignment events say when: backdate them to T0.
    session.execute(
        update(Event)
        .where(col(Event.entity) == "question", col(Event.field) == "assignee_id")
        .where(col(Event.entity_id).in_([old_unassigned, old_with_ravi]))
        .where(col(Event.at) > T0)
        .values(at=T0)
    )
    session.commit()
    by_id = {i.question_id: i for i in _mine(session, team, now=now)}
    assert (by_id[old_unassigned].quiet_days, by_id[old_unassigned].stale) == (1, False)
    assert by_id[old_unassigned].last_evidence_at is None
    assert (by_id[old_with_ravi].quiet_days, by_id[old_with_ravi].stale) == (1, False)
    assert by_id[old_with_ravi].last_evidence_at == T0 - timedelta(days=30)
    assert (by_id[old_assigned].quiet_days, by_id[old_assigned].stale) == (41, True)
    # Two weeks on with no evidence, the newly assigned ones are stale too.
    later = {i.question_id: i for i in _mine(session, team, now=T0 + timedelta(days=14))}
    assert later[old_unassigned].stale and later[old_with_ravi].stale
    # The one-on-one agenda counts the same way.
    agenda = agendas.build(
        session,
        team.manager,
        manager_id=team.manager,
        report_id=team.ic,
        stale_after_days=14,
        today=now.date(),
        now=now,
    )
    assert [q.question_id for q in agenda.stale_questions] == [old_assigned]


def test_open_review_count(session: Session, team: Team, rid: int) -> None:
    mine = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    quiet = _sub(session, team, rid, "Quiet", assignee_id=team.ic)
    other = _sub(session, team, rid, "Other", assignee_id=team.other_ic)
    statuses = [
        ReviewStatus.OPEN,
        ReviewStatus.IN_REVIEW,
        ReviewStatus.CHANGES_REQUESTED,
        ReviewStatus.APPROVED,
        ReviewStatus.WITHDRAWN,
    ]
    for status in statuses:
        review = _review(session, team.ic, mine, team.manager)
        _set(session, ReviewRequest, review, status=status)
    _review(session, team.other_ic, other, team.manager)
    by_id = {i.question_id: i for i in _mine(session, team)}
    assert (by_id[mine].open_reviews, by_id[quiet].open_reviews) == (3, 0)


# --------------------------------------------------------------------------- attention


@overload
def _only(attention: Attention, section: Literal["reviews_to_do"]) -> list[ReviewView]: ...
@overload
def _only(
    attention: Attention, section: Literal["new_notes", "open_must_fix"]
) -> list[NoteItem]: ...
@overload
def _only(attention: Attention, section: Literal["awaiting_acceptance"]) -> list[FindingView]: ...
def _only(attention: Attention, section: str) -> list[Any]:
    """The items of ``section``, after checking every other section is empty."""
    sections = ["reviews_to_do", "new_notes", "open_must_fix", "awaiting_acceptance"]
    for other in sections:
        if other != section:
            assert getattr(attention, other) == [], other
    items: list[Any] = getattr(attention, section)
    assert attention.count == len(items)
    return items


def _empty(attention: Attention) -> None:
    assert (attention.reviews_to_do, attention.new_notes) == ([], [])
    assert (attention.open_must_fix, attention.awaiting_acceptance) == ([], [])
    assert attention.count == 0


def test_nothing_needs_attention_on_an_empty_team(session: Session, team: Team) -> None:
    for person in (team.manager, team.ic, team.viewer):
        _empty(inbox_attention.attention(session, person_id=person))
        assert inbox_attention.attention_count(session, person_id=person) == 0


def test_reviews_to_do(session: Session, team: Team, rid: int) -> None:
    qid = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    waiting = _review(session, team.ic, qid, team.manager)
    for status in (ReviewStatus.CHANGES_REQUESTED, ReviewStatus.APPROVED, ReviewStatus.WITHDRAWN):
        _set(session, ReviewRequest, _review(session, team.ic, qid, team.manager), status=status)
    _review(session, team.ic, qid, team.other_manager)
    [item] = _only(inbox_attention.attention(session, person_id=team.manager), "reviews_to_do")
    assert item.id == waiting
    assert inbox_attention.attention_count(session, person_id=team.manager) == 1
    _empty(inbox_attention.attention(session, person_id=team.ic))
    reviews.move_review(
        session, team.manager, review_id=waiting, version=1, status=ReviewStatus.IN_REVIEW
    )
    [item] = _only(inbox_attention.attention(session, person_id=team.manager), "reviews_to_do")
    reviews.move_review(
        session, team.manager, review_id=waiting, version=2, status=ReviewStatus.APPROVED
    )
    _empty(inbox_attention.attention(session, person_id=team.manager))


@pytest.mark.parametrize("on", ["finding", "review_request", "question"])
def test_new_notes_on_my_work(session: Session, team: Team, rid: int, on: TargetKind) -> None:
    qid = _sub(session, team, rid, "Which segments churned?", assignee_id=team.ic)
    fid = _finding(session, team.ic, qid, "SMB churned", share=False)
    review = _review(session, team.ic, qid, team.manager)
    target = {"finding": fid, "review_request": review, "question": qid}[on]
    title = {
        "finding": "SMB churned",
        "review_request": "Review of “Which segments churned?”",
        "question": "Which segments churned?",
    }[on]
    new = notes.add_note(
        session, team.manager, target=on, target_id=target, body="Try a cohort view."
    )
    old = notes.add_note(session, team.manager, target=on, target_id=target, body="Old news")
    notes.add_note(session, team.ic, target=on, target_id=target, body="My own reply")
    now = utcnow()
    _set(session, Note, old, created_at=now - timedelta(days=8))
    [item] = _only(inbox_attention.attention(session, person_id=team.ic, now=now), "new_notes")
    assert (item.id, item.author, item.kind, item.on, item.on_id) == (
        new,
        "Maya",
        NoteKind.COMMENT,
        on,
        target,
    )
    assert (item.on_title, item.root_id) == (title, rid)
    # A week later even the new one is no longer new.
    _empty(inbox_attention.attention(session, person_id=team.ic, now=now + timedelta(days=8)))


def test_notes_on_someone_elses_work_are_not_mine(session: Session, team: Team, rid: int) -> None:
    theirs = _sub(session, team, rid, "Theirs", assignee_id=team.other_ic)
    fid = _finding(session, team.other_ic, theirs, share=False)
    review = _review(session, team.other_ic, theirs, team.other_manager)
    targets: list[tuple[TargetKind, int]] = [
        ("finding", fid),
        ("review_request", review),
        ("question", theirs),
    ]
    for on, target in targets:
        notes.add_note(session, team.manager, target=on, target_id=target, body="Hmm")
        notes.add_note(
            session, team.manager, target=on, target_id=target, body="Fix", kind=NoteKind.MUST_FIX
        )
    _empty(inbox_attention.attention(session, person_id=team.ic))
    assert inbox_attention.attention(session, person_id=team.other_ic).count == 6


def test_notes_on_an_unassigned_question_reach_its_owner(
    session: Session, team: Team, rid: int
) -> None:
    """The manager owns the general question; once a question is assigned it is the
    assignee's work instead."""
    assigned = _sub(session, team, rid, "Assigned", assignee_id=team.ic)
    comment = notes.add_note(
        session, team.ic, target="question", target_id=rid, body="Which quarter exactly?"
    )
    notes.add_note(
        session,
        team.other_ic,
        target="question",
        target_id=assigned,
        body="Ines, see the cohort cut",
    )
    notes.add_note(session, team.manager, target="question", target_id=rid, body="Q3, calendar")
    [item] = _only(inbox_attention.attention(session, person_id=team.manager), "new_notes")
    assert (item.id, item.on, item.on_id, item.author) == (
        comment,
        "question",
        rid,
        "Ines",
    )
    fix = notes.add_note(
        session,
        team.other_ic,
        target="question",
        target_id=rid,
        body="Define churn",
        kind=NoteKind.MUST_FIX,
    )
    [must] = inbox_attention.attention(session, person_id=team.manager).open_must_fix
    assert must.id == fix
    assert inbox_attention.attention(session, person_id=team.manager).count == 2
    assert inbox_attention.attention(session, person_id=team.other_manager).count == 0


def test_open_must_fix_on_my_work(session: Session, team: Team, rid: int) -> None:
    qid = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    fid = _finding(session, team.ic, qid, "SMB churned", share=False)
    findings.move_finding(session, team.ic, finding_id=fid, version=1, status=FindingStatus.SHARED)
    findings.move_finding(
        session,
        team.manager,
        finding_id=fid,
        version=2,
        status=FindingStatus.NEEDS_WORK,
        reason="Exclude test accounts",
    )
    done = notes.add_note(
        session, team.manager, target="finding", target_id=fid, body="Fix", kind=NoteKind.MUST_FIX
    )
    notes.set_resolved(session, team.ic, note_id=done, version=1)
    notes.add_note(
        session,
        team.ic,
        target="finding",
        target_id=fid,
        body="Self-reminder",
        kind=NoteKind.MUST_FIX,
    )
    old = datetime(2025, 1, 1, tzinfo=UTC)
    for note in session.scalars(select(Note).where(col(Note.finding_id) == fid)):
        note.created_at = old  # must-fix notes stay until resolved, however old
    session.commit()
    [item] = _only(inbox_attention.attention(session, person_id=team.ic), "open_must_fix")
    assert (item.kind, item.body, item.on, item.on_id, item.author) == (
        NoteKind.MUST_FIX,
        "Exclude test accounts",
        "finding",
        fid,
        "Maya",
    )
    note_id = item.id
    notes.set_resolved(session, team.ic, note_id=note_id, version=1)
    _empty(inbox_attention.attention(session, person_id=team.ic))


def test_open_must_fix_on_my_review_request(session: Session, team: Team, rid: int) -> None:
    qid = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    review = _review(session, team.ic, qid, team.other_ic)
    nid = notes.add_note(
        session,
        team.other_ic,
        target="review_request",
        target_id=review,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    [item] = _only(inbox_attention.attention(session, person_id=team.ic), "open_must_fix")
    assert (item.id, item.on, item.root_id) == (nid, "review_request", rid)
    # Not a must-fix of the reviewer's own; and as the reviewer's must-fix note asked for
    # changes, the request waits on its requester now, not in the reviewer's queue.
    _empty(inbox_attention.attention(session, person_id=team.other_ic))


def test_awaiting_acceptance(session: Session, team: Team, rid: int) -> None:
    kai = Person(
        name="Kai", email="kai@example.com", role=Role.IC, reports_to_id=team.other_manager
    )
    session.add(kai)
    session.commit()
    assert kai.id is not None
    qid = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    shared = _finding(session, team.ic, qid, "Shared by Ines")
    _finding(session, team.ic, qid, "Draft by Ines", share=False)
    accepted = _finding(session, team.ic, qid, "Accepted")
    findings.move_finding(
        session, team.manager, finding_id=accepted, version=1, status=FindingStatus.ACCEPTED
    )
    ravis = _sub(session, team, rid, "Ravi's", assignee_id=team.other_ic)
    sent_back = _finding(session, team.other_ic, ravis, "Sent back")
    findings.move_finding(
        session,
        team.manager,
        finding_id=sent_back,
        version=1,
        status=FindingStatus.NEEDS_WORK,
        reason="x",
    )
    kais = _sub(session, team, rid, "Kai's", assignee_id=kai.id)
    by_kai = _finding(session, kai.id, kais, "Shared by Kai")
    _finding(session, team.manager, qid, "Shared by Maya herself")
    [item] = _only(
        inbox_attention.attention(session, person_id=team.manager), "awaiting_acceptance"
    )
    assert (item.id, item.author, item.status, item.root_id) == (
        shared,
        "Ines",
        FindingStatus.SHARED,
        rid,
    )
    [theirs] = _only(
        inbox_attention.attention(session, person_id=team.other_manager), "awaiting_acceptance"
    )
    assert theirs.id == by_kai
    findings.move_finding(
        session, team.manager, finding_id=shared, version=1, status=FindingStatus.ACCEPTED
    )
    _empty(inbox_attention.attention(session, person_id=team.manager))


def test_count_is_the_sum_of_the_sections(session: Session, team: Team, rid: int) -> None:
    """A manager who also asked for a review: one item in every section."""
    qid = _sub(session, team, rid, "Mine", assignee_id=team.ic)
    _finding(session, team.ic, qid, "For acceptance")
    _review(session, team.ic, qid, team.manager)
    own = _finding(session, team.manager, qid, "Maya's own", share=False)
    notes.add_note(
        session, team.ic, target="finding", target_id=own, body="Nice", kind=NoteKind.PRAISE
    )
    notes.add_note(
        session,
        team.other_manager,
        target="finding",
        target_id=own,
        body="Fix",
        kind=NoteKind.MUST_FIX,
    )
    notes.add_note(
        session,
        team.other_ic,
        target="finding",
        target_id=own,
        body="Try X",
        kind=NoteKind.SUGGESTION,
    )
    attention = inbox_attention.attention(session, person_id=team.manager)
    sizes = [
        len(attention.reviews_to_do),
        len(attention.new_notes),
        len(attention.open_must_fix),
        len(attention.awaiting_acceptance),
    ]
    assert sizes == [1, 2, 1, 1]
    assert attention.count == 5 == inbox_attention.attention_count(session, person_id=team.manager)
    assert [n.body for n in attention.new_notes] == ["Try X", "Nice"]  # newest first


# --------------------------------------------------------------------------- finding reads


def test_finding_reads(session: Session, team: Team, rid: int) -> None:
    a = _sub(session, team, rid, "A", assignee_id=team.ic)
    b = _sub(session, team, rid, "B", assignee_id=team.other_ic)
    first = _finding(session, team.ic, a, "First")
    second = _finding(session, team.other_ic, b, "Second")
    _set(session, Finding, first, created_at=T0)
    _set(session, Finding, second, created_at=T0 + timedelta(hours=1))
    assert [f.id for f in findings_reads.findings_on(session, question_ids=[a, b])] == [
        second,
        first,
    ]
    assert [f.id for f in findings_reads.findings_on(session, question_ids=[a])] == [first]
    assert findings_reads.findings_on(session, question_ids=[]) == []
    assert [f.id for f in findings_reads.findings_by(session, author_id=team.other_ic)] == [second]
    view = findings_reads.get_finding(session, finding_id=first)
    assert view is not None
    assert (view.author, view.question_title, view.root_id, view.created_at) == (
        "Ines",
        "A",
        rid,
        T0,
    )
    assert findings_reads.get_finding(session, finding_id=9_999) is None
