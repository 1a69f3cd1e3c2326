"""The part of a question tree a page shows, whatever the size of the tree: the node with
its path, one page of the rows below it to a bounded depth, and a bounded diagram.

Coverage and confidence are rolled up over the whole tree from its light columns (id,
parent, status) and the evidence in one query (evidence.py); only the questions shown
are read in full. Four queries per view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from team.services.core.paging import Paged, Window
from team.services.questions.tree import Shape, TreeNode, rolled_tree

DEPTH = 2  # levels below the node the list and the diagram show at most
FIT = 20  # the list goes DEPTH levels down only while they fit in this many rows
DIAGRAM_CHILDREN = 8  # children drawn under one node; the rest are one "+N more" box
DIAGRAM_NODES = 60
NEIGHBOURS = 5  # siblings shown on each side of a sub-question, to keep the breakdown in view


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
    before: list[TreeNode]  # the nearest siblings before the node, in order
    after: list[TreeNode]  # the nearest siblings after it
    diagram: Diagram
    nodes: dict[int, TreeNode]  # every node read in full

    @property
    def earlier(self) -> int:
        """Siblings before the node that ``before`` leaves out."""
        return self._at - len(self.before)

    @property
    def later(self) -> int:
        """Siblings after the node that ``after`` leaves out."""
        return max(0, len(self.siblings) - self._at - 1 - len(self.after))

    @property
    def _at(self) -> int:
        node_id = self.node.question.id
        return self.siblings.index(node_id) if node_id in self.siblings else 0

    @property
    def parent(self) -> TreeNode | None:
        return self.path[-2] if len(self.path) > 1 else None


def tree_view(
    session: Session,
    *,
    root_id: int,
    node_id: int | None,
    window: Window,
    depth: int = DEPTH,
    fit: int | None = FIT,
) -> TreeView:
    """The view of node ``node_id`` (the root when None or not in this tree) of the tree
    of ``root_id``: the rows go ``depth`` levels down, fewer (one at least) while the
    levels do not ``fit`` in that many rows; ``window`` picks their page."""
    rolled = rolled_tree(session, root_id)
    shape = rolled.shape
    node_id = node_id if node_id in shape.parent else root_id
    assert node_id is not None
    below = list(shape.walk(node_id, depth))
    while fit is not None and depth > 1 and len(below) > fit:
        depth -= 1
        below = [(i, level) for i, level in below if level <= depth]
    window = window.within(len(below))
    shown = below[window.offset : window.offset + window.size]
    sizes = shape.sizes_below(node_id)
    hidden = {i: sizes[i] for i, level in shown if level == depth and sizes[i]}
    path = shape.path(node_id)
    diagram = _diagram(shape, node_id, sizes)
    parent = shape.parent[node_id]
    siblings = list(shape.children.get(parent, [])) if parent is not None else []
    at = siblings.index(node_id) if siblings else 0
    before = siblings[max(0, at - NEIGHBOURS) : at]
    after = siblings[at + 1 : at + 1 + NEIGHBOURS]
    wanted = set(path) | {i for i, _ in shown} | {i for i, _ in diagram.edges}
    nodes = rolled.nodes(session, wanted | set(before) | set(after))
    return TreeView(
        root_id=root_id,
        node=nodes[node_id],
        path=[nodes[i] for i in path],
        rows=Paged(items=[nodes[i] for i, _ in shown], total=len(below), window=window),
        depth=depth,
        hidden=hidden,
        size=sizes[node_id],
        siblings=siblings,
        before=[nodes[i] for i in before],
        after=[nodes[i] for i in after],
        diagram=diagram,
        nodes=nodes,
    )


def _diagram(shape: Shape, node_id: int, sizes: dict[int, int]) -> Diagram:
    """Two levels below the node, at most DIAGRAM_CHILDREN children under one node and
    DIAGRAM_NODES boxes in all."""
    edges: list[tuple[int, int | None]] = [(node_id, None)]
    more: dict[int, int] = {}
    below: dict[int, int] = {}
    level, seen = [node_id], {node_id}
    for depth in range(1, DEPTH + 1):
        following = []
        for parent in level:
            kids = [k for k in shape.children.get(parent, []) if k not in seen]
            room = max(0, min(DIAGRAM_CHILDREN, DIAGRAM_NODES - len(edges)))
            drawn = kids[:room]
            seen.update(drawn)
            edges.extend((k, parent) for k in drawn)
            following.extend(drawn)
            if len(kids) > len(drawn):
                more[parent] = len(kids) - len(drawn)
        level = following
        if depth == DEPTH:
            below = {i: sizes.get(i, 0) for i in level if sizes.get(i)}
    return Diagram(edges=edges, more=more, below=below)
