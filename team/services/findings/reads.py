"""Findings as pages show them: with their author and question, one query per list, long
lists one page at a time with their total; and the evidence an answer may cite (shared or
accepted findings logged on its question or anywhere below it: the branch is walked in
SQL, by a recursive query)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlmodel import Session, col

from team.models import Finding, Person, Question
from team.services.core.paging import Paged, Window, keyed_page, read_page, words_in
from team.services.core.views import view_of
from team.services.questions.store import branch
from team.vocabulary import Confidence, FindingKind, FindingStatus

FindingQuery = Select[Finding, str, str, int | None]


@dataclass(frozen=True)
class FindingView:
    id: int
    question_id: int
    question_title: str
    root_id: int | None
    author_id: int
    author: str
    summary: str
    body: str
    links: tuple[str, ...]
    kind: FindingKind
    confidence: Confidence
    status: FindingStatus
    created_at: datetime
    version: int


def finding_query() -> FindingQuery:
    return (
        select(Finding, col(Person.name), col(Question.title), col(Question.root_id))
        .join(Person, col(Person.id) == col(Finding.author_id))
        .join(Question, col(Question.id) == col(Finding.question_id))
    )


def to_views(rows: Iterable[Any]) -> list[FindingView]:
    """Rows of :func:`finding_query` as views."""
    return [
        view_of(
            FindingView,
            f,
            question_title=title,
            root_id=root_id,
            author=name,
            links=tuple(f.links or ()),
        )
        for f, name, title, root_id in rows
    ]


def finding_views(session: Session, query: FindingQuery) -> list[FindingView]:
    return to_views(session.execute(query))


def findings_on(session: Session, *, question_ids: list[int]) -> list[FindingView]:
    """Findings on these questions, newest first."""
    if not question_ids:
        return []
    query = finding_query().where(col(Finding.question_id).in_(question_ids))
    return finding_views(session, query.order_by(col(Finding.created_at).desc()))


def _newest() -> list[Any]:
    return [col(Finding.created_at).desc(), col(Finding.id).desc()]


def findings_by(session: Session, *, author_id: int) -> list[FindingView]:
    """Everything this person logged, newest first."""
    query = finding_query().where(col(Finding.author_id) == author_id)
    return finding_views(session, query.order_by(*_newest()))


def findings_by_page(
    session: Session, *, author_id: int, window: Window, search: str = ""
) -> Paged[FindingView]:
    """One page of this person's findings, newest first, with the total; ``search``
    keeps those whose summary holds every word (any case)."""
    keys = select(col(Finding.id)).where(
        col(Finding.author_id) == author_id, *words_in(search, col(Finding.summary))
    )
    return keyed_page(
        session,
        keys=keys.order_by(*_newest()),
        rows=finding_query().order_by(*_newest()),
        key=col(Finding.id),
        window=window,
        convert=to_views,
    )


def get_finding(session: Session, *, finding_id: int) -> FindingView | None:
    found = finding_views(session, finding_query().where(col(Finding.id) == finding_id))
    return found[0] if found else None


# --------------------------------------------------------------------------- evidence

DetailQuery = Select[
    int | None, str, FindingStatus, FindingKind, Confidence, str, int | None, str, list[str]
]
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
    links: tuple[str, ...] = ()


def _matches(word: str) -> ColumnElement[bool]:
    """A word of the search: ``F12`` names finding 12, anything else is part of the
    summary (any case)."""
    marker = MARKER.fullmatch(word)
    if marker:
        return col(Finding.id) == int(marker.group(1))
    return words_in(word, col(Finding.summary))[0]


def _ids(node_id: int, search: str) -> Select[int | None]:
    """Ids of the citable findings below ``node_id``, newest first: read from the index
    on (question, status, created) alone unless a search needs the summary."""
    below = branch(node_id)
    query = (
        select(col(Finding.id))
        .join(below, below.c.id == col(Finding.question_id))
        .where(col(Finding.status).in_(FindingStatus.citable()))
    )
    for word in search.split():
        query = query.where(_matches(word))
    return query.order_by(*_newest())


def _details() -> DetailQuery:
    """Findings with their author and question, in the order of :func:`_ids`."""
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
            col(Finding.links),
        )
        .join(Question, col(Question.id) == col(Finding.question_id))
        .join(Person, col(Person.id) == col(Finding.author_id))
        .order_by(*_newest())
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
            links=tuple(links or ()),
        )
        for fid, summary, status, kind, confidence, author, qid, title, links in rows
    ]


def citable_findings(
    session: Session, *, node_id: int, window: Window, search: str = ""
) -> Paged[Citable]:
    """One page of the findings an answer to ``node_id`` may cite, newest first, with
    their total; ``search`` keeps those whose summary holds every word (any case), a word
    like ``F12`` naming finding 12. Two queries: the total, then the page."""
    return keyed_page(
        session,
        keys=_ids(node_id, search),
        rows=_details(),
        key=col(Finding.id),
        window=window,
        convert=_to_citable,
    )


def findings_on_page(session: Session, *, question_id: int, window: Window) -> Paged[FindingView]:
    """One page of the findings logged on ``question_id`` (any status), newest first,
    with their total."""
    query = finding_query().where(col(Finding.question_id) == question_id).order_by(*_newest())
    return read_page(session, query, window, to_views)


def page_of_finding(
    session: Session, *, question_id: int, finding_id: int, size: int
) -> int | None:
    """The page (of ``size`` findings, newest first as findings_on_page lists them) on
    which finding ``finding_id`` of ``question_id`` stands; None when it is not there."""
    finding = session.get(Finding, finding_id)
    if finding is None or finding.question_id != question_id:
        return None
    newer = (
        select(func.count())
        .select_from(Finding)
        .where(
            col(Finding.question_id) == question_id,
            or_(
                col(Finding.created_at) > finding.created_at,
                and_(col(Finding.created_at) == finding.created_at, col(Finding.id) > finding_id),
            ),
        )
    )
    return int(session.scalar(newer) or 0) // size + 1


def findings_below(
    session: Session, *, node_id: int, statuses: tuple[FindingStatus, ...]
) -> list[FindingView]:
    """Every finding with one of ``statuses`` logged on ``node_id`` or below it, by id
    (one query: the memo's evidence). Sorted here: asked to sort by id, SQLite would
    walk every finding in id order instead of the subtree's."""
    below = branch(node_id)
    query = (
        finding_query()
        .join(below, below.c.id == col(Finding.question_id))
        .where(col(Finding.status).in_(statuses))
    )
    return sorted(to_views(session.execute(query)), key=lambda f: f.id)
