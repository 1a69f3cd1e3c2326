"""How the audit log says a change in words: who by name, the thing changed by its kind
and title (a question's title, a finding's first words, the two people of a
one-on-one...), the field and its old and new values as people read them (statuses by
their labels, a person id by the person's name, a timestamp in the viewer's time zone).

Titles and names are read for a batch of events at once, one query per kind of thing in
the batch (and one for the people and questions the values name), never one per event.
The text of a one-on-one stays private to its two people: for another manager a track
note or an action item is named by its meeting only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    ActionItem,
    Answer,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
    TrackNote,
)
from team.services.core.markdown import one_line
from team.vocabulary import (
    AnswerState,
    Confidence,
    Entity,
    FindingKind,
    FindingStatus,
    NoteKind,
    Priority,
    QuestionStatus,
    ReviewStatus,
    Role,
)

TITLE_WORDS = 60  # characters of a finding's summary or a note's body a title shows
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ACTIONS = {"created": "created", "updated": "changed"}
FIELDS = {
    "first_response_at": "first response",
    "resolved_at": "resolved",
    "done_at": "done",
    "links": "evidence links",
    "number": "version",
}
# Fields whose value is the id of a person, a question or a project.
PERSON_FIELDS = frozenset(
    {"assignee_id", "owner_id", "reports_to_id", "author_id", "requester_id", "reviewer_id"}
)
QUESTION_FIELDS = frozenset({"parent_id", "question_id"})
PROJECT_FIELDS = frozenset({"project_id"})
ID_FIELDS = ((PERSON_FIELDS, "person"), (QUESTION_FIELDS, "question"), (PROJECT_FIELDS, "project"))
YES_NO_FIELDS = frozenset({"active", "archived", "done", "resolved"})
# Fields whose value is a vocabulary's, by the kind of thing (None: any kind).
ENUMS: dict[tuple[str | None, str], type[StrEnum]] = {
    ("question", "status"): QuestionStatus,
    ("finding", "status"): FindingStatus,
    ("review_request", "status"): ReviewStatus,
    ("finding", "kind"): FindingKind,
    ("note", "kind"): NoteKind,
    (None, "confidence"): Confidence,
    (None, "priority"): Priority,
    (None, "role"): Role,
    (None, "state"): AnswerState,
}
COMMAND_LINE = "(command line)"


def zone_of(name: str | None) -> tuple[tzinfo, str]:
    """The time zone called ``name`` (as a browser reports it) and its name; UTC when
    there is none or it is unknown here."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC"), "UTC"


def kind_label(entity: str) -> str:
    try:
        return Entity(entity).label
    except ValueError:
        return entity.replace("_", " ")


def field_label(field: str | None) -> str:
    if not field:
        return ""
    return FIELDS.get(field, field.removesuffix("_id").replace("_", " "))


def first_words(text: str | None, limit: int = TITLE_WORDS) -> str:
    """``text`` on one line, cut after a word (with an ellipsis) past ``limit``."""
    line = one_line(text or "")
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(" ,.;:") + "…"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class Raw:
    """One event as read, before it is put in words."""

    at: datetime
    actor: str | None
    entity: str
    entity_id: int
    action: str
    field: str | None
    old: str | None
    new: str | None
    hidden: bool  # the text of a one-on-one the reader is not part of


@dataclass
class _Wanted:
    """The ids a batch of events names, by kind of thing."""

    ids: dict[str, set[int]]

    @classmethod
    def of(cls, rows: Sequence[Raw]) -> _Wanted:
        ids: dict[str, set[int]] = defaultdict(set)
        for r in rows:
            ids[r.entity].add(r.entity_id)
            kind = _named_kind(r.field)
            for value in (r.old, r.new):
                if kind and value and value.isdigit():
                    ids[kind].add(int(value))
        return cls(ids)


def _named_kind(field: str | None) -> str | None:
    """The kind of thing a field's value is the id of ("person", ...), or None."""
    return next((kind for fields, kind in ID_FIELDS if field in fields), None)


def _meeting_title(held_on: date, manager: str, report: str) -> str:
    return f"{manager} and {report}, {_day(held_on)}"


def _titles(session: Session, wanted: _Wanted) -> dict[tuple[str, int], tuple[str, str]]:
    """{(kind, id): (title, title for a reader the thing is private from)}: one query per
    kind of thing named."""
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for kind, ids in wanted.ids.items():
        reader = _READERS.get(kind)
        if reader is None or not ids:
            continue
        for row_id, title, private in reader(session, sorted(ids)):
            found[(kind, int(row_id))] = (title, private)
    return found


Found = Iterable[tuple[int, str, str]]


def _named(id_column: Any, text_column: Any, *, cut: bool = False) -> Callable[..., Found]:
    """A reader of things titled by one column of their own (cut to its first words)."""

    def read(session: Session, ids: list[int]) -> Found:
        query = select(id_column, text_column).where(id_column.in_(ids))
        for i, text in session.execute(query):
            title = first_words(text) if cut else text
            yield i, title, title

    return read


