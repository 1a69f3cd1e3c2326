"""How a list's values read in a CSV a person downloads (exports.py writes the cells):
a vocabulary's value by its label with a capital ("In progress", "Data-cleaning
decision"), a person by name, a moment in ISO 8601 UTC to the second, yes or no, and the
address of the thing in the app. Names and titles are read for a whole list at once (one
query), never one per row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Person, Question
from team.services.core.sql_time import aware
from team.vocabulary import Vocabulary


def label(value: Vocabulary | None) -> str:
    """``value``'s label as a cell begins it: "In progress", "IC"; "" for none."""
    if value is None:
        return ""
    text = value.label
    return text[:1].upper() + text[1:]


def utc(moment: datetime | None) -> str:
    """``moment`` as ISO 8601 in UTC to the second (``2026-03-02T09:00:00Z``)."""
    found = aware(moment)
    if found is None:
        return ""
    return found.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def hours(value: float | None) -> float | None:
    """Hours to one decimal (a spreadsheet reads the number), None stays empty."""
    return None if value is None else round(value, 1)


def address(public_url: str, stored: str) -> str:
    """A link of the app (``questions?root=1``) as an address to open; the link as it is
    when no public address is known."""
    return f"{public_url.rstrip('/')}/{stored}" if public_url else stored


def names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """{person id: name} for these people (one query, even for none)."""
    wanted = sorted({i for i in ids if i is not None})
    query = select(col(Person.id), col(Person.name)).where(col(Person.id).in_(wanted))
    return {int(i): name for i, name in session.execute(query)}


def titles(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """{question id: title} for these questions (one query, even for none)."""
    wanted = sorted({i for i in ids if i is not None})
    query = select(col(Question.id), col(Question.title)).where(col(Question.id).in_(wanted))
    return {int(i): title for i, title in session.execute(query)}
