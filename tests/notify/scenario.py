"""A day in a team that makes every kind of notification, through the real services
(the outbox writes them as each change commits); the due-date kinds are written by the
worker from the due dates set here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from team.models import Finding, ReviewRequest
from team.services.answers.writes import AnswerInput, save_answer
from team.services.findings.writes import FindingInput, log_finding, move_finding
from team.services.notes.writes import add_note
from team.services.notify.follows import follow
from team.services.one_on_ones.writes import add_action_item, start
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from team.services.reviews.writes import ReviewInput, move_review, request_review
from team.vocabulary import AnswerState, Confidence, FindingStatus, NoteKind, ReviewStatus
from tests.factories import Team, make_team


def _version(session: Session, model: type[Finding] | type[ReviewRequest], id_: int) -> int:
    session.expire_all()
    row = session.get(model, id_)
    assert isinstance(row, Finding | ReviewRequest)
    return row.version


def every_kind(session: Session, title: str = "Why did retention drop?", body: str = "") -> Team:
    """Make each kind of notification once (``title`` in every title, ``body`` in every
    note), the due-date ones once the worker runs."""
    t = make_team(session)
    today = datetime.now(UTC).date()
    m, ic = t.manager, t.ic
    create = questions.create_question
    root = create(
        session,
        m,
        data=QuestionCreate(
            title=title, project_id=t.project, assignee_id=ic, due_date=today + timedelta(days=1)
        ),
    ).id  # assigned (Ines); due soon (Ines)
    moved = create(
        session, m, data=QuestionCreate(title=f"{title} (2)", project_id=t.project, assignee_id=ic)
    )  # assigned (Ines) ...
    questions.assign(
        session, m, question_id=moved.id, version=moved.version, assignee_id=t.other_ic
    )  # ... assigned away (Ines), assigned (Ravi)
    review = request_review(
        session, ic, data=ReviewInput(root, m, "https://github.com/acme/pr/1", body)
    )  # review requested (Maya)
    version = _version(session, ReviewRequest, review)
    move_review(session, m, review_id=review, version=version, status=ReviewStatus.IN_REVIEW)
    version = _version(session, ReviewRequest, review)  # review started (Ines)
    move_review(
        session, m, review_id=review, version=version, status=ReviewStatus.CHANGES_REQUESTED
    )  # changes requested (Ines)
    add_note(
        session,
        m,
        target="review_request",
        target_id=review,
        body=f"Must fix: {body}",
        kind=NoteKind.MUST_FIX,
    )  # must-fix note (Ines)
    add_note(session, ic, target="review_request", target_id=review, body=f"Fixed. {body}")
    # note (Maya)
    second = request_review(
        session, ic, data=ReviewInput(root, t.other_manager, "https://x.example/2")
    )
    version = _version(session, ReviewRequest, second)
    move_review(
        session, t.other_manager, review_id=second, version=version, status=ReviewStatus.APPROVED
    )  # review requested (Omar), approved (Ines)
    good = log_finding(
        session, ic, question_id=root, data=FindingInput(summary=f"{title} A", body=body)
    )
    bad = log_finding(session, ic, question_id=root, data=FindingInput(summary=f"{title} B"))
    move_finding(
        session,
        m,
        finding_id=good.id,
        version=_version(session, Finding, good.id),
        status=FindingStatus.ACCEPTED,
    )  # finding accepted (Ines)
    move_finding(
        session,
        m,
        finding_id=bad.id,
        version=_version(session, Finding, bad.id),
        status=FindingStatus.NEEDS_WORK,
        reason="Which cohort?",
    )  # finding sent back (Ines)
    meeting = start(session, m, report_id=ic)
    add_action_item(
        session,
        m,
        one_on_one_id=meeting,
        owner_id=ic,
        description=f"{title} follow-up",
        due_date=today - timedelta(days=1),
    )  # action item (Ines); overdue (Ines)
    follow(session, t.viewer, question_id=root)
    save_answer(
        session,
        m,
        question_id=root,
        based_on=None,
        data=AnswerInput(
            body=f"It dropped. {body}", state=AnswerState.ANSWERED, confidence=Confidence.MEDIUM
        ),
    )  # answer changed (Vera)
    return t
