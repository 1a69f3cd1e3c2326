"""The questions of one tree as CSV: every node, not only the page the Questions page
shows, in the outline's order (depth-first, siblings by position), each with its place
(level, parent), its facts in words and its coverage and confidence rolled up. Anyone
who may sign in reads the Questions page, so anyone may export it. A fixed number of
queries whatever the size of the tree."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Project
from team.services.core import exports
from team.services.core.actors import acting
from team.services.core.errors import NotFound
from team.services.core.export_words import address, label, names, utc
from team.services.notify.links import question_link
from team.services.questions.tree import Tree, TreeNode, load_subtree

HEADER = [
    "Id",
    "Level",
    "Question",
    "Parent id",
    "Parent",
    "Status",
    "Assignee",
    "Owner",
    "Project",
    "Technique",
    "Priority",
    "Due",
    "Answered leaves",
    "Leaves",
    "Confidence",
    "Context",
    "Created (UTC)",
    "Updated (UTC)",
    "Link",
]


def tree_csv(session: Session, actor_id: int, *, root_id: int, public_url: str = "") -> str:
    """Every question of the tree of general question ``root_id`` as CSV text; links
    open each question at ``public_url`` (the app's address)."""
    acting(session, actor_id)
    tree = load_subtree(session, node_id=root_id)
    if tree.nodes[root_id].question.parent_id is not None:
        raise NotFound(f"Question #{root_id} is not a general question.")
    return exports.to_csv(HEADER, _rows(session, tree, public_url))


def _rows(session: Session, tree: Tree, public_url: str) -> Iterator[list[object]]:
    questions = [n.question for n in tree.nodes.values()]
    people = names(session, [p for q in questions for p in (q.owner_id, q.assignee_id)])
    projects = _projects(session, {q.project_id for q in questions})
    for node in tree.nodes.values():
        q = node.question
        parent = tree.nodes.get(q.parent_id) if q.parent_id is not None else None
        yield [
            q.id,
            node.depth,
            q.title,
            q.parent_id,
            parent.question.title if parent else "",
            label(q.status),
            people.get(q.assignee_id, "") if q.assignee_id is not None else "",
            people.get(q.owner_id, ""),
            projects.get(q.project_id, ""),
            q.technique,
            label(q.priority),
            q.due_date,
            *_coverage(node),
            label(node.confidence),
            q.context,
            utc(q.created_at),
            utc(q.updated_at),
            address(public_url, question_link(q.root_id, q.id)),
        ]


def _coverage(node: TreeNode) -> tuple[int | None, int | None]:
    """Answered leaves and leaves; none for a dropped branch (out of scope)."""
    return (node.answered_leaves, node.leaves) if node.leaves else (None, None)


def _projects(session: Session, ids: set[int]) -> dict[int, str]:
    query = select(col(Project.id), col(Project.name)).where(col(Project.id).in_(sorted(ids)))
    return {int(i): name for i, name in session.execute(query)}
