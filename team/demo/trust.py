"""The demo's evidence-trust states (issue 18): each review's checklist (an approved one
with an item waived), a cited finding edited after the answer that cites it (so that
answer is flagged), and the decisions answer versions informed (one due for revisit).
Written as the services would have written them, backdated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from team.config_checklists import ReviewChecklists
from team.demo.spec import DecisionSpec, FindingSpec, ReviewSpec
from team.models import (
    Answer,
    Citation,
    Decision,
    Finding,
    Person,
    ReviewCheck,
    ReviewRequest,
)
from team.services.answers import health
from team.services.answers.decisions import evidence_now
from team.services.core.actors import Actor
from team.vocabulary import CheckState, FindingStatus, ReviewStatus

if TYPE_CHECKING:
    from team.demo.writer import DemoWriter


def load_checklist(w: DemoWriter, r: ReviewSpec, row: ReviewRequest) -> None:
    """The built-in checklist of the review's kind, ticked as far as the spec says: an
    approved review's items all ticked but the waived ones, by the reviewer when they
    approved it."""
    items = ReviewChecklists().for_kind(r.kind)
    what = f"review '{r.key}'"
    unknown = sorted((set(r.waived) | set(r.ticked)) - set(range(len(items))))
    if unknown:
        w.fail(what, f"names checklist item {unknown[0]}, but its checklist has {len(items)}")
    approved = row.status == ReviewStatus.APPROVED
    at = row.resolved_at if approved else row.first_response_at
    assert row.id is not None
    for position, item in enumerate(items):
        state = CheckState.OPEN
        if position in r.waived:
            state = CheckState.WAIVED
        elif approved or position in r.ticked:
            state = CheckState.TICKED
        if approved and item.required and state == CheckState.OPEN:
            w.fail(what, f"is approved with required item {position} open")
        done = state != CheckState.OPEN
        w.add(
            ReviewCheck(
                review_request_id=row.id,
                position=position,
                text=item.text,
                required=item.required,
                state=state,
                reason=r.waived.get(position, ""),
                checked_by_id=row.reviewer_id if done else None,
                checked_at=at if done else None,
            )
        )


def load_edit(w: DemoWriter, f: FindingSpec, row: Finding) -> None:
    """The finding's summary was ``f.edited.was`` until its author edited it: the edit's
    event (an accepted finding is shared again, as the service does), and the flags the
    service writes on every answer version citing it (the demo's are all older)."""
    edit = f.edited
    assert edit is not None and row.id is not None
    at = w.at(edit.days_ago)
    root = w.questions[f.question].root_id
    w.changed(at, row.author_id, row, "summary", edit.was, row.summary, root)
    if row.status == FindingStatus.ACCEPTED:  # changed content is shared for a fresh look
        w.changed(at, row.author_id, row, "status", row.status, FindingStatus.SHARED, root)
        row.status = FindingStatus.SHARED
    row.updated_at = max(row.updated_at, at)
    citing = (
        select(col(Answer.created_at))
        .join(Citation, col(Citation.answer_id) == col(Answer.id))
        .where(col(Citation.finding_id) == row.id)
    )
    times = [_utc(t) for t in w.s.scalars(citing)]
    if not times or max(times) >= at:
        w.fail(f"finding '{f.key}'", "is edited, but not after every answer citing it")
    author = w.s.get(Person, row.author_id)
    assert author is not None
    health.finding_edited(w.s, Actor.of(author), row, {"summary": edit.was}, at=at)


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive (they were stored as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def load_decision(w: DemoWriter, d: DecisionSpec, answer: Answer, recorder: int) -> None:
    """The decision ``answer`` informed, with the evidence it stands on now."""
    assert answer.id is not None
    what = f"the decision on answer {answer.number}"
    decided = w.at(d.days_ago)
    if decided < answer.created_at:
        w.fail(what, "is taken before the answer version it rests on")
    reviewed, claims = evidence_now(w.s, answer.id)
    row = w.add(
        Decision(
            answer_id=answer.id,
            question_id=answer.question_id,
            what=d.what,
            decided_by=d.decided_by,
            decided_on=decided.date(),
            revisit_on=w.day(d.revisit_in_days),
            revisit_condition=d.revisit_condition,
            claims=claims,
            claims_reviewed=reviewed,
            recorded_by_id=recorder,
            created_at=decided,
            updated_at=decided,
        )
    )
    root = w.questions[w.key_by_id[answer.question_id]].root_id
    w.event(decided, recorder, row, "created", field="what", new=d.what, root_id=root)
