"""The part of a question tree a page shows, whatever the size of the tree: the node with
its path, one page of the rows below it to a bounded depth, and a bounded diagram.

Coverage and confidence are rolled up over the whole tree from its light columns (id,
parent, status); only the questions shown are read in full. Three queries per view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Question, QuestionPublic, QuestionStatus
from team.services.answers.writes import Latest, latest_in_trees
from team.services.core.errors import NotFound
from team.services.core.paging import Paged, Window
from team.services.questions.rollup import Node, Rollup, roll_up
from team.services.questions.tree import Tree, TreeNode

DEPTH = 2  # levels below the node the list and the diagram show at most
FIT = 20  # the list goes DEPTH levels down only while they fit in this many rows
DIAGRAM_CHILDREN = 8  # children drawn under one node; the rest are one "+N more" box
DIAGRAM_NODES = 60


@dataclass
class Shape:
    """Every node of one tree, without its text: enough to order, count and roll up."""

    root_id: int
    parent: dict[int, int | None] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    status: dict[int, QuestionStatus] = field(default_factory=dict)

    def walk(self, node_id: int, depth: int | None = None) -> Iterator[tuple[int, int]]:
        """(id, levels below ``node_id``) depth-first, siblings by position, without the
        node itself, down to ``depth`` levels (all when None)."""
        stack = [(c, 1) for c in reversed(self.children.get(node_id, []))]
        while stack:
            current, level = stack.pop()
            yield current, level
            if depth is None or level < depth:
                kids = self.children.get(current, [])
                stack.extend((c, level + 1) for c in reversed(kids))

    def path(self, node_id: int) -> list[int]:
        """Ids from the root down to ``node_id``, inclusive."""
        found: list[int] = []
        current: int | None = node_id
        while current is not None:
            found.append(current)
            current = self.parent.get(current)
        return found[::-1]

    def sizes_below(self, node_id: int) -> dict[int, int]:
        """{id: how many questions lie below it} for ``node_id`` and everything below
        it, in one pass."""
        order = [node_id, *(i for i, _ in self.walk(node_id))]
        sizes: dict[int, int] = {}
        for current in reversed(order):  # children before their parent
            kids = self.children.get(current, [])
            sizes[current] = len(kids) + sum(sizes[k] for k in kids)
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
class Diagram:
    """The nodes drawn (with their parent in the drawing), how many children of a drawn
    node are left out ("+N more") and how many questions lie below a drawn node at the
    last level ("+N below")."""

    edges: list[tuple[int, int | None]]
    more: dict[int, int]
    below: dict[int, int]


@dataclass(frozen=True)
class TreeView:
    root_id: int
    node: TreeNode
    path: list[TreeNode]  # the root down to the node
    rows: Paged[TreeNode]  # below the node, depth-first, ``depth`` levels down
    depth: int  # levels the rows go down
    hidden: dict[int, int]  # row id -> questions below it deeper than the list shows
    size: int  # questions below the node, at any depth
    siblings: list[int]  # the parent's children in order ([] for a general question)
    diagram: Diagram
    nodes: dict[int, TreeNode]  # every node read in full

    @property
    def parent(self) -> TreeNode | None:
        return self.path[-2] if len(self.path) > 1 else None


def tree_view(
    session: Session,
    root_id: int,
    node_id: int | None,
    window: Window,
    *,
    depth: int = DEPTH,
    fit: int | None = FIT,
) -> TreeView:
    """The view of node ``node_id`` (the root when None or not in this tree) of the tree
    of ``root_id``: the rows go ``depth`` levels down, fewer (one at least) while the
    levels do not ``fit`` in that many rows; ``window`` picks their page."""
    shape = load_shape(session, root_id)
    latest = latest_in_trees(session, [root_id])
    rolled = roll_up(
        [Node(i, p, shape.status[i]) for i, p in shape.parent.items()],
        {qid: a.confidence for qid, a in latest.items()},
    )
    node_id = node_id if node_id in shape.parent else root_id
    assert node_id is not None
    below = list(shape.walk(node_id, depth))
    while fit is not None and depth > 1 and len(below) > fit:
        depth -= 1
        below = [(i, level) for i, level in below if level <= depth]
    last = max(1, -(-len(below) // window.size))
    if window.page > last:
        window = Window(page=last, size=window.size)
    shown = below[window.offset : window.offset + window.size]
    sizes = shape.sizes_below(node_id)
    hidden = {i: sizes[i] for i, level in shown if level == depth and sizes[i]}
    path = shape.path(node_id)
    diagram = _diagram(shape, node_id, sizes)
    wanted = set(path) | {i for i, _ in shown} | {i for i, _ in diagram.edges}
    nodes = _read_nodes(session, shape, wanted, rolled, latest)
    parent = shape.parent[node_id]
    return TreeView(
        root_id=root_id,
        node=nodes[node_id],
        path=[nodes[i] for i in path],
        rows=Paged(items=[nodes[i] for i, _ in shown], total=len(below), window=window),
        depth=depth,
        hidden=hidden,
        size=sizes[node_id],
        siblings=list(shape.children.get(parent, [])) if parent is not None else [],
        diagram=diagram,
        nodes=nodes,
    )


def _read_nodes(
    session: Session,
    shape: Shape,
    ids: set[int],
    rolled: dict[int, Rollup],
    latest: dict[int, Latest],
) -> dict[int, TreeNode]:
    rows = session.scalars(select(Question).where(col(Question.id).in_(sorted(ids)))).all()
    nodes = {}
    for row in rows:
        q = QuestionPublic.model_validate(row)
        path = shape.path(q.id)
        r = rolled[q.id]
        nodes[q.id] = TreeNode(
            question=q,
            depth=len(path) - 1,
            path=path,
            children=list(shape.children.get(q.id, [])),
            answered_leaves=r.answered_leaves,
            leaves=r.leaves,
            confidence=r.confidence,
            answer=latest.get(q.id),
        )
    return nodes


def _diagram(shape: Shape, node_id: int, sizes: dict[int, int]) -> Diagram:
    """Two levels below the node, at most DIAGRAM_CHILDREN children under one node and
    DIAGRAM_NODES boxes in all."""
    edges: list[tuple[int, int | None]] = [(node_id, None)]
    more: dict[int, int] = {}
    below: dict[int, int] = {}
    level = [node_id]
    for depth in range(1, DEPTH + 1):
        following = []
        for parent in level:
            kids = shape.children.get(parent, [])
            room = max(0, min(DIAGRAM_CHILDREN, DIAGRAM_NODES - len(edges)))
            drawn = kids[:room]
            edges.extend((k, parent) for k in drawn)
            following.extend(drawn)
            if len(kids) > len(drawn):
                more[parent] = len(kids) - len(drawn)
        level = following
        if depth == DEPTH:
            below = {i: sizes[i] for i in level if sizes[i]}
    return Diagram(edges=edges, more=more, below=below)


def load_subtree(session: Session, node_id: int) -> Tree:
    """The questions from ``node_id`` down, in display order, each with its coverage
    and confidence (rolled up over the whole tree, as dropped ancestors count): the
    memo's read. Four queries; only the subtree is read in full."""
    root_id = session.scalar(select(col(Question.root_id)).where(col(Question.id) == node_id))
    if root_id is None:
        raise NotFound(f"Question #{node_id} does not exist.")
    shape = load_shape(session, root_id)
    latest = latest_in_trees(session, [root_id])
    rolled = roll_up(
        [Node(i, p, shape.status[i]) for i, p in shape.parent.items()],
        {qid: a.confidence for qid, a in latest.items()},
    )
    ids = [node_id, *(i for i, _ in shape.walk(node_id))]
    nodes = _read_nodes(session, shape, set(ids), rolled, latest)
    return Tree(root_id=node_id, nodes={i: nodes[i] for i in ids})