def _reviews(session: Session, ids: list[int]) -> Found:
    """A review request by what it asks to review: its finding, or else its question."""
    query = (
        select(col(ReviewRequest.id), col(Question.title), col(Finding.summary))
        .join(Question, col(Question.id) == col(ReviewRequest.question_id))
        .outerjoin(Finding, col(Finding.id) == col(ReviewRequest.finding_id))
        .where(col(ReviewRequest.id).in_(ids))
    )
    for i, title, summary in session.execute(query):
        about = first_words(summary or title)
        yield i, about, about


def _answers(session: Session, ids: list[int]) -> Found:
    query = (
        select(col(Answer.id), col(Answer.number), col(Question.title))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(col(Answer.id).in_(ids))
    )
    for i, number, title in session.execute(query):
        text = f"version {number} of the answer to {title}"
        yield i, text, text


def _with_meeting(*columns: Any, via: Any = None) -> Any:
    """A query of ``columns`` and the meeting's day and two people; ``via`` is the
    meeting id of a row of a one-on-one (none: the one-on-one itself)."""
    manager, report = aliased(Person), aliased(Person)
    query = select(*columns, col(OneOnOne.held_on), col(manager.name), col(report.name))
    query = query.select_from(OneOnOne) if via is None else query.join(OneOnOne, via)
    return query.join(manager, col(manager.id) == col(OneOnOne.manager_id)).join(
        report, col(report.id) == col(OneOnOne.report_id)
    )


def _one_on_ones(session: Session, ids: list[int]) -> Found:
    query = _with_meeting(col(OneOnOne.id)).where(col(OneOnOne.id).in_(ids))
    for i, held_on, manager, report in session.execute(query):
        title = _meeting_title(held_on, manager, report)
        yield i, title, title


def _in_meeting(id_column: Any, text_column: Any, meeting_id: Any) -> Callable[..., Found]:
    """A reader of a one-on-one's rows (track notes, action items), titled by their first
    words and their meeting; for a reader the meeting is private from, by the meeting
    only."""

    def read(session: Session, ids: list[int]) -> Found:
        query = _with_meeting(id_column, text_column, via=col(OneOnOne.id) == meeting_id)
        for i, text, held_on, manager, report in session.execute(query.where(id_column.in_(ids))):
            meeting = _meeting_title(held_on, manager, report)
            yield i, f"{first_words(text)} ({meeting})", meeting

    return read


_READERS: dict[str, Callable[[Session, list[int]], Found]] = {
    Entity.PERSON: _named(col(Person.id), col(Person.name)),
    Entity.PROJECT: _named(col(Project.id), col(Project.name)),
    Entity.QUESTION: _named(col(Question.id), col(Question.title)),
    Entity.FINDING: _named(col(Finding.id), col(Finding.summary), cut=True),
    Entity.REVIEW_REQUEST: _reviews,
    Entity.NOTE: _named(col(Note.id), col(Note.body), cut=True),
    Entity.ANSWER: _answers,
    Entity.ONE_ON_ONE: _one_on_ones,
    Entity.TRACK_NOTE: _in_meeting(
        col(TrackNote.id), col(TrackNote.track), col(TrackNote.one_on_one_id)
    ),
    Entity.ACTION_ITEM: _in_meeting(
        col(ActionItem.id), col(ActionItem.description), col(ActionItem.one_on_one_id)
    ),
}


class Words:
    """Puts one batch of events in words, with the titles read for that batch."""

    def __init__(self, session: Session, rows: Sequence[Raw], zone: tzinfo) -> None:
        self.zone = zone
        self.titles = _titles(session, _Wanted.of(rows))

    def when(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime(TIME_FORMAT)

    def title(self, r: Raw) -> str:
        title, private = self.titles.get((r.entity, r.entity_id), ("", ""))
        return private if r.hidden else title

    def value(self, r: Raw, value: str | None) -> str:
        if value is None or r.hidden or not r.field:
            return value or ""
        field = r.field
        enum = ENUMS.get((r.entity, field)) or ENUMS.get((None, field))
        if enum is not None:
            try:
                return str(getattr(enum(value), "label", value))
            except ValueError:
                return value
        kind = _named_kind(field)
        if kind and value.isdigit():
            return self.titles.get((kind, int(value)), (f"#{value}", ""))[0]
        if field in YES_NO_FIELDS:
            return {"true": "yes", "false": "no"}.get(value, value)
        if field.endswith("_at"):
            try:
                return self.when(datetime.fromisoformat(value))
            except ValueError:
                return value
        return value

    def row(self, r: Raw) -> list[object]:
        return [
            self.when(r.at),
            r.actor or COMMAND_LINE,
            kind_label(r.entity),
            r.entity_id,
            self.title(r),
            ACTIONS.get(r.action, r.action.replace("_", " ")),
            field_label(r.field),
            self.value(r, r.old),
            self.value(r, r.new),
        ]


def headers(zone_name: str) -> list[str]:
    return [
        f"When ({zone_name})",
        "Who",
        "Kind",
        "Id",
        "Title",
        "Change",
        "Field",
        "Before",
        "After",
    ]
