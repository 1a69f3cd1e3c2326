"""The inbox: a person's notifications, newest first, with read state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.models import Notification, Person, utcnow
from team.services.core.actors import acting
from team.services.core.paging import Paged, Window, keyed_page
from team.services.core.tx import atomic
from team.vocabulary import NotificationKind


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: NotificationKind
    at: datetime
    actor: str | None  # who did it; None for the worker's reminders
    title: str
    detail: str
    link: str  # "page?query"
    read: bool


def _views(rows: Iterable[Any]) -> list[NotificationView]:
    return [
        NotificationView(
            id=r.id,
            kind=NotificationKind(r.kind),
            at=r.at,
            actor=r.actor,
            title=r.title,
            detail=r.detail,
            link=r.link,
            read=r.read_at is not None,
        )
        for r in rows
    ]


def inbox_page(
    session: Session, person_id: int, *, window: Window, unread_only: bool = False
) -> Paged[NotificationView]:
    """One page of ``person_id``'s notifications, newest first."""
    mine = [col(Notification.person_id) == person_id]
    if unread_only:
        mine.append(col(Notification.read_at).is_(None))
    order = (col(Notification.at).desc(), col(Notification.id).desc())
    actor = aliased(Person)
    rows: Any = (
        select(
            col(Notification.id),
            col(Notification.kind),
            col(Notification.at),
            col(actor.name).label("actor"),
            col(Notification.title),
            col(Notification.detail),
            col(Notification.link),
            col(Notification.read_at),
        )
        .outerjoin(actor, col(actor.id) == col(Notification.actor_id))
        .where(*mine)
        .order_by(*order)
    )
    keys = select(col(Notification.id)).where(*mine).order_by(*order)
    return keyed_page(
        session, keys=keys, rows=rows, key=col(Notification.id), window=window, convert=_views
    )


def unread_count(session: Session, person_id: int) -> int:
    """How many of ``person_id``'s notifications are unread (the count in the navigation)."""
    return int(
        session.scalar(
            select(func.count()).where(
                col(Notification.person_id) == person_id, col(Notification.read_at).is_(None)
            )
        )
        or 0
    )


@atomic
def mark_read(session: Session, person_id: int, *, ids: Sequence[int]) -> int:
    """Mark these notifications of ``person_id`` read (others' are left alone); how many
    changed."""
    acting(session, person_id)
    result = session.execute(
        update(Notification)
        .where(
            col(Notification.person_id) == person_id,
            col(Notification.id).in_(list(ids)),
            col(Notification.read_at).is_(None),
        )
        .values(read_at=utcnow())
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


@atomic
def mark_all_read(session: Session, person_id: int, *, through: int | None = None) -> int:
    """Mark every unread notification of ``person_id`` read, up to ``through`` (the
    newest id the page showed: one that arrived since stays unread); how many."""
    acting(session, person_id)
    where = [col(Notification.person_id) == person_id, col(Notification.read_at).is_(None)]
    if through is not None:
        where.append(col(Notification.id) <= through)
    result = session.execute(update(Notification).where(*where).values(read_at=utcnow()))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
