"""Evidence, one page at a time with its total, in two queries whatever the size: the
findings logged on one question, and those an answer may cite (shared or accepted,
logged on the question or anywhere below it: the subtree is walked in SQL, by a
recursive query)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Confidence, Finding, FindingKind, FindingStatus, Person, Question
from team.services.core.paging import Paged, Window, count, read_page
from team.services.findings.reads import FindingView, finding_query, to_views

CITABLE = (FindingStatus.SHARED, FindingStatus.ACCEPTED)
DetailQuery = Select[int | None, str, FindingStatus, FindingKind, Confidence, str, int | None, str]
MARKER = re.compile(r"[Ff](\d+)")


@dataclass(frozen=True)
class Citable:
    id: int
    summary: str
    status: FindingStatus
    kind: FindingKind
    confidence: Confidence
    author: str
    question_id: int
    question_title: str


def subtree(node_id: int) -> CTE:
    """Ids of ``node_id`` and every question below it (a recursive common table)."""
    top: Select[Any] = select(col(Question.id).label("id")).where(col(Question.id) == node_id)
    found = top.cte("subtree", recursive=True)
    child = aliased(Question)
    return found.union_all(select(col(child.id)).where(col(child.parent_id) == found.c.id))


def _matches(word: str) -> ColumnElement[bool]:
    """A word of the search: ``F12`` names finding 12, anything else is part of the
    summary (any case)."""
    marker = MARKER.fullmatch(word)
    if marker:
        return col(Finding.id) == int(marker.group(1))
    return col(Finding.summary).icontains(word, autoescape=True)


def _ids(node_id: int, search: str) -> Select[int | None]:
    """Ids of the citable findings below ``node_id``, newest first: read from the index
    on (question, status, created) alone unless a search needs the summary."""
    below = subtree(node_id)
    query = (
        select(col(Finding.id))
        .join(below, below.c.id == col(Finding.question_id))
        .where(col(Finding.status).in_(CITABLE))
    )
    for word in search.split():
        query = query.where(_matches(word))
    return query.order_by(col(Finding.created_at).desc(), col(Finding.id).desc())


def _details(ids: Select[int | None]) -> DetailQuery:
    """The findings of the page ``ids`` with their author and question, in its order."""
    page = ids.subquery()
    return (
        select(
            col(Finding.id),
            col(Finding.summary),
            col(Finding.status),
            col(Finding.kind),
            col(Finding.confidence),
            col(Person.name),
            col(Question.id),
            col(Question.title),
        )
        .join(Question, col(Question.id) == col(Finding.question_id))
        .join(Person, col(Person.id) == col(Finding.author_id))
        .where(col(Finding.id).in_(select(page.c.id)))
        .order_by(col(Finding.created_at).desc(), col(Finding.id).desc())
    )


def _to_citable(rows: Iterable[Any]) -> list[Citable]:
    return [
        Citable(
            id=int(fid),
            summary=summary,
            status=FindingStatus(status),
            kind=FindingKind(kind),
            confidence=Confidence(confidence),
            author=author,
            question_id=int(qid),
            question_title=title,
        )
        for fid, summary, status, kind, confidence, author, qid, title in rows
    ]


def citable_findings(
    session: Session, node_id: int, window: Window, search: str = ""
) -> Paged[Citable]:
    """One page of the findings an answer to ``node_id`` may cite, newest first, with
    their total; ``search`` keeps those whose summary holds every word (any case), a word
    like ``F12`` naming finding 12. Two queries: the total, then the page."""
    ids = _ids(node_id, search)
    total = count(session, ids)
    last = max(1, -(-total // window.size))
    if window.page > last:
        window = Window(page=last, size=window.size)
    rows = session.execute(_details(ids.limit(window.size).offset(window.offset)))
    return Paged(items=_to_citable(rows), total=total, window=window)


def findings_on_page(session: Session, question_id: int, window: Window) -> Paged[FindingView]:
    """One page of the findings logged on ``question_id`` (any status), newest first,
    with their total."""
    query = (
        finding_query()
        .where(col(Finding.question_id) == question_id)
        .order_by(col(Finding.created_at).desc(), col(Finding.id).desc())
    )
    return read_page(session, query, window, to_views)


def findings_below(
    session: Session, node_id: int, statuses: tuple[FindingStatus, ...]
) -> list[FindingView]:
    """Every finding with one of ``statuses`` logged on ``node_id`` or below it, by id
    (one query: the memo's evidence). Sorted here: asked to sort by id, SQLite would
    walk every finding in id order instead of the subtree's."""
    below = subtree(node_id)
    query = (
        finding_query()
        .join(below, below.c.id == col(Finding.question_id))
        .where(col(Finding.status).in_(statuses))
    )
    return sorted(to_views(session.execute(query)), key=lambda f: f.id)
