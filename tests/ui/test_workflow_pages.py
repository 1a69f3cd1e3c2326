"""AppTest flows of the IC workflow: an IC logs a finding and asks for a review; the
manager reviews with notes, requests changes, approves, and accepts or sends back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel
from streamlit.testing.v1 import AppTest

from team.models import Finding, Note, Question, ReviewRequest, utcnow
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.ui.finding_cards import card_key
from team.vocabulary import Confidence, FindingKind, FindingStatus, NoteKind, ReviewStatus
from tests.factories import Team, backdate_question, make_team, root
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


def _log_form(setup: Setup, question: int | None = None) -> str:
    """The key of My work's log form for ``question`` (the setup's by default)."""
    return f"mywork_{question or setup.question}"


def test_ic_logs_a_finding_from_my_work(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    assert_no_exception(at)
    key = _log_form(setup)
    at.text_input(key=f"lf_summary_{key}").input("Annual plans churn 3x less")
    at.text_area(key=f"lf_body_{key}").input("**Cohort** table in the notebook.")
    at.text_area(key=f"lf_links_{key}").input("https://notebooks.example.com/churn.ipynb")
    at.selectbox(key=f"lf_kind_{key}").set_value(FindingKind.NEGATIVE_RESULT)
    at.selectbox(key=f"lf_conf_{key}").set_value(Confidence.HIGH)
    at.button(key=f"FormSubmitter:log_finding_{key}-Log finding").click().run()
    assert_no_exception(at)
    [finding] = _all(app_engine, Finding)
    assert finding.summary == "Annual plans churn 3x less"
    assert finding.links == ["https://notebooks.example.com/churn.ipynb"]
    assert finding.status == FindingStatus.SHARED
    assert finding.kind == FindingKind.NEGATIVE_RESULT
    # The message says what was logged, with a link that opens its card on Questions.
    rid = _root_of(app_engine, setup.question)
    link = (
        f"[Annual plans churn 3x less](questions?root={rid}&node={setup.question}"
        f"&finding={finding.id})"
    )
    assert f"Finding logged: {link} on “Which plans churned?”." in _messages(at)
    # The form is empty again, every field back where it started: a second click
    # cannot log the same finding twice.
    assert at.text_input(key=f"lf_summary_{key}").value == ""
    assert at.text_area(key=f"lf_body_{key}").value == ""
    assert at.text_area(key=f"lf_links_{key}").value == ""
    assert at.selectbox(key=f"lf_kind_{key}").value == FindingKind.RESULT
    assert at.selectbox(key=f"lf_conf_{key}").value == Confidence.MEDIUM
    at.button(key=f"FormSubmitter:log_finding_{key}-Log finding").click().run()
    assert any("one-line summary" in m.replace("\\", "") for m in _messages(at))
    assert len(_all(app_engine, Finding)) == 1


def _root_of(engine: Engine, question_id: int) -> int | None:
    with Session(engine) as session:
        question = session.get(Question, question_id)
        assert question is not None
        return question.root_id


def test_bad_link_is_refused_and_nothing_saved(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    key = _log_form(setup)
    at.text_input(key=f"lf_summary_{key}").input("Looks fine")
    at.text_area(key=f"lf_body_{key}").input("The details")
    at.text_area(key=f"lf_links_{key}").input("javascript:alert(1)")
    at.selectbox(key=f"lf_kind_{key}").set_value(FindingKind.CAVEAT)
    at.button(key=f"FormSubmitter:log_finding_{key}-Log finding").click().run()
    assert any("not a web link" in m for m in _messages(at))
    assert _all(app_engine, Finding) == []
    # What the IC typed is still there to fix, every field of it.
    assert at.text_input(key=f"lf_summary_{key}").value == "Looks fine"
    assert at.text_area(key=f"lf_body_{key}").value == "The details"
    assert at.text_area(key=f"lf_links_{key}").value == "javascript:alert(1)"
    assert at.selectbox(key=f"lf_kind_{key}").value == FindingKind.CAVEAT
    # Fixed, it is logged.
    at.text_area(key=f"lf_links_{key}").input("https://notebooks.example.com/x.ipynb")
    at.button(key=f"FormSubmitter:log_finding_{key}-Log finding").click().run()
    assert [f.summary for f in _all(app_engine, Finding)] == ["Looks fine"]


def test_what_was_typed_for_one_question_is_not_offered_for_another(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    with Session(app_engine) as session:
        question = session.get(Question, setup.question)
        assert question is not None and question.parent_id is not None
        [other] = questions.add_subquestions(
            session,
            setup.team.manager,
            parent_id=question.parent_id,
            items=[SubQuestion("Did pricing matter?", assignee_id=setup.team.ic)],
        )
    at = open_app(setup.team.ic, "my_work")
    at.selectbox(key="mywork_question").set_value(setup.question).run()
    first = _log_form(setup)
    at.text_input(key=f"lf_summary_{first}").input("Half-typed for the first question")
    at.text_input(key=f"rr_url_{first}").input("https://github.com/example-org/churn/pull/7")
    at.selectbox(key="mywork_question").set_value(other.id).run()
    assert_no_exception(at)
    second = _log_form(setup, other.id)
    assert at.text_input(key=f"lf_summary_{second}").value == ""
    assert at.text_input(key=f"rr_url_{second}").value == ""
    assert f"lf_summary_{first}" not in {t.key for t in at.text_input}


def test_ic_requests_a_review(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    key = _log_form(setup)
    at.text_input(key=f"rr_url_{key}").input("https://github.com/example-org/churn/pull/7")
    at.text_area(key=f"rr_focus_{key}").input("Is the cohort definition right?")
    at.selectbox(key=f"rr_reviewer_{key}").set_value(setup.team.manager)
    at.button(key=f"FormSubmitter:request_review_{key}-Request review").click().run()
    assert_no_exception(at)
    assert any(m.startswith("Review requested") for m in _messages(at))
    [review] = _all(app_engine, ReviewRequest)
    assert review.reviewer_id == setup.team.manager
    assert review.status == ReviewStatus.OPEN


def test_review_without_reviewer_says_so(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    key = _log_form(setup)
    at.text_input(key=f"rr_url_{key}").input("https://github.com/example-org/churn/pull/7")
    at.button(key=f"FormSubmitter:request_review_{key}-Request review").click().run()
    assert any("Pick who should review" in m for m in _messages(at))
    assert _all(app_engine, ReviewRequest) == []


def test_my_findings_say_which_question_each_is_on(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    fid = _finding(app_engine, setup)
    rid = _root_of(app_engine, setup.question)
    at = open_app(setup.team.ic, "my_work")
    assert_no_exception(at)
    [link] = [p for p in at.get("page_link") if p.proto.label.startswith("On:")]
    assert link.proto.label == "On: Which plans churned?"
    assert link.proto.page.endswith("questions")
    assert link.proto.query_string == f"root={rid}&node={setup.question}&finding={fid}"


def test_a_new_question_without_evidence_is_not_a_warning(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    """An old question just given to the IC reads "no evidence yet" in grey; one that
    has gone without evidence since it was given to them long ago is in the problem
    colour (team/colours.py: red)."""
    with Session(app_engine) as session:
        question = session.get(Question, setup.question)
        assert question is not None and question.parent_id is not None
        old = utcnow() - timedelta(days=40)
        backdate_question(session, setup.question, old)
        [given] = questions.add_subquestions(
            session,
            setup.team.manager,
            parent_id=question.parent_id,
            items=[SubQuestion("Just given to Ines")],
        )
        backdate_question(session, given.id, old)
        questions.assign(
            session, setup.team.manager, question_id=given.id, version=1, assignee_id=setup.team.ic
        )
    at = open_app(setup.team.ic, "my_work")
    assert_no_exception(at)
    rows = {m.value.split("\n")[0]: m.value for m in at.markdown if "evidence" in m.value}
    [fresh] = [v for v in at.markdown if "no evidence yet" in v.value]
    assert ":gray[no evidence yet]" in fresh.value
    [stale] = [v for v in at.markdown if "no evidence for" in v.value]
    assert ":red[no evidence for 40 days]" in stale.value, rows


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
    assert_no_exception(at)
    # The reviewer's must-fix note asked for changes, and says so: no second click.
    [said] = _messages(at)
    assert said.startswith("Must-fix note added. You asked for changes")
    assert f"review_changes_requested_{rid}" not in {b.key for b in at.button}
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
