"""Reading citation health (the rules are in health.py): the flags of a question's answer
versions for the Answers page, the flagged answers waiting on a person (Needs my
attention) and how many flagged answers each general question holds (Overview). Each
read is one query whatever the number of flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Citation, CitationFlag, Finding, Person, Question
from team.services.answers.health import flagged_latest
from team.services.core.paging import Paged, Window
from team.services.core.sql_time import aware
from team.vocabulary import EvidenceChange


@dataclass(frozen=True)
class FlagView:
    """One change of evidence an answer version cites: what changed, with where to
    compare (the finding's place, or the child question and the versions cited and
    new), and whether the owner marked it reviewed."""

    id: int
    answer_id: int
    change: EvidenceChange
    detail: str
    at: datetime
    finding_id: int | None = None
    finding_summary: str | None = None
    finding_question_id: int | None = None
    finding_root_id: int | None = None
    child_question_id: int | None = None
    child_title: str | None = None
    cited_number: int | None = None  # the child's version the answer cited
    new_number: int | None = None  # the child's version that changed it
    cleared_at: datetime | None = None
    cleared_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


def _flag_rows() -> Select[Any]:
    """Flags with their finding (and where it was logged) or their child answer (its
    question, the version cited and the new one), and who marked them reviewed."""
    where = aliased(Question)
    child = aliased(Question)
    new = aliased(Answer)
    old = aliased(Answer)
    reviewer = aliased(Person)
    cited_number = (
        select(func.max(col(old.number)))
        .join(Citation, col(Citation.cited_answer_id) == col(old.id))
        .where(
            col(Citation.answer_id) == col(CitationFlag.answer_id),
            col(old.question_id) == col(new.question_id),
        )
        .scalar_subquery()
    )
    return (
        select(
            CitationFlag,
            col(Finding.summary),
            col(Finding.question_id),
            col(where.root_id),
            col(new.question_id),
            col(child.title),
            cited_number,
            col(new.number),
            col(reviewer.name),
        )
        .outerjoin(Finding, col(Finding.id) == col(CitationFlag.finding_id))
        .outerjoin(where, col(where.id) == col(Finding.question_id))
        .outerjoin(new, col(new.id) == col(CitationFlag.cited_answer_id))
        .outerjoin(child, col(child.id) == col(new.question_id))
        .outerjoin(reviewer, col(reviewer.id) == col(CitationFlag.cleared_by_id))
        .order_by(col(CitationFlag.at).desc(), col(CitationFlag.id).desc())
    )


def _view(row: Any) -> FlagView:
    flag, summary, fq, froot, cq, ctitle, cited, number, reviewer = row
    assert flag.id is not None
    at = aware(flag.at)
    assert at is not None
    return FlagView(
        id=flag.id,
        answer_id=flag.answer_id,
        change=EvidenceChange(flag.change),
        detail=flag.detail,
        at=at,
        finding_id=flag.finding_id,
        finding_summary=summary,
        finding_question_id=fq,
        finding_root_id=froot or fq,
        child_question_id=cq,
        child_title=ctitle,
        cited_number=cited,
        new_number=number,
        cleared_at=aware(flag.cleared_at),
        cleared_by=reviewer,
    )


def flags_of_question(session: Session, *, question_id: int) -> dict[int, list[FlagView]]:
    """{answer version id: its flags, newest first} for every version of the question's
    answer, open and reviewed (one query)."""
    versions = select(col(Answer.id)).where(col(Answer.question_id) == question_id)
    rows = session.execute(_flag_rows().where(col(CitationFlag.answer_id).in_(versions)))
    found: dict[int, list[FlagView]] = {}
    for row in rows:
        view = _view(row)
        found.setdefault(view.answer_id, []).append(view)
    return found


def open_flags(session: Session, *, answer_id: int) -> list[FlagView]:
    """The open flags of one answer version, newest first (one query)."""
    query = _flag_rows().where(
        col(CitationFlag.answer_id) == answer_id, col(CitationFlag.cleared_at).is_(None)
    )
    return [_view(row) for row in session.execute(query)]


# --------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class FlaggedAnswer:
    """A question whose latest answer version has open flags."""

    question_id: int
    root_id: int
    title: str
    answer_id: int
    number: int
    changes: int  # open flags
    last_at: datetime
    detail: str  # the newest change, in words


def for_person(person_id: int) -> ColumnElement[bool]:
    """Whose inbox a flagged answer reaches: the question's owner and its assignee (who
    may draft the answer). Question in the query."""
    return or_(col(Question.owner_id) == person_id, col(Question.assignee_id) == person_id)


def flagged_query() -> tuple[Any, list[Any], Any]:
    """(the flagged subquery, its item columns, the FROM joining it to Question)."""
    f = flagged_latest()
    columns = [
        f.c.question_id,
        col(Question.root_id).label("root_id"),
        col(Question.title).label("title"),
        f.c.answer_id,
        f.c.number,
        f.c.changes,
        f.c.last_at,
        f.c.detail,
    ]
    return f, columns, f.join(Question, col(Question.id) == f.c.question_id)


def flagged_item(row: Any) -> FlaggedAnswer:
    last = aware(row.last_at)
    assert last is not None
    return FlaggedAnswer(
        question_id=int(row.question_id),
        root_id=int(row.root_id or row.question_id),
        title=row.title,
        answer_id=int(row.answer_id),
        number=int(row.number),
        changes=int(row.changes),
        last_at=last,
        detail=row.detail or "",
    )


def flagged_count(person_id: int) -> Select[Any]:
    """How many flagged answers reach this person (a query to use as a scalar
    subquery, as attention_counts does)."""
    _f, _columns, joined = flagged_query()
    return select(func.count()).select_from(joined).where(for_person(person_id))


def _for_person(person_id: int) -> Select[Any]:
    f, columns, joined = flagged_query()
    return (
        select(*columns)
        .select_from(joined)
        .where(for_person(person_id))
        .order_by(f.c.last_at.desc(), f.c.question_id)
    )


def flagged_for(session: Session, *, person_id: int) -> list[FlaggedAnswer]:
    """Every flagged answer reaching this person, the newest change first."""
    return [flagged_item(r) for r in session.execute(_for_person(person_id))]


def flagged_page(
    session: Session, *, person_id: int, window: Window, total: int
) -> Paged[FlaggedAnswer]:
    """One page of the flagged answers reaching this person, the newest change first
    (one query; ``total`` as :func:`flagged_count` counted it)."""
    window = window.within(total)
    query = _for_person(person_id).limit(window.size).offset(window.offset)
    return Paged(
        items=[flagged_item(r) for r in session.execute(query)], total=total, window=window
    )


def flagged_by_root(session: Session, *, root_ids: list[int]) -> dict[int, int]:
    """{general question id: how many of its questions' latest answers are flagged},
    for the trees ``root_ids`` (one grouped query, run even for none)."""
    _f, _columns, joined = flagged_query()
    query = (
        select(col(Question.root_id), func.count())
        .select_from(joined)
        .where(col(Question.root_id).in_(root_ids))
        .group_by(col(Question.root_id))
    )
    return {int(r): int(n) for r, n in session.execute(query)}


def flagged_for_pair(
    session: Session, *, report_id: int, limit: int
) -> tuple[list[FlaggedAnswer], int]:
    """The flagged answers a one-on-one agenda lists: of questions the report owns or is
    assigned, or whose open change is a finding the report wrote; the newest change
    first, at most ``limit``, and how many in all (one query: the count is a window
    over every row before the limit)."""
    f, columns, joined = flagged_query()
    theirs = exists().where(
        col(CitationFlag.answer_id) == f.c.answer_id,
        col(CitationFlag.cleared_at).is_(None),
        col(Finding.id) == col(CitationFlag.finding_id),
        col(Finding.author_id) == report_id,
    )
    query = (
        select(*columns, func.count().over().label("total"))
        .select_from(joined)
        .where(or_(for_person(report_id), theirs))
        .order_by(f.c.last_at.desc(), f.c.question_id)
        .limit(limit)
    )
    rows = list(session.execute(query))
    return [flagged_item(r) for r in rows], int(rows[0].total) if rows else 0
