"""Answers as pages show them: every version of a question's answer with what it cites,
the newest versions of many questions, and the latest answer of every node of some
trees (for the roll-up). A fixed number of queries whatever the count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Citation, Finding, Person, Question
from team.services.core.views import view_of
from team.services.findings.strength import has_approved_review
from team.vocabulary import AnswerState, Confidence, EvidenceStrength


@dataclass(frozen=True)
class CitedFinding:
    """A finding an answer version cites, with where it was logged (to link to it)."""

    id: int
    question_id: int
    root_id: int
    strength: EvidenceStrength = EvidenceStrength.ACCEPTED  # as the finding stands now


@dataclass(frozen=True)
class AnswerVersion:
    id: int
    question_id: int
    number: int
    body: str
    state: AnswerState
    confidence: Confidence
    author_id: int
    author: str
    created_at: datetime
    finding_ids: tuple[int, ...] = ()
    cited_answer_ids: tuple[int, ...] = ()
    cited_questions: tuple[int, ...] = field(default=())  # child questions of cited answers
    cited_findings: tuple[CitedFinding, ...] = ()  # finding_ids, with where each was logged


def _newest(
    *, question_ids: list[int] | None = None, root_ids: list[int] | None = None
) -> Select[int, int]:
    """(qid, n): the number of the newest answer version of each of ``question_ids``, or
    of each node of the trees ``root_ids``, that has an answer (one grouped query)."""
    query: Select[int, int] = select(
        col(Answer.question_id).label("qid"), func.max(Answer.number).label("n")
    )
    if root_ids is not None:
        query = query.join(Question, col(Question.id) == col(Answer.question_id))
        query = query.where(col(Question.root_id).in_(root_ids))
    else:
        query = query.where(col(Answer.question_id).in_(question_ids or []))
    return query.group_by(col(Answer.question_id))


def _is_newest(newest: Subquery) -> ColumnElement[bool]:
    """The answer row is the newest version of its question, by ``newest``."""
    return (col(Answer.question_id) == newest.c.qid) & (col(Answer.number) == newest.c.n)


def latest_numbers(session: Session, *, question_ids: list[int]) -> dict[int, int]:
    """{question id: its newest answer version number} (one grouped query)."""
    if not question_ids:
        return {}
    return {int(q): int(n) for q, n in session.execute(_newest(question_ids=question_ids))}


def latest_ids(session: Session, *, question_ids: list[int]) -> dict[int, int]:
    """{question id: the id of its newest answer version} (one query)."""
    if not question_ids:
        return {}
    newest = _newest(question_ids=question_ids).subquery()
    query = select(col(Answer.question_id), col(Answer.id)).join(newest, _is_newest(newest))
    return {int(q): int(a) for q, a in session.execute(query)}


def _authored() -> Select[Answer, str]:
    """Answer rows with their author's name."""
    return select(Answer, col(Person.name)).join(Person, col(Person.id) == col(Answer.author_id))


def versions(session: Session, *, question_id: int) -> list[AnswerVersion]:
    """Every version of a question's answer, oldest first, with its citations."""
    query = _authored().where(col(Answer.question_id) == question_id).order_by(col(Answer.number))
    return _with_citations(session, [(a, name) for a, name in session.execute(query)])


def version(session: Session, *, answer_id: int) -> AnswerVersion:
    """One version (the answer row ``answer_id``), with its citations."""
    query = _authored().where(col(Answer.id) == answer_id)
    [found] = _with_citations(session, [(a, name) for a, name in session.execute(query)])
    return found


def latest_versions(session: Session, *, question_ids: list[int]) -> dict[int, AnswerVersion]:
    """{question id: its newest answer version, with its citations} for the questions
    that have one: two queries however many questions."""
    newest = _newest(question_ids=question_ids).subquery()
    rows = session.execute(_authored().join(newest, _is_newest(newest)))
    return {v.question_id: v for v in _with_citations(session, [(a, n) for a, n in rows])}


def _with_citations(session: Session, rows: list[tuple[Answer, str]]) -> list[AnswerVersion]:
    """The versions of these answer rows with what each cites, and where each cited
    finding was logged (one query, run even for no rows so a page makes the same number
    of queries whatever it shows)."""
    ids = [int(a.id) for a, _ in rows if a.id is not None]
    cited = aliased(Answer)
    cites: dict[int, list[tuple[Citation, int | None, CitedFinding | None]]] = {}
    for c, cited_question, question_id, root_id, status, approved in session.execute(
        select(
            Citation,
            col(cited.question_id),
            col(Finding.question_id),
            col(Question.root_id),
            col(Finding.status),
            has_approved_review(col(Finding.id)).correlate(Finding),
        )
        .outerjoin(cited, col(cited.id) == col(Citation.cited_answer_id))
        .outerjoin(Finding, col(Finding.id) == col(Citation.finding_id))
        .outerjoin(Question, col(Question.id) == col(Finding.question_id))
        .where(col(Citation.answer_id).in_(ids))
    ):
        place = None
        if c.finding_id is not None and question_id is not None:
            strength = EvidenceStrength.of(status, approved_review=bool(approved))
            place = CitedFinding(
                c.finding_id, int(question_id), int(root_id or question_id), strength
            )
        cites.setdefault(c.answer_id, []).append((c, cited_question, place))
    result = []
    for answer, name in rows:
        assert answer.id is not None
        mine = cites.get(answer.id, [])
        answers = sorted((c.cited_answer_id, q) for c, q, _ in mine if c.cited_answer_id)
        places = sorted((p for _, _, p in mine if p is not None), key=lambda p: p.id)
        result.append(
            view_of(
                AnswerVersion,
                answer,
                author=name,
                finding_ids=tuple(sorted(c.finding_id for c, _, _ in mine if c.finding_id)),
                cited_answer_ids=tuple(a for a, _ in answers),
                cited_questions=tuple(sorted(int(q) for _, q in answers if q is not None)),
                cited_findings=tuple(places),
            )
        )
    return result


@dataclass(frozen=True)
class Latest:
    number: int
    state: AnswerState
    confidence: Confidence


def latest_in_trees(session: Session, *, root_ids: list[int]) -> dict[int, Latest]:
    """{question id: its latest answer} for every answered node of these trees, in one
    query."""
    if not root_ids:
        return {}
    newest = _newest(root_ids=root_ids).subquery()
    query = select(
        col(Answer.question_id), col(Answer.number), col(Answer.state), col(Answer.confidence)
    ).join(newest, _is_newest(newest))
    return {
        int(q): Latest(int(n), AnswerState(s), Confidence(c))
        for q, n, s, c in session.execute(query)
    }
