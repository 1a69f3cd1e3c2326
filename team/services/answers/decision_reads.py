"""Decisions as pages show them: each with its question and general question, the
answer version it was taken on, the evidence at the time (the snapshot taken when it was
recorded), whether the evidence has changed since, and its revisit.

"Changed since": a newer answer version of the question exists ("answer revised since
(v4)"), or evidence the version cites changed after the decision was recorded (a
CitationFlag on that version stamped after it, cleared or not: the change happened).

Due: a revisit date that is today or past and not yet marked revisited. A revisit by
condition alone never falls due by date: someone marks it revisited when it happens.
Who hears of a due revisit: the owner of the decision's question, on Needs my attention;
and on a one-on-one agenda, the pair whose report owns the question or is assigned it.

Every read is a fixed number of queries, whatever the number of decisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, CitationFlag, Decision, Person, Project, Question
from team.services.core.paging import Paged, Window, keyed_page
from team.services.core.sql_time import aware
from team.vocabulary import AnswerState, Confidence

# A condition typed as "when X" or "if X" is shown as typed, not as "when when X".
CONDITION_WORDS = frozenset({"when", "if", "once", "after", "before", "should", "unless"})


@dataclass(frozen=True)
class DecisionView:
    id: int
    answer_id: int
    question_id: int
    question_title: str
    root_id: int
    root_title: str
    project: str
    owner_id: int
    assignee_id: int | None
    answer_number: int
    answer_state: AnswerState
    answer_confidence: Confidence
    latest_number: int  # the question's newest answer version now
    what: str
    decided_by: str
    decided_on: date
    revisit_on: date | None
    revisit_condition: str
    revisited_at: datetime | None
    claims: int
    claims_reviewed: int
    recorded_by: str
    created_at: datetime
    version: int
    changes_since: int  # evidence changes flagged on the version after the decision

    @property
    def has_revisit(self) -> bool:
        return self.revisit_on is not None or bool(self.revisit_condition)

    def due(self, today: date) -> bool:
        """The revisit date has come and nobody has marked it revisited."""
        return (
            self.revisit_on is not None and self.revisit_on <= today and self.revisited_at is None
        )

    @property
    def evidence_then(self) -> str:
        """ "2 of 3 claims rested on reviewed evidence" when the decision was recorded."""
        if not self.claims:
            return "The answer made no claim when the decision was recorded"
        noun = "claim" if self.claims == 1 else "claims"
        return f"{self.claims_reviewed} of {self.claims} {noun} rested on reviewed evidence"

    @property
    def changed_since(self) -> str:
        """What moved since the decision, in words ("" when nothing did)."""
        said = []
        if self.latest_number > self.answer_number:
            said.append(f"answer revised since (v{self.latest_number})")
        if self.changes_since:
            n = self.changes_since
            said.append(f"cited evidence changed since ({n} change{'s' if n != 1 else ''})")
        return "; ".join(said)

    @property
    def revisit(self) -> str:
        """ "revisit by 01 Mar 2027 or when churn passes 5%" ("" without a revisit)."""
        parts = []
        if self.revisit_on is not None:
            parts.append(f"by {self.revisit_on:%d %b %Y}")
        if self.revisit_condition:
            said = self.revisit_condition
            starts = said.split(" ", 1)[0].lower()
            typed_word = starts in CONDITION_WORDS
            parts.append(said[:1].lower() + said[1:] if typed_word else f"when {said}")
        return f"revisit {' or '.join(parts)}" if parts else ""


# --------------------------------------------------------------------------- queries

_root = aliased(Question)
_newer = aliased(Answer)


def is_due(today: date) -> ColumnElement[bool]:
    """A revisit date today or past, not marked revisited (in SQL)."""
    return and_(
        col(Decision.revisit_on).is_not(None),
        col(Decision.revisit_on) <= literal(today, Date),
        col(Decision.revisited_at).is_(None),
    )


def _latest_number() -> Any:
    return (
        select(func.max(col(_newer.number)))
        .where(col(_newer.question_id) == col(Decision.question_id))
        .correlate(Decision)
        .scalar_subquery()
    )


def _changes_since() -> Any:
    return (
        select(func.count())
        .select_from(CitationFlag)
        .where(
            col(CitationFlag.answer_id) == col(Decision.answer_id),
            col(CitationFlag.at) > col(Decision.created_at),
        )
        .correlate(Decision)
        .scalar_subquery()
    )


def _rows() -> Select[Any]:
    """Decisions with everything a view shows, in one SELECT."""
    columns: list[Any] = [
        Decision,
        col(Question.title),
        col(Question.root_id),
        col(_root.title),
        col(Project.name),
        col(Question.owner_id),
        col(Question.assignee_id),
        col(Answer.number),
        col(Answer.state),
        col(Answer.confidence),
        col(Person.name),
        _latest_number(),
        _changes_since(),
    ]
    return (
        select(*columns)
        .join(Question, col(Question.id) == col(Decision.question_id))
        .join(_root, col(_root.id) == col(Question.root_id))
        .join(Project, col(Project.id) == col(Question.project_id))
        .join(Answer, col(Answer.id) == col(Decision.answer_id))
        .join(Person, col(Person.id) == col(Decision.recorded_by_id))
    )


def _newest_first() -> list[Any]:
    return [col(Decision.decided_on).desc(), col(Decision.id).desc()]


def _most_due_first() -> list[Any]:
    return [col(Decision.revisit_on), col(Decision.id)]


def _view(row: Any) -> DecisionView:
    d, title, root_id, root_title, project, owner, assignee = row[:7]
    number, state, confidence, recorder, latest, changes = row[7:13]
    assert d.id is not None
    created = aware(d.created_at)
    assert created is not None
    return DecisionView(
        id=d.id,
        answer_id=d.answer_id,
        question_id=d.question_id,
        question_title=title,
        root_id=int(root_id),
        root_title=root_title,
        project=project,
        owner_id=int(owner),
        assignee_id=int(assignee) if assignee is not None else None,
        answer_number=int(number),
        answer_state=AnswerState(state),
        answer_confidence=Confidence(confidence),
        latest_number=int(latest or number),
        what=d.what,
        decided_by=d.decided_by,
        decided_on=d.decided_on,
        revisit_on=d.revisit_on,
        revisit_condition=d.revisit_condition,
        revisited_at=aware(d.revisited_at),
        claims=d.claims,
        claims_reviewed=d.claims_reviewed,
        recorded_by=recorder,
        created_at=created,
        version=d.version,
        changes_since=int(changes or 0),
    )


def _views(rows: Iterable[Any]) -> list[DecisionView]:
    return [_view(row) for row in rows]


def get_decision(session: Session, *, decision_id: int) -> DecisionView | None:
    row = session.execute(_rows().where(col(Decision.id) == decision_id)).first()
    return _view(row) if row is not None else None


def decisions_of(session: Session, *, question_id: int) -> dict[int, DecisionView]:
    """{answer version id: its decision} for one question (one query)."""
    rows = session.execute(_rows().where(col(Decision.question_id) == question_id))
    return {v.answer_id: v for v in _views(rows)}


def decisions_page(
    session: Session,
    *,
    window: Window,
    today: date,
    due_only: bool = False,
    project_id: int | None = None,
    root_id: int | None = None,
) -> Paged[DecisionView]:
    """One page of every decision, newest first (by the day decided), narrowed to the
    due ones, a project or a general question: two queries."""
    where: list[ColumnElement[bool]] = []
    if due_only:
        where.append(is_due(today))
    if project_id is not None:
        where.append(col(Question.project_id) == project_id)
    if root_id is not None:
        where.append(col(Question.root_id) == root_id)
    keys = (
        select(col(Decision.id))
        .join(Question, col(Question.id) == col(Decision.question_id))
        .where(*where)
        .order_by(*_newest_first())
    )
    return keyed_page(
        session,
        keys=keys,
        rows=_rows().order_by(*_newest_first()),
        key=col(Decision.id),
        window=window,
        convert=_views,
    )


def owned_by(person_id: int) -> ColumnElement[bool]:
    """The decision's question is owned by ``person_id`` (join Question)."""
    return col(Question.owner_id) == person_id


