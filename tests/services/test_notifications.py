"""The outbox: each change that concerns someone leaves one notification for them, in
the change's transaction, never for their own acts and never to a deactivated person;
and following a question's answer. Every case goes through the real services, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import Answer, Finding, Follow, Notification, Person, Question, ReviewRequest
from team.services.admin.people import set_person_active
from team.services.answers.writes import AnswerInput, save_answer
from team.services.core import events
from team.services.core.errors import NotFound, StaleEdit
from team.services.findings.writes import FindingInput, log_finding, move_finding
from team.services.notes.writes import add_note, write_note
from team.services.notify import follows
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.services.reviews.writes import ReviewInput, move_review, request_review
from team.vocabulary import (
    AnswerState,
    Confidence,
    FindingStatus,
    NoteKind,
    NotificationKind,
    ReviewStatus,
    Role,
)
from tests.factories import Team, pk, root

K = NotificationKind
PR = "https://github.com/acme/churn/pull/7"


def _mark(session: Session) -> int:
    """The newest notification id so far (what a test's act adds comes after it)."""
    return int(session.scalar(select(func.max(Notification.id))) or 0)


def _since(session: Session, mark: int) -> list[Notification]:
    query = select(Notification).where(col(Notification.id) > mark).order_by(col(Notification.id))
    return list(session.scalars(query))


def _who_what(session: Session, mark: int) -> list[tuple[int, K]]:
    return sorted((n.person_id, K(n.kind)) for n in _since(session, mark))


def _version(session: Session, model: Any, row_id: int) -> int:
    return int(session.scalar(select(model.version).where(model.id == row_id)) or 0)


def _finding(session: Session, team: Team, qid: int, summary: str = "Churn is seasonal") -> int:
    return log_finding(session, team.ic, question_id=qid, data=FindingInput(summary=summary)).id


def _review(session: Session, team: Team, qid: int, reviewer: int | None = None) -> int:
    data = ReviewInput(question_id=qid, reviewer_id=reviewer or team.manager, artifact_url=PR)
    return request_review(session, team.ic, data=data)


def _move(session: Session, actor: int, review_id: int, status: ReviewStatus) -> None:
    version = _version(session, ReviewRequest, review_id)
    move_review(session, actor, review_id=review_id, version=version, status=status)


def _answer(
    session: Session,
    actor: int,
    qid: int,
    based_on: int | None,
    state: AnswerState = AnswerState.WORKING_HYPOTHESIS,
    confidence: Confidence = Confidence.LOW,
    body: str = "Churn rose in the SMB segment.",
) -> int:
    data = AnswerInput(body=body, state=state, confidence=confidence)
    return save_answer(session, actor, question_id=qid, based_on=based_on, data=data).number


# --------------------------------------------------------------------------- questions


def test_a_question_assigned_as_it_is_created_tells_its_assignee_once(
    session: Session, team: Team
) -> None:
    mark = _mark(session)
    created = questions.create_question(
        session,
        team.manager,
        data=QuestionCreate(title="Why Q3?", project_id=team.project, assignee_id=team.ic),
    )
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.actor_id) == (team.ic, K.ASSIGNED, team.manager)
    assert note.title == "Why Q3?"
    assert note.link == f"questions?root={created.id}"
    assert note.read_at is None

    mark = _mark(session)
    sub, _unowned = questions.add_subquestions(
        session,
        team.manager,
        parent_id=created.id,
        items=[SubQuestion("Which plans?", assignee_id=team.other_ic), SubQuestion("Unowned")],
    )
    [note] = _since(session, mark)
    assert (note.person_id, note.kind) == (team.other_ic, K.ASSIGNED)
    assert note.link == f"questions?root={created.id}&node={sub.id}"
    assert note.root_id == created.id


def test_reassignment_tells_the_new_assignee_and_the_previous_one(
    session: Session, team: Team, qid: int
) -> None:
    mark = _mark(session)
    version = _version(session, Question, qid)
    questions.assign(
        session, team.manager, question_id=qid, version=version, assignee_id=team.other_ic
    )
    assert _who_what(session, mark) == sorted(
        [(team.other_ic, K.ASSIGNED), (team.ic, K.UNASSIGNED)]
    )

    mark = _mark(session)
    version = _version(session, Question, qid)
    questions.assign(session, team.manager, question_id=qid, version=version, assignee_id=None)
    assert _who_what(session, mark) == [(team.other_ic, K.UNASSIGNED)]


def test_nobody_is_told_of_their_own_act(session: Session, team: Team, qid: int) -> None:
    mark = _mark(session)
    # The IC splits their own question: the parts are theirs, assigned by themself.
    [part] = questions.add_subquestions(
        session, team.ic, parent_id=qid, items=[SubQuestion("By plan")]
    )
    assert part.assignee_id == team.ic
    finding = _finding(session, team, qid)
    add_note(session, team.ic, target="finding", target_id=finding, body="Also in EU")
    add_note(session, team.manager, target="question", target_id=root(session, team), body="Hm")
    assert _since(session, mark) == []


