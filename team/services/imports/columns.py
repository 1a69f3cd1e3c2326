"""The fields a CSV import reads, the guess of which column holds each (from the header
names of Jira, Linear and GitHub issues exports and of hand-made spreadsheets), and the
readers that make a cell a value: a tracker's status and priority words made ours, and
dates in the forms those exports write."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from team.vocabulary import Priority, QuestionStatus


class Column(StrEnum):
    """A field a CSV import can read from a column."""

    TITLE = "title"
    KEY = "key"
    PARENT_KEY = "parent_key"
    ASSIGNEE = "assignee"
    STATUS = "status"
    PRIORITY = "priority"
    DUE_DATE = "due_date"
    TECHNIQUE = "technique"
    CONTEXT = "context"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Column.TITLE: "Title",
    Column.KEY: "External key",
    Column.PARENT_KEY: "Parent key",
    Column.ASSIGNEE: "Assignee (email or name)",
    Column.STATUS: "Status",
    Column.PRIORITY: "Priority",
    Column.DUE_DATE: "Due date",
    Column.TECHNIQUE: "Technique",
    Column.CONTEXT: "Context",
}

Mapping = dict[Column, int]  # the index of the column each field is read from

# Header names (lower case, letters and digits only) and how surely each names a field.
# Left out on purpose: "Parent summary" (a title, not a key), "Assignee Id" (Jira's
# account id, neither an email nor a name), labels, components and milestones.
_NAMES: dict[str, tuple[Column, int]] = {
    **dict.fromkeys(("title", "summary", "questiontitle", "issuetitle"), (Column.TITLE, 100)),
    "question": (Column.TITLE, 95),
    "subquestion": (Column.TITLE, 85),
    "subject": (Column.TITLE, 80),
    "externalkey": (Column.KEY, 110),
    **dict.fromkeys(("issuekey", "questionkey"), (Column.KEY, 100)),
    "key": (Column.KEY, 95),
    "id": (Column.KEY, 80),
    "issueid": (Column.KEY, 70),
    "issuenumber": (Column.KEY, 65),
    "number": (Column.KEY, 60),
    "parentkey": (Column.PARENT_KEY, 100),
    **dict.fromkeys(("parent", "parentissue", "parentquestion"), (Column.PARENT_KEY, 90)),
    **dict.fromkeys(("parentid", "parentissueid"), (Column.PARENT_KEY, 70)),
    **dict.fromkeys(("assigneeemail", "assigneeemails"), (Column.ASSIGNEE, 110)),
    **dict.fromkeys(("owneremail", "assignedtoemail"), (Column.ASSIGNEE, 105)),
    "assignee": (Column.ASSIGNEE, 90),
    **dict.fromkeys(("assignees", "assignedto"), (Column.ASSIGNEE, 85)),
    "owner": (Column.ASSIGNEE, 80),
    "email": (Column.ASSIGNEE, 60),
    "responsible": (Column.ASSIGNEE, 60),
    **dict.fromkeys(("status", "questionstatus"), (Column.STATUS, 100)),
    "state": (Column.STATUS, 90),
    "statuscategory": (Column.STATUS, 50),
    "priority": (Column.PRIORITY, 100),
    "importance": (Column.PRIORITY, 50),
    "duedate": (Column.DUE_DATE, 100),
    "due": (Column.DUE_DATE, 95),
    **dict.fromkeys(("deadline", "dueon"), (Column.DUE_DATE, 90)),
    "targetdate": (Column.DUE_DATE, 70),
    "technique": (Column.TECHNIQUE, 100),
    "techniques": (Column.TECHNIQUE, 95),
    "method": (Column.TECHNIQUE, 90),
    "methods": (Column.TECHNIQUE, 85),
    "approach": (Column.TECHNIQUE, 60),
    "context": (Column.CONTEXT, 100),
    **dict.fromkeys(("description", "body"), (Column.CONTEXT, 90)),
    **dict.fromkeys(("notes", "note"), (Column.CONTEXT, 80)),
    "details": (Column.CONTEXT, 70),
    "background": (Column.CONTEXT, 60),
}
_CUSTOM = "customfield"  # Jira's "Custom field (Technique)": a little less sure than "Technique"


def _plain(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _guess(name: str) -> tuple[Column, int] | None:
    """The field a header name names, and how surely; None for no field."""
    plain = _plain(name)
    if plain in _NAMES:
        return _NAMES[plain]
    if plain.startswith(_CUSTOM) and plain[len(_CUSTOM) :] in _NAMES:
        field, score = _NAMES[plain[len(_CUSTOM) :]]
        return field, score - 5
    if "mail" in plain and any(w in plain for w in ("assign", "owner", "responsible")):
        return Column.ASSIGNEE, 105
    if "technique" in plain:
        return Column.TECHNIQUE, 80
    return None


def guess_mapping(header: Sequence[str]) -> Mapping:
    """Which column each field is most likely read from: each column for one field at
    most, each field from one column at most, the surest match first (an earlier column
    wins a tie)."""
    candidates = []
    for index, name in enumerate(header):
        guess = _guess(name)
        if guess:
            candidates.append((-guess[1], index, guess[0]))
    mapping: Mapping = {}
    for _, index, field in sorted(candidates, key=lambda c: (c[0], c[1])):
        if field not in mapping and index not in mapping.values():
            mapping[field] = index
    return mapping


def id_column(header: Sequence[str], mapping: Mapping) -> int | None:
    """A column of ids other than the key column (Jira's "Issue id" beside "Issue key"):
    Jira Cloud's "Parent" column holds the parent's Issue id, not its key, so a parent
    value may be looked up among these too. None when there is none."""
    for index, name in enumerate(header):
        if _plain(name) in ("issueid", "id") and index != mapping.get(Column.KEY):
            return index
    return None


def _words(text: str) -> str:
    """Lower case, apostrophes dropped, ``_`` and ``-`` made spaces, spaces single."""
    text = re.sub("['\u2019`]", "", text.casefold()).replace("_", " ").replace("-", " ")
    return " ".join(text.split())


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word: value for value, words in groups.items() for word in words}


_STATUS_WORDS = _table(
    {
        "open": ("to do", "todo", "backlog", "open", "new", "selected for development",
                 "triage", "reopened", "not started", "planned", "ready"),
        "in_progress": ("in progress", "in review", "doing", "started", "in development",
                        "under review", "review", "in qa", "active", "wip"),
        "blocked": ("blocked", "on hold", "waiting", "paused", "stuck", "impeded"),
        "answered": ("done", "closed", "resolved", "complete", "completed", "answered",
                     "fixed", "finished"),
        "dropped": ("cancelled", "canceled", "wont do", "duplicate", "dropped", "rejected",
                    "invalid", "not planned", "wont fix", "wontfix", "abandoned",
                    "declined", "obsolete"),
    }
)  # fmt: skip


def status_of(text: str) -> QuestionStatus | None:
    """Our status for a tracker's status word (or ours); None for an empty cell."""
    words = _words(text)
    if not words:
        return None
    if words in _STATUS_WORDS:
        return QuestionStatus(_STATUS_WORDS[words])
    raise ValueError(
        f'The status "{_shown(text)}" is not one we know: use open, in progress, blocked, '
        "answered or dropped (or a tracker's word such as To Do, In Progress, On Hold, "
        "Done or Cancelled)."
    )


_PRIORITY_WORDS = _table(
    {
        "urgent": ("highest", "blocker", "critical", "urgent", "p0", "1"),
        "high": ("high", "major", "p1", "2"),
        "medium": ("medium", "normal", "med", "p2", "3"),
        "low": ("low", "lowest", "minor", "trivial", "p3", "p4", "4"),
        "": ("no priority", "none", "0"),
    }
)


def priority_of(text: str) -> Priority | None:
    """Our priority for a tracker's priority word or Linear's number (1 urgent to 4 low);
    None for an empty cell or no priority."""
    words = _words(text)
    if not words:
        return None
    if words in _PRIORITY_WORDS:
        value = _PRIORITY_WORDS[words]
        return Priority(value) if value else None
    raise ValueError(
        f'The priority "{_shown(text)}" is not one we know: use low, medium, high or '
        "urgent (or a tracker's word such as Highest, Major, Minor, P1, or Linear's 1 "
        "urgent to 4 low)."
    )


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
_MONTHS = {name: at + 1 for at, name in enumerate(_MONTH_NAMES)}
_MONTHS |= {name[:3]: at for name, at in _MONTHS.items()} | {"sept": 9}
_TIME = (  # a time after the date, left out: "T16:05:00Z", " 4:05 PM", " 16:05+02:00"
    r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]m)?"
    r"\s*(?:z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_D, _M, _Y = r"(?P<d>\d{1,2})", r"(?P<m>\d{1,2})", r"(?P<y>\d{4}|\d{2})"