# --------------------------------------------------------------------------- finding nodes


@dataclass(frozen=True)
class Choice:
    id: int
    depth: int
    title: str


@dataclass(frozen=True)
class Choices:
    items: list[Choice]
    total: int  # how many questions qualify (more than ``items`` when cut)


def tree_choices(
    session: Session,
    root_id: int,
    *,
    search: str = "",
    limit: int = 50,
    outside_of: int | None = None,
    exclude: frozenset[int] = frozenset(),
    depth: int | None = None,
) -> Choices:
    """Questions of one tree for a picker, in tree order: those whose title holds every
    word of ``search`` (any case), not below ``outside_of`` (nor it), not in ``exclude``,
    and (without a search) no deeper than ``depth`` levels; the first ``limit`` of them
    with their total. Two or three queries."""
    shape = load_shape(session, root_id)
    barred = set(exclude)
    if outside_of is not None and outside_of in shape.parent:
        barred |= {outside_of, *(i for i, _ in shape.walk(outside_of))}
    order = [(root_id, 0), *shape.walk(root_id)]
    if search.split():
        found = _matching(session, root_id, search)
        eligible = [(i, d) for i, d in order if i in found and i not in barred]
    else:
        limit_depth = depth if depth is not None else len(order)
        eligible = [(i, d) for i, d in order if i not in barred and d <= limit_depth]
    first = eligible[:limit]
    titles = dict(
        session.execute(
            select(col(Question.id), col(Question.title)).where(
                col(Question.id).in_([i for i, _ in first])
            )
        ).all()
    )
    items = [Choice(id=i, depth=d, title=str(titles[i])) for i, d in first if i in titles]
    return Choices(items=items, total=len(eligible))


def _matching(session: Session, root_id: int, search: str) -> set[int]:
    query = select(col(Question.id)).where(col(Question.root_id) == root_id)
    for word in search.split():
        query = query.where(col(Question.title).icontains(word, autoescape=True))
    return {int(i) for i in session.scalars(query) if i is not None}
