"""Question trees: a few big trees and many small ones (Zipf-like sizes over the general
questions), at most five levels below the root, broken down over the first months of a
tree's life. Leaves are answered, in progress or open according to how long ago their
work could start; a parent is answered once all its kept children are, in progress once
one has started. Ids follow creation time, so a parent's id is below its children's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from team.bench.plan import ASSIGNMENTS, DAY, Plan, Weighted
from team.config import DEFAULT_TECHNIQUES

MAX_DEPTH = 5
PRIORITIES = ("low", "medium", "high", "urgent")
PRIORITY = Weighted(PRIORITIES, (20, 50, 22, 8))
TECHNIQUES = tuple(DEFAULT_TECHNIQUES)


@dataclass(slots=True, eq=False)
class Node:
    parent: Node | None
    depth: int
    created: float
    children: list[Node] = field(default_factory=list)
    id: int = 0
    root_id: int = 0
    project: int = 0
    owner: int = 0
    manager: int = 0  # the general question's owner: acts when nobody else can
    assignee: int | None = None
    status: str = "open"
    steps: list[tuple[float, str, int]] = field(default_factory=list)
    started: float | None = None  # first move out of open
    finished: float | None = None  # answered or dropped
    position: int = 0
    planned_end: float = 0.0  # when the general question was meant to be answered
    technique: str | None = None

    @property
    def last_change(self) -> float:
        return self.steps[-1][0] if self.steps else self.created


def day_of(at: float) -> date:
    return datetime.fromtimestamp(at, UTC).date()


def tree_sizes(plan: Plan, roots: int, subs: int) -> list[int]:
    """Sub-questions per tree: weights 1/rank over a shuffled order, summing to ``subs``."""
    weights = [1.0 / (rank + 1) for rank in range(roots)]
    plan.rng.shuffle(weights)
    total = sum(weights)
    exact = [subs * w / total for w in weights]
    sizes = [int(x) for x in exact]
    by_remainder = sorted(range(roots), key=lambda i: exact[i] - sizes[i], reverse=True)
    for i in by_remainder[: subs - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _branching(n: int) -> int:
    """The smallest fan-out whose five levels hold ``n`` nodes with room to spare."""
    b = 2
    while sum(b**d for d in range(1, MAX_DEPTH + 1)) < 1.5 * n:
        b += 1
    return b


def _grow(plan: Plan, root: Node, n: int, duration: float) -> list[Node]:
    """``n`` nodes under ``root``: each joins a random node that still has room."""
    rng, nodes = plan.rng, [root]
    fan = _branching(n)
    cap = {id(root): rng.randint(2, fan + 2)}
    open_nodes = [root]
    breakdown_end = root.created + 0.7 * duration
    for _ in range(n):
        if not open_nodes:
            open_nodes = [x for x in nodes if x.depth < MAX_DEPTH]
            cap = {id(x): 10**9 for x in open_nodes}
        # The shallower of two random candidates: trees spread before they deepen.
        index = int(rng.random() * len(open_nodes))
        other = int(rng.random() * len(open_nodes))
        if open_nodes[other].depth < open_nodes[index].depth:
            index = other
        parent = open_nodes[index]
        lo, hi = parent.created, min(breakdown_end, plan.end)
        if hi <= lo:
            hi = plan.end
        child = Node(parent, parent.depth + 1, lo + (hi - lo) * (0.01 + 0.99 * rng.random() ** 2))
        child.position = len(parent.children)
        parent.children.append(child)
        nodes.append(child)
        if len(parent.children) >= cap[id(parent)]:
            open_nodes[index] = open_nodes[-1]
            open_nodes.pop()
        if child.depth < MAX_DEPTH:
            cap[id(child)] = rng.randint(1, 2 * fan - 1)
            open_nodes.append(child)
    return nodes


def _people(plan: Plan, node: Node) -> None:
    """Owner and assignee: a manager owns the general question; an IC assigned to a
    question sometimes splits it, owning and taking the new sub-questions."""
    if node.parent is None:
        node.owner = node.manager
        node.assignee = plan.ic_of(node.manager, node.created) if plan.chance(0.1) else None
        return
    parent_ic = node.parent.assignee
    if parent_ic is not None and plan.chance(0.35) and plan.team.active_at(parent_ic, node.created):
        node.owner = node.assignee = parent_ic
        return
    node.owner = node.manager
    leaf_like = plan.chance(0.9)
    node.assignee = plan.ic_of(node.manager, node.created) if leaf_like else None


def build_trees(plan: Plan) -> list[Node]:
    """Every question, sorted by id (= creation order)."""
    size, rng = plan.size, plan.rng
    projects = list(plan.project_window)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(projects))]
    everything: list[Node] = []
    for n in tree_sizes(plan, size.general_questions, size.sub_questions):
        project = rng.choices(projects, weights)[0]
        lo, hi = plan.project_window[project]
        root = Node(None, 0, lo + (hi - lo) * rng.random() ** 0.7)
        root.project, root.manager = project, plan.pick(plan.team.managers)
        duration = (20 + 25 * math.log2(1 + n)) * DAY
        nodes = _grow(plan, root, n, duration)
        for node in nodes:
            node.project, node.manager = project, root.manager
            node.planned_end = root.created + duration
        everything += nodes
    everything.sort(key=lambda x: x.created)
    for number, node in enumerate(everything, 1):
        node.id = number
    for node in everything:
        node.root_id = node.id if node.parent is None else node.parent.root_id
        _people(plan, node)
    for node in reversed(everything):  # children before their parents
        if node.children:
            _parent_status(plan, node)
        else:
            _leaf_status(plan, node)
    return everything


def _who(plan: Plan, node: Node, at: float) -> int:
    return plan.actor(node.assignee or node.owner, at, node.manager)


def _leaf_status(plan: Plan, node: Node) -> None:
    rng, r = plan.rng, plan.rng.random()
    if r < 0.04:
        at = plan.between(node.created, plan.end)
        node.status, node.finished, node.steps = "dropped", at, [(at, "dropped", node.manager)]
        return
    start = node.created + rng.expovariate(1 / (4 * DAY))
    work = 20 * DAY * math.exp(0.8 * rng.gauss())
    if r < 0.10 or start >= plan.end:
        return  # still open
    node.started = start
    node.steps = [(start, "in_progress", _who(plan, node, start))]
    node.status = "in_progress"
    if r < 0.16 or start + work >= plan.end:
        if plan.chance(0.2):
            at = plan.between(start, plan.end)
            node.steps.append((at, "blocked", _who(plan, node, at)))
            node.status = "blocked"
        return
    done = start + work
    node.steps.append((done, "answered", _who(plan, node, done)))
    node.status, node.finished = "answered", done


def _parent_status(plan: Plan, node: Node) -> None:
    kept = [c for c in node.children if c.status != "dropped"]
    if not kept:
        last = max(c.finished or c.created for c in node.children)
        at = plan.between(last, last + DAY)
        node.status, node.finished, node.steps = "dropped", at, [(at, "dropped", node.manager)]
        return
    begun = [c.started for c in kept if c.started is not None]
    if not begun:
        return
    start = min(begun)
    node.started = start
    node.steps = [(start, "in_progress", _who(plan, node, start))]
    node.status = "in_progress"
    if all(c.status == "answered" for c in kept) and plan.chance(0.9):
        last = max(c.finished or start for c in kept)
        done = last + plan.rng.random() * 3 * DAY
        if done < plan.end:
            node.steps.append((done, "answered", _who(plan, node, done)))
            node.status, node.finished = "answered", done


def _technique(plan: Plan, node: Node) -> str | None:
    if plan.chance(0.15):
        return None
    if node.parent is not None and node.parent.technique and plan.chance(0.6):
        return node.parent.technique
    return plan.text.pick(TECHNIQUES)


def _due(plan: Plan, node: Node) -> date | None:
    if node.parent is None and plan.chance(0.75):
        planned = node.planned_end - node.created
        return day_of(node.created + planned * plan.rng.uniform(0.8, 1.3))
    if node.parent is not None and plan.chance(0.35):
        return day_of(node.created + plan.rng.uniform(7, 45) * DAY)
    return None


def question_rows(plan: Plan, nodes: list[Node]) -> None:
    """The question rows, their creation, assignment and status events."""
    text, rows = plan.text, []
    for node in nodes:
        node.technique = _technique(plan, node)
        root = node.parent is None
        title = text.root_title() if root else text.sub_title()
        rows.append(
            {
                "id": node.id,
                "title": title,
                "context": text.context() if root or plan.chance(0.3) else "",
                "technique": node.technique,
                "priority": plan.draw(PRIORITY),
                "due_date": _due(plan, node),
                "project_id": node.project,
                "parent_id": node.parent.id if node.parent else None,
                "root_id": node.root_id,
                "owner_id": node.owner,
                "assignee_id": node.assignee,
                "status": node.status,
                "position": node.position,
                "created_at": node.created,
                "updated_at": node.last_change,
                "version": 1,
            }
        )
        _events(plan, node, title)
    plan.rows["question"] = rows


def _events(plan: Plan, node: Node, title: str) -> None:
    qid, root = node.id, node.root_id
    plan.must(
        plan.event(node.created, node.owner, "question", qid, "created", new=title, root=root)
    )
    if node.assignee is not None:
        assigned = plan.event(
            node.created,
            node.owner,
            "question",
            qid,
            "updated",
            "assignee_id",
            None,
            node.assignee,
            root,
        )
        plan.maybe(ASSIGNMENTS, [assigned])
    plan.required += plan.status_steps("question", qid, "open", node.steps, root)