_B = r"(?P<b>[a-z]{3,9})\.?"  # a month's name or its first three letters
_NUMERIC = re.compile(
    rf"(?P<first>\d{{1,2}})(?P<s>[/.-])(?P<second>\d{{1,2}})(?P=s){_Y}{_TIME}", re.I
)
_FORMS = tuple(
    re.compile(form + _TIME, re.I)
    for form in (
        rf"(?P<y>\d{{4}})-{_M}-{_D}",  # ISO
        rf"(?P<y>\d{{4}})(?P<s>[/.]){_M}(?P=s){_D}",  # 2026/12/20
        rf"{_D}/{_B}/{_Y}",  # Jira: 20/Dec/26
        rf"{_D}(?:st|nd|rd|th)?[\s-]+{_B},?[\s-]+{_Y}",  # 20 Dec 2026, 20-Dec-26
        rf"{_B}\s+{_D}(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",  # Dec 20, 2026
    )
)
_DATE_FORMS = "2026-12-20 (year-month-day), 20/12/2026, 20 Dec 2026 or Dec 20, 2026"


def date_order(values: Iterable[str]) -> str | None:
    """The order of a column's numeric dates, when they tell: "dmy" when a first part is
    over 12 (a day), "mdy" when a second part is; None when none tells. Raises ValueError
    when the column has both."""
    day_first = month_first = None
    for value in values:
        found = _NUMERIC.fullmatch(value.strip())
        if not found:
            continue
        first, second = int(found["first"]), int(found["second"])
        if first > 12 >= second:
            day_first = day_first or value.strip()
        elif second > 12 >= first:
            month_first = month_first or value.strip()
    if day_first and month_first:
        raise ValueError(
            f'The dates of this column mix day-first ("{_shown(day_first)}") and '
            f'month-first ("{_shown(month_first)}"): write them all one way, for example '
            "2026-12-20 (year-month-day)."
        )
    return "dmy" if day_first else "mdy" if month_first else None


