"""AppTest: the gaps panel of a general question on Answers lists each kind of gap with
links to its question, counts them in its label, and is absent on a sub-question; the
evidence roll-up shows beside coverage and confidence on Answers, Questions and
Overview."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.models import Answer, Citation, Finding, ReviewRequest
from team.services.questions.rollup import HELP_TITLE
from team.vocabulary import Confidence, FindingKind, FindingStatus, ReviewStatus
from tests.factories import make_team, node, pk
from tests.ui.conftest import assert_no_exception

PR = "https://github.com/acme/churn/pull/418"


def _world(engine: Engine) -> tuple[int, int, dict[str, int]]:
    """A general question: "Bare" with no finding, "Shaky" with one low finding, "Hedged"
    with one caveat, "Solid" with a reviewed finding; the general question's answer cites
    the reviewed finding in one paragraph and nothing in the other."""
    with Session(engine, expire_on_commit=False) as session:
        team = make_team(session)
        r = node(session, team, None, "Why did retention drop?")
        q = {t: node(session, team, r, t) for t in ("Bare", "Shaky", "Hedged", "Solid")}
        shaky = Finding(summary="s", question_id=pk(q["Shaky"]), author_id=team.ic)
        shaky.confidence = Confidence.LOW
        hedged = Finding(summary="h", question_id=pk(q["Hedged"]), author_id=team.ic)
        hedged.kind = FindingKind.CAVEAT
        solid = Finding(
            summary="r",
            question_id=pk(q["Solid"]),
            author_id=team.ic,
            status=FindingStatus.ACCEPTED,
        )
        session.add_all([shaky, hedged, solid])
        session.flush()
        session.add(
            ReviewRequest(
                question_id=pk(q["Solid"]),
                finding_id=pk(solid),
                requester_id=team.ic,
                reviewer_id=team.manager,
                artifact_url=PR,
                status=ReviewStatus.APPROVED,
            )
        )
        answer = Answer(
            question_id=pk(r),
            body=f"Monthly plans churned [F{pk(solid)}].\n\nIt was not the season.",
            author_id=team.manager,
        )
        session.add(answer)
        session.flush()
        session.add(Citation(answer_id=pk(answer), finding_id=pk(solid)))
        session.commit()
        return team.manager, pk(r), {t: pk(row) for t, row in q.items()}


def test_the_panel_lists_each_gap_with_a_link_to_its_question(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, rid, q = _world(app_engine)
    at = open_app(manager, "answers", root=str(rid))
    assert_no_exception(at)
    [panel] = [e for e in at.expander if e.label.startswith("Gaps before calling")]
    assert panel.label == "Gaps before calling this answered (4)"
    text = "\n".join(m.value for m in panel.markdown)
    assert "1 sub-question has no finding" in text
    assert f"[Bare](questions?root={rid}&node={q['Bare']})" in text
    assert "1 sub-question has only low-confidence findings" in text
    assert f"[Shaky](questions?root={rid}&node={q['Shaky']}) · 1 finding, of low confidence" in text
    assert "1 sub-question has only caveats as findings" in text
    assert f"[Hedged](questions?root={rid}&node={q['Hedged']}) · 1 finding, a caveat" in text
    # The general question's own answer: a link to it on Answers.
    assert "1 answer has paragraphs citing nothing" in text
    assert f"(answers?root={rid}) · 1 of 2 paragraphs cites nothing" in text
    assert "Solid" not in text
    # The evidence roll-up beside coverage and confidence, explained in the popover.
    assert any("evidence: 1 of 1 cited finding reviewed" in m.value for m in at.markdown)
    assert HELP_TITLE in [p.proto.popover.label for p in at.get("popover")]
    assert any("**Evidence** = of the findings cited" in m.value for m in at.markdown)

    # On a sub-question, no panel: it is a check of the general question.
    at = open_app(manager, "answers", root=str(rid), node=str(q["Solid"]))
    assert_no_exception(at)
    assert not [e for e in at.expander if e.label.startswith("Gaps before calling")]


def test_the_tree_and_overview_show_the_evidence(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, rid, _q = _world(app_engine)
    at = open_app(manager, "questions", root=str(rid))
    assert_no_exception(at)
    assert any(
        "Evidence (rolled up): **1 of 1 cited finding reviewed**" in m.value for m in at.markdown
    )
    # The tree rows: the general question's only (no answer below it cites anything).
    assert sum("evidence 1/1 reviewed" in c.value for c in at.caption) == 1
    at = open_app(manager, "overview")
    assert_no_exception(at)
    assert any("evidence: 1 of 1 cited finding reviewed" in c.value for c in at.caption)
