"""Findings as pages show them: with their author and question, one query per list, and
long lists one page at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from team.models import Confidence, Finding, FindingKind, FindingStatus, Person, Question
from team.services.core.listing import keyed_page
from team.services.core.paging import Paged, Window

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
        FindingView(
            id=int(f.id),
            question_id=f.question_id,
            question_title=title,
            root_id=root_id,
            author_id=f.author_id,
            author=name,
            summary=f.summary,
            body=f.body,
            links=tuple(f.links or ()),
            kind=FindingKind(f.kind),
            confidence=Confidence(f.confidence),
            status=FindingStatus(f.status),
            created_at=f.created_at,
            version=f.version,
        )
        for f, name, title, root_id in rows
    ]


def finding_views(session: Session, query: FindingQuery) -> list[FindingView]:
    return to_views(session.execute(query))


def findings_on(session: Session, question_ids: list[int]) -> list[FindingView]:
    """Findings on these questions, newest first."""
    if not question_ids:
        return []
    query = finding_query().where(col(Finding.question_id).in_(question_ids))
    return finding_views(session, query.order_by(col(Finding.created_at).desc()))


def _newest() -> list[Any]:
    return [col(Finding.created_at).desc(), col(Finding.id).desc()]


def findings_by(session: Session, author_id: int) -> list[FindingView]:
    """Everything this person logged, newest first."""
    query = finding_query().where(col(Finding.author_id) == author_id)
    return finding_views(session, query.order_by(*_newest()))


def findings_by_page(
    session: Session, author_id: int, window: Window, search: str = ""
) -> Paged[FindingView]:
    """One page of this person's findings, newest first, with the total; ``search``
    keeps those whose summary holds every word (any case)."""
    keys = select(col(Finding.id)).where(col(Finding.author_id) == author_id)
    for word in search.split():
        keys = keys.where(col(Finding.summary).icontains(word, autoescape=True))
    return keyed_page(
        session,
        keys=keys.order_by(*_newest()),
        rows=finding_query().order_by(*_newest()),
        key=col(Finding.id),
        window=window,
        convert=to_views,
    )


def get_finding(session: Session, finding_id: int) -> FindingView | None:
    found = finding_views(session, finding_query().where(col(Finding.id) == finding_id))
    return found[0] if found else None