def date_of(text: str, *, order: str = "dmy") -> date | None:
    """The date a cell holds (a time after it is left out, the date taken as written);
    a numeric date is read day-first or month-first as ``order`` says. None when empty."""
    if order not in ("dmy", "mdy"):
        raise ValueError(f'order is "dmy" or "mdy", not {order!r}')
    value = text.strip()
    if not value:
        return None
    found = _NUMERIC.fullmatch(value)
    if found:
        day, month = int(found["first"]), int(found["second"])
        if order == "mdy":
            day, month = month, day
        return _made(value, _year(found["y"]), month, day)
    for form in _FORMS:
        found = form.fullmatch(value)
        if found:
            return _from_parts(value, found.groupdict())
    raise ValueError(
        f'The date "{_shown(value)}" is not in a form we read: write it as {_DATE_FORMS}.'
    )


def _from_parts(value: str, parts: dict[str, str]) -> date:
    if parts.get("b"):
        month = _MONTHS.get(parts["b"].casefold())
        if month is None:
            raise ValueError(
                f'The date "{_shown(value)}" names a month we do not know '
                f'("{_shown(parts["b"])}"): write the month in English, or as {_DATE_FORMS}.'
            )
    else:
        month = int(parts["m"])
    return _made(value, _year(parts["y"]), month, int(parts["d"]))


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _made(value: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f'The date "{_shown(value)}" does not exist (read as day {day}, month {month}, '
            f"year {year}): check the day and the month, or write it as 2026-12-20 "
            "(year-month-day)."
        ) from None
