"""Changing question trees: create, break down, edit, move, reorder, assign, status.

Who may do what (PRODUCT.md): a manager does everything; an IC may split a question
assigned to them (the new sub-questions are theirs), edit the questions they own, reorder
the sub-questions of a question assigned to them, and move their assigned questions
through statuses (but not drop or restore them); a viewer changes nothing. Every change
writes its events in the same transaction and bumps the row's version; a save based on
an older version is refused and overwrites nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session, col

from team.models import (
    Person,
    Priority,
    Project,
    Question,
    QuestionCreate,
    QuestionPublic,
    QuestionStatus,
    QuestionUpdate,
    Role,
    utcnow,
)
from team.services import events
from team.services.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from team.services.people import Actor, acting, require_manager, require_writer
from team.services.tx import atomic

TITLE_MAX = 300
CONTEXT_MAX = 20_000
TECHNIQUE_MAX = 60
LINES_MAX = 100

S = QuestionStatus
TRANSITIONS: dict[QuestionStatus, frozenset[QuestionStatus]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.BLOCKED, S.ANSWERED, S.DROPPED}),
    S.BLOCKED: frozenset({S.OPEN, S.IN_PROGRESS, S.DROPPED}),
    S.ANSWERED: frozenset({S.OPEN, S.IN_PROGRESS}),
    S.DROPPED: frozenset({S.OPEN}),
}
# Statuses an IC may not set: dropping and restoring a question is a manager's call.
MANAGER_ONLY_STATUSES = frozenset({S.DROPPED})


# --------------------------------------------------------------------------- helpers


def _load(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"Question #{question_id} does not exist; it may have been removed.")
    return question


def _claim(session: Session, question: Question, expected_version: int) -> None:
    """Take the next version of ``question`` or raise StaleEdit. The conditional UPDATE
    makes two concurrent saves of the same version fail for one of them."""
    stale = StaleEdit(
        f"'{question.title}' was changed by someone else since you opened it (you had "
        f"version {expected_version}, it is now version {question.version}); reload to "
        "see their change, then apply yours again."
    )
    if question.version != expected_version:
        raise stale
    result = session.execute(
        update(Question)
        .where(col(Question.id) == question.id, col(Question.version) == expected_version)
        .values(version=expected_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise stale
    question.version = expected_version + 1
    question.updated_at = utcnow()


def _public(question: Question) -> QuestionPublic:
    return QuestionPublic.model_validate(question)


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("Give the question a title; it cannot be empty.", field="title")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            f"Keep the title under {TITLE_MAX} characters (it has {len(cleaned)}); put "
            "detail in the context instead.",
            field="title",
        )
    return cleaned


def _clean_context(context: str) -> str:
    if len(context) > CONTEXT_MAX:
        raise InvalidInput(
            f"Keep the context under {CONTEXT_MAX:,} characters (it has {len(context):,}).",
            field="context",
        )
    return context.strip()


def _clean_technique(technique: str | None) -> str | None:
    if technique is None or not technique.strip():
        return None
    cleaned = technique.strip()
    if len(cleaned) > TECHNIQUE_MAX:
        raise InvalidInput(
            f"Keep the technique under {TECHNIQUE_MAX} characters.", field="technique"
        )
    return cleaned


def _check_assignee(session: Session, assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    person = session.get(Person, assignee_id)
    if person is None:
        raise InvalidInput(f"Person #{assignee_id} does not exist.", field="assignee")
    if not person.active:
        raise InvalidInput(
            f"{person.name} is deactivated; assign the question to an active IC.",
            field="assignee",
        )
    if person.role != Role.IC:
        raise InvalidInput(
            f"{person.name} is a {person.role}; questions are assigned to ICs.",
            field="assignee",
        )


def _may_split(actor: Actor, parent: Question) -> bool:
    return actor.is_manager or (actor.role == Role.IC and parent.assignee_id == actor.id)


def _record(
    session: Session,
    actor: Actor,
    question: Question,
    field: str,
    old: object,
    new: object,
) -> None:
    assert question.id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity="question",
        entity_id=question.id,
        action="updated",
        field=field,
        old=old,
        new=new,
        root_id=question.root_id,
    )


def _insert(session: Session, actor: Actor, question: Question) -> Question:
    session.add(question)
    session.flush()
    assert question.id is not None
    if question.root_id is None:
        question.root_id = question.id
        session.flush()
    events.record(
        session,
        actor_id=actor.id,
        entity="question",
        entity_id=question.id,
        action="created",
        new=question.title,
        root_id=question.root_id,
    )
    if question.assignee_id is not None:
        _record(session, actor, question, "assignee_id", None, question.assignee_id)
    return question


# --------------------------------------------------------------------------- create


@atomic
def create_question(session: Session, actor_id: int, data: QuestionCreate) -> QuestionPublic:
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
    _check_assignee(session, data.assignee_id)
    question = Question(
        title=_clean_title(data.title),
        context=_clean_context(data.context),
        technique=_clean_technique(data.technique),
        priority=data.priority,
        due_date=data.due_date,
        project_id=data.project_id,
        owner_id=actor.id,
        assignee_id=data.assignee_id,
    )
    _insert(session, actor, question)
    session.commit()
    return _public(question)


@dataclass(frozen=True)
class SubQuestion:
    title: str
    context: str = ""
    assignee_id: int | None = None
    technique: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None


@atomic
def add_subquestions(
    session: Session, actor_id: int, parent_id: int, items: list[SubQuestion]
) -> list[QuestionPublic]:
    """Add sub-questions under ``parent_id``, after its existing children, in one
    transaction: all are added or none."""
    actor = acting(session, actor_id)
    require_writer(actor)
    parent = _load(session, parent_id)
    if not _may_split(actor, parent):
        raise PermissionDenied(
            "You can break down only questions assigned to you; ask a manager to assign "
            "this one or to add the sub-questions."
        )
    if not items:
        raise InvalidInput("Give at least one sub-question.", field="title")
    if len(items) > LINES_MAX:
        raise InvalidInput(f"Add at most {LINES_MAX} sub-questions at once.", field="title")
    position = _next_position(session, parent_id)
    created = []
    for offset, item in enumerate(items):
        assignee = item.assignee_id
        if not actor.is_manager:
            if assignee not in (None, actor.id):
                raise PermissionDenied("Only a manager can assign questions to someone else.")
            assignee = actor.id
        _check_assignee(session, assignee)
        question = Question(
            title=_clean_title(item.title),
            context=_clean_context(item.context),
            technique=_clean_technique(item.technique) or parent.technique,
            priority=item.priority,
            due_date=item.due_date,
            project_id=parent.project_id,
            parent_id=parent.id,
            root_id=parent.root_id,
            owner_id=actor.id,
            assignee_id=assignee,
            position=position + offset,
        )
        created.append(_insert(session, actor, question))
    session.commit()
    return [_public(q) for q in created]


_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|\[[ xX]?\])\s+")


def parse_lines(text: str) -> list[str]:
    """One sub-question per non-empty line; list bullets and numbering are removed."""
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def add_subquestions_from_text(
    session: Session, actor_id: int, parent_id: int, text: str
) -> list[QuestionPublic]:
    """Pasted lines, one sub-question each."""
    titles = parse_lines(text)
    if not titles:
        raise InvalidInput("Paste at least one sub-question, one per line.", field="lines")
    return add_subquestions(session, actor_id, parent_id, [SubQuestion(t) for t in titles])


def _next_position(session: Session, parent_id: int | None) -> int:
    positions = session.scalars(
        select(col(Question.position)).where(col(Question.parent_id) == parent_id)
    ).all()
    return max(positions, default=-1) + 1


# --------------------------------------------------------------------------- edit


@atomic
def update_question(
    session: Session, actor_id: int, question_id: int, version: int, changes: QuestionUpdate
) -> QuestionPublic:
    """Save edits of title, context, technique, priority and due date."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = _load(session, question_id)
    if not (actor.is_manager or question.owner_id == actor.id):
        raise PermissionDenied(
            "You can edit only the questions you created; ask a manager to change this one."
        )
    new_values = _changed_fields(question, changes)
    _claim(session, question, version)
    for field, value in new_values.items():
        _record(session, actor, question, field, getattr(question, field), value)
        setattr(question, field, value)
    session.commit()
    return _public(question)


