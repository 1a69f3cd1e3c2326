"""What the Questions and Answers pages read of a tree: one page of the rows below a
node to a bounded depth, a bounded diagram, pickers that find any question by the words
of its title, and a fixed number of queries whatever the size of the tree."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from team.bench.statements import counting
from team.models import Question
from team.services.core.errors import NotFound
from team.services.core.paging import Window
from team.services.questions import pickers as questions_pickers
from team.services.questions import tree
from team.services.questions import view as tree_view
from team.services.questions.view import DIAGRAM_CHILDREN, DIAGRAM_NODES
from team.vocabulary import QuestionStatus
from tests.factories import Team, node, pk

S = QuestionStatus


def _children(session: Session, team: Team, parent: Question, n: int, name: str) -> list[Question]:
    return [node(session, team, parent, f"{name} {i}") for i in range(n)]


def _titles(items: list[tree.TreeNode]) -> list[str]:
    return [n.question.title for n in items]


def test_rows_go_two_levels_down_depth_first_with_what_lies_deeper(
    session: Session, team: Team
) -> None:
    r = node(session, team, None, "Root")
    a = node(session, team, r, "a")
    a1 = node(session, team, a, "a1")
    node(session, team, a1, "a1x")
    node(session, team, a1, "a1y", S.ANSWERED)
    node(session, team, r, "b", S.ANSWERED)
    view = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window(1, 50))
    assert view.node.question.id == r.id
    assert _titles(view.rows.items) == ["a", "a1", "b"]
    assert [n.depth for n in view.rows.items] == [1, 2, 1]
    assert view.hidden == {a1.id: 2}  # a1's two sub-questions are below the list
    assert view.size == 5
    # Coverage is rolled up over the whole tree, not only what is shown.
    assert (view.node.answered_leaves, view.node.leaves) == (2, 3)
    assert (view.nodes[pk(a1)].answered_leaves, view.nodes[pk(a1)].leaves) == (1, 2)


def test_rows_go_one_level_down_when_two_would_not_fit(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    kids = _children(session, team, r, 3, "child")
    for kid in kids:
        _children(session, team, kid, 7, f"under {kid.title}")
    view = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window(1, 50), fit=20)
    assert (view.depth, _titles(view.rows.items)) == (1, ["child 0", "child 1", "child 2"])
    assert view.hidden == {k.id: 7 for k in kids}
    both = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window(1, 50), fit=24)
    assert (both.depth, both.rows.total) == (2, 24)


def test_rows_come_one_page_at_a_time_and_a_page_past_the_end_reads_the_last(
    session: Session, team: Team
) -> None:
    r = node(session, team, None, "Root")
    kids = _children(session, team, r, 7, "child")
    first = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window(1, 3))
    assert _titles(first.rows.items) == ["child 0", "child 1", "child 2"]
    assert (first.rows.total, first.rows.pages) == (7, 3)
    last = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window(9, 3))
    assert last.rows.window.page == 3
    assert [n.question.id for n in last.rows.items] == [kids[6].id]


def test_a_node_view_has_its_path_and_siblings(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    a, b = node(session, team, r, "a"), node(session, team, r, "b")
    b1 = node(session, team, b, "b1")
    view = tree_view.tree_view(session, root_id=pk(r), node_id=b1.id, window=Window(1, 50))
    assert _titles(view.path) == ["Root", "b", "b1"]
    assert view.node.depth == 2 and view.rows.items == []
    assert view.siblings == [b1.id]
    assert view.parent is not None and view.parent.question.id == b.id
    b_view = tree_view.tree_view(session, root_id=pk(r), node_id=b.id, window=Window(1, 50))
    assert b_view.siblings == [a.id, b.id]


def test_a_node_of_another_tree_shows_the_root_and_a_missing_root_is_refused(
    session: Session, team: Team
) -> None:
    r = node(session, team, None, "Root")
    other = node(session, team, None, "Other")
    stranger = node(session, team, other, "elsewhere")
    assert (
        tree_view.tree_view(
            session, root_id=pk(r), node_id=stranger.id, window=Window()
        ).node.question.id
        == r.id
    )
    with pytest.raises(NotFound):
        tree_view.tree_view(session, root_id=9999, node_id=None, window=Window())
    with pytest.raises(NotFound):  # a sub-question is not a general question
        tree_view.tree_view(session, root_id=pk(stranger), node_id=None, window=Window())


def test_diagram_is_bounded_with_more_and_below_boxes(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    wide = _children(session, team, r, DIAGRAM_CHILDREN + 3, "wide")
    grand = _children(session, team, wide[0], 2, "grand")
    node(session, team, grand[0], "deep")
    diagram = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window()).diagram
    drawn = {i for i, _ in diagram.edges}
    assert r.id in drawn and wide[0].id in drawn and grand[0].id in drawn
    assert wide[-1].id not in drawn
    assert diagram.more == {r.id: 3}
    assert diagram.below == {grand[0].id: 1}
    assert len(diagram.edges) <= DIAGRAM_NODES


def test_diagram_never_draws_more_than_its_limit(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    for kid in _children(session, team, r, DIAGRAM_CHILDREN, "k"):
        _children(session, team, kid, DIAGRAM_CHILDREN, "g")
    diagram = tree_view.tree_view(session, root_id=pk(r), node_id=None, window=Window()).diagram
    assert len(diagram.edges) == DIAGRAM_NODES
    left_out = sum(diagram.more.values())
    assert len(diagram.edges) - 1 + left_out == DIAGRAM_CHILDREN * (DIAGRAM_CHILDREN + 1)


def test_the_view_reads_the_same_number_of_queries_for_a_big_tree(
    session: Session, team: Team
) -> None:
    small = node(session, team, None, "Small")
    node(session, team, small, "one")
    big = node(session, team, None, "Big")
    for kid in _children(session, team, big, 6, "k"):
        for grand in _children(session, team, kid, 5, "g"):
            _children(session, team, grand, 3, "d")
    with counting(session) as small_queries:
        tree_view.tree_view(session, root_id=pk(small), node_id=None, window=Window())
    with counting(session) as big_queries:
        view = tree_view.tree_view(
            session, root_id=pk(big), node_id=None, window=Window(1, 20), fit=None
        )
    # The shape, the answers, the evidence, the nodes shown.
    assert len(small_queries) == len(big_queries) == 4
    assert len(view.rows.items) == 20 and view.size == 6 + 30 + 90


def test_choices_find_any_question_by_words_outside_the_branch_being_moved(
    session: Session, team: Team
) -> None:
    r = node(session, team, None, "Root")
    a = node(session, team, r, "Pricing emails")
    a1 = node(session, team, a, "Pricing of annual plans")
    b = node(session, team, r, "Churn by plan")
    b1 = node(session, team, b, "Deep")
    b2 = node(session, team, b1, "Annual PRICING 50%_off")
    found = questions_pickers.tree_choices(session, root_id=pk(r), search="pricing")
    assert [c.id for c in found.items] == [a.id, a1.id, b2.id]  # tree order
    assert [c.depth for c in found.items] == [1, 2, 3]
    moving = questions_pickers.tree_choices(
        session, root_id=pk(r), search="pricing", outside_of=a.id, exclude=frozenset({pk(r)})
    )
    assert [c.id for c in moving.items] == [b2.id]
    assert (
        questions_pickers.tree_choices(session, root_id=pk(r), search="50%_").total == 1
    )  # literal text
    assert questions_pickers.tree_choices(session, root_id=pk(r), search="100%").total == 0
    top = questions_pickers.tree_choices(session, root_id=pk(r), depth=1)
    assert [c.id for c in top.items] == [r.id, a.id, b.id]


def test_choices_are_cut_at_the_limit_with_their_total(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    _children(session, team, r, 12, "Segment")
    found = questions_pickers.tree_choices(session, root_id=pk(r), search="segment", limit=5)
    assert (len(found.items), found.total) == (5, 12)
    assert found.items[0].title == "Segment 0"


def test_root_choices_search_and_keep_the_current_one(session: Session, team: Team) -> None:
    roots = [node(session, team, None, f"Question {i:02}") for i in range(12)]
    odd = node(session, team, None, "Why did churn rise?")
    node(session, team, odd, "Question inside a tree")  # not a general question
    first = questions_pickers.root_choices(session, limit=5)
    assert [t for _, t in first.items] == [f"Question {i:02}" for i in range(5)]
    assert first.total == 13
    kept = questions_pickers.root_choices(session, current=odd.id, limit=5)
    assert odd.id in {i for i, _ in kept.items} and len(kept.items) == 6
    found = questions_pickers.root_choices(
        session, search="CHURN rise", current=roots[3].id, limit=5
    )
    assert found.total == 1
    assert {i for i, _ in found.items} == {odd.id, roots[3].id}
    assert questions_pickers.root_choices(session, search="nothing like it").items == []


def test_a_subtree_keeps_the_roll_up_of_its_whole_tree(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    dropped = node(session, team, r, "dropped", S.DROPPED)
    inside = node(session, team, dropped, "inside", S.ANSWERED)
    kept = node(session, team, r, "kept")
    k1 = node(session, team, kept, "k1", S.ANSWERED)
    k2 = node(session, team, kept, "k2")
    sub = tree.load_subtree(session, node_id=pk(kept))
    assert list(sub.nodes) == [kept.id, k1.id, k2.id]
    assert (sub.root.answered_leaves, sub.root.leaves) == (1, 2)
    # Below a dropped question nothing is in scope, though the subtree starts there.
    assert tree.load_subtree(session, node_id=pk(inside)).root.coverage is None
    with pytest.raises(NotFound):
        tree.load_subtree(session, node_id=9999)
