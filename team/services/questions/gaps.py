"""The gaps of a general question: what a manager checks before calling it answered.
Four kinds, each a bounded list in display order with its total:

- *no finding*: leaf sub-questions in scope (neither they nor an ancestor dropped; a
  question broken down rests on its sub-questions, which are listed instead) with no
  finding that counts as evidence (FindingStatus.is_evidence: a withdrawn one does not);
- *only low confidence*: sub-questions in scope whose findings (evidence) are all of low
  confidence;
- *only caveats*: sub-questions in scope whose findings (evidence) are all caveats;
- *unsupported paragraphs*: the latest answer versions of the general question and of its
  sub-questions in scope with a paragraph that cites nothing (answers.rules, the rule the
  Answers page flags by).

Four queries whatever the size of the tree: its shape, the questions that may be a gap
(no finding, only low, only caveats) with their findings counted, the bodies of the
latest answers, the titles of the questions listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Exists, exists, func, select
from sqlmodel import Session, col

from team.models import Answer, Finding, Question
from team.services.answers import rules
from team.services.questions.tree import Shape, load_shape
from team.vocabulary import Confidence, FindingKind, FindingStatus, QuestionStatus

SHOWN = 10  # items of each kind listed; the total says how many there are


@dataclass(frozen=True)
class Gap:
    question_id: int
    title: str
    detail: str  # "2 findings, all of low confidence", "1 of 3 paragraphs cites nothing"


@dataclass(frozen=True)
class GapList:
    items: list[Gap]
    total: int


@dataclass(frozen=True)
class Gaps:
    root_id: int
    no_finding: GapList
    only_low: GapList
    only_caveats: GapList
    unsupported: GapList  # answers, by the question they answer

    @property
    def total(self) -> int:
        kinds = (self.no_finding, self.only_low, self.only_caveats, self.unsupported)
        return sum(kind.total for kind in kinds)


@dataclass(frozen=True)
class _Counts:
    findings: int  # that count as evidence
    all_low: bool  # every one of low confidence (true of none)
    all_caveats: bool  # every one a caveat (true of none)


def gaps(session: Session, *, root_id: int, shown: int = SHOWN) -> Gaps:
    """The gaps below general question ``root_id`` (NotFound when it is none), at most
    ``shown`` of each kind listed."""
    shape = load_shape(session, root_id)
    order = _in_scope(shape)
    subs = order[1:]  # below the general question
    counts = _finding_counts(session, root_id)
    bodies = _latest_bodies(session, root_id)

    live = set(order)

    def where(test: Callable[[int], str | None], ids: list[int]) -> list[tuple[int, str]]:
        return [(i, said) for i in ids if (said := test(i)) is not None]

    def low(i: int) -> str | None:
        c = counts.get(i)
        return _only(c.findings, "of low confidence") if c and c.findings and c.all_low else None

    def caveats(i: int) -> str | None:
        c = counts.get(i)
        return (
            _only(c.findings, "a caveat", "caveats") if c and c.findings and c.all_caveats else None
        )

    found = {
        "no_finding": where(lambda i: _no_finding(shape, i, counts, live), subs),
        "only_low": where(low, subs),
        "only_caveats": where(caveats, subs),
        "unsupported": where(lambda i: _unsupported(bodies.get(i)), order),
    }
    listed = {i for items in found.values() for i, _ in items[:shown]}
    titles = _titles(session, listed)
    lists = {
        kind: GapList([Gap(i, titles.get(i, "?"), said) for i, said in items[:shown]], len(items))
        for kind, items in found.items()
    }
    return Gaps(root_id=root_id, **lists)


def _in_scope(shape: Shape) -> list[int]:
    """The questions of the tree in scope (neither they nor an ancestor dropped), in
    display order, the general question first (none when it is dropped)."""
    if shape.status[shape.root_id] == QuestionStatus.DROPPED:
        return []
    kept = [shape.root_id]
    live = {shape.root_id}
    for qid, _level in shape.walk(shape.root_id):
        if shape.parent[qid] in live and shape.status[qid] != QuestionStatus.DROPPED:
            kept.append(qid)
            live.add(qid)
    return kept


def _no_finding(shape: Shape, qid: int, counts: dict[int, _Counts], live: set[int]) -> str | None:
    if any(c in live for c in shape.children.get(qid, [])):
        return None  # broken down: its sub-questions are checked
    if qid not in counts or counts[qid].findings:
        return None  # it has evidence
    return QuestionStatus(shape.status[qid]).label


def _only(findings: int, one: str, many: str | None = None) -> str:
    """ "1 finding, a caveat", "2 findings, all caveats"."""
    return f"1 finding, {one}" if findings == 1 else f"{findings} findings, all {many or one}"


def _unsupported(body: str | None) -> str | None:
    if body is None:
        return None
    bare, made = len(rules.unsupported_paragraphs(body)), len(rules.claims(body))
    if not bare:
        return None
    verb = "cites" if bare == 1 else "cite"
    return f"{bare} of {made} paragraph{'s' if made != 1 else ''} {verb} nothing"


def _finding_counts(session: Session, root_id: int) -> dict[int, _Counts]:
    """{question id: its findings that count as evidence, whether all are of low
    confidence, whether all are caveats} for the questions of the tree that may be a gap:
    with no such finding, or with only low-confidence ones or only caveats (one query).
    Each test stops at the first finding that fails it, so a tree of many findings is
    not read whole."""
    evidence = col(Finding.status).in_(FindingStatus.evidence())

    def findings(*more: ColumnElement[bool]) -> Exists:
        mine = col(Finding.question_id) == col(Question.id)
        return exists().where(mine, evidence, *more).correlate(Question)

    has = findings()
    all_low = ~findings(col(Finding.confidence) != Confidence.LOW)
    all_caveats = ~findings(col(Finding.kind) != FindingKind.CAVEAT)
    n = (
        select(func.count())
        .where(col(Finding.question_id) == col(Question.id), evidence)
        .correlate(Question)
        .scalar_subquery()
    )
    query = select(col(Question.id), n, all_low, all_caveats).where(
        col(Question.root_id) == root_id, ~has | all_low | all_caveats
    )
    return {
        int(q): _Counts(int(count), bool(low), bool(caveats))
        for q, count, low, caveats in session.execute(query)
    }


def _latest_bodies(session: Session, root_id: int) -> dict[int, str]:
    """{question id: the text of its latest answer version} in the tree (one query)."""
    newest = (
        select(col(Answer.question_id).label("qid"), func.max(Answer.number).label("n"))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(col(Question.root_id) == root_id)
        .group_by(col(Answer.question_id))
        .subquery()
    )
    query = select(col(Answer.question_id), col(Answer.body)).join(
        newest, (col(Answer.question_id) == newest.c.qid) & (col(Answer.number) == newest.c.n)
    )
    return {int(q): body for q, body in session.execute(query)}


def _titles(session: Session, ids: set[int]) -> dict[int, str]:
    """Titles of the questions listed (one query, run even for none so the read costs
    the same whatever it finds)."""
    query = select(col(Question.id), col(Question.title)).where(col(Question.id).in_(sorted(ids)))
    return {int(i): title for i, title in session.execute(query)}