def test_edits_that_concern_nobody_tell_nobody(session: Session, team: Team, qid: int) -> None:
    mark = _mark(session)
    version = _version(session, Question, qid)
    questions.update_question(
        session,
        team.manager,
        question_id=qid,
        version=version,
        changes=questions.QuestionUpdate(title="Which segments churned most?"),
    )
    _finding(session, team, qid)  # a finding shared: the manager reads it in the app
    assert _since(session, mark) == []


# --------------------------------------------------------------------------- reviews


def test_a_review_request_tells_the_reviewer_with_a_link_to_it(
    session: Session, team: Team, qid: int
) -> None:
    mark = _mark(session)
    review = _review(session, team, qid, reviewer=team.other_ic)
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.actor_id) == (
        team.other_ic,
        K.REVIEW_REQUESTED,
        team.ic,
    )
    assert note.link == f"reviews?review={review}"
    assert note.title == "Which segments churned?"
    assert note.detail == PR
    assert (note.entity, note.entity_id) == ("review_request", review)


def test_the_reviewers_first_response_then_their_decision_reach_the_requester(
    session: Session, team: Team, qid: int
) -> None:
    review = _review(session, team, qid)
    mark = _mark(session)
    _move(session, team.manager, review, ReviewStatus.IN_REVIEW)
    assert _who_what(session, mark) == [(team.ic, K.REVIEW_RESPONDED)]

    mark = _mark(session)
    _move(session, team.manager, review, ReviewStatus.CHANGES_REQUESTED)
    assert _who_what(session, mark) == [(team.ic, K.CHANGES_REQUESTED)]

    mark = _mark(session)
    _move(session, team.ic, review, ReviewStatus.OPEN)  # "ask again"
    assert _who_what(session, mark) == [(team.manager, K.REVIEW_REQUESTED)]

    mark = _mark(session)
    _move(session, team.manager, review, ReviewStatus.APPROVED)
    assert _who_what(session, mark) == [(team.ic, K.REVIEW_APPROVED)]


def test_approval_as_the_first_response_is_one_notification(
    session: Session, team: Team, qid: int
) -> None:
    review = _review(session, team, qid)
    mark = _mark(session)
    _move(session, team.manager, review, ReviewStatus.APPROVED)
    assert _who_what(session, mark) == [(team.ic, K.REVIEW_APPROVED)]


def test_a_must_fix_note_that_asks_for_changes_is_one_notification_with_its_words(
    session: Session, team: Team, qid: int
) -> None:
    review = _review(session, team, qid)
    mark = _mark(session)
    added = write_note(
        session,
        team.manager,
        target="review_request",
        target_id=review,
        body="The holdout leaks\n  future data.",
        kind=NoteKind.MUST_FIX,
    )
    assert added.asked_for_changes
    [note] = _since(session, mark)
    assert (note.person_id, note.kind) == (team.ic, K.CHANGES_REQUESTED)
    assert note.detail == "The holdout leaks future data."  # what to fix, on one line

    mark = _mark(session)  # the request waits on the requester now: a plain must-fix note
    add_note(
        session,
        team.manager,
        target="review_request",
        target_id=review,
        body="And the seed.",
        kind=NoteKind.MUST_FIX,
    )
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.detail) == (team.ic, K.MUST_FIX, "And the seed.")


def test_notes_on_a_review_request_reach_the_other_side(
    session: Session, team: Team, qid: int
) -> None:
    review = _review(session, team, qid)
    mark = _mark(session)
    add_note(session, team.ic, target="review_request", target_id=review, body="Start at cell 4")
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.detail) == (team.manager, K.NOTE, "Start at cell 4")

    mark = _mark(session)  # the reviewer's first word is their first response
    add_note(session, team.manager, target="review_request", target_id=review, body="Looking")
    assert _who_what(session, mark) == [(team.ic, K.REVIEW_RESPONDED)]

    mark = _mark(session)  # a third person's note: both sides hear it
    add_note(session, team.other_ic, target="review_request", target_id=review, body="+1")
    assert _who_what(session, mark) == sorted([(team.ic, K.NOTE), (team.manager, K.NOTE)])


# --------------------------------------------------------------------------- findings, notes


def test_a_note_on_a_finding_reaches_its_author_with_a_link_to_the_finding(
    session: Session, team: Team, qid: int
) -> None:
    finding = _finding(session, team, qid)
    mark = _mark(session)
    add_note(session, team.manager, target="finding", target_id=finding, body="Which **year**?")
    [note] = _since(session, mark)
    rid = root_id(session, qid)
    assert (note.person_id, note.kind, note.title) == (team.ic, K.NOTE, "Churn is seasonal")
    assert note.detail == "Which **year**?"
    assert note.link == f"questions?root={rid}&node={qid}&finding={finding}"