def _changed_fields(question: Question, changes: QuestionUpdate) -> dict[str, object]:
    wanted: dict[str, object] = {}
    if changes.title is not None:
        wanted["title"] = _clean_title(changes.title)
    if changes.context is not None:
        wanted["context"] = _clean_context(changes.context)
    if changes.technique is not None or changes.clear_technique:
        wanted["technique"] = (
            None if changes.clear_technique else _clean_technique(changes.technique)
        )
    if changes.priority is not None:
        wanted["priority"] = Priority(changes.priority)
    if changes.due_date is not None or changes.clear_due_date:
        wanted["due_date"] = None if changes.clear_due_date else changes.due_date
    return {k: v for k, v in wanted.items() if getattr(question, k) != v}


@atomic
def assign(
    session: Session, actor_id: int, question_id: int, version: int, assignee_id: int | None
) -> QuestionPublic:
    """Assign to an active IC, or unassign with ``None``. Managers only."""
    actor = acting(session, actor_id)
    require_manager(actor, "assign questions")
    question = _load(session, question_id)
    _check_assignee(session, assignee_id)
    if question.assignee_id == assignee_id:
        return _public(question)
    _claim(session, question, version)
    _record(session, actor, question, "assignee_id", question.assignee_id, assignee_id)
    question.assignee_id = assignee_id
    session.commit()
    return _public(question)


