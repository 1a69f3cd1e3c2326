"""How the audit log says a change in words: who by name, the thing changed by its kind
and title (a question's title, a finding's first words, the two people of a
one-on-one...), the field and its old and new values as people read them (statuses by
their labels, a person id by the person's name, a timestamp in the viewer's time zone).

Titles and names are read for a batch of events at once, in one query for every kind of
thing in the batch and the people, questions and projects its values name, never one
per event.
The text of a one-on-one stays private to its two people: for another manager a track
note or an action item is named by its meeting only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, String, cast, literal, null, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    ActionItem,
    Answer,
    Decision,
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
    """{(kind, id): (title, title for a reader the thing is private from)}: one query for
    every kind of thing named (a UNION ALL of one part per kind), so a batch costs the
    same whatever mix of things it holds."""
    parts = [
        _PARTS[kind](sorted(ids)) for kind, ids in wanted.ids.items() if kind in _PARTS and ids
    ]
    if not parts:
        return {}
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for kind, row_id, *texts in session.execute(union_all(*parts)):
        found[(str(kind), int(row_id))] = _FORMATS[str(kind)](*texts)
    return found


_Texts = tuple[str, str]
TEXTS = 4  # text columns every part selects (padded with NULL)


def _part(kind: str, id_column: Any, *texts: Any) -> Callable[[list[int]], Select[Any]]:
    """The part of the titles query for ``kind``: (kind, id, up to four texts), of the
    rows whose ``id_column`` is in the ids; ``texts`` may carry their own joins via
    :func:`_joined`."""

    def part(ids: list[int]) -> Select[Any]:
        columns = [cast(t, String) for t in texts] + [null()] * (TEXTS - len(texts))
        labelled = [c.label(f"t{n}") for n, c in enumerate(columns)]
        return select(literal(kind, String).label("kind"), id_column.label("id"), *labelled).where(
            id_column.in_(ids)
        )

    return part


def _joined(
    base: Callable[[list[int]], Select[Any]], join: Callable[[Select[Any]], Select[Any]]
) -> Callable[[list[int]], Select[Any]]:
    return lambda ids: join(base(ids))


def _meeting(held_on: str, manager: str, report: str) -> str:
    return _meeting_title(date.fromisoformat(held_on[:10]), manager, report)


def _same(text: str | None, *_: str | None) -> _Texts:
    return text or "", text or ""


def _cut(text: str | None, *_: str | None) -> _Texts:
    title = first_words(text)
    return title, title


def _review(title: str | None, summary: str | None, *_: str | None) -> _Texts:
    about = first_words(summary or title)
    return about, about


def _answer(number: str | None, title: str | None, *_: str | None) -> _Texts:
    text = f"version {number} of the answer to {title}"
    return text, text


def _decision(number: str | None, title: str | None, *_: str | None) -> _Texts:
    text = f"the decision on version {number} of the answer to {title}"
    return text, text


def _one_on_one(held_on: str, manager: str, report: str, *_: str | None) -> _Texts:
    title = _meeting(held_on, manager, report)
    return title, title


def _in_meeting(text: str | None, held_on: str, manager: str, report: str) -> _Texts:
    """A one-on-one's row (track note, action item) by its first words and its meeting;
    for a reader the meeting is private from, by the meeting only."""
    meeting = _meeting(held_on, manager, report)
    return f"{first_words(text)} ({meeting})", meeting


def _meeting_part(kind: str, id_column: Any, text: Any, via: Any) -> Callable[..., Any]:
    manager, report = aliased(Person), aliased(Person)
    texts = [] if text is None else [text]
    base = _part(kind, id_column, *texts, OneOnOne.held_on, manager.name, report.name)
    on = col(OneOnOne.id) == via if via is not None else None

    def join(query: Select[Any]) -> Select[Any]:
        query = query.select_from(OneOnOne) if on is None else query.join(OneOnOne, on)
        return query.join(manager, col(manager.id) == col(OneOnOne.manager_id)).join(
            report, col(report.id) == col(OneOnOne.report_id)
        )

    return _joined(base, join)


def _with_question(on: Any) -> Callable[[Select[Any]], Select[Any]]:
    return lambda query: query.join(Question, col(Question.id) == on)


_PARTS: dict[str, Callable[[list[int]], Select[Any]]] = {
    Entity.PERSON: _part("person", col(Person.id), Person.name),
    Entity.PROJECT: _part("project", col(Project.id), Project.name),
    Entity.QUESTION: _part("question", col(Question.id), Question.title),
    Entity.FINDING: _part("finding", col(Finding.id), Finding.summary),
    Entity.REVIEW_REQUEST: _joined(
        _part("review_request", col(ReviewRequest.id), Question.title, Finding.summary),
        lambda q: q.join(Question, col(Question.id) == col(ReviewRequest.question_id)).outerjoin(
            Finding, col(Finding.id) == col(ReviewRequest.finding_id)
        ),
    ),
    Entity.NOTE: _part("note", col(Note.id), Note.body),
    Entity.ANSWER: _joined(
        _part("answer", col(Answer.id), Answer.number, Question.title),
        _with_question(col(Answer.question_id)),
    ),
    Entity.DECISION: _joined(
        _part("decision", col(Decision.id), Answer.number, Question.title),
        lambda q: q.join(Answer, col(Answer.id) == col(Decision.answer_id)).join(
            Question, col(Question.id) == col(Decision.question_id)
        ),
    ),
    Entity.ONE_ON_ONE: _meeting_part("one_on_one", col(OneOnOne.id), None, None),
    Entity.TRACK_NOTE: _meeting_part(
        "track_note", col(TrackNote.id), TrackNote.track, col(TrackNote.one_on_one_id)
    ),
    Entity.ACTION_ITEM: _meeting_part(
        "action_item", col(ActionItem.id), ActionItem.description, col(ActionItem.one_on_one_id)
    ),
}
_FORMATS: dict[str, Callable[..., _Texts]] = {
    Entity.PERSON: _same,
    Entity.PROJECT: _same,
    Entity.QUESTION: _same,
    Entity.FINDING: _cut,
    Entity.REVIEW_REQUEST: _review,
    Entity.NOTE: _cut,
    Entity.ANSWER: _answer,
    Entity.DECISION: _decision,
    Entity.ONE_ON_ONE: _one_on_one,
    Entity.TRACK_NOTE: _in_meeting,
    Entity.ACTION_ITEM: _in_meeting,
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