def test_a_finding_accepted_or_sent_back_tells_its_author_once(
    session: Session, team: Team, qid: int
) -> None:
    accepted = _finding(session, team, qid, "Accepted one")
    sent_back = _finding(session, team, qid, "Sent back one")
    mark = _mark(session)
    move_finding(
        session,
        team.manager,
        finding_id=accepted,
        version=_version(session, Finding, accepted),
        status=FindingStatus.ACCEPTED,
    )
    assert _who_what(session, mark) == [(team.ic, K.FINDING_ACCEPTED)]

    mark = _mark(session)
    move_finding(
        session,
        team.manager,
        finding_id=sent_back,
        version=_version(session, Finding, sent_back),
        status=FindingStatus.NEEDS_WORK,
        reason="Control for the price change",
    )
    [note] = _since(session, mark)  # the reason's must-fix note is folded in, not a second one
    assert (note.person_id, note.kind) == (team.ic, K.FINDING_SENT_BACK)
    assert note.detail == "Control for the price change"


def test_a_note_on_a_question_reaches_its_owner_and_assignee(
    session: Session, team: Team, qid: int
) -> None:
    mark = _mark(session)
    add_note(session, team.other_ic, target="question", target_id=qid, body="See the Q2 deck")
    assert _who_what(session, mark) == sorted([(team.manager, K.NOTE), (team.ic, K.NOTE)])
    links = {n.link for n in _since(session, mark)}
    assert links == {f"questions?root={root_id(session, qid)}&node={qid}"}


def test_a_note_on_an_answer_reaches_its_author(session: Session, team: Team, qid: int) -> None:
    _answer(session, team.ic, qid, None)
    answer_id = pk(session.scalars(select(Answer).where(col(Answer.question_id) == qid)).one())
    mark = _mark(session)
    add_note(session, team.manager, target="answer", target_id=answer_id, body="Cite the test")
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.detail) == (team.ic, K.NOTE, "Cite the test")
    assert note.link == f"answers?root={root_id(session, qid)}&node={qid}"


# --------------------------------------------------------------------------- action items


def test_an_action_item_given_to_someone_tells_them(session: Session, team: Team) -> None:
    meeting = one_on_ones.start(session, team.manager, report_id=team.ic)
    mark = _mark(session)
    one_on_ones.add_action_item(
        session,
        team.manager,
        one_on_one_id=meeting,
        owner_id=team.ic,
        description="Rerun with 2023 data",
        due_date=date.today(),
    )
    one_on_ones.add_action_item(
        session, team.manager, one_on_one_id=meeting, owner_id=team.manager, description="Mine"
    )
    [note] = _since(session, mark)
    assert (note.person_id, note.kind, note.title) == (
        team.ic,
        K.ACTION_ITEM,
        "Rerun with 2023 data",
    )
    assert note.link == f"one_on_ones?report={team.ic}&manager={team.manager}"


# --------------------------------------------------------------------------- answers, follows


def test_followers_hear_when_an_answer_changes_state_or_confidence_not_its_words(
    session: Session, team: Team, qid: int
) -> None:
    rid = root_id(session, qid)
    follows.follow(session, team.viewer, question_id=rid)  # the whole tree
    follows.follow(session, team.other_manager, question_id=qid)  # this node
    follows.follow(session, team.ic, question_id=qid)  # the author: never told of themself
    mark = _mark(session)
    _answer(session, team.ic, qid, None)
    notes = _since(session, mark)
    assert sorted(n.person_id for n in notes) == sorted([team.viewer, team.other_manager])
    assert {n.kind for n in notes} == {K.ANSWER_CHANGED}
    assert {n.detail for n in notes} == {"First answer: working hypothesis, low confidence"}
    assert {n.link for n in notes} == {f"answers?root={rid}&node={qid}"}

    mark = _mark(session)
    _answer(session, team.ic, qid, 1, body="Churn rose in SMB, mostly monthly plans.")
    assert _since(session, mark) == []  # only the words changed

    mark = _mark(session)
    _answer(session, team.ic, qid, 2, AnswerState.ANSWERED, Confidence.HIGH)
    notes = _since(session, mark)
    assert len(notes) == 2
    assert {n.detail for n in notes} == {
        "working hypothesis, low confidence → answered, high confidence"
    }


