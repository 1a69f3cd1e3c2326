"""AppTest: an answer whose cited finding was edited shows "Evidence changed since this
version" with what changed; its owner marks it reviewed and the warning goes; a viewer
sees the warning but no button; the tree and Overview mark the flagged answer in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.services.answers import health_reads
from team.services.answers import writes as answers
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.vocabulary import Confidence
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

TITLE = "Evidence changed since this version"


@dataclass
class Flagged:
    team: Team
    root: int
    sub: int
    finding: int
    answer: int  # the root's answer version, flagged


def _flagged(engine: Engine) -> Flagged:
    """A root answer citing a finding that its author then edited (less sure), and a
    sub-question's answer whose next version is less sure."""
    with Session(engine) as session:
        team = make_team(session)
        rid = root(session, team)
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Which plans?", assignee_id=team.ic)],
        )
        data = findings.FindingInput(summary="Monthly plans churn", confidence=Confidence.HIGH)
        found = findings.log_finding(session, team.ic, question_id=sub.id, data=data)
        sure = answers.AnswerInput(body="Monthly.", confidence=Confidence.HIGH)
        answers.save_answer(session, team.ic, question_id=sub.id, based_on=None, data=sure)
        answer = answers.save_answer(
            session,
            team.manager,
            question_id=rid,
            based_on=None,
            data=answers.AnswerInput(body=f"Monthly plans drove it [F{found.id}] [Q{sub.id}]."),
        )
        less = answers.AnswerInput(body="Monthly, maybe.", confidence=Confidence.LOW)
        answers.save_answer(session, team.ic, question_id=sub.id, based_on=1, data=less)
        changed = findings.FindingInput(summary="Monthly plans churn", confidence=Confidence.LOW)
        findings.edit_finding(
            session, team.ic, finding_id=found.id, version=found.version, data=changed
        )
    return Flagged(team, rid, sub.id, found.id, answer.id)


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if TITLE in w.value]


def test_the_owner_sees_what_changed_and_marks_it_reviewed(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    w = _flagged(app_engine)
    at = open_app(w.team.manager, "answers", root=str(w.root))
    assert_no_exception(at)
    [shown] = _warnings(at)
    assert "confidence high → low" in shown and "edited by Ines" in shown
    assert f"finding={w.finding}" in shown  # a link to where the finding can be read
    # the sub-question's answer, the version cited opened and compared with the new one
    assert "confidence high → low" in shown and "compare version 1 with 2" in shown
    assert f"answers?root={w.root}&node={w.sub}&version=1" in shown
    at.button(key=f"evidence_reviewed_{w.answer}").click().run()
    assert_no_exception(at)
    assert any("Marked 2 changes of the evidence reviewed." in s.value for s in at.success)
    assert _warnings(at) == []
    with Session(app_engine) as session:
        flags = health_reads.flags_of_question(session, question_id=w.root)[w.answer]
    assert [f.cleared_by for f in flags] == ["Maya", "Maya"]
    # The history keeps it, reviewed.
    assert any("reviewed by Maya" in m.value for m in at.markdown)


def test_a_viewer_sees_the_warning_but_cannot_mark_it(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    w = _flagged(app_engine)
    at = open_app(w.team.viewer, "answers", root=str(w.root))
    assert_no_exception(at)
    assert len(_warnings(at)) == 1
    assert not [b for b in at.button if b.key == f"evidence_reviewed_{w.answer}"]


def test_the_tree_and_overview_say_the_evidence_changed(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    w = _flagged(app_engine)
    at = open_app(w.team.manager, "questions", root=str(w.root))
    assert_no_exception(at)
    assert any("evidence changed" in c.value for c in at.caption)  # the root's row
    assert any("Evidence changed since its answer was written" in x.value for x in at.warning)
    at = open_app(w.team.manager, "overview")
    assert_no_exception(at)
    assert any("evidence changed under 1 answer" in c.value for c in at.caption)


def test_the_owners_inbox_counts_the_answer_whose_evidence_changed(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    w = _flagged(app_engine)
    at = open_app(w.team.manager, "attention")
    assert_no_exception(at)
    assert any("Evidence changed: **1**" in c.value for c in at.caption)
    at = open_app(w.team.other_ic, "attention")  # neither owns nor is assigned it
    assert not any("Evidence changed" in c.value for c in at.caption)


def test_the_compare_link_opens_the_child_answer_with_the_cited_version_compared(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    w = _flagged(app_engine)
    with Session(app_engine) as session:  # a third version: the default compare is 2 → 3
        again = answers.AnswerInput(body="Monthly, less sure.", confidence=Confidence.LOW)
        answers.save_answer(session, w.team.ic, question_id=w.sub, based_on=2, data=again)
    at = open_app(w.team.manager, "answers", root=str(w.root), node=str(w.sub), version="1")
    assert_no_exception(at)
    assert at.selectbox(key=f"diff_from_{w.sub}").value == 1  # the version the root cited
    assert at.selectbox(key=f"diff_to_{w.sub}").value == 3
    assert any("confidence high → low" in m.value for m in at.markdown)
