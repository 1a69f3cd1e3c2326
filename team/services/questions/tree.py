"""Reading question trees, whatever their size: the shape of a tree (every node without
its text), the nodes shown read in full with their coverage and confidence (rolled up
over the whole tree, rollup.py), a whole branch for the memo, and the roll-ups of many
trees for Overview. Each read is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Question
from team.services.answers.health import latest_flagged
from team.services.answers.reads import Latest, latest_in_trees
from team.services.core.errors import NotFound
from team.services.questions.evidence import evidence_by_node
from team.services.questions.rollup import Evidence, Node, Rollup, roll_up
from team.services.questions.store import QuestionView, view
from team.vocabulary import Confidence, QuestionStatus


@dataclass
class TreeNode:
    question: QuestionView
    depth: int
    children: list[int] = field(default_factory=list)
    answered_leaves: int = 0
    leaves: int = 0
    confidence: Confidence | None = None  # rolled up (own answer, else weakest child)
    evidence: Evidence | None = None  # cited findings at and below it, reviewed or not
    flagged: bool = False  # its latest answer's evidence changed since (answers/health.py)

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


@dataclass
class Shape:
    """Every node of one tree, without its text: enough to order, count and roll up."""

    root_id: int
    parent: dict[int, int | None] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    status: dict[int, QuestionStatus] = field(default_factory=dict)

    def walk(self, node_id: int, depth: int | None = None) -> Iterator[tuple[int, int]]:
        """(id, levels below ``node_id``) depth-first, siblings by position, without the
        node itself, down to ``depth`` levels (all when None). Each node once: rows that
        loop (a corrupt import) cannot make the walk endless."""
        seen = {node_id}
        stack = [(c, 1) for c in reversed(self.children.get(node_id, []))]
        while stack:
            current, level = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            yield current, level
            if depth is None or level < depth:
                kids = self.children.get(current, [])
                stack.extend((c, level + 1) for c in reversed(kids))

    def path(self, node_id: int) -> list[int]:
        """Ids from the root down to ``node_id``, inclusive."""
        found: list[int] = []
        current: int | None = node_id
        while current is not None and current not in found:  # a loop ends the path
            found.append(current)
            current = self.parent.get(current)
        return found[::-1]

    def sizes_below(self, node_id: int) -> dict[int, int]:
        """{id: how many questions lie below it} for ``node_id`` and everything below
        it, in one pass."""
        order = [node_id, *(i for i, _ in self.walk(node_id))]
        sizes = dict.fromkeys(order, 0)
        for current in reversed(order[1:]):  # children before their parent
            parent = self.parent[current]
            assert parent is not None  # the walk reaches a node through its parent
            sizes[parent] += 1 + sizes[current]
        return sizes


def load_shape(session: Session, root_id: int) -> Shape:
    """The shape of the tree of general question ``root_id`` (one query)."""
    rows = session.execute(
        select(col(Question.id), col(Question.parent_id), col(Question.status))
        .where(col(Question.root_id) == root_id)
        .order_by(col(Question.position), col(Question.id))
    ).all()
    shape = Shape(root_id=root_id)
    for qid, parent, status in rows:
        shape.parent[int(qid)] = parent
        shape.status[int(qid)] = QuestionStatus(status)
        if parent is not None:
            shape.children.setdefault(int(parent), []).append(int(qid))
    if root_id not in shape.parent or shape.parent[root_id] is not None:
        raise NotFound(f"General question #{root_id} does not exist.")
    return shape


@dataclass(frozen=True)
class Rolled:
    """A tree's shape with every node's roll-up (three queries: the shape, the answers,
    the evidence)."""

    shape: Shape
    rollups: dict[int, Rollup]

    def nodes(self, session: Session, ids: set[int]) -> dict[int, TreeNode]:
        """The questions ``ids`` read in full (one query), each with its roll-up."""
        flagged = latest_flagged(col(Question.id)).label("flagged")
        rows = session.execute(
            select(Question, flagged).where(col(Question.id).in_(sorted(ids)))
        ).all()
        nodes = {}
        for row, is_flagged in rows:
            q = view(row)
            r = self.rollups[q.id]
            nodes[q.id] = TreeNode(
                question=q,
                depth=len(self.shape.path(q.id)) - 1,
                children=list(self.shape.children.get(q.id, [])),
                answered_leaves=r.answered_leaves,
                leaves=r.leaves,
                confidence=r.confidence,
                evidence=r.evidence,
                flagged=bool(is_flagged),
            )
        return nodes


def rolled_tree(session: Session, root_id: int) -> Rolled:
    shape = load_shape(session, root_id)
    latest = latest_in_trees(session, root_ids=[root_id])
    rollups = roll_up(
        [Node(i, p, shape.status[i]) for i, p in shape.parent.items()],
        {qid: a.confidence for qid, a in latest.items()},
        evidence_by_node(session, root_ids=[root_id]),
    )
    return Rolled(shape, rollups)


def load_subtree(session: Session, *, node_id: int) -> Tree:
    """The questions from ``node_id`` down, in display order, each with its coverage
    and confidence (rolled up over the whole tree, as dropped ancestors count): the
    memo's read. Five queries; only the subtree is read in full."""
    root_id = session.scalar(select(col(Question.root_id)).where(col(Question.id) == node_id))
    if root_id is None:
        raise NotFound(f"Question #{node_id} does not exist.")
    rolled = rolled_tree(session, root_id)
    ids = [node_id, *(i for i, _ in rolled.shape.walk(node_id))]
    nodes = rolled.nodes(session, set(ids))
    return Tree(root_id=node_id, nodes={i: nodes[i] for i in ids})


# --------------------------------------------------------------------------- many trees


def rollups_by_root(
    session: Session, *, root_ids: list[int]
) -> dict[int, tuple[Rollup, Latest | None]]:
    """{root id: (its roll-up, its own latest answer)} for these trees: one query for the
    nodes, one for the answers, one for the evidence of the roots."""
    if not root_ids:
        return {}
    rows = session.execute(
        select(col(Question.id), col(Question.parent_id), col(Question.status)).where(
            col(Question.root_id).in_(root_ids)
        )
    ).all()
    latest = latest_in_trees(session, root_ids=root_ids)
    rolled = roll_up(
        [Node(int(i), p, QuestionStatus(s)) for i, p, s in rows],
        {qid: a.confidence for qid, a in latest.items()},
        evidence_by_node(session, root_ids=root_ids, only_roots=True),
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