def due_count_for(person_id: int, today: date) -> Select[Any]:
    """How many revisits are due for ``person_id`` (the owner): a query to use whole
    or as a scalar subquery."""
    return (
        select(func.count())
        .select_from(Decision)
        .join(Question, col(Question.id) == col(Decision.question_id))
        .where(owned_by(person_id), is_due(today))
    )


def due_for(session: Session, *, person_id: int, today: date) -> list[DecisionView]:
    """Every revisit due for the owner ``person_id``, the longest due first."""
    query = _rows().where(owned_by(person_id), is_due(today)).order_by(*_most_due_first())
    return _views(session.execute(query))


def due_page_for(
    session: Session, *, person_id: int, today: date, window: Window, total: int | None = None
) -> Paged[DecisionView]:
    """One page of the revisits due for the owner ``person_id``, the longest due first."""
    keys = (
        select(col(Decision.id))
        .join(Question, col(Question.id) == col(Decision.question_id))
        .where(owned_by(person_id), is_due(today))
        .order_by(*_most_due_first())
    )
    return keyed_page(
        session,
        keys=keys,
        rows=_rows().order_by(*_most_due_first()),
        key=col(Decision.id),
        window=window,
        convert=_views,
        total=total,
    )


def due_for_pair(
    session: Session, *, report_id: int, today: date, limit: int
) -> tuple[list[DecisionView], int]:
    """The revisits due on a one-on-one agenda: decisions on questions the report owns or
    is assigned, the longest due first, at most ``limit``, and how many in all (one
    query: the count is a window over every row before the limit)."""
    query = (
        _rows()
        .add_columns(func.count().over().label("total"))
        .where(
            or_(col(Question.owner_id) == report_id, col(Question.assignee_id) == report_id),
            is_due(today),
        )
        .order_by(*_most_due_first())
        .limit(limit)
    )
    rows = list(session.execute(query))
    return _views(rows), int(rows[0][-1]) if rows else 0


def latest_decision(session: Session, *, question_id: int) -> DecisionView | None:
    """The decision of the newest answer version of the question that has one (the
    memo ends with it)."""
    query = (
        _rows().where(col(Decision.question_id) == question_id).order_by(col(Answer.number).desc())
    )
    row = session.execute(query.limit(1)).first()
    return _view(row) if row is not None else None