# --------------------------------------------------------------------------- status


def allowed_statuses(current: QuestionStatus) -> list[QuestionStatus]:
    return sorted(TRANSITIONS[QuestionStatus(current)], key=list(QuestionStatus).index)


def _check_transition(question: Question, new: QuestionStatus) -> None:
    current = QuestionStatus(question.status)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_statuses(current))
        raise IllegalTransition(
            f"'{question.title}' is {current.value}; from there it can move to {allowed}, "
            f"not to {new.value}.",
            field="status",
        )


def _check_status_permission(actor: Actor, question: Question, new: QuestionStatus) -> None:
    require_writer(actor)
    if actor.is_manager:
        return
    if question.assignee_id != actor.id:
        raise PermissionDenied("You can change the status only of questions assigned to you.")
    if new in MANAGER_ONLY_STATUSES or question.status == S.DROPPED:
        raise PermissionDenied("Only a manager can drop a question or bring one back.")


@atomic
def set_status(
    session: Session, actor_id: int, question_id: int, version: int, status: QuestionStatus
) -> QuestionPublic:
    """Move a question through its states. Dropping a question also drops its
    descendants that are not answered or dropped already; restoring brings back only
    the question itself."""
    actor = acting(session, actor_id)
    question = _load(session, question_id)
    new = QuestionStatus(status)
    if question.status == new:
        return _public(question)
    _check_status_permission(actor, question, new)
    _check_transition(question, new)
    _claim(session, question, version)
    _change_status(session, actor, question, new)
    if new == S.DROPPED:
        _drop_descendants(session, actor, question)
    session.commit()
    return _public(question)


def _change_status(session: Session, actor: Actor, question: Question, new: QuestionStatus) -> None:
    _record(session, actor, question, "status", question.status, new)
    question.status = new


def _subtree(session: Session, question: Question) -> list[Question]:
    """``question`` and every node below it (one query for the whole tree)."""
    tree = session.scalars(select(Question).where(col(Question.root_id) == question.root_id)).all()
    children: dict[int | None, list[Question]] = {}
    for node in tree:
        children.setdefault(node.parent_id, []).append(node)
    found, stack = [], [question]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node.id, []))
    return found


def _drop_descendants(session: Session, actor: Actor, question: Question) -> None:
    for node in _subtree(session, question)[1:]:
        if node.status not in (S.ANSWERED, S.DROPPED):
            _change_status(session, actor, node, S.DROPPED)
            node.version += 1
            node.updated_at = utcnow()


# --------------------------------------------------------------------------- tree shape


