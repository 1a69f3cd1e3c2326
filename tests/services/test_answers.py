"""Answers: versions never overwritten, citation rules, permissions, roll-ups, memo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from team.models import Answer, Citation, Finding
from team.services.answers import decisions
from team.services.answers import reads as answers_reads
from team.services.answers import rules as answers_rules
from team.services.answers import writes as answers
from team.services.answers.memo import compare, memo
from team.services.answers.reads import AnswerVersion
from team.services.answers.writes import AnswerInput
from team.services.core.errors import InvalidInput, PermissionDenied, StaleEdit
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.rollup import Node, roll_up, weakest
from team.services.questions.status import set_status
from team.services.questions.tree import load_subtree as load_tree
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.vocabulary import AnswerState, Confidence, FindingKind, FindingStatus, QuestionStatus
from tests.factories import Team, make_team, root

GOLDEN = Path(__file__).parent / "golden" / "memo.md"
L, M, H = Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH


@dataclass
class World:
    team: Team
    root: int
    a: int  # child A (assigned to the IC)
    a1: int  # grandchild under A
    b: int  # child B
    f_a1: int  # finding on A1
    f_b: int  # finding on B
    other_root: int
    f_other: int  # finding in another tree


def _finding(session: Session, team: Team, question: int, summary: str, **kw: Any) -> int:
    return findings.log_finding(
        session, team.ic, question_id=question, data=findings.FindingInput(summary=summary, **kw)
    ).id


@pytest.fixture
def world(session: Session) -> World:
    team = make_team(session)
    rid = root(session, team)
    a, b = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[
            SubQuestion("Which segments churned?", assignee_id=team.ic),
            SubQuestion("Pricing?", assignee_id=team.ic),
        ],
    )
    [a1] = questions.add_subquestions(
        session, team.ic, parent_id=a.id, items=[SubQuestion("Monthly plans?")]
    )
    data = QuestionCreate(title="Another question", project_id=team.project, assignee_id=team.ic)
    other = questions.create_question(session, team.manager, data=data).id
    return World(
        team=team,
        root=rid,
        a=a.id,
        a1=a1.id,
        b=b.id,
        f_a1=_finding(
            session,
            team,
            a1.id,
            "Monthly churn up 4 pts",
            links=("https://nb.example.com/1",),
        ),
        f_b=_finding(session, team, b.id, "Price change touched annual only"),
        other_root=other,
        f_other=_finding(session, team, other, "Unrelated"),
    )


def _save(
    session: Session, who: int, qid: int, body: str, based_on: int | None = None, **kw: Any
) -> AnswerVersion:
    return answers.save_answer(
        session, who, question_id=qid, based_on=based_on, data=AnswerInput(body=body, **kw)
    )


# --------------------------------------------------------------------------- versions


def test_each_save_adds_a_version_and_keeps_the_old(session: Session, world: World) -> None:
    m = world.team.manager
    v1 = _save(session, m, world.root, f"Segments drove it [F{world.f_a1}].")
    v2 = _save(session, m, world.root, f"Monthly segments drove it [F{world.f_a1}].", 1)
    assert (v1.number, v2.number) == (1, 2)
    history = answers_reads.versions(session, question_id=world.root)
    assert [v.body for v in history] == [
        f"Segments drove it [F{world.f_a1}].",
        f"Monthly segments drove it [F{world.f_a1}].",
    ]
    assert history[0].finding_ids == (world.f_a1,)


def test_saving_from_an_old_version_is_refused(session: Session, world: World) -> None:
    m = world.team.manager
    _save(session, m, world.root, f"First [F{world.f_a1}].")
    _save(session, world.team.other_manager, world.root, f"Second [F{world.f_a1}].", 1)
    with pytest.raises(StaleEdit, match="version 2"):
        _save(session, m, world.root, "Mine, from v1", 1)
    with pytest.raises(StaleEdit):
        _save(session, m, world.root, "Mine, from blank", None)
    assert len(answers_reads.versions(session, question_id=world.root)) == 2


def test_empty_answer_is_refused(session: Session, world: World) -> None:
    with pytest.raises(InvalidInput, match="cannot be empty"):
        _save(session, world.team.manager, world.root, "   ")
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


# --------------------------------------------------------------------------- citations


def test_a_version_says_where_each_finding_it_cites_was_logged(
    session: Session, world: World
) -> None:
    """What the Answers page needs to link a marker to the finding's card: the finding's
    question and tree, read with the citations (in every read of versions)."""
    m = world.team.manager
    f_root = findings.log_finding(
        session, m, question_id=world.root, data=findings.FindingInput(summary="Overall")
    ).id
    body = f"Segments [F{world.f_a1}], pricing [F{world.f_b}] and overall [F{f_root}]."
    saved = _save(session, m, world.root, body)
    places = {f.id: (f.question_id, f.root_id) for f in saved.cited_findings}
    assert places == {
        world.f_a1: (world.a1, world.root),
        world.f_b: (world.b, world.root),
        f_root: (world.root, world.root),
    }
    assert [f.id for f in saved.cited_findings] == list(saved.finding_ids)
    [read] = answers_reads.versions(session, question_id=world.root)
    assert read.cited_findings == saved.cited_findings
    latest = answers_reads.latest_versions(session, question_ids=[world.root])
    assert latest[world.root].cited_findings == saved.cited_findings
    child = _save(session, m, world.a, f"Monthly plans [F{world.f_a1}].")
    assert child.cited_findings[0].root_id == world.root


def test_markers_become_citations(session: Session, world: World) -> None:
    m = world.team.manager
    _save(session, m, world.a, f"Monthly plans [F{world.f_a1}].", state=AnswerState.ANSWERED)
    v = _save(session, m, world.root, f"Because of A [Q{world.a}] and prices [F{world.f_b}].")
    assert v.finding_ids == (world.f_b,)
    assert v.cited_questions == (world.a,)
    [a_answer] = answers_reads.versions(session, question_id=world.a)
    assert v.cited_answer_ids == (a_answer.id,)


def test_finding_outside_the_subtree_is_refused(session: Session, world: World) -> None:
    with pytest.raises(InvalidInput, match="another branch"):
        _save(session, world.team.manager, world.a, f"Claim [F{world.f_b}].")
    with pytest.raises(InvalidInput, match="another branch"):
        _save(session, world.team.manager, world.root, f"Claim [F{world.f_other}].")
    assert session.scalar(select(func.count()).select_from(Citation)) == 0


def test_unknown_and_withdrawn_findings_are_refused(session: Session, world: World) -> None:
    with pytest.raises(InvalidInput, match="names no finding"):
        _save(session, world.team.manager, world.root, "Claim [F999].")
    findings.move_finding(
        session, world.team.ic, finding_id=world.f_b, version=1, status=FindingStatus.WITHDRAWN
    )
    with pytest.raises(InvalidInput, match="withdrawn"):
        _save(session, world.team.manager, world.root, f"Claim [F{world.f_b}].")


def test_only_direct_children_answers_are_cited(session: Session, world: World) -> None:
    m = world.team.manager
    _save(session, m, world.a1, f"Yes [F{world.f_a1}].")
    with pytest.raises(InvalidInput, match="not a direct sub-question"):
        _save(session, m, world.root, f"Deep [Q{world.a1}].")
    with pytest.raises(InvalidInput, match="has no answer yet"):
        _save(session, m, world.root, f"Pricing [Q{world.b}].")


def test_unsupported_paragraphs_are_flagged() -> None:
    body = "# Summary\n\nClaim one [F1].\n\nA bare claim.\n\nAnother [Q2] claim."
    assert answers_rules.unsupported_paragraphs(body) == ["A bare claim."]


# --------------------------------------------------------------------------- permissions


def test_who_may_write(session: Session, world: World) -> None:
    body = f"Draft [F{world.f_a1}]."
    _save(session, world.team.ic, world.a, body)  # assigned to them: a draft is fine
    with pytest.raises(PermissionDenied, match="assigned to them"):
        _save(session, world.team.ic, world.root, body)
    with pytest.raises(PermissionDenied, match="assigned to them"):
        _save(session, world.team.other_ic, world.a, body, 1)
    with pytest.raises(PermissionDenied, match="read-only"):
        _save(session, world.team.viewer, world.root, body)


# --------------------------------------------------------------------------- roll-ups


def test_weakest_confidence_rule() -> None:
    assert weakest([H, M]) == M
    assert weakest([H, None]) == L  # a sub-question with none counts as low
    assert weakest([None, None]) is None
    assert weakest([]) is None


def test_rollup_prefers_own_answer_then_weakest_child() -> None:
    open_, done, dropped = QuestionStatus.OPEN, QuestionStatus.ANSWERED, QuestionStatus.DROPPED
    nodes = [
        Node(1, None, open_),
        Node(2, 1, done),
        Node(3, 1, done),
        Node(4, 1, dropped),
        Node(5, 3, done),
    ]
    rolled = roll_up(nodes, {2: H, 5: M, 4: L})
    assert rolled[3].confidence == M  # no own answer: from child 5
    assert rolled[1].confidence == M  # weakest of 2 (high) and 3 (medium); 4 dropped
    assert (rolled[1].answered_leaves, rolled[1].leaves) == (2, 2)
    assert rolled[4].confidence is None
    assert not rolled[4].in_scope
    assert roll_up(nodes, {1: H, 5: L})[1].confidence == H  # own answer wins


def test_rollup_on_empty_subtrees_and_deep_chains() -> None:
    chain = [Node(1, None, QuestionStatus.OPEN)] + [
        Node(i, i - 1, QuestionStatus.OPEN) for i in range(2, 500)
    ]
    rolled = roll_up(chain, {499: H})
    assert rolled[1].confidence == H
    assert (rolled[1].answered_leaves, rolled[1].leaves) == (0, 1)
    assert roll_up([Node(1, None, QuestionStatus.OPEN)], {})[1].confidence is None


def test_tree_and_overview_show_rolled_up_confidence(session: Session, world: World) -> None:
    m = world.team.manager
    _save(session, m, world.a, f"Monthly [F{world.f_a1}].", confidence=H)
    tree = load_tree(session, node_id=world.root)
    assert tree.nodes[world.a].confidence == H
    assert tree.root.confidence == L  # B has no answer: counts as low
    _save(session, m, world.b, f"Annual only [F{world.f_b}].", confidence=M)
    assert load_tree(session, node_id=world.root).root.confidence == M
    set_status(session, m, question_id=world.b, version=1, status=QuestionStatus.DROPPED)
    assert load_tree(session, node_id=world.root).root.confidence == H


# --------------------------------------------------------------------------- memo and diff


def _pin_times(session: Session) -> None:
    """Fixed timestamps so the memo is byte-for-byte stable."""
    fixed = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    for model in (Answer, Finding):
        for row in session.scalars(select(model)):
            row.created_at = fixed
    session.commit()


def test_memo_golden_file(session: Session, world: World) -> None:
    m = world.team.manager
    _save(
        session,
        m,
        world.a,
        f"Monthly Starter plans churned most [F{world.f_a1}].",
        state=AnswerState.ANSWERED,
        confidence=H,
    )
    _save(
        session,
        m,
        world.root,
        f"**Retention fell because monthly plans churned** [Q{world.a}].\n\n"
        "Pricing is still being checked.",
        confidence=M,
    )
    findings.log_finding(
        session,
        world.team.ic,
        question_id=world.a1,
        data=findings.FindingInput(
            summary="Excluded test accounts", kind=FindingKind.DATA_DECISION
        ),
    )
    decisions.record_decision(
        session,
        m,
        answer_id=answers_reads.versions(session, question_id=world.root)[0].id,
        data=decisions.DecisionInput(
            "Move Starter customers to annual plans first",
            "Dana (VP Sales)",
            date(2026, 11, 2),
            date(2027, 2, 1),
            "monthly churn passes 5%",
        ),
    )
    _pin_times(session)
    text = memo(session, question_id=world.root)
    # To change the memo on purpose: write `text` to GOLDEN, read it, commit it.
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_memo_orders_answer_arguments_evidence_gaps(session: Session, world: World) -> None:
    _save(session, world.team.manager, world.root, f"Answer [F{world.f_b}].")
    text = memo(session, question_id=world.root)
    order = [text.index(h) for h in ("## Answer", "## Supporting", "## Evidence", "## Gaps")]
    assert order == sorted(order)
    assert "<https://nb.example.com/1>" in text  # links are absolute, wiki-ready
    assert "Monthly plans? (open; Ines)" in text  # an open leaf is a gap


def test_compare_versions(session: Session, world: World) -> None:
    m = world.team.manager
    v1 = _save(session, m, world.root, f"Old claim [F{world.f_a1}].")
    v2 = _save(session, m, world.root, f"New claim [F{world.f_b}].", 1, state=AnswerState.ANSWERED)
    diff = compare(v1, v2)
    assert diff.findings_added == (world.f_b,)
    assert diff.findings_removed == (world.f_a1,)
    assert diff.state_changed
    assert f"-Old claim [F{world.f_a1}]." in diff.text
    assert f"+New claim [F{world.f_b}]." in diff.text
