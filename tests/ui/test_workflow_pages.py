"""AppTest flows of the IC workflow: an IC logs a finding and asks for a review; the
manager reviews with notes, requests changes, approves, and accepts or sends back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel
from streamlit.testing.v1 import AppTest

from team.models import Finding, Note, ReviewRequest
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.ui.finding_cards import card_key
from team.vocabulary import FindingStatus, NoteKind, ReviewStatus
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

Row = TypeVar("Row", bound=SQLModel)


@dataclass
class Setup:
    team: Team
    question: int


@pytest.fixture
def setup(app_engine: Engine) -> Setup:
    with Session(app_engine) as session:
        team = make_team(session)
        rid = root(session, team)
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
        )
    return Setup(team, sub.id)


def _all(engine: Engine, model: type[Row]) -> list[Row]:
    with Session(engine) as session:
        return list(session.scalars(select(model)))


def _messages(at: AppTest) -> list[str]:
    return [m.value for m in [*at.success, *at.error]]


def test_ic_logs_a_finding_from_my_work(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    assert_no_exception(at)
    at.text_input(key="lf_summary_mywork").input("Annual plans churn 3x less")
    at.text_area(key="lf_body_mywork").input("**Cohort** table in the notebook.")
    at.text_area(key="lf_links_mywork").input("https://notebooks.example.com/churn.ipynb")
    at.button(key="FormSubmitter:log_finding_mywork-Log finding").click().run()
    assert_no_exception(at)
    assert "Finding logged." in _messages(at)
    [finding] = _all(app_engine, Finding)
    assert finding.summary == "Annual plans churn 3x less"
    assert finding.links == ["https://notebooks.example.com/churn.ipynb"]
    assert finding.status == FindingStatus.SHARED


def test_bad_link_is_refused_and_nothing_saved(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    at.text_input(key="lf_summary_mywork").input("Looks fine")
    at.text_area(key="lf_links_mywork").input("javascript:alert(1)")
    at.button(key="FormSubmitter:log_finding_mywork-Log finding").click().run()
    assert any("not a web link" in m for m in _messages(at))
    assert _all(app_engine, Finding) == []
    # What the IC typed is still there to fix.
    assert at.text_input(key="lf_summary_mywork").value == "Looks fine"


def test_ic_requests_a_review(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    at.text_input(key="rr_url_mywork").input("https://github.com/example-org/churn/pull/7")
    at.text_area(key="rr_focus_mywork").input("Is the cohort definition right?")
    at.selectbox(key="rr_reviewer_mywork").set_value(setup.team.manager)
    at.button(key="FormSubmitter:request_review_mywork-Request review").click().run()
    assert_no_exception(at)
    assert "Review requested." in _messages(at)
    [review] = _all(app_engine, ReviewRequest)
    assert review.reviewer_id == setup.team.manager
    assert review.status == ReviewStatus.OPEN


def test_review_without_reviewer_says_so(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    at.text_input(key="rr_url_mywork").input("https://github.com/example-org/churn/pull/7")
    at.button(key="FormSubmitter:request_review_mywork-Request review").click().run()
    assert any("Pick who should review" in m for m in _messages(at))
    assert _all(app_engine, ReviewRequest) == []


def _review(engine: Engine, setup: Setup) -> int:
    with Session(engine) as session:
        return reviews.request_review(
            session,
            setup.team.ic,
            data=reviews.ReviewInput(
                question_id=setup.question,
                reviewer_id=setup.team.manager,
                artifact_url="https://github.com/example-org/churn/pull/7",
                focus="Check the cohort join",
            ),
        )


def test_manager_reviews_with_a_must_fix_note(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = _review(app_engine, setup)
    at = open_app(setup.team.manager, "reviews", review=str(rid))
    assert_no_exception(at)
    at.button(key=f"review_in_review_{rid}").click().run()
    assert_no_exception(at)
    key = f"review_{rid}"
    at.text_area(key=f"note_body_{key}").input("The join drops trial users.")
    at.selectbox(key=f"note_kind_{key}").set_value(NoteKind.MUST_FIX)
    at.button(key=f"FormSubmitter:add_note_{key}-Add note").click().run()
    assert "Note added." in _messages(at)
    at.button(key=f"review_changes_requested_{rid}").click().run()
    assert_no_exception(at)
    [review] = _all(app_engine, ReviewRequest)
    assert review.status == ReviewStatus.CHANGES_REQUESTED
    assert review.first_response_at is not None
    [note] = _all(app_engine, Note)
    assert note.kind == NoteKind.MUST_FIX
    assert not note.resolved

    # The IC resolves the note and asks again; the manager approves.
    at = open_app(setup.team.ic, "reviews", review=str(rid))
    at.button(key=f"resolve_{note.id}").click().run()
    at.button(key=f"review_open_{rid}").click().run()
    assert_no_exception(at)
    at = open_app(setup.team.manager, "reviews", review=str(rid))
    at.button(key=f"review_approved_{rid}").click().run()
    assert_no_exception(at)
    [review] = _all(app_engine, ReviewRequest)
    assert review.status == ReviewStatus.APPROVED
    assert review.resolved_at is not None


def test_ic_cannot_approve_their_own_request(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = _review(app_engine, setup)
    at = open_app(setup.team.ic, "reviews", review=str(rid))
    keys = {b.key for b in at.button}
    assert f"review_approved_{rid}" not in keys
    assert f"review_withdrawn_{rid}" in keys


def _finding(engine: Engine, setup: Setup) -> int:
    with Session(engine) as session:
        return findings.log_finding(
            session,
            setup.team.ic,
            question_id=setup.question,
            data=findings.FindingInput(summary="Monthly plans churn most"),
        ).id


def _open_card(at: AppTest, fid: int) -> None:
    """Open a finding's card, as a click on it does: its actions render only while open."""
    assert f"finding_accepted_{fid}" not in {b.key for b in at.button}
    at.session_state[card_key(fid)] = True
    at.run()


def test_manager_accepts_a_finding_from_attention(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    fid = _finding(app_engine, setup)
    at = open_app(setup.team.manager, "attention")
    assert_no_exception(at)
    assert any("awaiting acceptance (1)" in h.value for h in at.subheader)
    _open_card(at, fid)
    at.button(key=f"finding_accepted_{fid}").click().run()
    assert_no_exception(at)
    [finding] = _all(app_engine, Finding)
    assert finding.status == FindingStatus.ACCEPTED
    assert any("Nothing waits on you" in s.value for s in at.success)


def test_sending_back_needs_a_reason(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    fid = _finding(app_engine, setup)
    at = open_app(setup.team.manager, "attention")
    _open_card(at, fid)
    at.button(key=f"finding_needs_work_{fid}").click().run()
    assert any("Say what needs work" in m for m in _messages(at))
    at.text_input(key=f"reason_{fid}").input("Split by region first.")
    at.button(key=f"finding_needs_work_{fid}").click().run()
    assert_no_exception(at)
    [finding] = _all(app_engine, Finding)
    assert finding.status == FindingStatus.NEEDS_WORK
    [note] = _all(app_engine, Note)
    assert note.body == "Split by region first."
    assert note.kind == NoteKind.MUST_FIX
