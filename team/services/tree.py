"""Reading question trees: one tree with per-node coverage and confidence, and the
portfolio of general questions for Overview. Each read is a fixed number of queries,
whatever the size. The roll-up rules are in rollup.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    AnswerState,
    Confidence,
    Person,
    Project,
    Question,
    QuestionPublic,
    QuestionStatus,
)
from team.services.answers import Latest, latest_in_trees
from team.services.errors import NotFound
from team.services.rollup import Node, Rollup, roll_up


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
    confidence: Confidence | None
    answer_state: AnswerState | None
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


def involves(person_id: int) -> ColumnElement[bool]:
    """For a general question (Question in the query): the person owns or is assigned
    some node of its tree. The rule of every "person" filter."""
    member = aliased(Question)
    return exists().where(
        col(member.root_id) == col(Question.id),
        or_(col(member.assignee_id) == person_id, col(member.owner_id) == person_id),
    )


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
        query = query.where(involves(person_id))
    found = list(session.execute(query))
    rollups = rollups_by_root(session, [int(q.id) for q, _, _ in found])
    people = _people_by_root(session)
    open_counts = _open_counts(session)
    rows = []
    for q, project_name, owner_name in found:
        assert q.id is not None
        rolled, own = rollups[q.id]
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
                leaves=rolled.leaves,
                answered_leaves=rolled.answered_leaves,
                confidence=rolled.confidence,
                answer_state=own.state if own else None,
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
    "find_roots",
    "load_tree",
    "portfolio",
    "rollups_by_root",
]


def root_of(session: Session, question_id: int) -> int:
    """The general question that ``question_id`` belongs to."""
    question = session.get(Question, question_id)
    if question is None or question.root_id is None:
        raise NotFound(f"Question #{question_id} does not exist.")
    return question.root_id
