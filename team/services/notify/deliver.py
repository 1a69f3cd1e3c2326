"""Sending: claim what is due, compose each message, send it, record the outcome.

The claim is one UPDATE ... RETURNING that marks a batch ``sending`` with a lease (on
PostgreSQL its subquery takes FOR UPDATE SKIP LOCKED, so two workers claim different
rows) and counts the try; it commits before anything is sent. Each message's outcome
is then committed on its own, so a worker killed mid-batch leaves only the messages it
had claimed and not finished, which another run takes again once their lease ends (the
receiver gets their idempotency key twice, nothing is lost).

A failed try waits ``retry_seconds`` doubled per try (at most a day), until
``max_attempts``; then the message is ``failed`` with the reason. Once an endpoint (an
SMTP server, a webhook address) fails in a run, the run's other messages to it are not
tried: they count a try with the same reason, so a hanging server costs one timeout per
run, not one per message."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from team.config import NotifySettings
from team.models import Delivery, DeliveryItem, Notification, Person, table_of
from team.services.notify import believe
from team.services.notify.channels import Channels, Outgoing, SendError
from team.services.notify.dialect import is_postgres
from team.services.notify.links import absolute
from team.services.notify.messages import Item, digest_message, single_message
from team.services.notify.periods import Period, aware
from team.services.notify.settings import SettingsView, settings_of
from team.vocabulary import Cadence, Channel, DeliveryKind, DeliveryStatus, NotificationKind

MAX_BACKOFF = 86_400.0  # seconds: a day


@dataclass
class Sent:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  # claimed, then handed back unsent because the worker is stopping
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: Sent) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.released += other.released
        for reason, count in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count


def claim(
    session: Session, notify: NotifySettings, now: datetime, skip: Collection[int] = ()
) -> list[int]:
    """Mark up to ``batch`` due messages ``sending`` with a lease, count the try, commit;
    their ids. Due: pending or gathering with ``due_at`` passed, or sending with a lapsed
    lease (a worker that died). ``skip``: ids already tried in this run."""
    d = table_of(Delivery).c
    due = or_(
        and_(
            d.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.GATHERING.value]),
            d.due_at <= now,
        ),
        and_(d.status == DeliveryStatus.SENDING.value, d.claimed_until < now),
    )
    pick = select(d.id).where(due).order_by(d.due_at, d.id).limit(notify.batch)
    if skip:
        pick = pick.where(d.id.not_in(list(skip)))
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    statement = (
        update(table_of(Delivery))
        .where(d.id.in_(pick.scalar_subquery()))
        .values(
            status=DeliveryStatus.SENDING.value,
            claimed_until=now + timedelta(seconds=notify.lease_seconds),
            attempts=d.attempts + 1,
        )
        .returning(d.id)
    )
    ids = [int(i) for i in session.execute(statement).scalars()]
    session.commit()
    return sorted(ids)


# --------------------------------------------------------------------------- composing


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    channel: Channel
    kind: DeliveryKind
    person_id: int
    name: str
    email: str
    attempts: int
    period_start: datetime | None
    due_at: datetime


def _claimed(session: Session, ids: list[int]) -> list[Claimed]:
    rows = session.execute(
        select(
            col(Delivery.id),
            col(Delivery.key),
            col(Delivery.channel),
            col(Delivery.kind),
            col(Delivery.person_id),
            col(Person.name),
            col(Person.email),
            col(Delivery.attempts),
            col(Delivery.period_start),
            col(Delivery.due_at),
        )
        .join(Person, col(Person.id) == col(Delivery.person_id))
        .where(col(Delivery.id).in_(ids))
        .order_by(col(Delivery.due_at), col(Delivery.id))
    )
    return [
        Claimed(
            r[0],
            r[1],
            Channel(r[2]),
            DeliveryKind(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            aware(r[8]) if r[8] else None,
            aware(r[9]),
        )
        for r in rows
    ]


def _items(session: Session, ids: list[int], public_url: str) -> dict[int, list[Item]]:
    actor = aliased(Person)
    rows = session.execute(
        select(
            col(DeliveryItem.delivery_id),
            col(Notification.kind),
            col(Notification.at),
            col(actor.name),
            col(Notification.title),
            col(Notification.detail),
            col(Notification.link),
        )
        .join(Notification, col(Notification.id) == col(DeliveryItem.notification_id))
        .outerjoin(actor, col(actor.id) == col(Notification.actor_id))
        .where(col(DeliveryItem.delivery_id).in_(ids))
    )
    found: dict[int, list[Item]] = defaultdict(list)
    for delivery_id, kind, at, name, title, detail, stored in rows:
        found[delivery_id].append(
            Item(
                NotificationKind(kind),
                aware(at),
                name or "",
                title,
                detail,
                absolute(public_url, stored),
            )
        )
    return found


def _cadence(view: SettingsView, c: Claimed) -> Cadence:
    chosen = view.cadences[c.channel]
    if chosen in (Cadence.DAILY, Cadence.WEEKLY):
        return chosen
    # They changed their mind since: a week-long period is a weekly digest.
    span = c.due_at - (c.period_start or c.due_at)
    return Cadence.WEEKLY if span > timedelta(days=2) else Cadence.DAILY


def _outgoing(
    session: Session,
    c: Claimed,
    items: list[Item],
    view: SettingsView,
    public_url: str,
) -> Outgoing | None:
    """The message for ``c``, or None when there is nothing to say any more."""
    message = None
    if c.kind == DeliveryKind.SINGLE and items:
        message = single_message(items[0], public_url=public_url)
    elif c.kind == DeliveryKind.DIGEST and items:
        period = Period(c.period_start or c.due_at, c.due_at)
        message = digest_message(
            items,
            cadence=_cadence(view, c),
            period=period,
            zone=view.time_zone,
            public_url=public_url,
        )
    elif c.kind == DeliveryKind.BELIEVE:
        start = c.period_start or c.due_at - timedelta(days=7)
        digest = believe.weekly_beliefs(session, c.person_id, start=start, end=c.due_at)
        if digest is not None:
            message = believe.believe_message(
                digest, public_url=public_url, time_zone=view.time_zone
            )
    if message is None:
        return None
    return Outgoing(
        delivery_id=c.id,
        key=c.key,
        channel=c.channel,
        kind=c.kind,
        person_name=c.name,
        person_email=c.email,
        slack_url=view.slack_url,
        message=message,
        items=[i.as_json() for i in items],
    )


# --------------------------------------------------------------------------- outcomes


def _finish(session: Session, delivery_id: int, values: dict[str, Any]) -> None:
    d = table_of(Delivery).c
    session.execute(
        update(table_of(Delivery))
        .where(d.id == delivery_id, d.status == DeliveryStatus.SENDING.value)
        .values(**values)
    )
    session.commit()


def _failed(
    session: Session, c: Claimed, reason: str, notify: NotifySettings, now: datetime
) -> bool:
    """Record a failed try; True when it was the last."""
    last = c.attempts >= notify.max_attempts
    wait = min(notify.retry_seconds * 2 ** max(c.attempts - 1, 0), MAX_BACKOFF)
    status = DeliveryStatus.FAILED if last else DeliveryStatus.PENDING
    _finish(
        session,
        c.id,
        {
            "status": status.value,
            "claimed_until": None,
            "last_error": reason,
            "due_at": now + timedelta(seconds=wait) if not last else c.due_at,
        },
    )
    return last


def release(session: Session, ids: Iterable[int]) -> int:
    """Hand claimed, unsent messages back (the worker is stopping): their try is not
    counted and they are due again at once."""
    d = table_of(Delivery).c
    wanted = list(ids)
    if not wanted:
        return 0
    session.execute(
        update(table_of(Delivery))
        .where(d.id.in_(wanted), d.status == DeliveryStatus.SENDING.value)
        .values(status=DeliveryStatus.PENDING.value, claimed_until=None, attempts=d.attempts - 1)
    )
    session.commit()
    return len(wanted)


def send_batch(
    session: Session,
    ids: list[int],
    *,
    notify: NotifySettings,
    public_url: str,
    channels: Channels,
    clock: Callable[[], datetime],
    down: dict[str, str],
    stop: Callable[[], bool],
) -> Sent:
    """Compose and send the claimed messages ``ids``; ``down`` (endpoint -> reason) is
    shared by the run's batches."""
    claimed = _claimed(session, ids)
    items = _items(session, ids, public_url)
    views = settings_of(session, {c.person_id for c in claimed}, notify)
    session.rollback()  # end the read transaction: sends happen outside any
    done = Sent()
    for position, c in enumerate(claimed):
        if stop():
            done.released += release(session, [x.id for x in claimed[position:]])
            break
        out = _outgoing(session, c, items.get(c.id, []), views[c.person_id], public_url)
        session.rollback()
        if out is None:
            values = {"status": DeliveryStatus.SENT.value, "sent_at": clock()}
            _finish(session, c.id, {**values, "last_error": "Nothing to send any more."})
            continue
        endpoint = channels.endpoint(out)
        try:
            if endpoint in down:
                raise SendError(down[endpoint])
            channels.send(out)
        except SendError as exc:
            reason = str(exc)
            if exc.whole:
                down.setdefault(endpoint, reason)
            last = _failed(session, c, reason, notify, clock())
            done.failed += last
            done.retrying += not last
            done.reasons[reason] = done.reasons.get(reason, 0) + 1
            continue
        sent_at = clock()
        _finish(
            session,
            c.id,
            {
                "status": DeliveryStatus.SENT.value,
                "sent_at": sent_at,
                "claimed_until": None,
                "last_error": "",
            },
        )
        done.sent += 1
    return done
