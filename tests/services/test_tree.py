"""Tree reads and coverage roll-up: one tree, many trees, and the SQL totals."""

from __future__ import annotations

import random

from sqlmodel import Session, col, select

from team.models import Question
from team.services.questions import portfolio, tree
from team.vocabulary import QuestionStatus
from tests.factories import Team, node, pk

S = QuestionStatus


def _by_root(session: Session, root_id: int) -> tuple[int, int]:
    """Coverage as Overview computes it: per tree in Python for the rows on screen, and
    in one recursive query for the headline numbers; the two must agree."""
    rolled, _own = tree.rollups_by_root(session, root_ids=[root_id])[root_id]
    only = select(col(Question.id)).where(col(Question.id) == root_id)
    assert portfolio.coverage_totals(session, only) == (rolled.leaves, rolled.answered_leaves)
    return rolled.answered_leaves, rolled.leaves


def _coverage(session: Session, root_id: int) -> tuple[int, int]:
    node = tree.load_subtree(session, node_id=root_id).root
    return node.answered_leaves, node.leaves


def test_single_question_is_its_own_leaf(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    assert _coverage(session, pk(r)) == (0, 1)
    r.status = S.ANSWERED
    session.commit()
    assert _coverage(session, pk(r)) == (1, 1)
    assert _by_root(session, pk(r)) == (1, 1)


def test_dropped_leaves_leave_the_denominator(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    node(session, team, r, "a", S.ANSWERED)
    node(session, team, r, "b", S.OPEN)
    node(session, team, r, "c", S.DROPPED)
    assert _coverage(session, pk(r)) == (1, 2)
    assert _by_root(session, pk(r)) == (1, 2)


def test_all_children_dropped_makes_the_parent_a_leaf(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    mid = node(session, team, r, "mid", S.ANSWERED)
    node(session, team, mid, "x", S.DROPPED)
    node(session, team, r, "y", S.OPEN)
    assert _coverage(session, pk(r)) == (1, 2)
    assert _by_root(session, pk(r)) == (1, 2)


def test_dropped_branch_hides_its_answered_descendants(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    branch = node(session, team, r, "branch", S.DROPPED)
    node(session, team, branch, "answered inside", S.ANSWERED)
    node(session, team, r, "kept", S.ANSWERED)
    loaded = tree.load_subtree(session, node_id=pk(r))
    assert (loaded.root.answered_leaves, loaded.root.leaves) == (1, 1)
    assert loaded.nodes[pk(branch)].coverage is None
    assert _by_root(session, pk(r)) == (1, 1)


def test_dropped_root_has_no_coverage(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root", S.DROPPED)
    node(session, team, r, "a", S.ANSWERED)
    assert tree.load_subtree(session, node_id=pk(r)).root.coverage is None
    assert _by_root(session, pk(r)) == (0, 0)


def test_deep_chain(session: Session, team: Team) -> None:
    r = node(session, team, None, "Root")
    parent = r
    for depth in range(300):
        parent = node(session, team, parent, f"level {depth}")
    parent.status = S.ANSWERED
    session.commit()
    loaded = tree.load_subtree(session, node_id=pk(r))
    assert (loaded.root.answered_leaves, loaded.root.leaves) == (1, 1)
    assert loaded.nodes[pk(parent)].depth == 300
    assert _by_root(session, pk(r)) == (1, 1)


def test_overview_rollup_agrees_with_tree_on_random_trees(session: Session, team: Team) -> None:
    rng = random.Random(7)
    roots: list[int] = []
    for t in range(5):
        r = node(session, team, None, f"Root {t}")
        roots.append(pk(r))
        nodes = [r]
        for i in range(40):
            parent = rng.choice(nodes)
            nodes.append(node(session, team, parent, f"n{i}", rng.choice(list(S))))
    for rid in roots:
        assert _by_root(session, rid) == _coverage(session, rid)
    every = select(col(Question.id)).where(col(Question.parent_id).is_(None))
    leaves = sum(_coverage(session, rid)[1] for rid in roots)
    answered = sum(_coverage(session, rid)[0] for rid in roots)
    assert portfolio.coverage_totals(session, every) == (leaves, answered)
