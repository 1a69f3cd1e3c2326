"""Importing questions from a CSV (a Jira, Linear or GitHub issues export, a sheet): the
table (csv_read.py) and the column each field is read from (columns.py) become a plan.

Rows name their parent by its key: a row of the same file, or a question an earlier
import made in the same project. A key imported before updates its question (the
fields the file maps; its place in the tree stays) instead of adding a second one. A
manager's act: it assigns people and sets statuses."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Project, Question, QuestionKey
from team.services.core.actors import Actor, acting, require_manager
from team.services.core.errors import InvalidInput
from team.services.core.tx import atomic
from team.services.core.writes import lock_row
from team.services.imports import columns
from team.services.imports.columns import Column, Mapping
from team.services.imports.csv_read import Table
from team.services.imports.plan import Item, People, Plan, Target, check_depth, target_for
from team.services.imports.problems import ImportRefused, Problem
from team.services.imports.write import FIELDS, Imported, Progress, write_plan
from team.services.questions import breakdown
from team.services.questions.rules import TRANSITIONS
from team.services.questions.store import clean_context, clean_title
from team.vocabulary import QuestionStatus

IDS = 1000
ALIAS = "id:"  # a question_key holding a row's id rather than its key (Jira's Issue id)
KEY_MAX = 200
# The question field each column sets (on an update, only the columns mapped change).
FIELD_OF = {
    Column.TITLE: "title",
    Column.CONTEXT: "context",
    Column.ASSIGNEE: "assignee_id",
    Column.TECHNIQUE: "technique",
    Column.PRIORITY: "priority",
    Column.DUE_DATE: "due_date",
    Column.STATUS: "status",
}


@dataclass(frozen=True)
class Choices:
    """How to read the file: the column of each field, and the order of numeric dates
    (None: as the column's dates tell, day first when they do not)."""

    mapping: Mapping
    date_order: str | None = None
    ids: int | None = None  # a column of ids a parent value may name (Jira's "Issue id")


@dataclass(frozen=True)
class _Row:
    where: int
    item: Item  # parent not yet known
    key: str | None
    parent_key: str | None


def plan_csv(
    session: Session,
    actor_id: int,
    *,
    table: Table,
    choices: Choices,
    under_id: int | None = None,
    project_id: int | None = None,
    techniques: Sequence[str] = (),
    writing: bool = False,
) -> Plan:
    """What importing ``table`` would do; ImportRefused lists every problem by row.
    ``writing``: the plan is carried out in this transaction, so imports into the
    project take turns from here (the keys read now are the keys there at the write)."""
    actor = acting(session, actor_id)
    require_manager(actor, "import questions from a CSV")
    target = target_for(
        session, actor, under_id=under_id, project_id=project_id, doing="import questions"
    )
    if writing:
        lock_row(session, Project, target.project_id)
    mapping = choices.mapping
    _check_mapping(mapping)
    problems: list[Problem] = []
    order = _date_order(table, mapping, choices.date_order, problems)
    people = People(session)
    rows = [
        _row(number, cells, mapping, order, people, actor, techniques, problems)
        for number, cells in zip(table.numbers, table.rows, strict=True)
    ]
    rows = _by_ids(rows, table, choices.ids, mapping)
    # The rows' keys (updated if known) and their parents' (a row may go under a
    # question an earlier import made, its key not in this file, or named by its id).
    named = [k for r in rows for k in (r.key, r.parent_key) if k]
    named += [ALIAS + r.parent_key for r in rows if r.parent_key]
    named += [ALIAS + r.item.alias for r in rows if r.item.alias]
    known = _known_keys(session, target, named)
    items = _free_aliases(_placed(rows, known, problems), known)
    plan = Plan(target, tuple(items), "row", inherit=False)
    problems += check_depth(session, plan)
    problems += _moves(session, plan)
    if problems:
        raise ImportRefused(problems, noun="row")
    return plan


def fields_of(mapping: Mapping) -> tuple[str, ...]:
    """The question fields an import with ``mapping`` sets."""
    return tuple(FIELD_OF[c] for c in mapping if c in FIELD_OF)


def _check_mapping(mapping: Mapping) -> None:
    if Column.TITLE not in mapping:
        raise InvalidInput("Choose the column that holds each question's title.", field="title")
    if Column.PARENT_KEY in mapping and Column.KEY not in mapping:
        raise InvalidInput(
            "A parent key names another row by its key: choose the key column too, or no "
            "parent column.",
            field="key",
        )
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise InvalidInput("Each column can fill one field only; choose another.", field="mapping")


def _date_order(table: Table, mapping: Mapping, chosen: str | None, problems: list[Problem]) -> str:
    if chosen is not None or Column.DUE_DATE not in mapping:
        return chosen or "dmy"
    index = mapping[Column.DUE_DATE]
    try:
        return columns.date_order(row[index] for row in table.rows) or "dmy"
    except ValueError as exc:
        problems.append(Problem(0, f"{exc} Choose the date order."))
        return "dmy"


def _row(
    number: int,
    cells: tuple[str, ...],
    mapping: Mapping,
    order: str,
    people: People,
    actor: Actor,
    techniques: Sequence[str],
    problems: list[Problem],
) -> _Row:
    def cell(column: Column) -> str:
        return cells[mapping[column]].strip() if column in mapping else ""

    def said(text: str) -> None:
        problems.append(Problem(number, text))

    values: dict[str, object] = {}
    for column, read in _READERS.items():
        if column in mapping and (text := cell(column)):
            try:
                values[column.value] = read(text, order)
            except ValueError as exc:
                said(str(exc))
    title = _clean(clean_title, cells[mapping[Column.TITLE]], said)
    context = _clean(clean_context, cell(Column.CONTEXT), said) if Column.CONTEXT in mapping else ""
    assignee = None
    if typed := cell(Column.ASSIGNEE):
        found = people.assignee(typed, actor)
        if isinstance(found, int):
            assignee = found
        else:
            said(found)
    technique = None
    if typed := cell(Column.TECHNIQUE):
        try:
            technique = breakdown.technique_of(number, typed, techniques)
        except InvalidInput as exc:
            said(exc.message.removeprefix(f"Line {number}: ").replace("technique:", ""))
    key = cell(Column.KEY) or None
    if key is not None and len(key) > KEY_MAX:
        said(f"the key is longer than {KEY_MAX} characters; shorten it.")
    item = Item(
        where=number,
        title=title or "",
        key=key,
        context=context or "",
        assignee_id=assignee,
        technique=technique,
        priority=values.get("priority"),  # type: ignore[arg-type]
        due_date=values.get("due_date"),  # type: ignore[arg-type]
        status=values.get("status"),  # type: ignore[arg-type]
    )
    return _Row(number, item, key, cell(Column.PARENT_KEY) or None)


_READERS: dict[Column, Callable[[str, str], object]] = {
    Column.STATUS: lambda text, _order: columns.status_of(text),
    Column.PRIORITY: lambda text, _order: columns.priority_of(text),
    Column.DUE_DATE: lambda text, order: columns.date_of(text, order=order),
}


def _clean(clean: Callable[[str], str], text: str, said: Callable[[str], None]) -> str | None:
    try:
        return clean(text)
    except InvalidInput as exc:
        said(exc.message)
        return None


def _by_ids(rows: list[_Row], table: Table, ids: int | None, mapping: Mapping) -> list[_Row]:
    """Parents named by another column of ids (Jira Cloud's "Parent" holds the parent's
    Issue id, not its key) are named by their key instead; each row keeps its id, so a
    later file naming it as a parent finds it (kept as the key ``id:<id>``)."""
    if ids is None or Column.KEY not in mapping:
        return rows
    keys = {r.key for r in rows if r.key}
    with_ids = [
        replace(r, item=replace(r.item, alias=cells[ids].strip() or None))
        for cells, r in zip(table.rows, rows, strict=True)
    ]
    alias = {r.item.alias: r.key for r in with_ids if r.key and r.item.alias}
    return [
        replace(r, parent_key=alias[r.parent_key])
        if r.parent_key and r.parent_key not in keys and r.parent_key in alias
        else r
        for r in with_ids
    ]


def _free_aliases(items: list[Item], known: dict[str, int]) -> list[Item]:
    """Items keep an id to be found by only when no question holds it yet and no item
    before them in the file has it (the first keeps it; their keys are theirs still)."""
    taken = {key for key in known if key.startswith(ALIAS)}
    kept = []
    for item in items:
        alias = ALIAS + item.alias if item.alias else None
        if alias is not None and alias in taken:
            item = replace(item, alias=None)
        elif alias is not None:
            taken.add(alias)
        kept.append(item)
    return kept


def _known_keys(session: Session, target: Target, keys: list[str]) -> dict[str, int]:
    """{key: question} of the keys an earlier import made in the target's project."""
    found: dict[str, int] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), IDS):
        query = select(col(QuestionKey.key), col(QuestionKey.question_id)).where(
            col(QuestionKey.project_id) == target.project_id,
            col(QuestionKey.key).in_(wanted[start : start + IDS]),
        )
        found.update(dict(session.execute(query).all()))
    return found


