"""The evidence list of the Answers page and the latest answers of sub-questions: one
page of citable findings below a question with their total and a search, and every
child's newest version in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from team.services.answers import reads as answers_reads
from team.services.answers import writes as answers
from team.services.answers.writes import AnswerInput
from team.services.core.paging import Window
from team.services.findings import reads as evidence
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.vocabulary import FindingStatus
from tests.factories import Team, make_team, root


@dataclass
class World:
    team: Team
    root: int
    a: int
    a1: int
    b: int
    other: int


@pytest.fixture
def world(session: Session) -> World:
    team = make_team(session)
    rid = root(session, team)
    a, b = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[
            SubQuestion("Segments?", assignee_id=team.ic),
            SubQuestion("Pricing?", assignee_id=team.ic),
        ],
    )
    [a1] = questions.add_subquestions(
        session, team.manager, parent_id=a.id, items=[SubQuestion("Monthly?", assignee_id=team.ic)]
    )
    other = root(session, team, "Another question")
    questions.assign(session, team.manager, question_id=other, version=1, assignee_id=team.ic)
    return World(team, rid, a.id, a1.id, b.id, other)


def _log(session: Session, w: World, question: int, summary: str, *, share: bool = True) -> int:
    data = findings.FindingInput(summary=summary)
    return findings.log_finding(session, w.team.ic, question_id=question, data=data, share=share).id


def test_findings_below_a_question_come_newest_first_one_page_at_a_time(
    session: Session, world: World
) -> None:
    logged = [_log(session, world, world.a1, f"Monthly finding {i}") for i in range(23)]
    on_b = _log(session, world, world.b, "Price change")
    _log(session, world, world.other, "Unrelated")  # another tree
    _log(session, world, world.a1, "Still a draft", share=False)
    first = evidence.citable_findings(session, node_id=world.root, window=Window(1, 20))
    assert first.total == 24
    assert [f.id for f in first.items] == [on_b, *reversed(logged)][:20]
    second = evidence.citable_findings(session, node_id=world.root, window=Window(2, 20))
    assert [f.id for f in second.items] == list(reversed(logged))[19:]
    assert second.items[-1].question_title == "Monthly?" and second.items[-1].author == "Ines"
    below_a = evidence.citable_findings(session, node_id=world.a, window=Window(1, 50))
    assert {f.id for f in below_a.items} == set(logged)  # not B's, not the other tree's
    past_the_end = evidence.citable_findings(session, node_id=world.a, window=Window(7, 20))
    assert past_the_end.window.page == 2 and len(past_the_end.items) == 3


def test_withdrawn_and_draft_findings_cannot_be_cited(session: Session, world: World) -> None:
    kept = _log(session, world, world.b, "Kept")
    gone = _log(session, world, world.b, "Gone")
    findings.move_finding(
        session, world.team.ic, finding_id=gone, version=1, status=FindingStatus.WITHDRAWN
    )
    _log(session, world, world.b, "Draft", share=False)
    found = evidence.citable_findings(session, node_id=world.root, window=Window())
    assert [f.id for f in found.items] == [kept]


def test_search_keeps_findings_holding_every_word_or_named_by_marker(
    session: Session, world: World
) -> None:
    monthly = _log(session, world, world.a1, "Monthly plans churn 4% more")
    annual = _log(session, world, world.b, "Annual plans flat")
    _log(session, world, world.b, "Pricing email open rates")

    def ids(search: str) -> list[int]:
        return [
            f.id
            for f in evidence.citable_findings(
                session, node_id=world.root, window=Window(), search=search
            ).items
        ]

    assert ids("PLANS") == [annual, monthly]
    assert ids("plans monthly") == [monthly]
    assert ids("4%") == [monthly]
    assert ids("_") == []  # literal text, not a pattern
    assert ids(f"F{annual}") == [annual]
    assert (
        evidence.citable_findings(
            session, node_id=world.root, window=Window(), search="nothing"
        ).total
        == 0
    )


def test_latest_versions_of_many_questions_with_their_citations(
    session: Session, world: World
) -> None:
    m = world.team.manager
    f = _log(session, world, world.a1, "Monthly churn")
    answers.save_answer(
        session, m, question_id=world.a1, based_on=None, data=AnswerInput(body=f"First [F{f}].")
    )
    answers.save_answer(
        session, m, question_id=world.a1, based_on=1, data=AnswerInput(body=f"Second [F{f}].")
    )
    answers.save_answer(
        session,
        m,
        question_id=world.a,
        based_on=None,
        data=AnswerInput(body=f"A rests on [Q{world.a1}]."),
    )
    latest = answers_reads.latest_versions(session, question_ids=[world.a, world.a1, world.b])
    assert set(latest) == {world.a, world.a1}  # B has no answer
    assert (latest[world.a1].number, latest[world.a1].body) == (2, f"Second [F{f}].")
    assert latest[world.a1].finding_ids == (f,)
    assert latest[world.a].cited_questions == (world.a1,)
    assert latest[world.a] == answers_reads.versions(session, question_id=world.a)[-1]
    assert answers_reads.latest_versions(session, question_ids=[]) == {}


def test_findings_on_one_question_come_newest_first_a_page_at_a_time(
    session: Session, world: World
) -> None:
    logged = [_log(session, world, world.b, f"Pricing finding {i}") for i in range(22)]
    draft = _log(session, world, world.b, "Not shared yet", share=False)
    _log(session, world, world.a1, "Below another question")
    first = evidence.findings_on_page(session, question_id=world.b, window=Window(1, 20))
    assert first.total == 23  # drafts too: this is the question's own list
    assert [f.id for f in first.items] == [draft, *reversed(logged)][:20]
    second = evidence.findings_on_page(session, question_id=world.b, window=Window(2, 20))
    assert [f.id for f in second.items] == logged[:3][::-1]
    assert second.items[0].author == "Ines" and second.items[0].question_title == "Pricing?"


def test_findings_below_a_question_for_the_memo(session: Session, world: World) -> None:
    on_a1 = _log(session, world, world.a1, "Monthly churn")
    on_a = _log(session, world, world.a, "Segments")
    _log(session, world, world.b, "Another branch")
    _log(session, world, world.a1, "A draft", share=False)
    shared = (FindingStatus.SHARED,)
    assert [f.id for f in evidence.findings_below(session, node_id=world.a, statuses=shared)] == [
        on_a1,
        on_a,
    ]
    assert [f.id for f in evidence.findings_below(session, node_id=world.a1, statuses=shared)] == [
        on_a1
    ]
    drafts = evidence.findings_below(session, node_id=world.root, statuses=(FindingStatus.DRAFT,))
    assert [f.summary for f in drafts] == ["A draft"]