def test_a_deactivated_person_is_told_nothing(session: Session, team: Team, qid: int) -> None:
    # A follower deactivated since they followed.
    session.add(Follow(person_id=team.inactive_ic, question_id=qid))
    session.commit()
    version = _version(session, Person, team.ic)
    set_person_active(session, team.manager, person_id=team.ic, version=version, active=False)
    mark = _mark(session)
    add_note(session, team.other_ic, target="question", target_id=qid, body="Any news?")
    _answer(session, team.manager, qid, None)
    assert _who_what(session, mark) == [(team.manager, K.NOTE)]


def test_follow_twice_is_one_row_and_unfollow_stops_it(
    session: Session, team: Team, qid: int
) -> None:
    follows.follow(session, team.viewer, question_id=qid)
    follows.follow(session, team.viewer, question_id=qid)
    assert follows.followed_ids(session, team.viewer) == [qid]
    assert follows.is_following(session, team.viewer, qid)
    follows.unfollow(session, team.viewer, question_id=qid)
    assert follows.followed_ids(session, team.viewer) == []
    mark = _mark(session)
    _answer(session, team.manager, qid, None)
    assert _since(session, mark) == []


def test_following_a_missing_question_says_so(session: Session, team: Team) -> None:
    with pytest.raises(NotFound, match="Question #999 does not exist"):
        follows.follow(session, team.viewer, question_id=999)
    assert follows.followed_ids(session, team.viewer) == []


# --------------------------------------------------------------------------- atomicity


def test_a_refused_change_leaves_no_notification(session: Session, team: Team, qid: int) -> None:
    version = _version(session, Question, qid)
    questions.assign(
        session, team.manager, question_id=qid, version=version, assignee_id=team.other_ic
    )
    mark = _mark(session)
    with pytest.raises(StaleEdit):  # a tab that still shows the old version
        questions.assign(
            session, team.manager, question_id=qid, version=version, assignee_id=team.ic
        )
    follows.follow(session, team.viewer, question_id=qid)
    _answer(session, team.manager, qid, None)
    mark = _mark(session)
    with pytest.raises(StaleEdit):
        _answer(session, team.manager, qid, None, AnswerState.ANSWERED)
    assert _since(session, mark) == []
    # The refused calls' events do not ride along with the next change either.
    add_note(session, team.ic, target="question", target_id=qid, body="Hi")
    assert _who_what(session, mark) == sorted([(team.manager, K.NOTE), (team.other_ic, K.NOTE)])


def test_a_rolled_back_transaction_leaves_none_and_its_events_are_forgotten(
    session: Session, team: Team, qid: int
) -> None:
    question = session.get(Question, qid)
    assert question is not None
    mark = _mark(session)
    question.assignee_id = team.other_ic
    events.record(
        session,
        actor_id=team.manager,
        entity="question",
        entity_id=qid,
        action="updated",
        field="assignee_id",
        old=team.ic,
        new=team.other_ic,
    )
    session.rollback()
    add_note(session, team.ic, target="question", target_id=qid, body="Still mine?")
    assert _who_what(session, mark) == [(team.manager, K.NOTE)]


def test_a_change_whose_commit_fails_leaves_no_notification(session: Session, team: Team) -> None:
    mark = _mark(session)
    # Someone else's row in the same session that cannot be saved (a duplicate email).
    session.add(Person(name="Twin", email="ines@example.com", role=Role.IC))
    with pytest.raises(Exception):  # noqa: B017, PT011 - the database's own error
        questions.create_question(
            session,
            team.manager,
            data=QuestionCreate(title="Lost", project_id=team.project, assignee_id=team.ic),
        )
    assert _since(session, mark) == []
    assert session.scalar(select(func.count()).where(col(Question.title) == "Lost")) == 0


# --------------------------------------------------------------------------- cost


def _followers(session: Session, qid: int, n: int) -> None:
    people = [
        Person(name=f"Fan {i}", email=f"fan{qid}.{i}@example.com", role=Role.VIEWER)
        for i in range(n)
    ]
    session.add_all(people)
    session.flush()
    session.add_all([Follow(person_id=pk(p), question_id=qid) for p in people])
    session.commit()


def test_the_statements_of_a_write_do_not_grow_with_its_followers(
    session: Session, team: Team
) -> None:
    few, many = root(session, team, "Few followers"), root(session, team, "Many followers")
    _followers(session, few, 1)
    _followers(session, many, 40)
    _answer(session, team.manager, few, None)  # warm: the first write reads the schema
    with counting(session) as one:
        _answer(session, team.manager, few, 1, AnswerState.ANSWERED)
    with counting(session) as forty:
        _answer(session, team.manager, many, None)
    assert (
        session.scalar(select(func.count()).where(col(Notification.kind) == K.ANSWER_CHANGED))
        == 1 + 1 + 40
    )
    assert len(forty) == len(one), "\n".join(forty)


def root_id(session: Session, qid: int) -> int:
    question = session.get(Question, qid)
    assert question is not None and question.root_id is not None
    return question.root_id