def _placed(rows: list[_Row], known: dict[str, int], problems: list[Problem]) -> list[Item]:
    """The rows as items, each parent before its children; a duplicate key, a parent
    key nobody has or parents going round in a circle are problems of their rows."""
    first: dict[str, _Row] = {}
    for row in rows:
        if row.key is None:
            continue
        if row.key in first:
            problems.append(
                Problem(
                    row.where,
                    f"the key “{row.key}” is also on row {first[row.key].where}; keys must "
                    "differ (or leave this one empty).",
                )
            )
        else:
            first[row.key] = row
    children: dict[str | None, list[_Row]] = {}
    under: dict[int, int] = {}  # row -> existing question it goes under
    for row in rows:
        parent = row.parent_key
        if parent is not None and parent not in first:
            if parent in known or ALIAS + parent in known:
                under[row.where] = known.get(parent) or known[ALIAS + parent]
                parent = None
            else:
                problems.append(
                    Problem(
                        row.where,
                        f"its parent key “{parent}” is the key of no row of this file and of "
                        "no question imported before into this project; fix the parent or "
                        "leave it empty.",
                    )
                )
                parent = None
        children.setdefault(parent, []).append(row)
    items = _walk(children, known, under)
    placed = {item.where for item in items}
    _circles([r for r in rows if r.where not in placed], first, problems)
    return items


