"""Changing question trees: create, break down, edit, assign, move, reorder. (Statuses
and the bulk editor are in status.py; who may do what is in rules.py.)

Every change writes its events in the same transaction and bumps the row's version; a
save based on an older version is refused and overwrites nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Project, Question
from team.services.core.actors import acting, require_manager, require_writer
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.tx import atomic
from team.services.core.writes import claim_version, lock_row, record
from team.services.questions import breakdown
from team.services.questions.rules import may_edit, may_reorder, works_on
from team.services.questions.store import (
    LINES_MAX,
    QuestionView,
    check_assignee,
    check_depth,
    clean_context,
    clean_technique,
    clean_title,
    depth_of,
    insert,
    load,
    save,
    subtree,
    view,
    what,
)
from team.vocabulary import Priority

# --------------------------------------------------------------------------- create


@dataclass(frozen=True)
class QuestionCreate:
    """A new general question."""

    title: str
    project_id: int
    context: str = ""
    technique: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None
    assignee_id: int | None = None


@atomic
def create_question(session: Session, actor_id: int, *, data: QuestionCreate) -> QuestionView:
    """A new general question (the root of a tree). Managers only."""
    actor = acting(session, actor_id)
    require_manager(actor, "create a general question")
    project = session.get(Project, data.project_id)
    if project is None:
        raise InvalidInput(f"Project #{data.project_id} does not exist.", field="project")
    if project.archived:
        raise InvalidInput(
            f"Project '{project.name}' is archived; reopen it or pick another project.",
            field="project",
        )
    check_assignee(session, data.assignee_id)
    question = Question(
        title=clean_title(data.title),
        context=clean_context(data.context),
        technique=clean_technique(data.technique),
        priority=data.priority,
        due_date=data.due_date,
        project_id=data.project_id,
        owner_id=actor.id,
        assignee_id=data.assignee_id,
    )
    insert(session, actor, question)
    session.commit()
    return view(question)


@dataclass(frozen=True)
class SubQuestion:
    """A sub-question to add; a priority or due date left as None is its parent's, as
    is the technique."""

    title: str
    context: str = ""
    assignee_id: int | None = None
    technique: str | None = None
    priority: Priority | None = None
    due_date: date | None = None


@atomic
def add_subquestions(
    session: Session, actor_id: int, *, parent_id: int, items: list[SubQuestion]
) -> list[QuestionView]:
    """Add sub-questions under ``parent_id``, after its existing children, in one
    transaction: all are added or none. Each takes its parent's priority, due date and
    technique unless it gives its own."""
    actor = acting(session, actor_id)
    require_writer(actor)
    parent = load(session, parent_id)
    if not works_on(actor, parent):
        raise PermissionDenied(
            "You can break down only questions assigned to you; ask a manager to assign "
            "this one or to add the sub-questions."
        )
    if not items:
        raise InvalidInput("Give at least one sub-question.", field="title")
    if len(items) > LINES_MAX:
        raise InvalidInput(f"Add at most {LINES_MAX} sub-questions at once.", field="title")
    check_depth(depth_of(session, parent) + 1)
    lock_row(session, Question, parent_id)  # concurrent breakdowns take turns
    position = _next_position(session, parent_id)
    created = []
    for offset, item in enumerate(items):
        assignee = item.assignee_id
        if not actor.is_manager:
            if assignee not in (None, actor.id):
                raise PermissionDenied("Only a manager can assign questions to someone else.")
            assignee = actor.id
        check_assignee(session, assignee)
        question = Question(
            title=clean_title(item.title),
            context=clean_context(item.context),
            technique=clean_technique(item.technique) or parent.technique,
            priority=item.priority or parent.priority,
            due_date=item.due_date or parent.due_date,
            project_id=parent.project_id,
            parent_id=parent.id,
            root_id=parent.root_id,
            owner_id=actor.id,
            assignee_id=assignee,
            position=position + offset,
        )
        created.append(insert(session, actor, question))
    session.commit()
    return [view(q) for q in created]


def add_subquestions_from_text(
    session: Session,
    actor_id: int,
    *,
    parent_id: int,
    text: str,
    techniques: Sequence[str] = (),
) -> list[QuestionView]:
    """Typed lines, one sub-question each, with what each line says of its assignee, due
    date, priority and technique (one of ``techniques``, the team's; the syntax is in
    breakdown.py)."""
    lines = breakdown.parse_lines(text)
    if not lines:
        raise InvalidInput("Type at least one sub-question, one per line.", field="lines")
    assignees = breakdown.resolve_assignees(session, lines)
    items = [
        SubQuestion(
            line.title,
            assignee_id=assignees.get(line.assignee) if line.assignee else None,
            priority=line.priority,
            due_date=line.due_date,
            technique=(
                breakdown.technique_of(line.number, line.technique, techniques)
                if line.technique
                else None
            ),
        )
        for line in lines
    ]
    return add_subquestions(session, actor_id, parent_id=parent_id, items=items)


def _next_position(session: Session, parent_id: int | None) -> int:
    positions = session.scalars(
        select(col(Question.position)).where(col(Question.parent_id) == parent_id)
    ).all()
    return max(positions, default=-1) + 1


# --------------------------------------------------------------------------- edit


@dataclass(frozen=True)
class QuestionUpdate:
    """Fields a save may change; ``None`` leaves a field as it is."""

    title: str | None = None
    context: str | None = None
    technique: str | None = None
    priority: Priority | None = None
    due_date: date | None = None
    clear_due_date: bool = False
    clear_technique: bool = False
    assignee_id: int | None = None
    clear_assignee: bool = False

    @property
    def assigns(self) -> bool:
        return self.assignee_id is not None or self.clear_assignee

    @property
    def edits(self) -> bool:
        return self != QuestionUpdate(
            assignee_id=self.assignee_id, clear_assignee=self.clear_assignee
        )


@atomic
def update_question(
    session: Session, actor_id: int, *, question_id: int, version: int, changes: QuestionUpdate
) -> QuestionView:
    """Save edits of title, context, technique, priority, due date and assignee in one
    change of version: a manager may change them all; who created the question may
    change all but the assignee."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = load(session, question_id)
    if changes.assigns:
        require_manager(actor, "assign questions")
        check_assignee(session, None if changes.clear_assignee else changes.assignee_id)
    if changes.edits and not may_edit(actor, question):
        raise PermissionDenied(
            "You can edit only the questions you created; ask a manager to change this one."
        )
    save(session, actor, question, version, _wanted(changes))
    session.commit()
    return view(question)


