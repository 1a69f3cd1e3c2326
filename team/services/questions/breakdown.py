"""Breaking a question down from typed lines: one sub-question per line, each line's
title optionally followed by who does it, when it is due and how urgent it is.

    Which customer segments churned more than usual? @priya due:2026-12-20
    Did the pricing change coincide with the drop? @ravi priority:high

``@name`` is an IC: their first name, their whole name without spaces, their email or
the part of it before the @ (case and accents do not matter; the start of a first name is
enough while it fits one person). ``due:`` takes a date as YYYY-MM-DD, ``priority:``
one of low, medium, high, urgent, and ``technique:`` one of the team's techniques
(config.yaml; a dash or underscore stands for a space: ``technique:data-cleaning``).
These words are read from the end of the line, so a title may still hold an @ of its
own. What a line does not give, its sub-question inherits from the question broken
down: priority, due date and technique (see writes.py). Outline imports read each line
the same way (imports/outline.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Person
from team.services.core.errors import InvalidInput
from team.services.core.text import without_controls
from team.vocabulary import Priority, Role

HELP = (
    "One sub-question per line. End a line with `@name` to assign it to an IC (first "
    "name, or the start of their email), `due:2026-12-20` for its due date and "
    "`priority:high` (low, medium, high, urgent) for its priority and "
    "`technique:modeling` for its technique, in any order. What a line leaves out, its "
    "sub-question takes from this question: its priority, due date and technique."
)

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|\[[ xX]?\])\s+")
_ASSIGNEE = re.compile(r"@([\w.\-]+(?:@[\w.\-]+)?)")
_DUE = re.compile(r"due:(\S*)", re.IGNORECASE)
_PRIORITY = re.compile(r"priority:(\S*)", re.IGNORECASE)
_TECHNIQUE = re.compile(r"technique:(\S*)", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One typed line: its title and what it says of the sub-question (None: inherit,
    or nobody for the assignee)."""

    title: str
    assignee: str | None = None  # the name as typed after @
    due_date: date | None = None
    priority: Priority | None = None
    technique: str | None = None  # as typed after technique:
    number: int = 0  # its line in the text typed


def parse_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, bullets and numbering removed, with the words at
    their end read as assignee, due date and priority. Control characters go first, so a
    stray form feed does not split a line in two. InvalidInput names the line and the
    word that cannot be read."""
    lines = [_BULLET.sub("", line).strip() for line in without_controls(text).splitlines()]
    return [read_line(number, line) for number, line in enumerate(lines, 1) if line]


def read_line(number: int, text: str) -> Line:
    """One line without its bullet: its title and the words at its end (InvalidInput
    names line ``number`` when a word cannot be read)."""
    words = text.split(" ")
    assignee: str | None = None
    due: date | None = None
    priority: Priority | None = None
    technique: str | None = None
    while len(words) > 1:
        word = words[-1]
        if not word:
            words.pop()
            continue
        if (match := _ASSIGNEE.fullmatch(word)) and assignee is None:
            assignee = match.group(1)
        elif (match := _DUE.fullmatch(word)) and due is None:
            due = _date(number, match.group(1))
        elif (match := _PRIORITY.fullmatch(word)) and priority is None:
            priority = _priority(number, match.group(1))
        elif (match := _TECHNIQUE.fullmatch(word)) and technique is None:
            technique = match.group(1)
        else:
            break
        words.pop()
    return Line(" ".join(words).strip(), assignee, due, priority, technique, number)


def _date(number: int, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"Line {number}: “due:{value}” is not a date; write it as due:YYYY-MM-DD, "
            "e.g. due:2026-12-20.",
            field="lines",
        ) from None


def _priority(number: int, value: str) -> Priority:
    for priority in Priority:
        if value.casefold() == priority.value:
            return priority
    choices = ", ".join(p.value for p in Priority)
    raise InvalidInput(
        f"Line {number}: “priority:{value}” is not a priority; use one of {choices}.",
        field="lines",
    )


def technique_of(number: int, typed: str, known: Sequence[str]) -> str:
    """The team's technique ``typed`` names (case, dashes and underscores aside); with no
    known techniques, the words as typed."""
    words = " ".join(typed.replace("-", " ").replace("_", " ").split())
    if not known:
        return words
    for technique in known:
        if _folded(technique) == _folded(words):
            return technique
    raise InvalidInput(
        f"Line {number}: “technique:{typed}” is not one of the team's techniques; use one "
        f"of {', '.join(t.replace(' ', '-') for t in known)}.",
        field="lines",
    )


def _folded(text: str) -> str:
    """Lower case without accents: "Marín" and "marin" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _handles(person: Person) -> tuple[set[str], str]:
    """The exact names that pick ``person`` and the first name a prefix may pick."""
    first = _folded(person.name.split(" ")[0]) if person.name.strip() else ""
    whole = _folded("".join(person.name.split()))
    email = _folded(person.email)
    return {first, whole, email, email.split("@")[0]} - {""}, first


def matching(people: Sequence[Person], name: str) -> list[Person]:
    """The people ``name`` may mean, active ICs first: those it names exactly (first
    name, whole name, email or its part before the @), else those whose first name it
    begins."""
    wanted = _folded(name)
    whole = _folded("".join(name.split()))
    ics = [p for p in people if p.active and p.role == Role.IC]
    for pool in (ics, people):
        exact = [p for p in pool if wanted in _handles(p)[0] or whole in _handles(p)[0]]
        matches = exact or [p for p in pool if _handles(p)[1].startswith(wanted)]
        if matches:
            return matches
    return []


def resolve_assignees(session: Session, lines: list[Line]) -> dict[str, int]:
    """{name as typed: person id} for every @name of ``lines``, read in one query. A name
    that fits nobody or several people is refused with a sentence naming the line; a
    person who is not an active IC is left for the assignment rule to refuse."""
    typed = {line.assignee for line in lines if line.assignee}
    if not typed:
        return {}
    people = list(session.scalars(select(Person).order_by(col(Person.id))))
    found: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        name = line.assignee
        if not name or name in found:
            continue
        matches = matching(people, name)
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches[:5])
            raise InvalidInput(
                f"Line {number}: @{name} could be {names}; write more of the name or the "
                "part of the email before the @.",
                field="lines",
            )
        if not matches:
            raise InvalidInput(
                f"Line {number}: nobody on the team goes by @{name}; write @ and an IC's "
                "first name or the part of their email before the @.",
                field="lines",
            )
        person_id = matches[0].id
        assert person_id is not None
        found[name] = person_id
    return found
