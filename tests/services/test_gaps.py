"""The gaps of a general question: leaf sub-questions with no finding, sub-questions with
only low-confidence findings or only caveats, and latest answers with a paragraph that
cites nothing; dropped branches and withdrawn findings left out; bounded lists with
their totals; a fixed number of queries. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from team.bench.statements import counting
from team.models import Answer, Finding, Question
from team.services.core.errors import NotFound
from team.services.questions.gaps import Gaps, gaps
from team.vocabulary import Confidence, FindingKind, FindingStatus, QuestionStatus
from tests.factories import Team, node, pk

C, K, F = Confidence, FindingKind, FindingStatus
DROPPED = QuestionStatus.DROPPED


def _finding(
    session: Session,
    team: Team,
    on: Question,
    confidence: Confidence = C.MEDIUM,
    kind: FindingKind = K.RESULT,
    status: FindingStatus = F.SHARED,
) -> int:
    row = Finding(
        summary="x",
        question_id=pk(on),
        author_id=team.ic,
        confidence=confidence,
        kind=kind,
        status=status,
    )
    session.add(row)
    session.commit()
    return pk(row)


def _answer(session: Session, team: Team, on: Question, number: int, body: str) -> None:
    session.add(Answer(question_id=pk(on), number=number, body=body, author_id=team.manager))
    session.commit()


def _ids(found: Gaps) -> dict[str, list[int]]:
    return {
        "no_finding": [g.question_id for g in found.no_finding.items],
        "only_low": [g.question_id for g in found.only_low.items],
        "only_caveats": [g.question_id for g in found.only_caveats.items],
        "unsupported": [g.question_id for g in found.unsupported.items],
    }


def test_each_kind_of_gap_is_found_exactly(session: Session, team: Team) -> None:
    r = node(session, team, None, "Why did retention drop?")
    q = {name: node(session, team, r, name) for name in "ABCDEFGHIJK"}
    q["C"].status = q["D"].status = DROPPED
    session.commit()
    d1 = node(session, team, q["D"], "D1 (in a dropped branch)")
    i1 = node(session, team, q["I"], "I1")
    node(session, team, q["J"], "J1", DROPPED)  # J's only sub-question is dropped: J is a leaf
    _finding(session, team, q["B"], status=F.WITHDRAWN)  # withdrawn: not evidence
    _finding(session, team, q["E"], C.LOW)
    _finding(session, team, q["E"], C.LOW, status=F.ACCEPTED)
    _finding(session, team, q["F"], C.LOW)
    _finding(session, team, q["F"], C.MEDIUM)  # a medium one: not "only low"
    _finding(session, team, q["G"], kind=K.CAVEAT)
    _finding(session, team, q["H"], kind=K.CAVEAT)
    _finding(session, team, q["H"], kind=K.RESULT)  # a result too: not "only caveats"
    _finding(session, team, q["H"], C.HIGH, K.CAVEAT, status=F.WITHDRAWN)
    fi = _finding(session, team, i1, C.HIGH)
    _finding(session, team, q["K"], C.LOW, K.CAVEAT, status=F.DRAFT)  # a draft is evidence
    _finding(session, team, q["G"], C.LOW, K.RESULT, status=F.WITHDRAWN)
    _answer(session, team, r, 1, f"# Why\n\nMonthly plans churned [Q{pk(q['A'])}].\n\nSeasonal.")
    _answer(session, team, q["E"], 1, "Not yet cited.")
    _answer(session, team, q["E"], 2, f"Cited now [F{fi}].")  # only the latest counts
    _answer(session, team, d1, 1, "Out of scope, cites nothing.")
    _answer(session, team, i1, 1, f"One [F{fi}].\n\nTwo.\n\nThree.")

    found = gaps(session, root_id=pk(r))

    assert _ids(found) == {
        "no_finding": [pk(q["A"]), pk(q["B"]), pk(q["J"])],  # I is broken down; I1 has one
        "only_low": [pk(q["E"]), pk(q["K"])],
        "only_caveats": [pk(q["G"]), pk(q["K"])],
        "unsupported": [pk(r), pk(i1)],  # the general question's own answer first
    }
    assert found.total == 3 + 2 + 2 + 2
    said = {g.question_id: g.detail for g in found.unsupported.items}
    assert said == {
        pk(r): "1 of 2 paragraphs cites nothing",
        pk(i1): "2 of 3 paragraphs cite nothing",
    }
    low = {g.question_id: g.detail for g in found.only_low.items}
    assert low[pk(q["E"])] == "2 findings, all of low confidence"
    assert [g.title for g in found.only_caveats.items] == ["G", "K"]
    assert found.only_caveats.items[0].detail == "1 finding, a caveat"
    assert found.no_finding.items[0].detail == "open"


def test_a_dropped_general_question_has_no_gaps(session: Session, team: Team) -> None:
    r = node(session, team, None, "Dropped", DROPPED)
    node(session, team, r, "No finding")
    _answer(session, team, r, 1, "Cites nothing.")
    assert gaps(session, root_id=pk(r)).total == 0


def test_a_sub_question_is_not_a_general_question(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    sub = node(session, team, r, "Sub")
    with pytest.raises(NotFound):
        gaps(session, root_id=pk(sub))


def test_lists_are_bounded_and_say_their_totals(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    subs = [node(session, team, r, f"Leaf {i:02}") for i in range(12)]
    found = gaps(session, root_id=pk(r), shown=10)
    assert found.no_finding.total == 12
    assert [g.question_id for g in found.no_finding.items] == [pk(s) for s in subs[:10]]


def test_statements_do_not_grow_with_the_tree(session: Session, team: Team) -> None:
    small = node(session, team, None, "Small")
    node(session, team, small, "one")
    big = node(session, team, None, "Big")
    for i in range(8):
        kid = node(session, team, big, f"k{i}")
        for j in range(4):
            leaf = node(session, team, kid, f"g{i}.{j}")
            _finding(session, team, leaf, C.LOW if j % 2 else C.HIGH, K.CAVEAT)
            _answer(session, team, leaf, 1, "Nothing cited.\n\nNor here.")
    with counting(session) as few:
        gaps(session, root_id=pk(small))
    with counting(session) as many:
        found = gaps(session, root_id=pk(big))
    assert len(few) == len(many) == 4
    assert (found.only_low.total, found.only_caveats.total, found.unsupported.total) == (16, 32, 32)
    assert found.no_finding.total == 0
