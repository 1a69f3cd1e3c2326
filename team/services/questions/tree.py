"""Reading question trees: one tree with per-node coverage and confidence, and the
portfolio of general questions for Overview. Each read is a fixed number of queries,
whatever the size. The roll-up rules are in rollup.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    Confidence,
    Question,
    QuestionPublic,
    QuestionStatus,
)
from team.services.answers.writes import Latest, latest_in_trees
from team.services.core.errors import NotFound
from team.services.questions.rollup import Node, Rollup, roll_up


@dataclass
class TreeNode:
    question: QuestionPublic
    depth: int
    path: list[int]  # ids from the root down to this node, inclusive
    children: list[int] = field(default_factory=list)
    answered_leaves: int = 0
    leaves: int = 0
    confidence: Confidence | None = None  # rolled up (own answer, else weakest child)
    answer: Latest | None = None  # this question's own latest answer

    @property
    def coverage(self) -> float | None:
        return self.answered_leaves / self.leaves if self.leaves else None


@dataclass
class Tree:
    root_id: int
    nodes: dict[int, TreeNode]  # in display order: depth-first, siblings by position

    @property
    def root(self) -> TreeNode:
        return self.nodes[self.root_id]

    def subtree_ids(self, node_id: int) -> list[int]:
        found, stack = [], [node_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.nodes[current].children))
        return found


def load_tree(session: Session, root_id: int) -> Tree:
    """The whole tree of general question ``root_id`` with coverage on every node."""
    rows = session.scalars(
        select(Question)
        .where(col(Question.root_id) == root_id)
        .order_by(col(Question.position), col(Question.id))
    ).all()
    questions = [QuestionPublic.model_validate(r) for r in rows]
    if not any(q.id == root_id for q in questions):
        raise NotFound(f"General question #{root_id} does not exist.")
    children: dict[int | None, list[QuestionPublic]] = {}
    for q in questions:
        children.setdefault(q.parent_id, []).append(q)
    nodes: dict[int, TreeNode] = {}
    by_id = {q.id: q for q in questions}
    _walk(by_id[root_id], children, nodes, depth=0, path=[])
    _apply_rollup(session, nodes, root_id)
    return Tree(root_id=root_id, nodes=nodes)


def _walk(
    question: QuestionPublic,
    children: dict[int | None, list[QuestionPublic]],
    nodes: dict[int, TreeNode],
    depth: int,
    path: list[int],
) -> None:
    stack = [(question, depth, path)]
    while stack:
        q, d, p = stack.pop()
        kids = children.get(q.id, [])
        nodes[q.id] = TreeNode(q, d, [*p, q.id], [k.id for k in kids])
        stack.extend((k, d + 1, [*p, q.id]) for k in reversed(kids))


def _apply_rollup(session: Session, nodes: dict[int, TreeNode], root_id: int) -> None:
    latest = latest_in_trees(session, [root_id])
    rows = [Node(n.question.id, n.question.parent_id, n.question.status) for n in nodes.values()]
    rolled = roll_up(rows, {qid: a.confidence for qid, a in latest.items()})
    for node_id, node in nodes.items():
        r = rolled[node_id]
        node.leaves, node.answered_leaves, node.confidence = (
            r.leaves,
            r.answered_leaves,
            r.confidence,
        )
        node.answer = latest.get(node_id)


# --------------------------------------------------------------------------- overview


def rollups_by_root(
    session: Session, root_ids: list[int]
) -> dict[int, tuple[Rollup, Latest | None]]:
    """{root id: (its roll-up, its own latest answer)} for these trees: one query for the
    nodes, one for the answers."""
    if not root_ids:
        return {}
    rows = session.execute(
        select(col(Question.id), col(Question.parent_id), col(Question.status)).where(
            col(Question.root_id).in_(root_ids)
        )
    ).all()
    latest = latest_in_trees(session, root_ids)
    rolled = roll_up(
        [Node(int(i), p, QuestionStatus(s)) for i, p, s in rows],
        {qid: a.confidence for qid, a in latest.items()},
    )
    return {r: (rolled.get(r, Rollup()), latest.get(r)) for r in root_ids}


def involves(person_id: int) -> ColumnElement[bool]:
    """For a general question (Question in the query): the person owns or is assigned
    some node of its tree. The rule of every "person" filter."""
    member = aliased(Question)
    return exists().where(
        col(member.root_id) == col(Question.id),
        or_(col(member.assignee_id) == person_id, col(member.owner_id) == person_id),
    )


@dataclass(frozen=True)
class RootChoices:
    items: list[tuple[int, str]]  # (id, title) by title; ``current`` always among them
    total: int  # general questions matching the search


def root_choices(
    session: Session, *, search: str = "", current: int | None = None, limit: int = 50
) -> RootChoices:
    """General questions whose title holds every word of ``search`` (any case), with
    their number: ``current`` (whether it matches or not, so a picker keeps showing it)
    and the first ``limit`` others by title. Two queries."""
    is_root = col(Question.parent_id).is_(None)
    words = [col(Question.title).icontains(w, autoescape=True) for w in search.split()]
    matching = and_(is_root, *words)
    total = session.scalar(select(func.count()).select_from(Question).where(matching))
    keep = (
        and_(is_root, or_(and_(*words), col(Question.id) == (current or 0))) if words else is_root
    )
    is_current = case((col(Question.id) == (current or 0), 0), else_=1)
    query = (
        select(col(Question.id), col(Question.title))
        .where(keep)
        .order_by(is_current, col(Question.title), col(Question.id))
        .limit(limit + 1)
    )
    rows = [(int(i), str(t)) for i, t in session.execute(query)]
    has_current = bool(rows) and rows[0][0] == current
    rows = rows[: limit + 1] if has_current else rows[:limit]
    return RootChoices(items=sorted(rows, key=lambda r: (r[1], r[0])), total=int(total or 0))


__all__ = [
    "RootChoices",
    "Tree",
    "TreeNode",
    "load_tree",
    "rollups_by_root",
    "root_choices",
]


def root_of(session: Session, question_id: int) -> int:
    """The general question that ``question_id`` belongs to."""
    question = session.get(Question, question_id)
    if question is None or question.root_id is None:
        raise NotFound(f"Question #{question_id} does not exist.")
    return question.root_id
