"""AppTest: the manager records the decision an answer version informed on the Answers
page and edits it; the Decisions page lists it with its evidence and revisit, filters
to the due ones and marks one revisited; a viewer sees decisions but no buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.services.answers import decision_reads, decisions
from team.services.answers import writes as answers
from team.services.core.paging import Window
from team.services.findings import writes as findings
from team.vocabulary import FindingStatus
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

TODAY = date.today()


def _answered(engine: Engine) -> tuple[Team, int, int]:
    """A general question with one answer version citing an accepted finding."""
    with Session(engine) as session:
        team = make_team(session)
        rid = root(session, team)
        fid = findings.log_finding(
            session, team.manager, question_id=rid, data=findings.FindingInput("Churn rose")
        ).id
        findings.move_finding(
            session, team.manager, finding_id=fid, version=1, status=FindingStatus.ACCEPTED
        )
        data = answers.AnswerInput(body=f"Churn rose in SMB [F{fid}].\n\nPricing: no part.")
        aid = answers.save_answer(
            session, team.manager, question_id=rid, based_on=None, data=data
        ).id
    return team, rid, aid


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_record_and_edit_a_decision_on_the_answers_page(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team, rid, aid = _answered(app_engine)
    at = open_app(team.manager, "answers", root=str(rid))
    assert_no_exception(at)
    at.button(key=f"decision_record_{aid}").click().run()
    form = f"decision_new_{aid}"
    at.text_input(key=f"{form}_what").input("Keep the pricing heuristic for Q4")
    at.button(key=f"FormSubmitter:{form}-Record the decision").click().run()
    assert_no_exception(at)
    assert any("Say who decided" in e.value for e in at.error)  # kept open, nothing saved
    at.text_input(key=f"{form}_by").input("Dana (VP Sales)")
    at.date_input(key=f"{form}_revisit_on").set_value(TODAY + timedelta(days=90))
    at.button(key=f"FormSubmitter:{form}-Record the decision").click().run()
    assert_no_exception(at)
    assert any("Decision recorded on version 1." in s.value for s in at.success)
    shown = _text(at)
    assert "**Decision:** Keep the pricing heuristic for Q4" in shown
    assert "Decided by **Dana \\(VP Sales\\)**" in shown
    assert "0 of 2 claims rested on reviewed evidence" in shown
    assert "Record the decision this version informed" not in [b.label for b in at.button]

    at.button(key="decision_edit_1").click().run()
    at.text_input(key="decision_form_1_what").input("Replace the heuristic in Q1")
    at.button(key="FormSubmitter:decision_form_1-Save the decision").click().run()
    assert_no_exception(at)
    assert any("Decision saved." in s.value for s in at.success)
    assert "**Decision:** Replace the heuristic in Q1" in _text(at)


def test_a_viewer_sees_the_decision_but_cannot_record_or_edit(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team, rid, aid = _answered(app_engine)
    at = open_app(team.viewer, "answers", root=str(rid))
    assert not [b for b in at.button if b.key == f"decision_record_{aid}"]
    with Session(app_engine) as session:
        data = decisions.DecisionInput("Keep it", "Dana", TODAY)
        decisions.record_decision(session, team.manager, answer_id=aid, data=data)
    at = open_app(team.viewer, "answers", root=str(rid))
    assert "**Decision:** Keep it" in _text(at)
    assert not [b for b in at.button if (b.key or "").startswith("decision_")]


def test_the_decisions_page_lists_filters_and_marks_revisited(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team, rid, aid = _answered(app_engine)
    with Session(app_engine) as session:
        data = decisions.DecisionInput(
            "Keep the heuristic", "Pricing committee", TODAY - timedelta(days=40), TODAY
        )
        due = decisions.record_decision(session, team.manager, answer_id=aid, data=data)
        newer = answers.save_answer(
            session,
            team.manager,
            question_id=rid,
            based_on=1,
            data=answers.AnswerInput(body="Second look."),
        )
        later = decisions.DecisionInput(
            "Review in spring", "Dana", TODAY, None, "a competitor cuts prices"
        )
        decisions.record_decision(session, team.manager, answer_id=newer.id, data=later)
    at = open_app(team.manager, "decisions")
    assert_no_exception(at)
    shown = _text(at)
    assert shown.index("Review in spring") < shown.index("Keep the heuristic")  # newest first
    assert "answer revised since (v2)" in shown
    assert "revisit due" in shown and "Revisit when a competitor cuts prices" in shown
    links = [f"{link.proto.label} {link.proto.query_string}" for link in at.get("page_link")]
    assert links[0] == f"Open version 2 of the answer root={rid}&version=2"

    at.toggle(key="decisions_due_only").set_value(True).run()
    assert "Review in spring" not in _text(at) and "Keep the heuristic" in _text(at)
    at.button(key=f"decision_revisited_page_{due.id}").click().run()
    assert_no_exception(at)
    assert any("Revisit marked done." in s.value for s in at.success)
    assert any("No decision matches these filters" in i.value for i in at.info)
    with Session(app_engine) as session:
        left = decision_reads.decisions_page(session, window=Window(1), today=TODAY, due_only=True)
    assert left.total == 0

    viewer = open_app(team.viewer, "decisions")
    assert "Keep the heuristic" in _text(viewer)
    assert not [b for b in viewer.button if (b.key or "").startswith("decision_revisited")]


def test_a_due_revisit_waits_on_the_owners_attention_page(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team, _rid, aid = _answered(app_engine)
    with Session(app_engine) as session:
        data = decisions.DecisionInput("Keep the heuristic", "Dana", TODAY, TODAY)
        due = decisions.record_decision(session, team.manager, answer_id=aid, data=data)
    at = open_app(team.manager, "attention")
    assert_no_exception(at)
    assert "Decisions due: **1**" in "\n".join(c.value for c in at.caption)
    assert any(s.value == "Decisions due for revisit (1)" for s in at.subheader)
    at.button(key=f"decision_revisited_attention_{due.id}").click().run()
    assert_no_exception(at)
    assert any("Nothing waits on you right now." in s.value for s in at.success)
    other = open_app(team.other_manager, "attention")
    assert not any("Decisions due" in s.value for s in other.subheader)
