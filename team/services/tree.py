"""Reading question trees: one tree with per-node coverage, and the portfolio of general
questions for Overview. Each read is a fixed number of queries, whatever the size.

Coverage of a node = answered leaves / leaves in scope, below it. A node is *in scope*
unless it, or one of its ancestors, is dropped; a *leaf* is an in-scope node with no
in-scope children (so a question whose sub-questions were all dropped counts as a leaf
again). A dropped node has no coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Person, Project, Question, QuestionPublic, QuestionStatus
from team.services.errors import NotFound


@dataclass
class TreeNode:
    question: QuestionPublic
    depth: int
    path: list[int]  # ids from the root down to this node, inclusive
    children: list[int] = field(default_factory=list)
    answered_leaves: int = 0
    leaves: int = 0

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
    _roll_up(nodes, root_id, in_scope=True)
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


def _roll_up(nodes: dict[int, TreeNode], root_id: int, *, in_scope: bool) -> None:
    """Fill answered_leaves / leaves bottom-up, iteratively (deep chains are fine)."""
    order = list(nodes)  # depth-first pre-order: children come after their parent
    scope = {root_id: in_scope and nodes[root_id].question.status != QuestionStatus.DROPPED}
    for node_id in order:
        for child in nodes[node_id].children:
            dropped = nodes[child].question.status == QuestionStatus.DROPPED
            scope[child] = scope[node_id] and not dropped
    for node_id in reversed(order):
        node = nodes[node_id]
        if not scope[node_id]:
            continue
        live = [c for c in node.children if scope[c]]
        if not live:
            node.leaves = 1
            node.answered_leaves = int(node.question.status == QuestionStatus.ANSWERED)
        else:
            node.leaves = sum(nodes[c].leaves for c in live)
            node.answered_leaves = sum(nodes[c].answered_leaves for c in live)


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class PortfolioRow:
    id: int
    title: str
    project_id: int
    project: str
    owner: str
    status: QuestionStatus
    priority: str
    due_date: date | None
    leaves: int
    answered_leaves: int
    open_questions: int
    people: tuple[str, ...]
    person_ids: tuple[int, ...]
    version: int

    @property
    def coverage(self) -> float | None:
        return self.answered_leaves / self.leaves if self.leaves else None

    @property
    def overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.due_date < date.today()
            and self.status not in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED)
        )


def coverage_by_root(session: Session) -> dict[int, tuple[int, int]]:
    """{root id: (answered leaves, leaves)} for every tree, in one recursive query."""
    live = col(Question.status) != QuestionStatus.DROPPED
    scope = (
        select(col(Question.id).label("id"), col(Question.id).label("root_id"))
        .where(col(Question.parent_id).is_(None), live)
        .cte("scope", recursive=True)
    )
    child = aliased(Question)
    scope = scope.union_all(
        select(col(child.id), scope.c.root_id).where(
            col(child.parent_id) == scope.c.id, col(child.status) != QuestionStatus.DROPPED
        )
    )
    kid = aliased(Question)
    has_live_child = exists().where(
        col(kid.parent_id) == scope.c.id, col(kid.status) != QuestionStatus.DROPPED
    )
    answered = case((col(Question.status) == QuestionStatus.ANSWERED, 1), else_=0)
    query = (
        select(scope.c.root_id, func.sum(answered), func.count())
        .join(Question, col(Question.id) == scope.c.id)
        .where(~has_live_child)
        .group_by(scope.c.root_id)
    )
    return {root: (int(a), int(n)) for root, a, n in session.execute(query)}


def _people_by_root(session: Session) -> dict[int, dict[int, str]]:
    """{root id: {person id: name}} of everyone who owns or is assigned a node."""
    assignees = select(col(Question.root_id), col(Question.assignee_id)).where(
        col(Question.assignee_id).is_not(None)
    )
    owners = select(col(Question.root_id), col(Question.owner_id))
    union = assignees.union(owners).subquery()
    query = select(union.c.root_id, col(Person.id), col(Person.name)).join(
        Person, col(Person.id) == union.c.assignee_id
    )
    result: dict[int, dict[int, str]] = {}
    for root_id, pid, name in session.execute(query):
        result.setdefault(root_id, {})[pid] = name
    return result


def _open_counts(session: Session) -> dict[int, int]:
    still_open = col(Question.status).in_(
        [QuestionStatus.OPEN, QuestionStatus.IN_PROGRESS, QuestionStatus.BLOCKED]
    )
    query = (
        select(col(Question.root_id), func.count())
        .where(still_open, col(Question.parent_id).is_not(None))
        .group_by(col(Question.root_id))
    )
    return {root: int(n) for root, n in session.execute(query)}


def portfolio(
    session: Session, *, project_id: int | None = None, person_id: int | None = None
) -> list[PortfolioRow]:
    """The general questions, most urgent first, with coverage and the people involved.
    ``person_id`` keeps trees where that person owns or is assigned any node."""
    owner = aliased(Person)
    query = (
        select(Question, col(Project.name), col(owner.name))
        .join(Project, col(Project.id) == col(Question.project_id))
        .join(owner, col(owner.id) == col(Question.owner_id))
        .where(col(Question.parent_id).is_(None))
    )
    if project_id is not None:
        query = query.where(col(Question.project_id) == project_id)
    if person_id is not None:
        member = aliased(Question)
        query = query.where(
            exists().where(
                col(member.root_id) == col(Question.id),
                or_(col(member.assignee_id) == person_id, col(member.owner_id) == person_id),
            )
        )
    coverage = coverage_by_root(session)
    people = _people_by_root(session)
    open_counts = _open_counts(session)
    rows = []
    for q, project_name, owner_name in session.execute(query):
        assert q.id is not None
        answered, leaves = coverage.get(q.id, (0, 0))
        names = people.get(q.id, {})
        rows.append(
            PortfolioRow(
                id=q.id,
                title=q.title,
                project_id=q.project_id,
                project=project_name,
                owner=owner_name,
                status=QuestionStatus(q.status),
                priority=q.priority,
                due_date=q.due_date,
                leaves=leaves,
                answered_leaves=answered,
                open_questions=open_counts.get(q.id, 0),
                people=tuple(sorted(names.values())),
                person_ids=tuple(sorted(names)),
                version=q.version,
            )
        )
    return sorted(rows, key=_urgency)


_PRIORITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def _urgency(row: PortfolioRow) -> tuple[int, int, date, str]:
    closed = row.status in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED)
    return (int(closed), _PRIORITY_ORDER.get(row.priority, 9), row.due_date or date.max, row.title)


def find_roots(session: Session) -> list[tuple[int, str]]:
    """(id, title) of every general question, by title, for pickers."""
    query = (
        select(col(Question.id), col(Question.title))
        .where(col(Question.parent_id).is_(None))
        .order_by(col(Question.title))
    )
    return [(int(i), str(t)) for i, t in session.execute(query)]


__all__ = [
    "PortfolioRow",
    "Tree",
    "TreeNode",
    "coverage_by_root",
    "find_roots",
    "load_tree",
    "portfolio",
]