def _wanted(changes: QuestionUpdate) -> dict[str, object]:
    wanted: dict[str, object] = {}
    if changes.title is not None:
        wanted["title"] = clean_title(changes.title)
    if changes.context is not None:
        wanted["context"] = clean_context(changes.context)
    if changes.technique is not None or changes.clear_technique:
        wanted["technique"] = (
            None if changes.clear_technique else clean_technique(changes.technique)
        )
    if changes.priority is not None:
        wanted["priority"] = Priority(changes.priority)
    if changes.due_date is not None or changes.clear_due_date:
        wanted["due_date"] = None if changes.clear_due_date else changes.due_date
    if changes.assigns:
        wanted["assignee_id"] = None if changes.clear_assignee else changes.assignee_id
    return wanted


def assign(
    session: Session, actor_id: int, *, question_id: int, version: int, assignee_id: int | None
) -> QuestionView:
    """Assign to an active IC, or unassign with ``None``. Managers only."""
    return update_question(
        session,
        actor_id,
        question_id=question_id,
        version=version,
        changes=QuestionUpdate(assignee_id=assignee_id, clear_assignee=assignee_id is None),
    )


# --------------------------------------------------------------------------- tree shape


def _height(branch: list[Question]) -> int:
    """Levels below the first question of ``branch`` (its subtree) to its deepest one."""
    parent = {q.id: q.parent_id for q in branch}
    top, height = branch[0].id, 0
    for q in branch:
        levels, current = 0, q.id
        while current != top and current in parent and levels <= len(branch):
            levels, current = levels + 1, parent[current]
        height = max(height, levels)
    return height


@atomic
def move_question(
    session: Session,
    actor_id: int,
    *,
    question_id: int,
    version: int,
    new_parent_id: int | None,
) -> QuestionView:
    """Move a question (with everything below it) under another parent, possibly in
    another tree, or to the top level as a general question. Managers only; never under
    itself or one of its own descendants."""
    actor = acting(session, actor_id)
    require_manager(actor, "move questions")
    question = load(session, question_id)
    if question.parent_id == new_parent_id:
        return view(question)
    branch = subtree(session, question)
    new_parent = load(session, new_parent_id) if new_parent_id is not None else None
    if new_parent is not None and new_parent.id in {n.id for n in branch}:
        where = "itself" if new_parent.id == question.id else "one of its own sub-questions"
        raise InvalidInput(
            f"'{question.title}' cannot move under {where}; pick a question outside its branch.",
            field="parent",
        )
    if new_parent is not None and new_parent.id is not None:
        check_depth(depth_of(session, new_parent) + 1 + _height(branch))
        lock_row(session, Question, new_parent.id)
    claim_version(session, question, version, what(question), touch=True)
    old_parent = question.parent_id
    question.position = _next_position(session, new_parent_id)
    question.parent_id = new_parent_id
    new_root = new_parent.root_id if new_parent is not None else question.id
    new_project = new_parent.project_id if new_parent is not None else question.project_id
    for node in branch:
        node.root_id = new_root
        node.project_id = new_project
    record(
        session,
        actor,
        question,
        "moved",
        field="parent_id",
        old=old_parent,
        new=new_parent_id,
        root_id=question.root_id,
    )
    session.commit()
    return view(question)


@atomic
def reorder(
    session: Session, actor_id: int, *, question_id: int, version: int, new_index: int
) -> QuestionView:
    """Put a question at ``new_index`` among its siblings (0 is first)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = load(session, question_id)
    parent = load(session, question.parent_id) if question.parent_id is not None else None
    if not may_reorder(actor, parent):
        raise PermissionDenied(
            "You can reorder only the sub-questions of a question assigned to you."
        )
    if parent is not None and parent.id is not None:
        lock_row(session, Question, parent.id)  # renumbering siblings takes turns
    siblings = list(
        session.scalars(
            select(Question)
            .where(col(Question.parent_id) == question.parent_id)
            .order_by(col(Question.position), col(Question.id))
        )
    )
    old_index = siblings.index(question)
    new_index = max(0, min(new_index, len(siblings) - 1))
    if new_index == old_index:
        return view(question)
    claim_version(session, question, version, what(question), touch=True)
    siblings.insert(new_index, siblings.pop(old_index))
    for index, node in enumerate(siblings):
        node.position = index
    record(
        session,
        actor,
        question,
        "updated",
        field="position",
        old=old_index,
        new=new_index,
        root_id=question.root_id,
    )
    session.commit()
    return view(question)
