"""AppTest: the Reviews thread offers Approve only when it would be accepted (a must-fix
note open: drawn disabled, saying why, the service's own sentence), every move confirms
itself in a sentence that names what was reviewed, and the form that asks for a review
finishes (cleared once asked, saying who with a link; kept as typed when refused)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from team.models import ReviewRequest
from team.services.findings import writes as findings
from team.services.notes import writes as notes
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import rules
from team.services.reviews import writes as reviews
from team.vocabulary import NoteKind, ReviewStatus
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

SUB = "Which plans churned?"
FINDING = "Monthly plans churn twice as often"


@dataclass
class Setup:
    team: Team
    question: int
    review: int
    review_of_finding: int


@pytest.fixture
def setup(app_engine: Engine) -> Setup:
    with Session(app_engine) as session:
        team = make_team(session)
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=root(session, team),
            items=[SubQuestion(SUB, assignee_id=team.ic)],
        )
        fid = findings.log_finding(
            session, team.ic, question_id=sub.id, data=findings.FindingInput(summary=FINDING)
        ).id

        def ask(finding_id: int | None) -> int:
            data = reviews.ReviewInput(
                question_id=sub.id,
                reviewer_id=team.manager,
                artifact_url="https://github.com/example-org/churn/pull/7",
                finding_id=finding_id,
            )
            return reviews.request_review(session, team.ic, data=data)

        return Setup(team, sub.id, ask(None), ask(fid))


def _approve(at: AppTest, rid: int) -> object:
    return at.button(key=f"review_{ReviewStatus.APPROVED.value}_{rid}")


def _flash(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def test_approve_is_held_while_a_must_fix_note_is_open(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = setup.review
    with Session(app_engine) as session:  # another manager's must-fix: still open
        nid = notes.add_note(
            session,
            setup.team.other_manager,
            target="review_request",
            target_id=rid,
            body="The join drops trial users.",
            kind=NoteKind.MUST_FIX,
        )
    at = open_app(setup.team.manager, "reviews", review=str(rid))
    assert_no_exception(at)
    approve = at.button(key=f"review_approved_{rid}")
    refused = rules.approval_refused(1)
    assert approve.disabled and approve.proto.type == "secondary"
    assert approve.help == refused and "resolved before approval" in str(refused)
    assert str(refused) in [w.value for w in at.warning]
    # Once the note is resolved, Approve is the primary button again, and it works.
    with Session(app_engine) as session:
        notes.set_resolved(session, setup.team.manager, note_id=nid, version=1)
    at = open_app(setup.team.manager, "reviews", review=str(rid))
    approve = at.button(key=f"review_approved_{rid}")
    assert not approve.disabled and approve.proto.type == "primary" and not approve.help
    approve.click().run()
    assert_no_exception(at)
    assert _flash(at) == [f"You approved “{SUB}”."]
    with Session(app_engine) as session:
        row = session.get(ReviewRequest, rid)
        assert row is not None and row.status == ReviewStatus.APPROVED


@pytest.mark.parametrize(
    ("who", "move", "sentence"),
    [
        ("manager", ReviewStatus.IN_REVIEW, "You started reviewing “{}”."),
        ("manager", ReviewStatus.CHANGES_REQUESTED, "You asked for changes on “{}”."),
        ("manager", ReviewStatus.APPROVED, "You approved “{}”."),
        ("ic", ReviewStatus.WITHDRAWN, "You withdrew your request for a review of “{}”."),
    ],
)
def test_each_move_confirms_in_a_sentence_naming_what_was_reviewed(
    open_app: Callable[..., AppTest], setup: Setup, who: str, move: ReviewStatus, sentence: str
) -> None:
    """The finding's summary when the request is about one (as its row says), not
    "Review: request changes done."."""
    rid = setup.review_of_finding
    at = open_app(getattr(setup.team, who), "reviews", review=str(rid))
    at.button(key=f"review_{move.value}_{rid}").click().run()
    assert_no_exception(at)
    assert _flash(at) == [sentence.format(FINDING)]


def test_asking_again_confirms_in_a_sentence(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = setup.review
    with Session(app_engine) as session:
        reviews.move_review(
            session,
            setup.team.manager,
            review_id=rid,
            version=1,
            status=ReviewStatus.CHANGES_REQUESTED,
        )
    at = open_app(setup.team.ic, "reviews", review=str(rid))
    at.button(key=f"review_open_{rid}").click().run()
    assert_no_exception(at)
    assert _flash(at) == [f"You asked again for a review of “{SUB}”."]


def test_asking_for_a_review_clears_the_form_and_links_to_the_request(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    key = f"mywork_{setup.question}"
    url, focus = "https://github.com/example-org/churn/pull/9", "Is the cohort right?"
    at.text_input(key=f"rr_url_{key}").input(url)
    at.text_area(key=f"rr_focus_{key}").input(focus)
    submit = at.button(key=f"FormSubmitter:request_review_{key}-Request review")
    submit.click().run()  # no reviewer picked: refused, and nothing typed is lost
    assert_no_exception(at)
    assert any("Pick who should review" in e.value for e in at.error)
    assert (
        at.text_input(key=f"rr_url_{key}").value,
        at.text_area(key=f"rr_focus_{key}").value,
    ) == (
        url,
        focus,
    )
    at.selectbox(key=f"rr_reviewer_{key}").set_value(setup.team.manager)
    at.button(key=f"FormSubmitter:request_review_{key}-Request review").click().run()
    assert_no_exception(at)
    with Session(app_engine) as session:
        made = session.exec(
            select(ReviewRequest).where(col(ReviewRequest.artifact_url) == url)
        ).one()
    assert _flash(at) == [
        f"Review requested from Maya: [open the request](reviews?review={made.id})."
    ]
    assert at.text_input(key=f"rr_url_{key}").value == ""
    assert at.text_area(key=f"rr_focus_{key}").value == ""
    assert at.selectbox(key=f"rr_reviewer_{key}").value is None
    # A second click asks for nothing twice: the empty form is refused.
    at.button(key=f"FormSubmitter:request_review_{key}-Request review").click().run()
    with Session(app_engine) as session:
        assert len(session.exec(select(ReviewRequest)).all()) == 3
