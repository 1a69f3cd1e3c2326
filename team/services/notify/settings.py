"""Each person's notification settings (time zone, digest hour and day, a cadence per
channel, their own Slack webhook) and the messages that could not be delivered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from team.config import NotifySettings, known_time_zone
from team.models import Delivery, Person, PersonSetting, utcnow
from team.services.core.actors import acting
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from team.services.core.paging import Paged, Window, read_page
from team.services.core.tx import atomic
from team.services.core.writes import claim_version
from team.vocabulary import Cadence, Channel, DeliveryKind, DeliveryStatus

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SLACK_URL_MAX = 2000
STALE = "Your settings changed since you opened them; reload and choose again."


def available_channels(notify: NotifySettings) -> list[Channel]:
    """The channels this deployment can send on (configured in config.yaml)."""
    configured: dict[Channel, object] = {
        Channel.EMAIL: notify.email,
        Channel.SLACK: notify.slack,
        Channel.WEBHOOK: notify.webhook,
    }
    return [channel for channel in Channel if configured[channel] is not None]


@dataclass(frozen=True)
class SettingsView:
    person_id: int
    time_zone: str
    digest_hour: int
    digest_weekday: int
    cadences: Mapping[Channel, Cadence]
    slack_url: str
    version: int  # 0: never saved, the deployment's defaults


def defaults(person_id: int, notify: NotifySettings) -> SettingsView:
    chosen = notify.defaults
    return SettingsView(
        person_id=person_id,
        time_zone=notify.time_zone,
        digest_hour=notify.digest_hour,
        digest_weekday=0,
        cadences={
            Channel.EMAIL: chosen.email,
            Channel.SLACK: chosen.slack,
            Channel.WEBHOOK: chosen.webhook,
        },
        slack_url="",
        version=0,
    )


def view_of(row: PersonSetting) -> SettingsView:
    return SettingsView(
        person_id=row.person_id,
        time_zone=row.time_zone,
        digest_hour=row.digest_hour,
        digest_weekday=row.digest_weekday,
        cadences={
            Channel.EMAIL: Cadence(row.email),
            Channel.SLACK: Cadence(row.slack),
            Channel.WEBHOOK: Cadence(row.webhook),
        },
        slack_url=row.slack_url,
        version=row.version,
    )


def settings_of(
    session: Session, person_ids: Iterable[int], notify: NotifySettings
) -> dict[int, SettingsView]:
    """The settings of each of ``person_ids`` (the defaults for those who never saved
    theirs), in one query."""
    wanted = list(person_ids)
    rows = session.scalars(select(PersonSetting).where(col(PersonSetting.person_id).in_(wanted)))
    saved = {row.person_id: view_of(row) for row in rows}
    return {pid: saved.get(pid) or defaults(pid, notify) for pid in wanted}


def my_settings(session: Session, person_id: int, *, notify: NotifySettings) -> SettingsView:
    return settings_of(session, [person_id], notify)[person_id]


def _slack_url(value: str) -> str:
    url = value.strip()
    if not url:
        return ""
    if (
        len(url) > SLACK_URL_MAX
        or not url.startswith(("https://", "http://"))
        or any(c.isspace() for c in url)
    ):
        raise InvalidInput(
            "The Slack webhook must be an https:// address such as "
            "https://hooks.slack.com/services/…; copy it from the app's Incoming Webhooks page.",
            field="slack_url",
        )
    return url


@atomic
def save_settings(
    session: Session,
    person_id: int,
    *,
    version: int,
    time_zone: str,
    digest_hour: int,
    digest_weekday: int,
    cadences: Mapping[Channel, Cadence],
    slack_url: str,
    notify: NotifySettings,
) -> SettingsView:
    """Save ``person_id``'s own settings (anyone may, viewers too); ``version`` is the
    one the form showed (0: the defaults), so a save from a stale tab is refused."""
    acting(session, person_id)
    try:
        zone = known_time_zone(time_zone.strip())
    except ValueError:
        raise InvalidInput(
            f"'{time_zone}' is not a time zone; pick one such as Europe/Berlin or UTC.",
            field="time_zone",
        ) from None
    if not 0 <= digest_hour <= 23 or not 0 <= digest_weekday <= 6:
        raise InvalidInput("Pick an hour from 0 to 23 and a day of the week.", field="digest_hour")
    offered = available_channels(notify)
    for channel, cadence in cadences.items():
        if Cadence(cadence) != Cadence.OFF and channel not in offered:
            raise InvalidInput(
                f"{channel.label} is not set up on this server (notify.{channel.value} in "
                "config.yaml); ask whoever runs it, or choose Off.",
                field=channel.value,
            )
    values: dict[str, Any] = {
        "time_zone": zone,
        "digest_hour": digest_hour,
        "digest_weekday": digest_weekday,
        "slack_url": _slack_url(slack_url),
        **{channel.value: Cadence(cadence) for channel, cadence in cadences.items()},
    }
    row = session.scalar(select(PersonSetting).where(col(PersonSetting.person_id) == person_id))
    if row is None:
        if version != 0:
            raise StaleEdit(STALE)
        # A channel the form did not offer keeps the deployment's default, not the table's.
        unchosen = {c.value: v for c, v in defaults(person_id, notify).cadences.items()}
        row = PersonSetting(person_id=person_id, **(unchosen | values))
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # saved a moment ago in another tab
            raise StaleEdit(STALE) from None
    else:
        claim_version(session, row, version, "Your settings", touch=True)
        for name, value in values.items():
            setattr(row, name, value)
    session.commit()
    return view_of(row)


# --------------------------------------------------------------------------- failures


@dataclass(frozen=True)
class DeliveryView:
    id: int
    person: str
    channel: Channel
    kind: DeliveryKind
    status: DeliveryStatus
    attempts: int
    last_error: str
    due_at: datetime
    sent_at: datetime | None


def _delivery_views(rows: Iterable[Any]) -> list[DeliveryView]:
    return [
        DeliveryView(
            id=r.id,
            person=r.name,
            channel=Channel(r.channel),
            kind=DeliveryKind(r.kind),
            status=DeliveryStatus(r.status),
            attempts=r.attempts,
            last_error=r.last_error,
            due_at=r.due_at,
            sent_at=r.sent_at,
        )
        for r in rows
    ]


def failed_deliveries(
    session: Session, viewer_id: int, *, window: Window, everyone: bool = False
) -> Paged[DeliveryView]:
    """Messages given up on, newest first: the viewer's own, or (``everyone``, for a
    manager on Admin) the whole team's, each with the reason of its last try."""
    actor = acting(session, viewer_id)
    if everyone and not actor.is_manager:
        raise PermissionDenied("Only a manager can see everyone's undelivered messages.")
    query = (
        select(
            col(Delivery.id),
            col(Person.name),
            col(Delivery.channel),
            col(Delivery.kind),
            col(Delivery.status),
            col(Delivery.attempts),
            col(Delivery.last_error),
            col(Delivery.due_at),
            col(Delivery.sent_at),
        )
        .join(Person, col(Person.id) == col(Delivery.person_id))
        .where(col(Delivery.status) == DeliveryStatus.FAILED)
        .order_by(col(Delivery.due_at).desc(), col(Delivery.id).desc())
    )
    if not everyone:
        query = query.where(col(Delivery.person_id) == viewer_id)
    return read_page(session, query, window, _delivery_views)


@atomic
def retry_delivery(session: Session, actor_id: int, *, delivery_id: int) -> None:
    """Send a failed message again (its owner or a manager): its tries start over."""
    actor = acting(session, actor_id)
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"Message #{delivery_id} does not exist.")
    if delivery.person_id != actor.id and not actor.is_manager:
        raise PermissionDenied("Only the person it was for or a manager can send it again.")
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, due_at=utcnow(), claimed_until=None)
    )
    session.commit()
