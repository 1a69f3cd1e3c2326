"""Answers: the versioned synthesis of a question node, citing the evidence it rests on.

A save never overwrites: it adds the next version. Citations are markers in the text,
``[F12]`` for finding 12 and ``[Q34]`` for the current answer of child question 34, plus
any chosen in the editor; a finding can be cited only from inside the node's subtree
(and not a draft or withdrawn one), an answer only from a direct child. A paragraph with
no marker is flagged as unsupported.

Who: managers write answers; an IC may draft the answer of a question assigned to them;
viewers read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import (
    Answer,
    AnswerState,
    Citation,
    Confidence,
    Finding,
    FindingStatus,
    Person,
    Question,
    Role,
)
from team.services.core import events
from team.services.core.actors import acting, require_writer
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from team.services.core.text import multi_line
from team.services.core.tx import atomic

BODY_MAX = 50_000
MARKER = re.compile(r"\[(F|Q)(\d+)\]")
UNCITABLE = (FindingStatus.DRAFT, FindingStatus.WITHDRAWN)


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


def markers(body: str) -> tuple[set[int], set[int]]:
    """(finding ids, child question ids) named by markers in the text."""
    found: dict[str, set[int]] = {"F": set(), "Q": set()}
    for kind, number in MARKER.findall(body):
        found[kind].add(int(number))
    return found["F"], found["Q"]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def unsupported_paragraphs(body: str) -> list[str]:
    """Paragraphs that make a claim without citing anything (headings are not claims)."""
    return [p for p in paragraphs(body) if not MARKER.search(p) and not p.lstrip().startswith("#")]


# --------------------------------------------------------------------------- reads


def _subtree_ids(session: Session, question: Question) -> set[int]:
    rows = session.execute(
        select(col(Question.id), col(Question.parent_id)).where(
            col(Question.root_id) == question.root_id
        )
    ).all()
    children: dict[int | None, list[int]] = {}
    for qid, parent in rows:
        children.setdefault(parent, []).append(qid)
    found, stack = set(), [question.id]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, []))
    return {int(i) for i in found if i is not None}


def latest_numbers(session: Session, question_ids: list[int]) -> dict[int, int]:
    """{question id: its newest answer version number} (one grouped query)."""
    if not question_ids:
        return {}
    query = (
        select(col(Answer.question_id), func.max(Answer.number))
        .where(col(Answer.question_id).in_(question_ids))
        .group_by(col(Answer.question_id))
    )
    return {int(q): int(n) for q, n in session.execute(query)}


def versions(session: Session, question_id: int) -> list[AnswerVersion]:
    """Every version of a question's answer, oldest first, with its citations."""
    rows = session.execute(
        select(Answer, col(Person.name))
        .join(Person, col(Person.id) == col(Answer.author_id))
        .where(col(Answer.question_id) == question_id)
        .order_by(col(Answer.number))
    ).all()
    return _with_citations(session, [(a, name) for a, name in rows])


def latest_versions(session: Session, question_ids: list[int]) -> dict[int, AnswerVersion]:
    """{question id: its newest answer version, with its citations} for the questions
    that have one: two queries however many questions."""
    newest = (
        select(col(Answer.question_id).label("qid"), func.max(Answer.number).label("n"))
        .where(col(Answer.question_id).in_(question_ids))
        .group_by(col(Answer.question_id))
        .subquery()
    )
    rows = session.execute(
        select(Answer, col(Person.name))
        .join(Person, col(Person.id) == col(Answer.author_id))
        .join(
            newest,
            (col(Answer.question_id) == newest.c.qid) & (col(Answer.number) == newest.c.n),
        )
    ).all()
    return {v.question_id: v for v in _with_citations(session, [(a, n) for a, n in rows])}


def _with_citations(session: Session, rows: list[tuple[Answer, str]]) -> list[AnswerVersion]:
    """The versions of these answer rows with what each cites (one query, run even for
    no rows so a page makes the same number of queries whatever it shows)."""
    ids = [int(a.id) for a, _ in rows if a.id is not None]
    cited = aliased(Answer)
    cites: dict[int, list[tuple[Citation, int | None]]] = {}
    for c, cited_question in session.execute(
        select(Citation, col(cited.question_id))
        .outerjoin(cited, col(cited.id) == col(Citation.cited_answer_id))
        .where(col(Citation.answer_id).in_(ids))
    ):
        cites.setdefault(c.answer_id, []).append((c, cited_question))
    result = []
    for answer, name in rows:
        assert answer.id is not None
        mine = cites.get(answer.id, [])
        answers = sorted((c.cited_answer_id, q) for c, q in mine if c.cited_answer_id)
        result.append(
            AnswerVersion(
                id=answer.id,
                question_id=answer.question_id,
                number=answer.number,
                body=answer.body,
                state=AnswerState(answer.state),
                confidence=Confidence(answer.confidence),
                author_id=answer.author_id,
                author=name,
                created_at=answer.created_at,
                finding_ids=tuple(sorted(c.finding_id for c, _ in mine if c.finding_id)),
                cited_answer_ids=tuple(a for a, _ in answers),
                cited_questions=tuple(sorted(int(q) for _, q in answers if q is not None)),
            )
        )
    return result


# --------------------------------------------------------------------------- write


