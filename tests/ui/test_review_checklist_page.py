"""AppTest: review checklists on screen. The request form picks the kind and shows the
checklist the reviewer will use; the reviewer ticks items and marks one not applicable
(refused without a reason), Approve is held with the sentence naming the items still
open until they are done; the requester sees the list read-only; the rows say the kind
and how far the checklist is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from team.config_checklists import ChecklistItem, ReviewChecklists
from team.models import ReviewCheck, ReviewRequest
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.checklist import set_check
from team.ui.text import plain
from team.vocabulary import CheckState, ReviewKind, ReviewStatus
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

SUB = "Which plans churned?"
STATED, FAIR, SEASONS = (
    "The question is stated",
    "The comparison is fair",
    "Seasonality is handled",
)
CHECKLISTS = ReviewChecklists(
    code=(),
    analysis=(
        ChecklistItem(text=STATED),
        ChecklistItem(text=FAIR),
        ChecklistItem(text=SEASONS, required=False),
    ),
    data_cleaning=(),
)


@dataclass
class Setup:
    team: Team
    question: int
    review: int


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
        data = reviews.ReviewInput(sub.id, team.manager, "https://github.com/acme/churn/pull/7")
        rid = reviews.request_review(session, team.ic, data=data, checklists=CHECKLISTS)
        return Setup(team, sub.id, rid)


def _states(engine: Engine, rid: int) -> list[tuple[CheckState, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(ReviewCheck)
            .where(col(ReviewCheck.review_request_id) == rid)
            .order_by(col(ReviewCheck.position))
        ).all()
        return [(CheckState(r.state), r.reason) for r in rows]


def _markdown(at: AppTest) -> str:
    """Every text of the page (Markdown and captions)."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_the_request_form_picks_a_kind_and_shows_its_checklist(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.ic, "my_work")
    key = f"mywork_{setup.question}"
    kind = at.radio(key=f"rr_kind_{key}")
    assert kind.value == ReviewKind.ANALYSIS  # the default
    fair = plain("The comparison is fair (cohorts, baselines, selection)")
    assert f"{fair} · **required**" in _markdown(at)
    kind.set_value(ReviewKind.DATA_CLEANING).run()
    assert_no_exception(at)
    shown = _markdown(at)
    rows = plain("How many rows it touched is given (before and after)")
    assert f"{rows} · **required**" in shown
    assert "The comparison is fair" not in shown
    url = "https://github.com/acme/churn/pull/12"
    at.text_input(key=f"rr_url_{key}").input(url)
    at.selectbox(key=f"rr_reviewer_{key}").set_value(setup.team.manager)
    at.button(key=f"FormSubmitter:request_review_{key}-Request review").click().run()
    assert_no_exception(at)
    assert at.radio(key=f"rr_kind_{key}").value == ReviewKind.DATA_CLEANING  # kept
    with Session(app_engine) as session:
        made = session.exec(
            select(ReviewRequest).where(col(ReviewRequest.artifact_url) == url)
        ).one()
        texts = session.exec(
            select(col(ReviewCheck.text))
            .where(col(ReviewCheck.review_request_id) == made.id)
            .order_by(col(ReviewCheck.position))
        ).all()
    assert made.kind == ReviewKind.DATA_CLEANING
    assert texts[1] == "How many rows it touched is given (before and after)" and len(texts) == 6


def test_the_reviewer_ticks_waives_with_a_reason_and_then_approves(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid, maya = setup.review, setup.team.manager
    at = open_app(maya, "reviews", review=str(rid))
    assert_no_exception(at)
    approve = at.button(key=f"review_approved_{rid}")
    held = f"Tick or waive “{STATED}” and “{FAIR}” before approving."
    assert approve.disabled and approve.help == held
    assert held in [w.value for w in at.warning]
    assert "0 of 3 checked" in _markdown(at)

    at.checkbox(key=f"check_{rid}_0").check().run()
    assert_no_exception(at)
    assert [s.value for s in at.success] == [f"Ticked “{STATED}”."]
    assert at.checkbox(key=f"check_{rid}_0").value is True
    assert _states(app_engine, rid)[0] == (CheckState.TICKED, "")

    # Not applicable without a reason: refused, saying to give one; nothing changes.
    at.button(key=f"FormSubmitter:check_na_form_{rid}_1-Mark not applicable").click().run()
    assert_no_exception(at)
    assert any("Give a reason why “The comparison is fair”" in e.value for e in at.error)
    assert _states(app_engine, rid)[1] == (CheckState.OPEN, "")
    assert at.button(key=f"review_approved_{rid}").disabled

    at.text_input(key=f"check_reason_{rid}_1").input("A count, nothing is compared")
    at.button(key=f"FormSubmitter:check_na_form_{rid}_1-Mark not applicable").click().run()
    assert_no_exception(at)
    assert _states(app_engine, rid)[1] == (CheckState.WAIVED, "A count, nothing is compared")
    assert "not applicable: A count, nothing is compared" in _markdown(at)
    assert "2 of 3 checked" in _markdown(at)

    approve = at.button(key=f"review_approved_{rid}")
    assert not approve.disabled and approve.proto.type == "primary"
    approve.click().run()
    assert_no_exception(at)
    assert [s.value for s in at.success] == [f"You approved “{SUB}”."]
    with Session(app_engine) as session:
        row = session.get(ReviewRequest, rid)
        assert row is not None and row.status == ReviewStatus.APPROVED
    assert not at.checkbox  # a closed review's checklist is read-only


def test_unticking_and_undoing_a_waiver_hold_approval_again(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = setup.review
    at = open_app(setup.team.manager, "reviews", review=str(rid))
    at.checkbox(key=f"check_{rid}_0").check().run()
    at.text_input(key=f"check_reason_{rid}_1").input("Nothing compared")
    at.button(key=f"FormSubmitter:check_na_form_{rid}_1-Mark not applicable").click().run()
    assert not at.button(key=f"review_approved_{rid}").disabled
    at.button(key=f"check_undo_{rid}_1").click().run()
    assert_no_exception(at)
    at.checkbox(key=f"check_{rid}_0").uncheck().run()
    assert_no_exception(at)
    assert _states(app_engine, rid)[:2] == [(CheckState.OPEN, ""), (CheckState.OPEN, "")]
    assert at.button(key=f"review_approved_{rid}").disabled


def test_the_requester_sees_the_checklist_read_only_and_rows_show_progress(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    rid = setup.review
    with Session(app_engine) as session:
        set_check(
            session,
            setup.team.manager,
            review_id=rid,
            position=2,
            version=1,
            state=CheckState.WAIVED,
            reason="One quarter only",
        )
    at = open_app(setup.team.ic, "reviews", review=str(rid))
    assert_no_exception(at)
    assert not at.checkbox
    shown = _markdown(at)
    assert f"{STATED} · **required**" in shown
    assert f"{SEASONS} · not applicable: One quarter only" in shown
    at = open_app(setup.team.manager, "reviews")
    row = at.button(key=f"review_row_queue_{rid}")
    assert "analysis, 1 of 3 checked" in row.label
