"""Citation health: when evidence an answer version cites changes, exactly the citing
versions are flagged, with what changed; flags clear with a new version or when the owner
marks them reviewed; the tree, Overview, the inbox and the agenda show them, in a fixed
number of queries. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import CitationFlag, Event, Finding
from team.services.answers import health, health_reads
from team.services.answers import writes as answers
from team.services.answers.writes import AnswerInput
from team.services.core.errors import PermissionDenied, StaleEdit
from team.services.core.paging import Window
from team.services.findings import writes as findings
from team.services.inbox import attention
from team.services.one_on_ones import agenda
from team.services.questions import writes as questions
from team.services.questions.portfolio import PortfolioFilter, page
from team.services.questions.view import tree_view
from team.services.questions.writes import SubQuestion
from team.vocabulary import AnswerState, Confidence, EvidenceChange, FindingStatus
from tests.factories import Team, make_team, root

E = EvidenceChange
H, M, L = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
ANSWERED, HYPOTHESIS = AnswerState.ANSWERED, AnswerState.WORKING_HYPOTHESIS


@dataclass
class World:
    team: Team
    root: int
    a: int  # assigned to the IC; findings f1 (cited) and f3 (cited by nobody)
    b: int  # assigned to the other IC; finding f2
    f1: int
    f2: int
    f3: int
    a1: int  # A's answer v1: cites f1 (high confidence, answered)
    b1: int  # B's answer v1: cites f2 only
    r1: int  # the root's answer v1: cites f1 and A's answer v1


def _finding(session: Session, author: int, question: int, summary: str) -> int:
    data = findings.FindingInput(summary=summary, confidence=H)
    return findings.log_finding(session, author, question_id=question, data=data).id


def _answer(
    session: Session,
    actor: int,
    question: int,
    body: str,
    based_on: int | None = None,
    state: AnswerState = ANSWERED,
    confidence: Confidence = H,
) -> int:
    data = AnswerInput(body=body, state=state, confidence=confidence)
    return answers.save_answer(
        session, actor, question_id=question, based_on=based_on, data=data
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
            SubQuestion("Did pricing matter?", assignee_id=team.other_ic),
        ],
    )
    f1 = _finding(session, team.ic, a.id, "Monthly plans churn most")
    f3 = _finding(session, team.ic, a.id, "Nobody cites this")
    f2 = _finding(session, team.other_ic, b.id, "Price rises did not move churn")
    a1 = _answer(session, team.ic, a.id, f"Monthly plans churn most [F{f1}].")
    b1 = _answer(session, team.other_ic, b.id, f"Pricing did not matter [F{f2}].")
    r1 = _answer(session, team.manager, rid, f"Monthly plans [F{f1}] and segments [Q{a.id}].")
    return World(team, rid, a.id, b.id, f1, f2, f3, a1, b1, r1)


def _flags(session: Session) -> list[tuple[int, EvidenceChange, str]]:
    rows = session.scalars(select(CitationFlag).order_by(col(CitationFlag.id))).all()
    return [(f.answer_id, EvidenceChange(f.change), f.detail) for f in rows]


def _edit(session: Session, w: World, finding_id: int, **changes: Any) -> None:
    row = session.get(Finding, finding_id)
    assert row is not None
    data = {
        "summary": row.summary,
        "body": row.body,
        "links": tuple(row.links),
        "kind": row.kind,
        "confidence": row.confidence,
    } | changes
    findings.edit_finding(
        session,
        row.author_id,
        finding_id=finding_id,
        version=row.version,
        data=findings.FindingInput(**data),
    )


def _move(session: Session, actor: int, finding_id: int, status: FindingStatus) -> None:
    row = session.get(Finding, finding_id)
    assert row is not None
    reason = "The cohort excludes annual plans" if status == FindingStatus.NEEDS_WORK else ""
    findings.move_finding(
        session, actor, finding_id=finding_id, version=row.version, status=status, reason=reason
    )


# --------------------------------------------------------------------------- findings


def test_an_edited_finding_flags_exactly_the_versions_citing_it(
    session: Session, world: World
) -> None:
    _edit(session, world, world.f1, summary="Monthly plans churn a little", confidence=L)
    flags = _flags(session)
    assert sorted(a for a, _, _ in flags) == sorted([world.a1, world.r1])  # not b1
    assert {c for _, c, _ in flags} == {E.EDITED}
    detail = flags[0][2]
    assert "summary: “Monthly plans churn most” → “Monthly plans churn a little”" in detail
    assert "confidence high → low" in detail and "edited by Ines" in detail
    flag = session.scalars(select(CitationFlag)).first()
    assert flag is not None and flag.finding_id == world.f1 and flag.cleared_at is None


def test_an_edit_that_changes_nothing_or_an_uncited_finding_flags_nothing(
    session: Session, world: World
) -> None:
    _edit(session, world, world.f1)  # the same content
    _edit(session, world, world.f3, summary="Still cited by nobody", confidence=L)
    assert _flags(session) == []


@pytest.mark.parametrize(
    ("status", "change", "words"),
    [
        (FindingStatus.NEEDS_WORK, E.SENT_BACK, "sent back by Maya: “The cohort excludes"),
        (FindingStatus.WITHDRAWN, E.WITHDRAWN, "withdrawn by Maya"),
    ],
)
def test_a_finding_sent_back_or_withdrawn_flags_its_citers(
    session: Session, world: World, status: FindingStatus, change: EvidenceChange, words: str
) -> None:
    _move(session, world.team.manager, world.f2, FindingStatus.ACCEPTED)  # flags nothing
    _move(session, world.team.manager, world.f1, status)
    flags = _flags(session)
    assert sorted(a for a, _, _ in flags) == sorted([world.a1, world.r1])
    assert all(c == change and d.startswith(words) for _, c, d in flags)


# --------------------------------------------------------------------------- child answers


@pytest.mark.parametrize(
    ("state", "confidence", "expected"),
    [
        (ANSWERED, M, [E.CONFIDENCE_LOWER]),
        (HYPOTHESIS, H, [E.STATE_CHANGED]),
        (HYPOTHESIS, L, [E.CONFIDENCE_LOWER, E.STATE_CHANGED]),
        (ANSWERED, H, []),  # the same: only the words changed
    ],
)
def test_a_child_answers_new_version_flags_the_parent_when_less_sure_or_changed(
    session: Session,
    world: World,
    state: AnswerState,
    confidence: Confidence,
    expected: list[EvidenceChange],
) -> None:
    _answer(session, world.team.ic, world.a, "Revised.", 1, state, confidence)
    flags = _flags(session)
    assert {a for a, _, _ in flags} <= {world.r1}
    assert sorted(c for _, c, _ in flags) == expected
    for _, change, detail in flags:
        if change == E.CONFIDENCE_LOWER:
            assert detail == "confidence high → " + confidence.label + " (version 1 → 2 by Ines)"
        else:
            assert detail.startswith("state answered → " + state.label)


def test_a_surer_child_answer_flags_nothing(session: Session, world: World) -> None:
    b2 = _answer(session, world.team.other_ic, world.b, "Less sure.", 1, confidence=L)
    assert _flags(session) == []  # nobody cites B's answer
    _answer(session, world.team.ic, world.a, "Hmm.", 1, confidence=L)
    _answer(session, world.team.ic, world.a, "Sure again.", 2, confidence=H)
    assert [c for _, c, _ in _flags(session)] == [E.CONFIDENCE_LOWER]  # only v2 flagged
    assert b2 not in {a for a, _, _ in _flags(session)}


# --------------------------------------------------------------------------- clearing


def test_a_new_version_leaves_the_flags_behind(session: Session, world: World) -> None:
    _edit(session, world, world.f1, confidence=L)
    assert _flagged_nodes(session, world) == {world.a, world.root}
    _answer(session, world.team.manager, world.root, f"Rewritten [F{world.f1}].", 1)
    assert _flagged_nodes(session, world) == {world.a}
    by_version = health_reads.flags_of_question(session, question_id=world.root)
    assert [f.change for f in by_version[world.r1]] == [E.EDITED]  # history keeps them


def test_mark_reviewed_clears_what_was_seen_and_a_later_change_flags_again(
    session: Session, world: World
) -> None:
    _edit(session, world, world.f1, confidence=L)
    seen = health_reads.open_flags(session, answer_id=world.r1)
    _move(session, world.team.manager, world.f1, FindingStatus.NEEDS_WORK)  # after the page
    marked = health.mark_evidence_reviewed(
        session, world.team.manager, answer_id=world.r1, flag_ids=[f.id for f in seen]
    )
    assert marked == 1
    still = health_reads.open_flags(session, answer_id=world.r1)
    assert [f.change for f in still] == [E.SENT_BACK]  # the one not seen stays open
    assert world.root in _flagged_nodes(session, world)
    health.mark_evidence_reviewed(
        session, world.team.manager, answer_id=world.r1, flag_ids=[f.id for f in still]
    )
    assert world.root not in _flagged_nodes(session, world)
    reviewed = health_reads.flags_of_question(session, question_id=world.root)[world.r1]
    assert {f.cleared_by for f in reviewed} == {"Maya"}
    event = session.scalars(
        select(Event).where(col(Event.action) == "evidence_reviewed").order_by(col(Event.id))
    ).first()
    assert event is not None and event.entity == "answer" and event.entity_id == world.r1
    _edit(session, world, world.f1, summary="Edited once more")
    assert world.root in _flagged_nodes(session, world)


def test_marking_an_older_version_is_refused(session: Session, world: World) -> None:
    _edit(session, world, world.f1, confidence=L)
    [seen] = health_reads.open_flags(session, answer_id=world.r1)
    _answer(session, world.team.manager, world.root, "Newer.", 1)
    with pytest.raises(StaleEdit):
        health.mark_evidence_reviewed(
            session, world.team.manager, answer_id=world.r1, flag_ids=[seen.id]
        )


def test_only_who_may_write_the_answer_marks_it_reviewed(session: Session, world: World) -> None:
    _edit(session, world, world.f1, confidence=L)
    [on_a] = health_reads.open_flags(session, answer_id=world.a1)
    for who in (world.team.viewer, world.team.other_ic, world.team.inactive_ic):
        with pytest.raises(PermissionDenied):
            health.mark_evidence_reviewed(session, who, answer_id=world.a1, flag_ids=[on_a.id])
    assert health.mark_evidence_reviewed(
        session, world.team.ic, answer_id=world.a1, flag_ids=[on_a.id]
    )


# --------------------------------------------------------------------------- where it shows


def _flagged_nodes(session: Session, w: World) -> set[int]:
    view = tree_view(session, root_id=w.root, node_id=None, window=Window())
    return {i for i, node in view.nodes.items() if node.flagged}


def test_the_flag_reads_show_what_changed_with_where_to_compare(
    session: Session, world: World
) -> None:
    _edit(session, world, world.f1, summary="Monthly plans churn a little")
    _answer(session, world.team.ic, world.a, "Less sure now.", 1, confidence=L)
    flags = health_reads.open_flags(session, answer_id=world.r1)
    by_change = {f.change: f for f in flags}
    edited, lower = by_change[E.EDITED], by_change[E.CONFIDENCE_LOWER]
    assert (edited.finding_id, edited.finding_summary) == (world.f1, "Monthly plans churn a little")
    assert (edited.finding_question_id, edited.finding_root_id) == (world.a, world.root)
    assert (lower.child_question_id, lower.cited_number, lower.new_number) == (world.a, 1, 2)
    assert lower.child_title == "Which segments churned?"


def test_the_owner_and_the_assignee_find_it_in_their_inbox(session: Session, world: World) -> None:
    t = world.team
    _edit(session, world, world.f1, confidence=L)
    counts = {p: attention.attention_counts(session, person_id=p) for p in (t.manager, t.ic)}
    assert counts[t.manager]["flagged_answers"] == 2  # owns the root and A
    assert counts[t.ic]["flagged_answers"] == 1  # assigned A
    assert attention.attention_counts(session, person_id=t.other_ic)["flagged_answers"] == 0
    items = attention.attention_page(session, person_id=t.ic).flagged_answers.items
    assert [(i.question_id, i.number, i.changes) for i in items] == [(world.a, 1, 1)]
    assert "confidence high → low" in items[0].detail


def test_overview_counts_flagged_answers_per_general_question(
    session: Session, world: World
) -> None:
    everything = PortfolioFilter()
    before = {r.id: r.flagged_answers for r in page(session, f=everything, window=Window()).items}
    assert before[world.root] == 0
    _edit(session, world, world.f1, confidence=L)
    after = {r.id: r.flagged_answers for r in page(session, f=everything, window=Window()).items}
    assert after[world.root] == 2


def test_reads_make_as_many_queries_with_more_flags(session: Session, world: World) -> None:
    t = world.team

    def measure() -> list[int]:
        session.expire_all()
        sizes = []
        for read in (
            lambda: tree_view(session, root_id=world.root, node_id=None, window=Window()),
            lambda: page(session, f=PortfolioFilter(), window=Window()),
            lambda: attention.attention_page(session, person_id=t.manager),
            lambda: health_reads.flags_of_question(session, question_id=world.root),
        ):
            with counting(session) as statements:
                read()
            sizes.append(len(statements))
        return sizes

    none = measure()
    for i in range(3):
        _edit(session, world, world.f1, summary=f"Edit {i}")
        _answer(session, t.other_ic, world.b, f"B {i} [F{world.f2}]", 1 + i, confidence=L)
    _move(session, t.manager, world.f2, FindingStatus.NEEDS_WORK)
    assert measure() == none


def test_the_agenda_lists_the_reports_flagged_answers_bounded(
    session: Session, world: World
) -> None:
    t = world.team

    def flagged(report: int, limit: int = 5) -> tuple[list[int], int]:
        built = agenda.build(
            session,
            t.manager,
            manager_id=t.manager,
            report_id=report,
            stale_after_days=14,
            limit=limit,
        )
        [section] = [s for s in built.sections() if s.key == "flagged_answers"]
        return [a.question_id for a in built.flagged_answers], section.count

    _edit(session, world, world.f1, confidence=L)  # Ines's finding: A is hers, the root cites it
    # one change at one moment: the questions in order
    assert flagged(t.ic) == ([world.root, world.a], 2)
    assert flagged(t.ic, limit=1)[1] == 2 and len(flagged(t.ic, limit=1)[0]) == 1
    assert flagged(t.other_ic) == ([], 0)  # Ravi's answer cites another finding
    _edit(session, world, world.f2, summary="Price rises moved churn a little")
    assert flagged(t.other_ic) == ([world.b], 1)
    text = agenda.to_markdown(
        agenda.build(
            session, t.manager, manager_id=t.manager, report_id=t.other_ic, stale_after_days=14
        ),
        None,
    )
    assert "## Answers whose evidence changed (1)" in text
    assert "Did pricing matter? (version 1: 1 change; newest: summary" in text
