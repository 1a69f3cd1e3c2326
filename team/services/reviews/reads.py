"""Review requests as pages show them: one request (with its checklist), a reviewer's
queue, a requester's requests and every open request; long lists one page at a time with
their total. A fixed number of queries whatever the size: the open must-fix notes of the
requests shown are counted in one query, their checklists' progress in another."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlmodel import Session, col

from team.models import Finding, Note, Question, ReviewRequest
from team.services.core.errors import NotFound
from team.services.core.paging import Paged, Window, keyed_page, words_in
from team.services.core.views import view_of
from team.services.notes.rules import open_must_fix
from team.services.reviews.checklist import CheckView, check_counts, checklist_of
from team.services.reviews.rules import checklist_refused
from team.vocabulary import ReviewKind, ReviewStatus

ReviewQuery = Select[ReviewRequest, str, int | None, str]
Where = list[ColumnElement[bool]]


@dataclass(frozen=True)
class ReviewView:
    """A review request as pages show it."""

    id: int
    question_id: int
    question_title: str
    root_id: int | None
    finding_id: int | None
    finding_summary: str | None
    requester_id: int
    reviewer_id: int
    artifact_url: str
    focus: str
    status: ReviewStatus
    requested_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    version: int
    open_must_fix: int
    kind: ReviewKind
    checks_total: int  # items of its checklist (0: none recorded)
    checks_done: int  # of them ticked or waived
    # The checklist itself: read for one request (get_review), not for lists.
    checks: tuple[CheckView, ...] = ()

    def checklist_refused(self) -> str | None:
        """Why approval waits on the checklist (read with get_review), or None."""
        return checklist_refused([c.text for c in self.checks if c.required and not c.done])

    def age_hours(self, now: datetime) -> float:
        """Hours since requested, up to resolution (or now)."""
        end = self.resolved_at or now
        return (end - self.requested_at).total_seconds() / 3600

    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.requested_at).total_seconds() / 3600

    def overdue(self, now: datetime, sla_hours: int) -> bool:
        """Waiting for a first response longer than the review SLA."""
        return (
            self.first_response_at is None
            and self.status.is_waiting
            and self.age_hours(now) > sla_hours
        )


def _query(where: Where) -> ReviewQuery:
    """Requests matching ``where`` with their question and finding, oldest first."""
    return (
        select(ReviewRequest, col(Question.title), col(Question.root_id), col(Finding.summary))
        .join(Question, col(Question.id) == col(ReviewRequest.question_id))
        .outerjoin(Finding, col(Finding.id) == col(ReviewRequest.finding_id))
        .where(*where)
        .order_by(*_oldest())
    )


def _oldest() -> list[Any]:
    return [col(ReviewRequest.requested_at), col(ReviewRequest.id)]


def must_fix_counts(session: Session, review_ids: list[int]) -> dict[int, int]:
    """Open must-fix notes per request, for these requests only (one query, even for
    none, so a page makes the same queries whatever the data)."""
    query = (
        select(col(Note.review_request_id), func.count())
        .where(col(Note.review_request_id).in_(review_ids), open_must_fix())
        .group_by(col(Note.review_request_id))
    )
    return {int(rid): int(n) for rid, n in session.execute(query)}


def converter(session: Session) -> Callable[[Iterable[Any]], list[ReviewView]]:
    """Rows of the review query as views, with their open must-fix notes."""

    def convert(rows: Iterable[Any]) -> list[ReviewView]:
        found = list(rows)
        ids = [int(r.id) for r, *_ in found]
        fixes, checks = must_fix_counts(session, ids), check_counts(session, ids)
        return [
            _view(r, title, root, summary, fixes.get(int(r.id), 0), checks.get(int(r.id)))
            for r, title, root, summary in found
        ]

    return convert


def _view(
    r: ReviewRequest,
    title: str,
    root_id: int | None,
    summary: str | None,
    fixes: int,
    checks: tuple[int, int] | None,
) -> ReviewView:
    total, done = checks or (0, 0)
    return view_of(
        ReviewView,
        r,
        question_title=title,
        root_id=root_id,
        finding_summary=summary,
        open_must_fix=fixes,
        checks_total=total,
        checks_done=done,
        checks=(),
    )


def _views(session: Session, where: Where) -> list[ReviewView]:
    return converter(session)(session.execute(_query(where)))


def _page(
    session: Session,
    where: Where,
    window: Window,
    *,
    order: list[Any] | None = None,
    search: str = "",
    total: int | None = None,
) -> Paged[ReviewView]:
    """One page of the requests matching ``where`` (and every word of ``search`` in the
    question title or finding summary), in ``order`` (oldest first by default)."""
    order = order or _oldest()
    keys = select(col(ReviewRequest.id)).where(*where)
    if search.split():
        keys = keys.join(Question, col(Question.id) == col(ReviewRequest.question_id))
        keys = keys.outerjoin(Finding, col(Finding.id) == col(ReviewRequest.finding_id))
        keys = keys.where(*words_in(search, col(Question.title), col(Finding.summary)))
    return keyed_page(
        session,
        keys=keys.order_by(*order),
        rows=_query([]).order_by(None).order_by(*order),
        key=col(ReviewRequest.id),
        window=window,
        convert=converter(session),
        total=total,
    )


def _waiting_on(reviewer_id: int) -> Where:
    return [
        col(ReviewRequest.reviewer_id) == reviewer_id,
        col(ReviewRequest.status).in_(ReviewStatus.waiting()),
    ]


def queue_for(session: Session, *, reviewer_id: int) -> list[ReviewView]:
    """What waits on this reviewer, oldest first."""
    return _views(session, _waiting_on(reviewer_id))


def queue_page(
    session: Session, *, reviewer_id: int, window: Window, total: int | None = None
) -> Paged[ReviewView]:
    """One page of what waits on this reviewer, oldest first, with the total (counted
    unless given)."""
    return _page(session, _waiting_on(reviewer_id), window, total=total)


def queue_count(reviewer_id: int) -> Select[int]:
    """The query counting what waits on this reviewer."""
    return select(func.count()).select_from(ReviewRequest).where(*_waiting_on(reviewer_id))


def requested_by(session: Session, *, requester_id: int) -> list[ReviewView]:
    """Everything this person asked for, oldest first."""
    return _views(session, [col(ReviewRequest.requester_id) == requester_id])


def requested_by_page(
    session: Session, *, requester_id: int, window: Window, newest_first: bool = False
) -> Paged[ReviewView]:
    """One page of what this person asked for, with the total: newest first, or the
    requests still open first (oldest first) and then the closed ones (newest first)."""
    requested, rid = col(ReviewRequest.requested_at), col(ReviewRequest.id)
    if newest_first:
        order = [requested.desc(), rid.desc()]
    else:
        closed = col(ReviewRequest.status).in_(ReviewStatus.closed())
        open_age = case((closed, None), else_=requested)
        order = [case((closed, 1), else_=0), open_age, requested.desc(), rid.desc()]
    where = [col(ReviewRequest.requester_id) == requester_id]
    return _page(session, where, window, order=order)


def get_review(session: Session, *, review_id: int) -> ReviewView:
    """One request, with its checklist."""
    found = _views(session, [col(ReviewRequest.id) == review_id])
    if not found:
        raise NotFound(f"Review request #{review_id} does not exist.")
    return replace(found[0], checks=tuple(checklist_of(session, review_id=review_id)))


def all_reviews(session: Session, *, open_only: bool = False) -> list[ReviewView]:
    where: Where = [col(ReviewRequest.status).in_(ReviewStatus.still_open())] if open_only else []
    return _views(session, where)


def open_reviews_page(session: Session, *, window: Window, search: str = "") -> Paged[ReviewView]:
    """One page of every open request, oldest first, with the total; ``search`` keeps
    those whose question title or finding summary holds every word (any case)."""
    where: Where = [col(ReviewRequest.status).in_(ReviewStatus.still_open())]
    return _page(session, where, window, search=search)
