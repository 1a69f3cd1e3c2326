"""Planning: each new notification gets its messages. For every channel the deployment
offers and the person has not turned off: sent on its own now (a ``single`` delivery),
or added to the gathering digest of the day or week it falls in, in the person's time
zone (a ``digest`` delivery, sent when the period ends).

One batch is one transaction: the notifications are taken in id order (on PostgreSQL
with FOR UPDATE SKIP LOCKED, so two workers plan different ones), their messages are
inserted with ON CONFLICT DO NOTHING (a key names each, so planning twice adds nothing),
then they are marked planned. A digest found no longer gathering (already sent: this
notification committed after its period ended) is skipped for the next period's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from team.config import NotifySettings
from team.models import Delivery, DeliveryItem, Notification, table_of
from team.services.notify.dialect import insert_ignore, inserted, is_postgres
from team.services.notify.periods import Period, aware, next_period, period_of
from team.services.notify.settings import SettingsView, available_channels, settings_of
from team.vocabulary import Cadence, Channel, DeliveryKind, DeliveryStatus

MAX_PERIOD_HOPS = 8  # digests found already sent, skipped for the next period's


@dataclass
class Planned:
    notifications: int = 0
    messages: int = 0  # new deliveries (a digest is counted once, when it starts)

    def add(self, other: Planned) -> None:
        self.notifications += other.notifications
        self.messages += other.messages


@dataclass
class _DigestWant:
    notification_id: int
    person_id: int
    channel: Channel
    cadence: Cadence
    period: Period
    view: SettingsView

    @property
    def key(self) -> str:
        return f"d:{self.person_id}:{self.channel.value}:{self.period.end.isoformat()}"


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    table = table_of(Delivery)
    return inserted(session, insert_ignore(session, table).values(rows), table)


def _ids_by_key(session: Session, keys: Sequence[str], *, lock: bool) -> dict[str, tuple[int, str]]:
    if not keys:
        return {}
    query = (
        select(col(Delivery.id), col(Delivery.key), col(Delivery.status))
        .where(col(Delivery.key).in_(sorted(set(keys))))
        .order_by(col(Delivery.key))
    )
    if lock and is_postgres(session):
        query = query.with_for_update()
    return {key: (int(id_), status) for id_, key, status in session.execute(query)}


def _delivery(
    person_id: int, channel: Channel, kind: DeliveryKind, key: str, **values: Any
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "channel": channel.value,
        "kind": kind.value,
        "key": key,
        "attempts": 0,
        "last_error": "",
        **values,
    }


def _digests(
    session: Session, wants: list[_DigestWant], now: datetime
) -> tuple[list[tuple[int, int]], int]:
    """The digest each want lands in (inserted when new): (delivery id, notification
    id) pairs and how many digests were new."""
    pairs: list[tuple[int, int]] = []
    new = 0
    for _hop in range(MAX_PERIOD_HOPS):
        if not wants:
            break
        rows = {
            w.key: _delivery(
                w.person_id,
                w.channel,
                DeliveryKind.DIGEST,
                w.key,
                status=DeliveryStatus.GATHERING.value,
                period_start=w.period.start,
                due_at=w.period.end,
                created_at=now,
            )
            for w in wants
        }
        new += _insert(session, [rows[k] for k in sorted(rows)])  # in key order: no deadlock
        found = _ids_by_key(session, list(rows), lock=True)
        later = []
        for w in wants:
            id_, status = found[w.key]
            if status == DeliveryStatus.GATHERING:
                pairs.append((id_, w.notification_id))
            else:
                v = w.view
                w.period = next_period(w.period, w.cadence, zone=v.time_zone, hour=v.digest_hour)
                later.append(w)
        wants = later
    return pairs, new


def plan_batch(session: Session, notify: NotifySettings, now: datetime) -> Planned:
    """Plan up to ``notify.batch`` notifications and commit."""
    query = (
        select(col(Notification.id), col(Notification.person_id), col(Notification.at))
        .where(col(Notification.planned_at).is_(None))
        .order_by(col(Notification.id))
        .limit(notify.batch)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    taken = session.execute(query).all()
    if not taken:
        session.rollback()
        return Planned()
    views = settings_of(session, {person for _i, person, _a in taken}, notify)
    channels = available_channels(notify)
    singles: list[dict[str, Any]] = []
    single_of: list[tuple[str, int]] = []
    wants: list[_DigestWant] = []
    for nid, person, at in taken:
        view = views[person]
        for channel in channels:
            cadence = view.cadences[channel]
            if cadence == Cadence.OFF:
                continue
            if cadence == Cadence.IMMEDIATE:
                key = f"n{nid}:{channel.value}"
                singles.append(
                    _delivery(
                        person,
                        channel,
                        DeliveryKind.SINGLE,
                        key,
                        status=DeliveryStatus.PENDING.value,
                        due_at=now,
                        created_at=now,
                    )
                )
                single_of.append((key, nid))
                continue
            period = period_of(
                aware(at),
                cadence,
                zone=view.time_zone,
                hour=view.digest_hour,
                weekday=view.digest_weekday,
            )
            wants.append(_DigestWant(nid, person, channel, cadence, period, view))
    new = _insert(session, singles)
    found = _ids_by_key(session, [k for k, _n in single_of], lock=False)
    pairs = [(found[k][0], nid) for k, nid in single_of]
    digest_pairs, new_digests = _digests(session, wants, now)
    pairs += digest_pairs
    if pairs:
        items = [{"delivery_id": d, "notification_id": n} for d, n in pairs]
        session.execute(insert_ignore(session, table_of(DeliveryItem)).values(items))
    session.execute(
        update(Notification)
        .where(col(Notification.id).in_([nid for nid, _p, _a in taken]))
        .values(planned_at=now)
    )
    session.commit()
    return Planned(len(taken), new + new_digests)


def plan_all(session: Session, notify: NotifySettings, now: datetime) -> Planned:
    """Plan every notification not planned yet, a batch per transaction."""
    total = Planned()
    while True:
        done = plan_batch(session, notify, now)
        if not done.notifications:
            return total
        total.add(done)
