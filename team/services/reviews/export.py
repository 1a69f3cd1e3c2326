"""The lists of the Reviews page as CSV, every row and not only the page shown, in the
page's order: what waits on me (oldest first), my requests (those still open first,
oldest first, then the closed ones, newest first) and, for a manager, every open request
narrowed by the words searched. Each row names its question, general question, finding
and people, and gives the turnaround in hours. One query whatever the number."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Finding, Note, Person, Question, ReviewRequest
from team.services.core import exports
from team.services.core.actors import Actor, acting, require_manager
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.core.export_words import address, hours, label, utc
from team.services.core.paging import words_in
from team.services.core.sql_time import aware
from team.services.notes.rules import open_must_fix
from team.services.notify.links import link
from team.vocabulary import ReviewStatus

ReviewList = Literal["queue", "mine", "open"]  # the page's tabs: waiting on me, mine, all open

HEADER = [
    "Id",
    "Question",
    "General question",
    "Finding",
    "Requester",
    "Reviewer",
    "Status",
    "Artifact",
    "Focus",
    "Requested (UTC)",
    "First response (UTC)",
    "Resolved (UTC)",
    "Hours to first response",
    "Hours to resolution",
    "Open must-fix notes",
    "Link",
]


def reviews_csv(
    session: Session,
    actor_id: int,
    *,
    which: ReviewList,
    search: str = "",
    public_url: str = "",
) -> str:
    """The list ``which`` of the Reviews page as ``actor_id`` sees it, as CSV text;
    ``search`` narrows the open requests (every word in the question's title or the
    finding's summary); links open each request at ``public_url`` (the app's address)."""
    actor = acting(session, actor_id)
    if actor.is_viewer:
        raise PermissionDenied("Viewers have no Reviews page; ask a manager for the list.")
    where, order = _list(actor, which, search)
    rows = session.execute(_query().where(*where).order_by(*order))
    return exports.to_csv(HEADER, _rows(rows, public_url))


def _list(actor: Actor, which: ReviewList, search: str) -> tuple[list[Any], list[Any]]:
    """The conditions and the order of the list ``which`` (as reviews/reads.py reads the
    page's lists)."""
    status, requested = col(ReviewRequest.status), col(ReviewRequest.requested_at)
    oldest = [requested, col(ReviewRequest.id)]
    if which == "queue":
        return [
            col(ReviewRequest.reviewer_id) == actor.id,
            status.in_(ReviewStatus.waiting()),
        ], oldest
    if which == "mine":
        closed = status.in_(ReviewStatus.closed())
        open_age = case((closed, None), else_=requested)
        order = [case((closed, 1), else_=0), open_age, requested.desc(), oldest[1].desc()]
        return [col(ReviewRequest.requester_id) == actor.id], order
    if which != "open":
        raise InvalidInput(f"There is no list of reviews called {which!r}.", field="which")
    require_manager(actor, "list every open review")
    words = words_in(search, col(Question.title), col(Finding.summary))
    return [status.in_(ReviewStatus.still_open()), *words], oldest


def _must_fix() -> ColumnElement[int]:
    """Open must-fix notes on the request of the row."""
    return (
        select(func.count())
        .where(col(Note.review_request_id) == col(ReviewRequest.id), open_must_fix())
        .scalar_subquery()
    )


def _query() -> Select[ReviewRequest, str, str, str, str, str, int]:
    general, requester, reviewer = aliased(Question), aliased(Person), aliased(Person)
    return (
        select(
            ReviewRequest,
            col(Question.title),
            col(general.title),
            col(Finding.summary),
            col(requester.name),
            col(reviewer.name),
            _must_fix(),
        )
        .join(Question, col(Question.id) == col(ReviewRequest.question_id))
        .outerjoin(general, col(general.id) == col(Question.root_id))
        .outerjoin(Finding, col(Finding.id) == col(ReviewRequest.finding_id))
        .join(requester, col(requester.id) == col(ReviewRequest.requester_id))
        .join(reviewer, col(reviewer.id) == col(ReviewRequest.reviewer_id))
    )


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else hours((end - start).total_seconds() / 3600)


def _rows(rows: Iterable[Any], public_url: str) -> Iterator[list[object]]:
    for r, title, general, summary, requester, reviewer, fixes in rows:
        requested = aware(r.requested_at)
        assert requested is not None
        first, resolved = aware(r.first_response_at), aware(r.resolved_at)
        yield [
            r.id,
            title,
            general or "",
            summary or "",
            requester,
            reviewer,
            label(ReviewStatus(r.status)),
            r.artifact_url,
            r.focus,
            utc(requested),
            utc(first),
            utc(resolved),
            _hours(requested, first),
            _hours(requested, resolved),
            int(fixes or 0),
            address(public_url, link("reviews", review=r.id)),
        ]
