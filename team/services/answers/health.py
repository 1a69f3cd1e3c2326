"""Citation health: an answer version is flagged when evidence it cites changes after it
was saved, and its owner marks the changes reviewed.

What flags (one CitationFlag per citing answer version, written with the change in the
same transaction, by one INSERT … SELECT however many versions cite it):
  - a cited finding edited (summary, body, links, kind or confidence really changed),
    sent back for work, or withdrawn (findings/writes.py calls :func:`finding_edited`
    and :func:`finding_moved`);
  - a cited child answer's new version less sure than the version cited
    (CONFIDENCE_LOWER) or in another state (STATE_CHANGED); both, two flags
    (answers/writes.py calls :func:`child_answer_saved`).
Nothing else flags: other answers, answers citing other findings, uncited findings.

How a flag clears: a new version of the citing answer leaves the old version's flags
behind (the answer shown is the newest version, which has none), or whoever may write
the answer marks the changes reviewed (:func:`mark_evidence_reviewed`). Marking names
the flags the person saw, by id: a change that arrived after the page was drawn stays
open, so the warning stays until they have seen it too.

The set-based predicates (:func:`latest_flagged`, :func:`flagged_latest`) let the
tree, Overview, the inbox and the agenda ask "is the latest answer flagged" inside
queries they already make.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    Subquery,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Citation, CitationFlag, Finding, Question, table_of, utcnow
from team.services.answers.reads import latest_numbers
from team.services.answers.writers import answer_writer
from team.services.core.actors import Actor
from team.services.core.errors import NotFound, StaleEdit
from team.services.core.tx import atomic
from team.services.core.writes import lock_row, record
from team.vocabulary import Confidence, EvidenceChange, FindingKind, FindingStatus

CONTENT = ("summary", "body", "links", "kind", "confidence")  # an edit of these flags
DETAIL_MAX = 500  # CitationFlag.detail's length
QUOTE = 80  # characters of a summary or a reason quoted in a flag's detail
_RANK = {c.value: i for i, c in enumerate(Confidence)}  # low < medium < high

# --------------------------------------------------------------------------- predicates


def is_open() -> ColumnElement[bool]:
    return col(CitationFlag.cleared_at).is_(None)


def is_latest(answer: Any) -> ColumnElement[bool]:
    """The answer row (``answer``: Answer or an alias of it) is its question's newest
    version (no later number: the unique index answers it)."""
    newer = aliased(Answer)
    return ~exists().where(
        col(newer.question_id) == answer.question_id, col(newer.number) > answer.number
    )


def latest_flagged(question_id: Any) -> ColumnElement[bool]:
    """The latest answer version of question ``question_id`` (a column of the enclosing
    query, e.g. Question.id) has open flags."""
    a = aliased(Answer)
    return exists().where(
        col(a.question_id) == question_id,
        col(CitationFlag.answer_id) == col(a.id),
        is_open(),
        is_latest(a),
    )


def flagged_latest() -> Subquery:
    """(question_id, answer_id, number, changes, last_at, detail): every latest answer
    version with open flags, how many and the newest one's time and words. Starts from
    the open flags (few), so any filter on the question is cheap."""
    a = aliased(Answer)
    newest = aliased(CitationFlag)
    last_detail = (
        select(col(newest.detail))
        .where(col(newest.answer_id) == col(a.id), col(newest.cleared_at).is_(None))
        .order_by(col(newest.at).desc(), col(newest.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            col(a.question_id).label("question_id"),
            col(a.id).label("answer_id"),
            col(a.number).label("number"),
            func.count(col(CitationFlag.id)).label("changes"),
            func.max(col(CitationFlag.at)).label("last_at"),
            last_detail.label("detail"),
        )
        .join(a, col(a.id) == col(CitationFlag.answer_id))
        .where(is_open(), is_latest(a))
        .group_by(col(a.question_id), col(a.id), col(a.number))
        .subquery("flagged")
    )


# --------------------------------------------------------------------------- flagging


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE else text[: QUOTE - 1] + "…"


def _flag_citers(
    session: Session,
    finding_id: int,
    change: EvidenceChange,
    detail: str,
    at: datetime | None = None,
) -> None:
    """One flag per answer version citing finding ``finding_id`` (one INSERT … SELECT),
    stamped ``at`` (now unless given: the demo's backdated history)."""
    rows = (
        select(
            col(Citation.answer_id),
            literal(finding_id, Integer),
            literal(change.value, String),
            literal(detail[:DETAIL_MAX], String),
            literal(at or utcnow(), DateTime(timezone=True)),
        )
        .where(col(Citation.finding_id) == finding_id)
        .distinct()
    )
    columns = ["answer_id", "finding_id", "change", "detail", "at"]
    session.execute(insert(table_of(CitationFlag)).from_select(columns, rows))


def edit_detail(changed: dict[str, object], finding: Finding, by: str) -> str:
    """What an edit changed, in words ("summary: “a” → “b”; confidence high → low")."""
    parts = []
    if "summary" in changed:
        parts.append(f"summary: “{_short(str(changed['summary']))}” → “{_short(finding.summary)}”")
    if "confidence" in changed:
        old = Confidence(str(changed["confidence"]))
        parts.append(f"confidence {old.label} → {Confidence(finding.confidence).label}")
    if "kind" in changed:
        old_kind = FindingKind(str(changed["kind"]))
        parts.append(f"kind {old_kind.label} → {FindingKind(finding.kind).label}")
    if "body" in changed:
        parts.append("body changed")
    if "links" in changed:
        parts.append("evidence links changed")
    return f"{'; '.join(parts)} (edited by {by})"


def finding_edited(
    session: Session,
    actor: Actor,
    finding: Finding,
    changed: dict[str, object],
    at: datetime | None = None,
) -> None:
    """Flag the versions citing ``finding`` when its content changed (``changed``:
    {field: old value} as save_fields returns it; a status-only change flags nothing),
    stamped ``at`` (now unless given)."""
    content = {k: v for k, v in changed.items() if k in CONTENT}
    if content and finding.id is not None:
        detail = edit_detail(content, finding, actor.name)
        _flag_citers(session, finding.id, EvidenceChange.EDITED, detail, at)


def finding_moved(
    session: Session, actor: Actor, finding: Finding, new: FindingStatus, reason: str = ""
) -> None:
    """Flag the versions citing ``finding`` when it was sent back or withdrawn."""
    assert finding.id is not None
    if new == FindingStatus.NEEDS_WORK:
        said = f": “{_short(reason)}”" if reason else ""
        _flag_citers(
            session, finding.id, EvidenceChange.SENT_BACK, f"sent back by {actor.name}{said}"
        )
    elif new == FindingStatus.WITHDRAWN:
        _flag_citers(session, finding.id, EvidenceChange.WITHDRAWN, f"withdrawn by {actor.name}")


def _rank(column: Any) -> ColumnElement[int]:
    return case(_RANK, value=column, else_=-1)


def child_answer_saved(session: Session, author: Actor, new: Answer) -> None:
    """Flag the answer versions citing an older version of ``new``'s question whose
    cited version was surer (CONFIDENCE_LOWER) or in another state (STATE_CHANGED):
    one INSERT … SELECT for both kinds."""
    assert new.id is not None
    old = aliased(Answer)
    before, after = " (version ", f" → {new.number} by {author.name})"

    def rows(change: EvidenceChange, was: Any, now: str, where: ColumnElement[bool]) -> Any:
        what = "confidence " if change == EvidenceChange.CONFIDENCE_LOWER else "state "
        detail = (
            literal(what, String)
            + func.replace(was, "_", " ")
            + literal(f" → {now}" + before, String)
            + cast(col(old.number), String)
            + literal(after, String)
        )
        return (
            select(
                col(Citation.answer_id),
                literal(new.id, Integer),
                literal(change.value, String),
                func.substr(detail, 1, DETAIL_MAX),
                literal(utcnow(), DateTime(timezone=True)),
            )
            .join(old, col(old.id) == col(Citation.cited_answer_id))
            .where(col(old.question_id) == new.question_id, col(old.id) != new.id, where)
        )

    confidence, state = Confidence(new.confidence), new.state
    lower = rows(
        EvidenceChange.CONFIDENCE_LOWER,
        col(old.confidence),
        confidence.label,
        _rank(col(old.confidence)) > _RANK[confidence.value],
    )
    other = rows(
        EvidenceChange.STATE_CHANGED,
        col(old.state),
        state.label,
        col(old.state) != state.value,
    )
    columns = ["answer_id", "cited_answer_id", "change", "detail", "at"]
    session.execute(insert(table_of(CitationFlag)).from_select(columns, union_all(lower, other)))


# --------------------------------------------------------------------------- clearing


def _may_write(session: Session, actor_id: int, question: Question) -> Actor:
    return answer_writer(
        session,
        actor_id,
        question,
        refused="Managers, and the IC the question is assigned to, mark an answer's "
        "changed evidence reviewed; leave a note on the answer instead.",
    )


@atomic
def mark_evidence_reviewed(
    session: Session, actor_id: int, *, answer_id: int, flag_ids: Sequence[int]
) -> int:
    """Mark reviewed the open flags ``flag_ids`` (the ones the person was shown) of
    answer version ``answer_id``, which must be its question's latest. A flag not named
    (it arrived after the page was drawn) stays open; one already marked is left as it
    was. Returns how many were marked (0: someone else marked them first)."""
    answer = session.get(Answer, answer_id)
    question = session.get(Question, answer.question_id) if answer is not None else None
    if answer is None or question is None:
        raise NotFound(f"Answer version #{answer_id} does not exist.")
    actor = _may_write(session, actor_id, question)
    assert question.id is not None
    lock_row(session, Question, question.id)  # a save of a new version takes turns with this
    current = latest_numbers(session, question_ids=[question.id]).get(question.id)
    if current != answer.number:
        raise StaleEdit(
            f"Version {current} of this answer was saved since you opened version "
            f"{answer.number}; its evidence is checked afresh. Reload to see it."
        )
    result = session.execute(
        update(table_of(CitationFlag))
        .where(
            col(CitationFlag.answer_id) == answer_id,
            col(CitationFlag.id).in_(list(flag_ids)),
            is_open(),
        )
        .values(cleared_at=utcnow(), cleared_by_id=actor.id)
    )
    marked = int(getattr(result, "rowcount", 0) or 0)
    if marked:
        said = f"{marked} evidence change{'s' if marked != 1 else ''} marked reviewed"
        record(session, actor, answer, "evidence_reviewed", new=said, root_id=question.root_id)
    session.commit()
    return marked
