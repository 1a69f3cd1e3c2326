"""The week a "what we now believe" digest tells: for a manager or a viewer, per
general question they own or follow, what changed in a week: the answer's state and
confidence before and after, the new answer's first paragraph, coverage before and
after, the findings accepted, and the sub-questions overdue at the end.

State at a moment is read from the Event log with the Progress page's own SQL
(progress/history.py: coverage over time and the newest answer version by then), at two
moments: just before ``start`` and just before ``end``, so the week is ``[start, end)``.
A fixed number of statements, whatever the number of general questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Event, Finding, Follow, Person, Question
from team.services.core.due import overdue
from team.services.progress.history import TIMESTAMP, Calendar, confidence_weeks, coverage_weeks
from team.vocabulary import AnswerState, Confidence, FindingStatus, Role

PARAGRAPH_CHARS = 4000  # of an answer's body read to find its first paragraph
_TICK = timedelta(microseconds=1)  # "before a moment": what was there just before it


@dataclass(frozen=True)
class AnswerAt:
    """An answer version's state and confidence."""

    state: AnswerState
    confidence: Confidence


@dataclass(frozen=True)
class Coverage:
    """Answered leaf sub-questions of ``leaves`` in scope (questions/rollup.py's rule)."""

    answered: int
    leaves: int

    @property
    def share(self) -> float | None:
        return self.answered / self.leaves if self.leaves else None


@dataclass(frozen=True)
class AcceptedFinding:
    id: int
    question_id: int
    summary: str


@dataclass(frozen=True)
class OverdueQuestion:
    id: int
    title: str
    due_date: date
    assignee: str | None  # the assignee's name, if any


@dataclass(frozen=True)
class RootChange:
    """One general question's week. ``answer_before``/``answer_after``: the newest
    version by each moment (None: no answer yet); ``new_version`` and ``paragraph``: the
    newest version written in the week and its first paragraph, when one was."""

    root_id: int
    title: str
    answer_before: AnswerAt | None
    answer_after: AnswerAt | None
    new_version: int | None
    paragraph: str | None
    coverage_before: Coverage | None
    coverage_after: Coverage | None
    accepted: tuple[AcceptedFinding, ...]
    overdue: tuple[OverdueQuestion, ...]

    @property
    def answer_moved(self) -> bool:
        return self.answer_before != self.answer_after

    @property
    def coverage_moved(self) -> bool:
        return self.coverage_before != self.coverage_after

    @property
    def worth_telling(self) -> bool:
        moved = self.answer_moved or self.coverage_moved or self.new_version is not None
        return moved or bool(self.accepted) or bool(self.overdue)


@dataclass(frozen=True)
class BelieveDigest:
    person_id: int
    start: datetime
    end: datetime
    roots: list[RootChange]


READERS = (Role.MANAGER, Role.VIEWER)


def weekly_beliefs(
    session: Session, person_id: int, *, start: datetime, end: datetime
) -> BelieveDigest | None:
    """What changed in ``[start, end)`` in the general questions ``person_id`` owns or
    follows; None when nothing did (and nothing is overdue), or when the person is not
    an active manager or viewer (an IC hears through their own notifications)."""
    person = session.get(Person, person_id)
    if person is None or not person.active or person.role not in READERS:
        return None
    start, end = _utc(start), _utc(end)
    roots = concerned_roots(person_id)
    titles = dict(
        session.execute(
            select(col(Question.id), col(Question.title)).where(col(Question.id).in_(roots))
        ).all()
    )
    if not titles:
        return None
    moments = _moments(start - _TICK, end - _TICK)
    changes = [
        change
        for change in _assemble(
            titles,
            coverage=_coverage_at(session, roots, moments),
            answers=_answers_at(session, roots, moments),
            written=_written(session, roots, start, end),
            accepted=_accepted(session, roots, start, end),
            late=_overdue(session, roots, end.date()),
        )
        if change.worth_telling
    ]
    return BelieveDigest(person_id, start, end, changes) if changes else None


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC, as timestamps are stored (SQLite compares them as text, so a
    moment in another zone would be read as UTC wall time); naive means UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def concerned_roots(person_id: int) -> Select[Any]:
    """The general questions ``person_id`` owns, or follows (a follow on any question of
    a tree brings its general question)."""
    followed = (
        select(col(Question.root_id))
        .join(Follow, col(Follow.question_id) == col(Question.id))
        .where(col(Follow.person_id) == person_id)
    )
    return select(col(Question.id)).where(
        col(Question.parent_id).is_(None),
        or_(col(Question.owner_id) == person_id, col(Question.id).in_(followed)),
    )


def _moments(before: datetime, after: datetime) -> Calendar:
    """Two moments (0: before, 1: after) as the calendar history.py's reads take."""
    rows = [
        select(
            literal_column(str(i), Integer).label("week"),
            literal(at, TIMESTAMP).label("week_start"),
            literal(at, TIMESTAMP).label("week_end"),
        )
        for i, at in enumerate((before, after))
    ]
    return Calendar([before, after], union_all(*rows).cte("moments"))


Keyed = dict[tuple[int, int], Any]  # (root id, moment) -> value


