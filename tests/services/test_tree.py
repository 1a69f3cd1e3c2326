"""Tree reads and coverage roll-up: one tree, many trees, and the SQL totals."""

from __future__ import annotations

import random

import pytest
from sqlmodel import Session, col, select

from team.models import Question, QuestionStatus
from team.services import portfolio, tree
from tests.factories import Team, make_team

S = QuestionStatus


@pytest.fixture
def team(session: Session) -> Team:
    return make_team(session)


def _node(session: Session, team: Team, parent: Question | None, title: str, status=S.OPEN):  # type: ignore[no-untyped-def]
    q = Question(
        title=title,
        project_id=parent.project_id if parent else team.project,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,
        owner_id=team.manager,
        status=status,
    )
    session.add(q)
    session.flush()
    if parent is None:
        q.root_id = q.id
    session.commit()
    return q


def _by_root(session: Session, root_id: int) -> tuple[int, int]:
    """Coverage as Overview computes it: per tree in Python for the rows on screen, and
    in one recursive query for the headline numbers; the two must agree."""
    rolled, _own = tree.rollups_by_root(session, [root_id])[root_id]
    only = select(col(Question.id)).where(col(Question.id) == root_id)
    assert portfolio.coverage_totals(session, only) == (rolled.leaves, rolled.answered_leaves)
    return rolled.answered_leaves, rolled.leaves


def _coverage(session: Session, root_id: int) -> tuple[int, int]:
    node = tree.load_tree(session, root_id).root
    return node.answered_leaves, node.leaves


def test_single_question_is_its_own_leaf(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root")
    assert _coverage(session, r.id) == (0, 1)
    r.status = S.ANSWERED
    session.commit()
    assert _coverage(session, r.id) == (1, 1)
    assert _by_root(session, r.id) == (1, 1)


def test_dropped_leaves_leave_the_denominator(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root")
    _node(session, team, r, "a", S.ANSWERED)
    _node(session, team, r, "b", S.OPEN)
    _node(session, team, r, "c", S.DROPPED)
    assert _coverage(session, r.id) == (1, 2)
    assert _by_root(session, r.id) == (1, 2)


def test_all_children_dropped_makes_the_parent_a_leaf(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root")
    mid = _node(session, team, r, "mid", S.ANSWERED)
    _node(session, team, mid, "x", S.DROPPED)
    _node(session, team, r, "y", S.OPEN)
    assert _coverage(session, r.id) == (1, 2)
    assert _by_root(session, r.id) == (1, 2)


def test_dropped_branch_hides_its_answered_descendants(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root")
    branch = _node(session, team, r, "branch", S.DROPPED)
    _node(session, team, branch, "answered inside", S.ANSWERED)
    _node(session, team, r, "kept", S.ANSWERED)
    loaded = tree.load_tree(session, r.id)
    assert (loaded.root.answered_leaves, loaded.root.leaves) == (1, 1)
    assert loaded.nodes[branch.id].coverage is None
    assert _by_root(session, r.id) == (1, 1)


def test_dropped_root_has_no_coverage(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root", S.DROPPED)
    _node(session, team, r, "a", S.ANSWERED)
    assert tree.load_tree(session, r.id).root.coverage is None
    assert _by_root(session, r.id) == (0, 0)


def test_deep_chain(session: Session, team: Team) -> None:
    r = _node(session, team, None, "Root")
    parent = r
    for depth in range(300):
        parent = _node(session, team, parent, f"level {depth}")
    parent.status = S.ANSWERED
    session.commit()
    loaded = tree.load_tree(session, r.id)
    assert (loaded.root.answered_leaves, loaded.root.leaves) == (1, 1)
    assert loaded.nodes[parent.id].depth == 300
    assert _by_root(session, r.id) == (1, 1)


def test_overview_rollup_agrees_with_tree_on_random_trees(session: Session, team: Team) -> None:
    rng = random.Random(7)
    roots = []
    for t in range(5):
        r = _node(session, team, None, f"Root {t}")
        roots.append(r.id)
        nodes = [r]
        for i in range(40):
            parent = rng.choice(nodes)
            nodes.append(_node(session, team, parent, f"n{i}", rng.choice(list(S))))
    for rid in roots:
        assert _by_root(session, rid) == _coverage(session, rid)
    every = select(col(Question.id)).where(col(Question.parent_id).is_(None))
    leaves = sum(_coverage(session, rid)[1] for rid in roots)
    answered = sum(_coverage(session, rid)[0] for rid in roots)
    assert portfolio.coverage_totals(session, every) == (leaves, answered)
