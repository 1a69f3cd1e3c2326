"""Importing an outline: an indented list (Markdown bullets, numbered lists, or plain
indentation with tabs or spaces) becomes a tree of questions, each line one question,
its indentation its level. Each line is read as a break-down line is (breakdown.py):
``@name``, ``due:``, ``priority:`` and ``technique:`` at its end; what a line leaves out
it takes from the question above it.

    Why did retention drop in Q3?
      - Which segments churned more? @priya due:2026-12-20
        - Enterprise vs self-serve technique:statistics
      - Did the pricing change coincide with the drop? priority:high

Indentation must be consistent: a line goes one level deeper than the line above it or
back to a level used above; tabs and spaces are not mixed. Every problem is listed by
line, and nothing is written while one remains."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import InvalidInput
from team.services.core.text import without_controls
from team.services.core.tx import atomic
from team.services.imports.plan import Item, People, Plan, check_depth, target_for
from team.services.imports.problems import ImportRefused, Problem
from team.services.imports.write import Imported, Progress, write_plan
from team.services.questions import breakdown
from team.services.questions.store import TITLE_MAX

MAX_LINES = 5_000
MAX_CHARS = 2_000_000
# A bullet or number, then a task box ("- [ ] ..."): a bullet with nothing after it is
# a line with no title (not a question titled "-").
_BULLET = re.compile(r"^(?:[-*+•]|\d+[.)]|\[[ xX]?\])(?:\s+|$)(?:\[[ xX]?\](?:\s+|$))?")
_INDENT = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class Read:
    """A line as read: its level (0 at the top), title and the words at its end."""

    number: int
    level: int
    line: breakdown.Line


def read_outline(text: str) -> tuple[list[Read], list[Problem]]:
    """The outline's lines with their levels, and every problem of indentation and of
    the words at a line's end."""
    problems: list[Problem] = []
    if len(text) > MAX_CHARS:
        return [], [Problem(0, f"The outline is longer than {MAX_CHARS:,} characters; split it.")]
    read: list[Read] = []
    widths: list[int] = []  # the indentation of each open level
    indent_char = ""
    for number, raw in enumerate(without_controls(text).split("\n"), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        indent = _INDENT.match(line).group(0)  # type: ignore[union-attr]
        if indent and (mixed := _mixed(indent, indent_char)):
            problems.append(Problem(number, mixed))
            continue
        indent_char = indent_char or (indent[:1] if indent else "")
        level = _level(len(indent), widths)
        if level is None:
            problems.append(Problem(number, _between(len(indent), widths, indent_char)))
            continue
        # Single spaces, as every title has; a tab before "@name" still ends the title.
        body = " ".join(_BULLET.sub("", line[len(indent) :], count=1).split())
        try:
            words = breakdown.read_line(number, body)
        except InvalidInput as exc:
            problems.append(Problem(number, exc.message.removeprefix(f"Line {number}: ")))
            continue
        if not words.title:
            problems.append(Problem(number, "the line has no title; write the question."))
            continue
        if len(words.title) > TITLE_MAX:
            problems.append(
                Problem(
                    number,
                    f"the title is {len(words.title):,} characters, more than {TITLE_MAX}; "
                    "shorten it.",
                )
            )
        read.append(Read(number, level, words))
    if len(read) > MAX_LINES:
        problems.append(
            Problem(
                0, f"The outline has {len(read):,} lines; import at most {MAX_LINES:,} at once."
            )
        )
    if not read and not problems:
        problems.append(Problem(0, "The outline is empty; write one question per line."))
    return read, problems


def _mixed(indent: str, used: str) -> str | None:
    if " " in indent and "\t" in indent:
        return "the indentation mixes tabs and spaces; use one or the other."
    if used and indent[0] != used:
        kind, other = ("tabs", "spaces") if indent[0] == "\t" else ("spaces", "tabs")
        return (
            f"the line is indented with {kind} where the lines above use {other}; use one "
            "or the other."
        )
    return None


def _level(width: int, widths: list[int]) -> int | None:
    """The level of a line indented ``width``: one deeper than the line above, or a
    level open above (``widths`` is updated); None if it falls between two levels."""
    if not widths or width > widths[-1]:
        widths.append(width)
        return len(widths) - 1
    if width in widths:
        del widths[widths.index(width) + 1 :]
        return len(widths) - 1
    return None


def _between(width: int, widths: list[int], char: str) -> str:
    unit = "tab" if char == "\t" else "space"
    levels = ", ".join(str(w) for w in widths)
    return (
        f"the line is indented {width} {unit}{'s' if width != 1 else ''}, which matches no "
        f"level above (those are indented {levels}); line it up with one of them."
    )


def plan_outline(
    session: Session,
    actor_id: int,
    *,
    text: str,
    under_id: int | None = None,
    project_id: int | None = None,
    techniques: Sequence[str] = (),
) -> Plan:
    """What importing ``text`` would create, under question ``under_id`` or as new
    general questions of ``project_id``; ImportRefused lists every problem by line."""
    actor = acting(session, actor_id)
    require_writer(actor)
    target = target_for(
        session, actor, under_id=under_id, project_id=project_id, doing="import an outline"
    )
    read, problems = read_outline(text)
    items = _items(read, People(session), actor, techniques, problems)
    plan = Plan(target, tuple(items), "line", inherit=True)
    problems += check_depth(session, plan)
    if problems:
        raise ImportRefused(problems, noun="line")
    return plan


def _items(
    read: list[Read],
    people: People,
    actor: Actor,
    techniques: Sequence[str],
    problems: list[Problem],
) -> list[Item]:
    items: list[Item] = []
    open_at: list[int] = []  # the item index of each open level
    for entry in read:
        del open_at[entry.level :]
        parent = open_at[-1] if open_at else None
        words = entry.line
        assignee = _assignee(entry, people, actor, problems)
        technique = _technique(entry, techniques, problems)
        items.append(
            Item(
                where=entry.number,
                title=words.title,
                parent=parent,
                assignee_id=assignee if assignee is not None else _self(actor),
                technique=technique,
                priority=words.priority,
                due_date=words.due_date,
            )
        )
        open_at.append(len(items) - 1)
    return items


def _self(actor: Actor) -> int | None:
    """An IC's own outline is theirs to work on (as their break-down is)."""
    return None if actor.is_manager else actor.id


def _assignee(entry: Read, people: People, actor: Actor, problems: list[Problem]) -> int | None:
    if not entry.line.assignee:
        return None
    found = people.assignee(entry.line.assignee, actor)
    if isinstance(found, str):
        problems.append(Problem(entry.number, found))
        return None
    return found


def _technique(entry: Read, techniques: Sequence[str], problems: list[Problem]) -> str | None:
    if not entry.line.technique:
        return None
    try:
        return breakdown.technique_of(entry.number, entry.line.technique, techniques)
    except InvalidInput as exc:
        problems.append(Problem(entry.number, exc.message.removeprefix(f"Line {entry.number}: ")))
        return None


@atomic
def import_outline(
    session: Session,
    actor_id: int,
    *,
    text: str,
    under_id: int | None = None,
    project_id: int | None = None,
    techniques: Sequence[str] = (),
    progress: Progress | None = None,
) -> Imported:
    """Create the outline's questions, all of them or (ImportRefused, or any failure)
    none."""
    plan = plan_outline(
        session,
        actor_id,
        text=text,
        under_id=under_id,
        project_id=project_id,
        techniques=techniques,
    )
    done = write_plan(session, acting(session, actor_id), plan, progress=progress)
    session.commit()
    return done
