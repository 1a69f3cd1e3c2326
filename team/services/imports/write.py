"""Carrying out an import plan in one transaction: every question of the file is created
(or updated) with its events, or, on any failure, none is.

Statements grow with the rows only through batched inserts: the new questions are
added a level of the tree at a time, in chunks the ORM sends as multi-row INSERTs, their
events and keys likewise; the rows an earlier import made are read a thousand ids per
query and updated by executemany. Nothing is read per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from team.models import Event, Project, Question, QuestionKey, table_of, utcnow
from team.services.core import events
from team.services.core.actors import Actor
from team.services.core.writes import lock_row
from team.services.imports.plan import Item, Plan
from team.vocabulary import Priority, QuestionStatus

CHUNK = 500  # questions per flush: a multi-row INSERT each, and a step of the progress
IDS = 1000  # ids per IN (...) read

Progress = Callable[[int, int], None]  # (items done, items in all)
FIELDS = ("title", "context", "assignee_id", "technique", "priority", "due_date", "status")


@dataclass(frozen=True)
class Imported:
    """What an import did; ``top`` are the questions made or updated at its top level,
    for the page to link to."""

    created: int
    updated: int
    unchanged: int
    top: tuple[int, ...]


def write_plan(
    session: Session,
    actor: Actor,
    plan: Plan,
    *,
    fields: Sequence[str] = FIELDS,
    progress: Progress | None = None,
) -> Imported:
    """Create the plan's new questions and update its existing ones (only ``fields``,
    the ones the file gives); the caller commits. Takes the write lock first (the
    target question's row, or the project's), so the rows read here are the ones
    changed."""
    target = plan.target
    if target.question_id is not None:
        lock_row(session, Question, target.question_id)
    else:
        lock_row(session, Project, target.project_id)
    ids: list[int | None] = [None] * len(plan.items)
    rows: dict[int, Question] = {}  # item index -> its question
    known = _read(session, [i.existing for i in plan.items if i.existing is not None], lock=True)
    above = _read(session, _places(plan))  # where new questions go: their next positions
    done = 0
    for index, item in enumerate(plan.items):
        if item.existing is not None:
            rows[index] = known[item.existing]
            ids[index] = item.existing
    updated = _update(session, actor, plan, rows, fields)
    done += len(rows)
    _tick(progress, done, len(plan.items))
    positions = _positions(session, plan, above)
    depths = plan.depths
    order = sorted(
        (i for i, item in enumerate(plan.items) if item.existing is None),
        key=depths.__getitem__,
    )
    for _, level in groupby(order, key=depths.__getitem__):
        batch = list(level)
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start : start + CHUNK]
            _create(session, actor, plan, chunk, rows, above, positions)
            for i in chunk:
                ids[i] = rows[i].id
            done += len(chunk)
            _tick(progress, done, len(plan.items))
    _keys(session, plan, rows)
    session.flush()
    top = tuple(
        i_id
        for item, i_id in zip(plan.items, ids, strict=True)
        if item.parent is None and i_id is not None
    )
    created = len(plan.items) - len(known)
    return Imported(created, updated, len(known) - updated, top)


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _read(
    session: Session, question_ids: Sequence[int], *, lock: bool = False
) -> dict[int, Question]:
    """The questions ``question_ids``, a thousand per query (locked for update on
    PostgreSQL when ``lock``)."""
    found: dict[int, Question] = {}
    wanted = sorted(set(question_ids))
    for start in range(0, len(wanted), IDS):
        query = select(Question).where(col(Question.id).in_(wanted[start : start + IDS]))
        for row in session.scalars(query.with_for_update() if lock else query):
            assert row.id is not None
            found[row.id] = row
    return found


def _places(plan: Plan) -> list[int]:
    """The questions already there that new items go under."""
    places = {item.under for item in plan.items if item.parent is None and item.under is not None}
    places |= {  # questions imported before that get new children now
        existing
        for item in plan.items
        if item.existing is None
        and item.parent is not None
        and (existing := plan.items[item.parent].existing) is not None
    }
    if plan.target.question_id is not None:
        places.add(plan.target.question_id)
    return sorted(places)


def _positions(session: Session, plan: Plan, above: dict[int, Question]) -> dict[int | None, int]:
    """The next free sibling position under each question new items join (one query);
    new general questions come after the existing ones."""
    parents = list(above)
    found: dict[int | None, int] = {}
    for start in range(0, len(parents), IDS):
        chunk = parents[start : start + IDS]
        query = (
            select(col(Question.parent_id), func.max(Question.position))
            .where(col(Question.parent_id).in_(chunk))
            .group_by(col(Question.parent_id))
        )
        found.update({parent: int(top) + 1 for parent, top in session.execute(query)})
    if plan.target.question_id is None:
        top = session.scalar(
            select(func.max(Question.position)).where(col(Question.parent_id).is_(None))
        )
        found[None] = int(top) + 1 if top is not None else 0
    return found


def _create(
    session: Session,
    actor: Actor,
    plan: Plan,
    chunk: list[int],
    rows: dict[int, Question],
    above: dict[int, Question],
    positions: dict[int | None, int],
) -> None:
    """Insert the questions of ``chunk`` (items whose parents exist by now) and their
    events. Their ids are taken first, so the rows go in one executemany and each new
    general question names itself as its root in the same INSERT."""
    ids = _new_ids(session, len(chunk))
    made: list[Question] = []
    for i, question_id in zip(chunk, ids, strict=True):
        item = plan.items[i]
        parent = _parent(plan, item, rows, above)
        parent_id = parent.id if parent is not None else None
        position = positions.get(parent_id, 0)
        positions[parent_id] = position + 1
        question = _question(plan, item, parent, position, actor)
        question.id = question_id
        question.root_id = question.root_id or question_id
        rows[i] = question
        made.append(question)
    session.add_all(made)
    session.flush()
    events.record_all(
        session,
        [e for q in made for e in _created_events(actor, q)],
        {("question", _id(q)): q for q in made},
    )


def _new_ids(session: Session, count: int) -> list[int]:
    """``count`` ids for new questions in one statement: the sequence's next values on
    PostgreSQL; on SQLite the ids after the largest (the write lock taken at the start
    keeps them free: SQLite gives a new row the largest id plus one)."""
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence('question', 'id')) "
            "FROM generate_series(1, :count)"
        )
        return [int(v) for v in session.scalars(query, {"count": count})]
    top = session.scalar(select(func.max(Question.id))) or 0
    return list(range(top + 1, top + 1 + count))


def _parent(
    plan: Plan, item: Item, rows: dict[int, Question], above: dict[int, Question]
) -> Question | None:
    if item.parent is not None:
        return rows[item.parent]
    if item.under is not None:
        return above[item.under]
    if plan.target.question_id is not None:
        return above[plan.target.question_id]
    return None


def _question(
    plan: Plan, item: Item, parent: Question | None, position: int, actor: Actor
) -> Question:
    inherit = plan.inherit and parent is not None
    return Question(
        title=item.title,
        context=item.context,
        technique=item.technique or (parent.technique if inherit and parent else None),
        priority=item.priority or (parent.priority if inherit and parent else Priority.MEDIUM),
        due_date=item.due_date or (parent.due_date if inherit and parent else None),
        status=item.status or QuestionStatus.OPEN,
        project_id=parent.project_id if parent is not None else plan.target.project_id,
        parent_id=parent.id if parent is not None else None,
        root_id=parent.root_id if parent is not None else None,
        owner_id=actor.id,
        assignee_id=item.assignee_id,
        position=position,
    )


def _event(
    actor: Actor, question: Question, action: str, field: str | None, old: object, new: object
) -> Event:
    return Event(
        at=utcnow(),
        actor_id=actor.id,
        entity="question",
        entity_id=_id(question),
        action=action,
        field=field,
        old_value=events.text_of(old),
        new_value=events.text_of(new),
        root_id=question.root_id,
    )


def _created_events(actor: Actor, question: Question) -> list[Event]:
    """What creating a question records (store.insert's events), and its status when
    the file gives one other than open."""
    made = [_event(actor, question, "created", None, None, question.title)]
    if question.assignee_id is not None:
        made.append(_event(actor, question, "updated", "assignee_id", None, question.assignee_id))
    if question.status != QuestionStatus.OPEN:
        made.append(
            _event(actor, question, "updated", "status", QuestionStatus.OPEN, question.status)
        )
    return made


def _update(
    session: Session,
    actor: Actor,
    plan: Plan,
    rows: dict[int, Question],
    fields: Sequence[str],
) -> int:
    """Set what the file changed on questions an earlier import made: one event per
    changed field and a new version, as an edit on the page would; how many changed.
    The rows go in one executemany per set of fields changed (the ORM sends one UPDATE
    per run of rows changing the same fields in id order: nearly one a row when rows
    change different fields); the questions held here take the new values as written."""
    made: list[Event] = []
    touched: dict[tuple[str, int], object] = {}
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    now = utcnow()
    for index, question in rows.items():
        wanted = _wanted(plan.items[index], fields)
        changed = {k: v for k, v in wanted.items() if getattr(question, k) != v}
        if not changed:
            continue
        touched[("question", _id(question))] = question
        for name, new in changed.items():
            made.append(_event(actor, question, "updated", name, getattr(question, name), new))
        values = {**changed, "version": question.version + 1, "updated_at": now}
        for name, value in values.items():
            set_committed_value(question, name, value)
        groups.setdefault(tuple(values), []).append(
            {"row_id": _id(question)} | {f"new_{k}": v for k, v in values.items()}
        )
    table = table_of(Question)
    for names, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        session.connection().execute(statement, params)
    events.record_all(session, made, touched)
    return len(touched)


def _wanted(item: Item, fields: Sequence[str]) -> dict[str, Any]:
    """The values the file gives: an empty cell clears what may be empty (assignee,
    technique, due date) and leaves what may not (priority, status)."""
    values: dict[str, Any] = {
        "title": item.title,
        "context": item.context,
        "assignee_id": item.assignee_id,
        "technique": item.technique,
        "due_date": item.due_date,
    }
    if item.priority is not None:
        values["priority"] = item.priority
    if item.status is not None:
        values["status"] = item.status
    return {k: v for k, v in values.items() if k in fields}


def _id(question: Question) -> int:
    assert question.id is not None, "flushed before its key is written"
    return question.id


def _keys(session: Session, plan: Plan, rows: dict[int, Question]) -> None:
    """The keys of the new questions, in one executemany (the ORM would send one INSERT
    a row to learn ids nobody needs)."""
    project = plan.target.project_id
    keys = [
        {"project_id": project, "key": key, "question_id": _id(rows[i])}
        for i, item in enumerate(plan.items)
        if item.key and item.existing is None
        for key in (item.key, f"id:{item.alias}" if item.alias else None)
        if key
    ]
    if keys:
        session.connection().execute(insert(table_of(QuestionKey)), keys)
