"""The decision log: the decision an answer version informed (what, by whom, when), with
a date or a condition to revisit it. The reads are in decision_reads.py.

Rules:
- One decision per answer version, on any version of the question (usually the newest;
  decisions are often taken after the answer is written).
- Who: whoever may write that question's answer (a manager, or the IC it is assigned
  to); viewers and others are refused. The same people edit it and mark it revisited.
- "What" and "decided by" are one line each (a name, or a body such as "Pricing
  committee": deciders are often stakeholders without an account); the day decided is
  today or earlier; a revisit is optional, by a date (not before the day decided), a
  condition, or both.
- When recorded, the decision keeps the evidence as it stood: the version's claims and
  how many of them rest on reviewed evidence. Later reviews do not rewrite it.
- Marking revisited is done once per revisit; changing the revisit date or condition
  in an edit starts a new revisit (the mark is cleared), so it can fall due again.
- Every write records its events in its own transaction; an edit based on an older
  version of the decision is refused and overwrites nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from team.models import Answer, Decision, Question, utcnow
from team.services.answers.decision_reads import DecisionView, get_decision
from team.services.answers.reads import version as answer_version
from team.services.answers.rules import claims_on_reviewed
from team.services.answers.writers import answer_writer
from team.services.core.actors import Actor
from team.services.core.errors import InvalidInput
from team.services.core.text import one_line
from team.services.core.tx import atomic
from team.services.core.writes import insert, load, save_fields
from team.services.questions.rules import Assignable, works_on
from team.vocabulary import EvidenceStrength, Role

WHAT_MAX = 1_000
BY_MAX = 200  # the column's width
CONDITION_MAX = 500  # the column's width
TAKEN = "This answer version already has its decision; edit it instead."


@dataclass(frozen=True)
class DecisionInput:
    what: str
    decided_by: str
    decided_on: date
    revisit_on: date | None = None
    revisit_condition: str = ""


def may_decide(actor: Actor, question: Assignable) -> bool:
    """Who may record, edit and mark revisited the decisions of a question's answer:
    whoever may write that answer."""
    return works_on(actor, question)


def may_decide_on(actor: Actor, decision: DecisionView) -> bool:
    """:func:`may_decide` for a decision as read (its question's assignee)."""
    return actor.is_manager or (actor.role == Role.IC and decision.assignee_id == actor.id)


def _check_permission(session: Session, actor_id: int, question: Question) -> Actor:
    return answer_writer(
        session,
        actor_id,
        question,
        refused="Managers record decisions; an IC may record the decision only on the "
        "answer of a question assigned to them.",
    )


def checked(data: DecisionInput, today: date) -> DecisionInput:
    """``data`` cleaned, or InvalidInput with a sentence saying what to fix."""
    what = one_line(
        data.what,
        what="decision",
        limit=WHAT_MAX,
        field="what",
        empty="Say what was decided; it cannot be empty.",
        hint="say it in a sentence or two",
    )
    by = one_line(
        data.decided_by,
        what="name of who decided",
        limit=BY_MAX,
        field="decided_by",
        empty="Say who decided (a name, or a group such as “Pricing committee”).",
    )
    condition = one_line(
        data.revisit_condition, what="revisit condition", limit=CONDITION_MAX, field="revisit"
    )
    if data.decided_on > today:
        raise InvalidInput(
            f"A decision is recorded once it is taken: {data.decided_on:%d %b %Y} is still "
            "ahead; pick today or an earlier day.",
            field="decided_on",
        )
    if data.revisit_on is not None and data.revisit_on < data.decided_on:
        raise InvalidInput(
            f"The revisit date ({data.revisit_on:%d %b %Y}) is before the day it was decided "
            f"({data.decided_on:%d %b %Y}); pick a later day.",
            field="revisit_on",
        )
    return DecisionInput(what, by, data.decided_on, data.revisit_on, condition)


def evidence_now(session: Session, answer_id: int) -> tuple[int, int]:
    """(claims resting on reviewed evidence, claims) of the answer version ``answer_id``
    as it stands now: what a decision recorded now keeps (the demo loader uses it too)."""
    found = answer_version(session, answer_id=answer_id)
    reviewed = {f.id for f in found.cited_findings if f.strength == EvidenceStrength.REVIEWED}
    return claims_on_reviewed(found.body, reviewed)


@atomic
def record_decision(
    session: Session,
    actor_id: int,
    *,
    answer_id: int,
    data: DecisionInput,
    today: date | None = None,
) -> DecisionView:
    """Record the decision the answer version ``answer_id`` informed."""
    answer = load(session, Answer, answer_id, f"Answer version #{answer_id} does not exist.")
    question = load(session, Question, answer.question_id, "That question no longer exists.")
    actor = _check_permission(session, actor_id, question)
    clean = checked(data, today or date.today())
    taken = select(col(Decision.id)).where(col(Decision.answer_id) == answer_id)
    if session.scalar(taken) is not None:
        raise InvalidInput(TAKEN)
    reviewed, claims = evidence_now(session, answer_id)
    decision = Decision(
        answer_id=answer_id,
        question_id=answer.question_id,
        what=clean.what,
        decided_by=clean.decided_by,
        decided_on=clean.decided_on,
        revisit_on=clean.revisit_on,
        revisit_condition=clean.revisit_condition,
        claims=claims,
        claims_reviewed=reviewed,
        recorded_by_id=actor.id,
    )
    insert(
        session,
        actor,
        decision,
        field="what",
        new=clean.what,
        root_id=question.root_id,
        clash=TAKEN,
    )
    session.commit()
    assert decision.id is not None
    return _view(session, decision.id)


def _view(session: Session, decision_id: int) -> DecisionView:
    found = get_decision(session, decision_id=decision_id)
    assert found is not None
    return found


def _decision_and_actor(
    session: Session, actor_id: int, decision_id: int
) -> tuple[Decision, Question, Actor]:
    decision = load(
        session, Decision, decision_id, "That decision no longer exists; reload the page."
    )
    question = load(session, Question, decision.question_id, "That question no longer exists.")
    return decision, question, _check_permission(session, actor_id, question)


@atomic
def edit_decision(
    session: Session,
    actor_id: int,
    *,
    decision_id: int,
    version: int,
    data: DecisionInput,
    today: date | None = None,
) -> DecisionView:
    """Change what a decision says, based on its ``version``; a new revisit date or
    condition starts a new revisit (the mark of the last one is cleared)."""
    decision, question, actor = _decision_and_actor(session, actor_id, decision_id)
    clean = checked(data, today or date.today())
    wanted: dict[str, object] = {
        "what": clean.what,
        "decided_by": clean.decided_by,
        "decided_on": clean.decided_on,
        "revisit_on": clean.revisit_on,
        "revisit_condition": clean.revisit_condition,
    }
    new_revisit = (clean.revisit_on, clean.revisit_condition) != (
        decision.revisit_on,
        decision.revisit_condition,
    )
    if new_revisit and decision.revisited_at is not None:
        wanted["revisited_at"] = None
    save_fields(
        session,
        actor,
        decision,
        version=version,
        wanted=wanted,
        what="This decision",
        root_id=question.root_id,
        touch=True,
    )
    session.commit()
    return _view(session, decision_id)


@atomic
def mark_revisited(
    session: Session,
    actor_id: int,
    *,
    decision_id: int,
    version: int,
    now: datetime | None = None,
) -> DecisionView:
    """Mark the decision's revisit done (it leaves every inbox and agenda)."""
    decision, question, actor = _decision_and_actor(session, actor_id, decision_id)
    if decision.revisit_on is None and not decision.revisit_condition:
        raise InvalidInput(
            "This decision has no revisit to mark; edit it to add a revisit date or condition."
        )
    if decision.revisited_at is not None:
        raise InvalidInput(
            f"This decision was already marked revisited on {decision.revisited_at:%d %b %Y}; "
            "edit its revisit date or condition to plan the next one."
        )
    save_fields(
        session,
        actor,
        decision,
        version=version,
        wanted={"revisited_at": now or utcnow()},
        what="This decision",
        root_id=question.root_id,
        touch=True,
    )
    session.commit()
    return _view(session, decision_id)
