"""AppTest of editing a finding from its card: the author saves a new summary and
confidence; someone else has no Edit; an edit from an outdated card is refused and
changes nothing; an answer citing the finding is flagged by the edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.models import CitationFlag, Finding
from team.services.answers import writes as answers
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.vocabulary import Confidence, EvidenceChange
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception


@dataclass
class Setup:
    team: Team
    root: int
    question: int
    finding: int


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
        fid = findings.log_finding(
            session,
            team.ic,
            question_id=sub.id,
            data=findings.FindingInput(summary="Monthly plans churn most"),
        ).id
    return Setup(team, rid, sub.id, fid)


def _card(open_app: Callable[..., AppTest], person: int, s: Setup) -> AppTest:
    at = open_app(
        person, "questions", root=str(s.root), node=str(s.question), finding=str(s.finding)
    )
    assert_no_exception(at)
    return at


def _finding(engine: Engine, fid: int) -> Finding:
    with Session(engine) as session:
        found = session.get(Finding, fid)
        assert found is not None
        return found


def test_the_author_edits_summary_and_confidence(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = _card(open_app, setup.team.ic, setup)
    key = f"fe_{setup.finding}_1"
    assert at.text_input(key=f"{key}_summary").value == "Monthly plans churn most"
    at.text_input(key=f"{key}_summary").input("Monthly plans churn most, annual least")
    at.selectbox(key=f"{key}_confidence").set_value(Confidence.HIGH)
    at.button(key=f"FormSubmitter:finding_edit_form_{key}-Save the finding").click().run()
    assert_no_exception(at)
    assert "Finding saved." in [m.value for m in at.success]
    saved = _finding(app_engine, setup.finding)
    assert saved.summary == "Monthly plans churn most, annual least"
    assert saved.confidence == Confidence.HIGH
    assert saved.version == 2


def test_only_the_author_sees_edit(open_app: Callable[..., AppTest], setup: Setup) -> None:
    at = _card(open_app, setup.team.manager, setup)
    keys = {t.key for t in at.text_input}
    assert f"fe_{setup.finding}_1_summary" not in keys
    assert f"fe_{setup.finding}_1_summary" in {
        t.key for t in _card(open_app, setup.team.ic, setup).text_input
    }


def test_an_edit_from_an_outdated_card_is_refused(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = _card(open_app, setup.team.ic, setup)
    with Session(app_engine) as session:  # meanwhile, in another tab
        findings.edit_finding(
            session,
            setup.team.ic,
            finding_id=setup.finding,
            version=1,
            data=findings.FindingInput(summary="Changed in another tab"),
        )
    key = f"fe_{setup.finding}_1"
    at.text_input(key=f"{key}_summary").input("Typed on the old card")
    at.button(key=f"FormSubmitter:finding_edit_form_{key}-Save the finding").click().run()
    assert_no_exception(at)
    assert any("changed" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert _finding(app_engine, setup.finding).summary == "Changed in another tab"
    assert at.text_input(key=f"{key}_summary").value == "Typed on the old card"  # kept


def test_editing_a_cited_finding_flags_the_answer(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    with Session(app_engine) as session:
        answer = answers.save_answer(
            session,
            setup.team.manager,
            question_id=setup.root,
            based_on=None,
            data=answers.AnswerInput(
                body=f"Monthly plans drove it [F{setup.finding}].",
                finding_ids=(setup.finding,),
            ),
        )
    at = _card(open_app, setup.team.ic, setup)
    key = f"fe_{setup.finding}_1"
    at.text_input(key=f"{key}_summary").input("Monthly plans: smaller effect than thought")
    at.button(key=f"FormSubmitter:finding_edit_form_{key}-Save the finding").click().run()
    assert_no_exception(at)
    with Session(app_engine) as session:
        flags = list(session.scalars(select(CitationFlag)))
    assert [(f.answer_id, f.finding_id, f.change) for f in flags] == [
        (answer.id, setup.finding, EvidenceChange.EDITED)
    ]
    assert "Monthly plans: smaller effect than thought" in flags[0].detail
