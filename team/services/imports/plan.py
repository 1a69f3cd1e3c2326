"""What an import will do, read before anything is written: the questions to create (or,
for a key imported before, to update), each where it goes, with what the file said of
its assignee, technique, priority, due date and status. The preview shows a plan; the
writer (write.py) carries it out in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Person, Project, Question
from team.services.core.actors import Actor, require_manager
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.imports.problems import Problem
from team.services.questions import breakdown
from team.services.questions.rules import MAX_DEPTH, works_on
from team.services.questions.store import depth_of, load
from team.vocabulary import Priority, QuestionStatus, Role


@dataclass(frozen=True)
class Item:
    """One question of the file. ``parent`` is the index (in the plan) of the item it
    goes under; with no parent it goes under ``under`` (a question already there, named
    by its key) or else at the top: under the import's target, or as a general
    question. ``existing`` is the question an earlier import of the same key made: the
    item updates it."""

    where: int  # its line or row
    title: str
    parent: int | None = None
    under: int | None = None
    key: str | None = None
    context: str = ""
    assignee_id: int | None = None
    technique: str | None = None
    priority: Priority | None = None
    due_date: date | None = None
    status: QuestionStatus | None = None
    existing: int | None = None
    alias: str | None = None  # another id the tracker gives it (Jira's Issue id)


@dataclass(frozen=True)
class Target:
    """Where an import goes: under question ``question_id`` (of ``project_id``), or as
    new general questions of project ``project_id``."""

    project_id: int
    question_id: int | None = None
    title: str = ""  # the question's, or the project's name
    depth: int = -1  # the question's levels below its general question (-1: none)


@dataclass(frozen=True)
class Plan:
    """The items in an order where each parent comes before its children."""

    target: Target
    items: tuple[Item, ...]
    noun: str  # "line" or "row": how problems and the preview name an item's place
    inherit: bool  # an item leaves out priority, due date, technique: its parent's
    depths: tuple[int, ...] = field(init=False)  # each item's level in the import (0: top)

    def __post_init__(self) -> None:
        object.__setattr__(self, "depths", depths_of(self.items))

    @property
    def new(self) -> int:
        return sum(1 for item in self.items if item.existing is None)

    @property
    def updated(self) -> int:
        return len(self.items) - self.new


def depths_of(items: Sequence[Item]) -> tuple[int, ...]:
    depths: list[int] = []
    for item in items:
        depths.append(0 if item.parent is None else depths[item.parent] + 1)
    return tuple(depths)


def target_for(
    session: Session,
    actor: Actor,
    *,
    under_id: int | None,
    project_id: int | None,
    doing: str,
) -> Target:
    """Where an import by ``actor`` goes, checked: a question the actor works on (a
    manager, or the IC it is assigned to), or an active project for a manager's new
    general questions."""
    if under_id is not None:
        question = load(session, under_id)
        if not works_on(actor, question):
            raise PermissionDenied(
                f"You can {doing} only under questions assigned to you; ask a manager to "
                "assign this one or to import it."
            )
        return Target(question.project_id, under_id, question.title, depth_of(session, question))
    require_manager(actor, f"{doing} as new general questions")
    project = session.get(Project, project_id) if project_id is not None else None
    if project is None or project.id is None:
        raise InvalidInput("Pick the project the new general questions go into.", field="project")
    if project.archived:
        raise InvalidInput(
            f"Project '{project.name}' is archived; reopen it or pick another project.",
            field="project",
        )
    return Target(project.id, None, project.name)


def check_depth(session: Session, plan: Plan) -> list[Problem]:
    """A problem for the first new item that would sit deeper than a tree may go,
    counting from where each item really goes: under the target, under a new item, or
    under a question already there (an earlier import's; their levels read at once)."""
    target, noun = plan.target, plan.noun
    # The levels of the questions already there that new items go under (an item
    # imported before that gets new children, or a parent named by its key alone).
    parents = {plan.items[i.parent].existing for i in plan.items if i.parent is not None}
    there = {i.under for i in plan.items} | parents
    levels = levels_of(session, sorted(q for q in there if q is not None))
    depths: list[int] = []
    for item in plan.items:
        if item.existing is not None:
            depth = levels.get(item.existing, 0)
        elif item.parent is not None:
            depth = depths[item.parent] + 1
        elif item.under is not None:
            depth = levels.get(item.under, 0) + 1
        else:
            depth = target.depth + 1
        depths.append(depth)
        if item.existing is None and depth > MAX_DEPTH:
            return [
                Problem(
                    item.where,
                    f"this {noun} would sit {depth} levels below its general question; a "
                    f"tree goes at most {MAX_DEPTH} levels deep.",
                )
            ]
    return []


def levels_of(session: Session, question_ids: Sequence[int]) -> dict[int, int]:
    """{question: its levels below its general question} (one recursive query per
    thousand; a chain is followed no further than a tree may go)."""
    found: dict[int, int] = {}
    wanted = sorted(set(question_ids))
    for start in range(0, len(wanted), 1000):
        top = (
            select(
                col(Question.id).label("start"),
                col(Question.parent_id).label("up"),
                literal(0).label("depth"),
            )
            .where(col(Question.id).in_(wanted[start : start + 1000]))
            .cte("up", recursive=True)
        )
        above = aliased(Question)
        walk = top.union_all(
            select(top.c.start, col(above.parent_id), top.c.depth + 1).where(
                col(above.id) == top.c.up, top.c.depth <= MAX_DEPTH
            )
        )
        query = select(walk.c.start, func.max(walk.c.depth)).group_by(walk.c.start)
        found.update({int(q): int(d) for q, d in session.execute(query).all()})
    return found


class People:
    """The team, read once, for naming assignees by email, name or handle."""

    def __init__(self, session: Session) -> None:
        self.people = list(session.scalars(select(Person).order_by(col(Person.id))))
        self.by_email = {p.email.casefold(): p for p in self.people}
        self._memo: dict[str, Person | str] = {}

    def assignee(self, typed: str, actor: Actor) -> int | str:
        """The id of the active IC ``typed`` names, or a sentence saying why none."""
        found = self._memo.get(typed)
        if found is None:
            found = self._memo[typed] = self._find(typed)
        if isinstance(found, str):
            return found
        if not found.active:
            return f"{found.name} is deactivated; assign the question to an active IC."
        if found.role != Role.IC:
            role = Role(found.role).label
            return f"{found.name} is a {role}; questions are assigned to ICs (leave it empty)."
        if not actor.is_manager and found.id != actor.id:
            return "only a manager can assign questions to someone else; leave it empty."
        assert found.id is not None
        return found.id

    def _find(self, typed: str) -> Person | str:
        name = typed.strip().lstrip("@")
        exact = self.by_email.get(name.casefold())
        if exact is not None:
            return exact
        matches = breakdown.matching(self.people, name)
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(p.name for p in matches[:5])
            return f"“{typed}” could be {names}; write the email or more of the name."
        return (
            f"nobody on the team goes by “{typed}”; use an IC's email or name (add them "
            "on the Team page first)."
        )
