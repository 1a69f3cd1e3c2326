"""The evidence roll-up (rollup.py states the rule): for each node of some trees, the
distinct findings cited by the latest answer versions at and below it, and how many of
them are reviewed; in one recursive query whatever the size of the trees.

Each citation of a latest version, with its finding's strength read once, climbs from the
question it answers to every ancestor, stopping at a dropped question (what lies below a
dropped one is out of scope); UNION keeps each (node, finding) pair once, so a finding
cited at several places below a node counts once, and rows that loop (a corrupt import)
end the climb.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Answer, Citation, Finding, Question
from team.services.findings.strength import is_reviewed
from team.services.questions.rollup import Evidence
from team.vocabulary import FindingStatus, QuestionStatus

DROPPED = QuestionStatus.DROPPED
WEAK = (FindingStatus.NEEDS_WORK, FindingStatus.WITHDRAWN)


def evidence_by_node(
    session: Session, *, root_ids: list[int], only_roots: bool = False
) -> dict[int, Evidence]:
    """{question id: its evidence} for the nodes of the trees ``root_ids`` that have a
    cited finding at or below them (others have none); only the general questions
    themselves when ``only_roots``. One query."""
    if not root_ids:
        return {}
    newest = (
        select(col(Answer.question_id).label("qid"), func.max(Answer.number).label("n"))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(col(Question.root_id).in_(root_ids), col(Question.status) != DROPPED)
        .group_by(col(Answer.question_id))
        .subquery()
    )
    seed: Select[Any, Any, Any, Any, Any] = (
        select(
            col(Question.id).label("node"),
            col(Question.parent_id).label("parent"),
            col(Citation.finding_id).label("finding"),
            case((is_reviewed(), 1), else_=0).label("reviewed"),
            case((col(Finding.status).in_(WEAK), 1), else_=0).label("weak"),
        )
        .join(newest, col(newest.c.qid) == col(Question.id))
        .join(
            Answer,
            (col(Answer.question_id) == newest.c.qid) & (col(Answer.number) == newest.c.n),
        )
        .join(Citation, col(Citation.answer_id) == col(Answer.id))
        .join(Finding, col(Finding.id) == col(Citation.finding_id))
    )
    up = seed.cte("up", recursive=True)
    above = aliased(Question)
    up = up.union(
        select(col(above.id), col(above.parent_id), up.c.finding, up.c.reviewed, up.c.weak)
        .join(up, up.c.parent == col(above.id))
        .where(col(above.status) != DROPPED)
    )
    query = select(
        up.c.node,
        func.count(func.distinct(up.c.finding)),
        _distinct_where(up.c.reviewed == 1, up.c.finding),
        _distinct_where(up.c.weak == 1, up.c.finding),
    ).group_by(up.c.node)
    if only_roots:
        query = query.where(up.c.node.in_(root_ids))
    return {
        int(node): Evidence(cited=int(n), reviewed=int(ok), weak=int(weak))
        for node, n, ok, weak in session.execute(query)
    }


def _distinct_where(
    condition: ColumnElement[bool], value: ColumnElement[int]
) -> ColumnElement[int]:
    """How many distinct ``value`` of the rows where ``condition`` holds."""
    return func.count(func.distinct(case((condition, value), else_=None)))