@atomic
def move_question(
    session: Session, actor_id: int, question_id: int, version: int, new_parent_id: int | None
) -> QuestionPublic:
    """Move a question (with everything below it) under another parent, possibly in
    another tree, or to the top level as a general question. Managers only; never under
    itself or one of its own descendants."""
    actor = acting(session, actor_id)
    require_manager(actor, "move questions")
    question = _load(session, question_id)
    if question.parent_id == new_parent_id:
        return _public(question)
    subtree = _subtree(session, question)
    new_parent = _load(session, new_parent_id) if new_parent_id is not None else None
    if new_parent is not None and new_parent.id in {n.id for n in subtree}:
        where = "itself" if new_parent.id == question.id else "one of its own sub-questions"
        raise InvalidInput(
            f"'{question.title}' cannot move under {where}; pick a question outside its branch.",
            field="parent",
        )
    _claim(session, question, version)
    old_parent = question.parent_id
    question.position = _next_position(session, new_parent_id)
    question.parent_id = new_parent_id
    new_root = new_parent.root_id if new_parent is not None else question.id
    new_project = new_parent.project_id if new_parent is not None else question.project_id
    for node in subtree:
        node.root_id = new_root
        node.project_id = new_project
    assert question.id is not None
    events.record(
        session,
        actor_id=actor.id,
        entity="question",
        entity_id=question.id,
        action="moved",
        field="parent_id",
        old=old_parent,
        new=new_parent_id,
        root_id=new_root,
    )
    session.commit()
    return _public(question)


@atomic
def reorder(
    session: Session, actor_id: int, question_id: int, version: int, new_index: int
) -> QuestionPublic:
    """Put a question at ``new_index`` among its siblings (0 is first)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    question = _load(session, question_id)
    parent = _load(session, question.parent_id) if question.parent_id is not None else None
    if not (actor.is_manager or (parent is not None and _may_split(actor, parent))):
        raise PermissionDenied(
            "You can reorder only the sub-questions of a question assigned to you."
        )
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
        return _public(question)
    _claim(session, question, version)
    siblings.insert(new_index, siblings.pop(old_index))
    for index, node in enumerate(siblings):
        node.position = index
    _record(session, actor, question, "position", old_index, new_index)
    session.commit()
    return _public(question)


# --------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class BulkEdit:
    """One row of the bulk editor: the version it was read at and its wanted values."""

    question_id: int
    version: int
    assignee_id: int | None
    status: QuestionStatus
    priority: Priority
    due_date: date | None


@atomic
def bulk_update(session: Session, actor_id: int, edits: list[BulkEdit]) -> int:
    """Apply many rows' assignee / status / priority / due changes in one transaction:
    every row is saved or, if any row is refused, none is. Returns rows changed."""
    actor = acting(session, actor_id)
    require_writer(actor)
    changed = sum(_apply_bulk_row(session, actor, edit) for edit in edits)
    session.commit()
    return changed


def _apply_bulk_row(session: Session, actor: Actor, edit: BulkEdit) -> int:
    question = _load(session, edit.question_id)
    fields: dict[str, object] = {}
    if question.assignee_id != edit.assignee_id:
        require_manager(actor, "assign questions")
        _check_assignee(session, edit.assignee_id)
        fields["assignee_id"] = edit.assignee_id
    if question.priority != edit.priority or question.due_date != edit.due_date:
        if not (actor.is_manager or question.owner_id == actor.id):
            raise PermissionDenied(
                f"You can change priority and due date only of questions you created "
                f"('{question.title}' is not)."
            )
        fields["priority"] = Priority(edit.priority)
        fields["due_date"] = edit.due_date
    new_status = QuestionStatus(edit.status)
    if question.status != new_status:
        _check_status_permission(actor, question, new_status)
        _check_transition(question, new_status)
    if not fields and question.status == new_status:
        return 0
    _claim(session, question, edit.version)
    for field, value in fields.items():
        if getattr(question, field) != value:
            _record(session, actor, question, field, getattr(question, field), value)
            setattr(question, field, value)
    if question.status != new_status:
        _change_status(session, actor, question, new_status)
        if new_status == S.DROPPED:
            _drop_descendants(session, actor, question)
    return 1
