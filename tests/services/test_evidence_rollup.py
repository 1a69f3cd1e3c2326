"""The evidence roll-up: at each node, the distinct findings cited by the latest answer
versions at and below it, and how many are reviewed (accepted, a review approved); the
same on the tree, on Overview and in the memo, in a fixed number of queries. On SQLite
and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from team.bench.statements import counting
from team.models import Answer, Citation, Finding, Question, ReviewRequest
from team.services.answers.memo import memo
from team.services.core.paging import Window
from team.services.questions import portfolio, tree
from team.services.questions.evidence import evidence_by_node
from team.services.questions.rollup import Evidence
from team.services.questions.view import tree_view
from team.vocabulary import FindingStatus, QuestionStatus, ReviewStatus
from tests.factories import Team, node, pk

F = FindingStatus
PR = "https://github.com/acme/churn/pull/418"


def _finding(
    session: Session, team: Team, on: Question, status: FindingStatus, *, approved: bool = False
) -> int:
    row = Finding(summary=f"on {on.title}", question_id=pk(on), author_id=team.ic, status=status)
    session.add(row)
    session.flush()
    if approved:
        session.add(
            ReviewRequest(
                question_id=pk(on),
                finding_id=pk(row),
                requester_id=team.ic,
                reviewer_id=team.manager,
                artifact_url=PR,
                status=ReviewStatus.APPROVED,
            )
        )
    session.commit()
    return pk(row)


def _answer(
    session: Session, team: Team, on: Question, number: int, cites: list[int], answers: int = 0
) -> int:
    row = Answer(question_id=pk(on), number=number, body="A claim.", author_id=team.manager)
    session.add(row)
    session.flush()
    session.add_all(Citation(answer_id=pk(row), finding_id=f) for f in cites)
    if answers:
        session.add(Citation(answer_id=pk(row), cited_answer_id=answers))
    session.commit()
    return pk(row)


def _tree(session: Session, team: Team) -> dict[str, Question]:
    """Root R: A; B with B1 below; C dropped, with C1 below. Findings cited:
    A (latest version): reviewed, accepted (an older version also cited a sent-back one);
    B1: shared (its review approved, but never accepted), withdrawn (it had been
    reviewed); B: the reviewed one of A again, and B1's answer; C1: a reviewed one (out of
    scope); R: the reviewed one of A."""
    r = node(session, team, None, "R")
    q = {"R": r, "A": node(session, team, r, "A"), "B": node(session, team, r, "B")}
    q["B1"] = node(session, team, q["B"], "B1")
    q["C"] = node(session, team, r, "C", QuestionStatus.DROPPED)
    q["C1"] = node(session, team, q["C"], "C1", QuestionStatus.ANSWERED)
    reviewed = _finding(session, team, q["A"], F.ACCEPTED, approved=True)
    accepted = _finding(session, team, q["A"], F.ACCEPTED)
    sent_back = _finding(session, team, q["A"], F.NEEDS_WORK)
    shared = _finding(session, team, q["B1"], F.SHARED, approved=True)
    withdrawn = _finding(session, team, q["B1"], F.WITHDRAWN, approved=True)
    hidden = _finding(session, team, q["C1"], F.ACCEPTED, approved=True)
    _answer(session, team, q["A"], 1, [reviewed, accepted, sent_back])
    _answer(session, team, q["A"], 2, [reviewed, accepted])
    b1 = _answer(session, team, q["B1"], 1, [shared, withdrawn])
    _answer(session, team, q["B"], 1, [reviewed], answers=b1)
    _answer(session, team, q["C1"], 1, [hidden])
    _answer(session, team, r, 1, [reviewed])
    return q


def test_each_node_counts_the_distinct_findings_cited_at_and_below_it(
    session: Session, team: Team
) -> None:
    q = _tree(session, team)
    loaded = tree.load_subtree(session, node_id=pk(q["R"]))
    got = {name: loaded.nodes[pk(row)].evidence for name, row in q.items()}
    assert got == {
        "A": Evidence(cited=2, reviewed=1, weak=0),  # the older version's citation is gone
        "B1": Evidence(cited=2, reviewed=0, weak=1),  # approved but shared; withdrawn
        "B": Evidence(cited=3, reviewed=1, weak=1),
        "R": Evidence(cited=4, reviewed=1, weak=1),  # A's reviewed one counts once
        "C": None,  # dropped: out of scope
        "C1": None,
    }
    assert got["R"] is not None
    assert got["R"].text == "1 of 4 cited findings reviewed, 1 sent back or withdrawn"
    # A question with nothing cited below it has evidence, of nothing yet.
    lone = node(session, team, q["A"], "A1")
    assert tree.load_subtree(session, node_id=pk(lone)).root.evidence == Evidence()
    assert Evidence().text == "no finding cited yet"
    assert Evidence(cited=1, reviewed=1).text == "1 of 1 cited finding reviewed"


def test_overview_and_the_memo_say_the_same_of_the_general_question(
    session: Session, team: Team
) -> None:
    q = _tree(session, team)
    other = node(session, team, None, "Another tree, nothing cited")
    rolled = tree.rollups_by_root(session, root_ids=[pk(q["R"]), pk(other)])
    assert rolled[pk(q["R"])][0].evidence == Evidence(cited=4, reviewed=1, weak=1)
    assert rolled[pk(other)][0].evidence == Evidence()
    rows = portfolio.page(session, f=portfolio.PortfolioFilter(), window=Window())
    by_id = {row.id: row.evidence for row in rows.items}
    assert by_id == {pk(q["R"]): Evidence(4, 1, 1), pk(other): Evidence()}
    assert "Evidence: 1 of 4 cited findings reviewed, 1 sent back or withdrawn." in memo(
        session, question_id=pk(q["R"])
    )
    assert "Evidence: no finding cited yet." in memo(session, question_id=pk(other))


def test_a_dropped_general_question_has_no_evidence(session: Session, team: Team) -> None:
    r = node(session, team, None, "Dropped", QuestionStatus.DROPPED)
    f = _finding(session, team, r, F.ACCEPTED, approved=True)
    _answer(session, team, r, 1, [f])
    assert tree.load_subtree(session, node_id=pk(r)).root.evidence is None
    assert evidence_by_node(session, root_ids=[pk(r)]) == {}


def test_rows_that_loop_end_the_climb(session: Session, team: Team) -> None:
    """A corrupt import can make two questions each other's parent: the query ends."""
    r = node(session, team, None, "R")
    a = node(session, team, r, "a")
    b = node(session, team, a, "b")
    a.parent_id = pk(b)
    session.commit()
    f = _finding(session, team, b, F.ACCEPTED)
    _answer(session, team, b, 1, [f])
    found = evidence_by_node(session, root_ids=[pk(r)])
    assert found == {pk(a): Evidence(1, 0, 0), pk(b): Evidence(1, 0, 0)}


def test_the_reads_cost_the_same_whatever_the_trees(session: Session, team: Team) -> None:
    small = node(session, team, None, "Small")
    node(session, team, small, "one")
    q = _tree(session, team)
    for i in range(6):
        kid = node(session, team, q["B1"], f"deeper {i}")
        _answer(session, team, kid, 1, [_finding(session, team, kid, F.ACCEPTED, approved=True)])
    with counting(session) as few:
        tree_view(session, root_id=pk(small), node_id=None, window=Window())
    with counting(session) as many:
        view = tree_view(session, root_id=pk(q["R"]), node_id=None, window=Window())
    assert len(few) == len(many)
    assert view.node.evidence == Evidence(cited=10, reviewed=7, weak=1)
    with counting(session) as one_tree:
        portfolio.page(session, f=portfolio.PortfolioFilter(search="Small"), window=Window())
    with counting(session) as every_tree:
        portfolio.page(session, f=portfolio.PortfolioFilter(), window=Window())
    assert len(one_tree) == len(every_tree)