def _coverage_at(session: Session, roots: Select[Any], moments: Calendar) -> Keyed:
    frame = coverage_weeks(session, roots, moments)[["root_id", "week", "answered", "scope"]]
    return {
        (int(root_id), int(moment)): Coverage(int(answered), int(scope))
        for root_id, moment, answered, scope in frame.itertuples(index=False, name=None)
    }


def _answers_at(session: Session, roots: Select[Any], moments: Calendar) -> Keyed:
    frame = confidence_weeks(session, roots, moments)[
        ["root_id", "week", "answer_state", "confidence"]
    ]
    return {
        (int(root_id), int(moment)): AnswerAt(AnswerState(state), Confidence(confidence))
        for root_id, moment, state, confidence in frame.itertuples(index=False, name=None)
    }


def _written(
    session: Session, roots: Select[Any], start: datetime, end: datetime
) -> dict[int, tuple[int, str]]:
    """Per general question, the newest answer version written in the week: (number,
    first paragraph)."""
    newest = func.row_number().over(
        partition_by=col(Answer.question_id), order_by=col(Answer.number).desc()
    )
    ranked = (
        select(
            col(Answer.question_id).label("root_id"),
            col(Answer.number).label("number"),
            func.substr(col(Answer.body), 1, PARAGRAPH_CHARS).label("body"),
            newest.label("rn"),
        )
        .where(
            col(Answer.question_id).in_(roots),
            col(Answer.created_at) >= literal(start, TIMESTAMP),
            col(Answer.created_at) < literal(end, TIMESTAMP),
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.root_id, ranked.c.number, ranked.c.body).where(ranked.c.rn == 1)
    )
    return {int(r): (int(n), first_paragraph(str(b))) for r, n, b in rows}


def first_paragraph(body: str) -> str:
    """The text up to the first blank line, as written (Markdown is not rendered)."""
    for part in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")):
        if part.strip():
            return part.strip()
    return ""


def _accepted(
    session: Session, roots: Select[Any], start: datetime, end: datetime
) -> dict[int, list[AcceptedFinding]]:
    """Findings accepted in the week and not sent back (or reopened) since, before the
    end; each once, however often it was accepted."""
    accept, later = aliased(Event), aliased(Event)
    status_of_finding = and_(col(accept.entity) == "finding", col(accept.field) == "status")
    undone = exists().where(
        col(later.entity) == "finding",
        col(later.entity_id) == col(accept.entity_id),
        col(later.field) == "status",
        or_(
            col(later.at) > col(accept.at),
            and_(col(later.at) == col(accept.at), col(later.id) > col(accept.id)),
        ),
        col(later.at) < literal(end, TIMESTAMP),
        col(later.new_value) != FindingStatus.ACCEPTED.value,
    )
    query = (
        select(
            col(Question.root_id), col(Finding.id), col(Finding.question_id), col(Finding.summary)
        )
        .distinct()
        .select_from(accept)
        .join(Finding, col(Finding.id) == col(accept.entity_id))
        .join(Question, col(Question.id) == col(Finding.question_id))
        .where(
            status_of_finding,
            col(accept.new_value) == FindingStatus.ACCEPTED.value,
            col(accept.at) >= literal(start, TIMESTAMP),
            col(accept.at) < literal(end, TIMESTAMP),
            col(Question.root_id).in_(roots),
            ~undone,
        )
        .order_by(col(Finding.id))
    )
    found: dict[int, list[AcceptedFinding]] = {}
    for root_id, fid, qid, summary in session.execute(query):
        found.setdefault(int(root_id), []).append(AcceptedFinding(int(fid), int(qid), summary))
    return found


def _overdue(session: Session, roots: Select[Any], day: date) -> dict[int, list[OverdueQuestion]]:
    """Open sub-questions (not the general question itself) due before ``day``."""
    query = (
        select(
            col(Question.root_id),
            col(Question.id),
            col(Question.title),
            col(Question.due_date),
            col(Person.name),
        )
        .outerjoin(Person, col(Person.id) == col(Question.assignee_id))
        .where(
            col(Question.root_id).in_(roots),
            col(Question.parent_id).is_not(None),
            overdue(day),
        )
        .order_by(col(Question.due_date), col(Question.id))
    )
    late: dict[int, list[OverdueQuestion]] = {}
    for root_id, qid, title, due, name in session.execute(query):
        late.setdefault(int(root_id), []).append(OverdueQuestion(int(qid), title, due, name))
    return late


def _assemble(
    titles: dict[int, str],
    *,
    coverage: Keyed,
    answers: Keyed,
    written: dict[int, tuple[int, str]],
    accepted: dict[int, list[AcceptedFinding]],
    late: dict[int, list[OverdueQuestion]],
) -> list[RootChange]:
    ordered = sorted(titles.items(), key=lambda item: (item[1].casefold(), item[0]))
    return [
        RootChange(
            root_id=root_id,
            title=title,
            answer_before=answers.get((root_id, 0)),
            answer_after=answers.get((root_id, 1)),
            new_version=written[root_id][0] if root_id in written else None,
            paragraph=written[root_id][1] if root_id in written else None,
            coverage_before=coverage.get((root_id, 0)),
            coverage_after=coverage.get((root_id, 1)),
            accepted=tuple(accepted.get(root_id, ())),
            overdue=tuple(late.get(root_id, ())),
        )
        for root_id, title in ordered
    ]
