"""Saving an answer: a new version, citing the evidence it rests on (the rules are in
rules.py). A save never overwrites; one based on a version that is no longer the newest
is refused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Answer, Citation, Finding, Question
from team.services.answers import health
from team.services.answers.reads import AnswerVersion, latest_ids, latest_numbers, version
from team.services.answers.rules import markers
from team.services.answers.writers import answer_writer
from team.services.core.actors import Actor
from team.services.core.errors import InvalidInput, NotFound, StaleEdit
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, lock_row
from team.services.questions.store import branch
from team.vocabulary import AnswerState, Confidence, FindingStatus

BODY_MAX = 50_000


@dataclass(frozen=True)
class AnswerInput:
    body: str
    state: AnswerState = AnswerState.WORKING_HYPOTHESIS
    confidence: Confidence = Confidence.LOW
    finding_ids: tuple[int, ...] = ()
    child_question_ids: tuple[int, ...] = ()


def _check_permission(session: Session, actor_id: int, question: Question) -> Actor:
    return answer_writer(
        session,
        actor_id,
        question,
        refused="Managers write answers; an IC may draft the answer only of a question "
        "assigned to them.",
    )


def _finding_citations(session: Session, question: Question, ids: set[int]) -> list[int]:
    if not ids:
        return []
    assert question.id is not None
    below = select(branch(question.id).c.id)
    found = {f.id: f for f in session.scalars(select(Finding).where(col(Finding.id).in_(ids)))}
    subtree = {int(i) for i in session.scalars(below)}
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
        if not FindingStatus(finding.status).is_citable:
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
    latest = latest_ids(session, question_ids=sorted(child_ids))
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
        cited.append(latest[qid])
    return cited


@atomic
def save_answer(
    session: Session, actor_id: int, *, question_id: int, based_on: int | None, data: AnswerInput
) -> AnswerVersion:
    """Save a new version. ``based_on`` is the version number the editor started from
    (None for the first); if someone saved a newer one meanwhile, nothing is saved."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"Question #{question_id} does not exist.")
    author = _check_permission(session, actor_id, question)
    body = multi_line(
        data.body,
        what="answer",
        limit=BODY_MAX,
        field="body",
        empty="Write the answer first; it cannot be empty.",
    )
    lock_row(session, Question, question_id)  # two saves of one answer take turns
    current = latest_numbers(session, question_ids=[question_id]).get(question_id)
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
        author_id=author.id,
    )
    insert(session, author, answer, field="number", new=answer.number, root_id=question.root_id)
    assert answer.id is not None
    session.add_all([Citation(answer_id=answer.id, finding_id=f) for f in finding_ids])
    session.add_all([Citation(answer_id=answer.id, cited_answer_id=a) for a in answer_ids])
    health.child_answer_saved(session, author, answer)  # flags the parents citing it, if less sure
    session.commit()
    return version(session, answer_id=answer.id)