def _walk(
    children: dict[str | None, list[_Row]], known: dict[str, int], under: dict[int, int]
) -> list[Item]:
    """Items breadth first from the top rows: parents before children, file order kept
    among siblings."""
    items: list[Item] = []
    queue: deque[tuple[_Row, int | None]] = deque((r, None) for r in children.get(None, []))
    while queue:
        row, parent = queue.popleft()
        item = row.item
        existing = known.get(row.key) if row.key else None
        items.append(replace(item, parent=parent, under=under.get(row.where), existing=existing))
        if row.key is not None:
            index = len(items) - 1
            queue.extend((child, index) for child in children.pop(row.key, []))
    return items


def _circles(left: list[_Row], first: dict[str, _Row], problems: list[Problem]) -> None:
    """Rows never reached from the top: their parents go round in a circle."""
    for row in sorted(left, key=lambda r: r.where):
        path, seen = [row.key or "?"], {row.where}
        step = first.get(row.parent_key or "")
        while step is not None and step.where not in seen:
            path.append(step.key or "?")
            seen.add(step.where)
            step = first.get(step.parent_key or "")
        path.append(step.key or "?" if step is not None else "?")
        problems.append(
            Problem(
                row.where,
                f"its parent keys go round in a circle ({' → '.join(path)}); give one of "
                "these rows no parent, or a parent outside the circle.",
            )
        )


def _moves(session: Session, plan: Plan) -> list[Problem]:
    """A status the file gives an imported question that its state machine does not
    allow from where it is now."""
    updates = [item for item in plan.items if item.existing is not None and item.status]
    ids = [item.existing for item in updates if item.existing is not None]
    now: dict[int, QuestionStatus] = {}
    for start in range(0, len(ids), IDS):
        query = select(col(Question.id), col(Question.status)).where(
            col(Question.id).in_(ids[start : start + IDS])
        )
        now.update({qid: QuestionStatus(status) for qid, status in session.execute(query)})
    problems = []
    for item in updates:
        assert item.existing is not None and item.status is not None
        old = now.get(item.existing)
        if old is not None and old != item.status and item.status not in TRANSITIONS[old]:
            problems.append(
                Problem(
                    item.where,
                    f"the question is {old.label.lower()} and cannot become "
                    f"{item.status.label.lower()} directly; change the status in the file "
                    "(or on the page first).",
                )
            )
    return problems


@atomic
def import_csv(
    session: Session,
    actor_id: int,
    *,
    table: Table,
    choices: Choices,
    under_id: int | None = None,
    project_id: int | None = None,
    techniques: Sequence[str] = (),
    progress: Progress | None = None,
) -> Imported:
    """Create (or update, by key) the questions of ``table``: all of them, or
    (ImportRefused, or any failure on the way) none."""
    plan = plan_csv(
        session,
        actor_id,
        table=table,
        choices=choices,
        under_id=under_id,
        project_id=project_id,
        techniques=techniques,
        writing=True,
    )
    fields = [f for f in FIELDS if f in fields_of(choices.mapping)]
    done = write_plan(session, acting(session, actor_id), plan, fields=fields, progress=progress)
    session.commit()
    return done