@dataclass(frozen=True)
class AnswerInput:
    body: str
    state: AnswerState = AnswerState.WORKING_HYPOTHESIS
    confidence: Confidence = Confidence.LOW
    finding_ids: tuple[int, ...] = ()
    child_question_ids: tuple[int, ...] = ()


def _check_permission(session: Session, actor_id: int, question: Question) -> int:
    actor = acting(session, actor_id)
    require_writer(actor)
    if actor.is_manager or (actor.role == Role.IC and question.assignee_id == actor.id):
        return actor.id
    raise PermissionDenied(
        "Managers write answers; an IC may draft the answer only of a question assigned to them."
    )


def _finding_citations(session: Session, question: Question, ids: set[int]) -> list[int]:
    if not ids:
        return []
    subtree = _subtree_ids(session, question)
    found = {f.id: f for f in session.scalars(select(Finding).where(col(Finding.id).in_(ids)))}
    for fid in sorted(ids):
        finding = found.get(fid)
        if finding is None:
            raise InvalidInput(f"[F{fid}] names no finding; check the number.", field="body")
        if finding.question_id not in subtree:
            raise InvalidInput(
                f"[F{fid}] is a finding on another branch; an answer cites only findings "
                "logged on its question or below it.",
                field="citations",
            )
        if finding.status in UNCITABLE:
            raise InvalidInput(
                f"[F{fid}] is {FindingStatus(finding.status).value}; cite only shared or "
                "accepted findings.",
                field="citations",
            )
    return sorted(ids)


def _answer_citations(session: Session, question: Question, child_ids: set[int]) -> list[int]:
    """The current answer version ids of the cited child questions."""
    if not child_ids:
        return []
    children = {
        q.id: q for q in session.scalars(select(Question).where(col(Question.id).in_(child_ids)))
    }
    latest = latest_numbers(session, sorted(child_ids))
    cited = []
    for qid in sorted(child_ids):
        child = children.get(qid)
        if child is None or child.parent_id != question.id:
            raise InvalidInput(
                f"[Q{qid}] is not a direct sub-question of this question; an answer cites "
                "only its sub-questions' answers.",
                field="citations",
            )
        if qid not in latest:
            raise InvalidInput(
                f"[Q{qid}] “{child.title}” has no answer yet to cite.", field="citations"
            )
        answer_id = session.scalar(
            select(col(Answer.id)).where(
                col(Answer.question_id) == qid, col(Answer.number) == latest[qid]
            )
        )
        cited.append(int(answer_id or 0))
    return cited


@atomic
def save_answer(
    session: Session, actor_id: int, question_id: int, based_on: int | None, data: AnswerInput
) -> AnswerVersion:
    """Save a new version. ``based_on`` is the version number the editor started from
    (None for the first); if someone saved a newer one meanwhile, nothing is saved."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"Question #{question_id} does not exist.")
    author_id = _check_permission(session, actor_id, question)
    body = multi_line(
        data.body,
        what="answer",
        limit=BODY_MAX,
        field="body",
        empty="Write the answer first; it cannot be empty.",
    )
    current = latest_numbers(session, [question_id]).get(question_id)
    if current != based_on:
        raise StaleEdit(
            f"Someone saved version {current} of this answer since you started from "
            f"{'a blank answer' if based_on is None else f'version {based_on}'}; reload to "
            "see it, then add your changes."
        )
    finding_markers, question_markers = markers(body)
    finding_ids = _finding_citations(session, question, finding_markers | set(data.finding_ids))
    answer_ids = _answer_citations(
        session, question, question_markers | set(data.child_question_ids)
    )
    answer = Answer(
        question_id=question_id,
        number=(current or 0) + 1,
        body=body,
        state=AnswerState(data.state),
        confidence=Confidence(data.confidence),
        author_id=author_id,
    )
    session.add(answer)
    session.flush()
    assert answer.id is not None
    session.add_all([Citation(answer_id=answer.id, finding_id=f) for f in finding_ids])
    session.add_all([Citation(answer_id=answer.id, cited_answer_id=a) for a in answer_ids])
    events.record(
        session,
        actor_id=author_id,
        entity="answer",
        entity_id=answer.id,
        action="created",
        field="number",
        new=answer.number,
        root_id=question.root_id,
    )
    session.commit()
    return next(v for v in versions(session, question_id) if v.id == answer.id)


@dataclass(frozen=True)
class Latest:
    number: int
    state: AnswerState
    confidence: Confidence


def latest_in_trees(session: Session, root_ids: list[int]) -> dict[int, Latest]:
    """{question id: its latest answer} for every answered node of these trees, in one
    query."""
    if not root_ids:
        return {}
    newest = (
        select(col(Answer.question_id).label("qid"), func.max(Answer.number).label("n"))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(col(Question.root_id).in_(root_ids))
        .group_by(col(Answer.question_id))
        .subquery()
    )
    query = select(
        col(Answer.question_id), col(Answer.number), col(Answer.state), col(Answer.confidence)
    ).join(
        newest,
        (col(Answer.question_id) == newest.c.qid) & (col(Answer.number) == newest.c.n),
    )
    return {
        int(q): Latest(int(n), AnswerState(s), Confidence(c))
        for q, n, s, c in session.execute(query)
    }
