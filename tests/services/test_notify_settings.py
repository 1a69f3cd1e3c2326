"""Each person's notification settings, and the messages that could not be delivered:
the defaults from config.yaml, saving and reading back, the sentences of a bad input,
a stale tab refused, retrying a failed message. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.config import (
    ChannelDefaults,
    EmailSettings,
    NotifySettings,
    SlackSettings,
    WebhookSettings,
)
from team.models import Delivery, utcnow
from team.services.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from team.services.core.paging import Window
from team.services.notify import settings
from team.vocabulary import Cadence, Channel, DeliveryKind, DeliveryStatus
from tests.factories import Team, pk

C = Cadence
EMAIL = EmailSettings.model_validate({"host": "smtp.example.com", "from": "team@example.com"})
SLACK = SlackSettings(url_env="TEAM_SLACK_URL")
HOOK = WebhookSettings(url="https://hooks.example.com/team", secret_env="TEAM_HOOK_SECRET")
NOTIFY = NotifySettings(
    email=EMAIL,
    slack=SLACK,
    defaults=ChannelDefaults(email=C.WEEKLY, slack=C.IMMEDIATE),
    time_zone="Europe/Berlin",
    digest_hour=7,
)
PAGE = Window(1, 20)


def _save(
    session: Session, person: int, version: int = 0, **changes: object
) -> settings.SettingsView:
    wanted: dict[str, object] = {
        "time_zone": "America/New_York",
        "digest_hour": 18,
        "digest_weekday": 4,
        "cadences": {Channel.EMAIL: C.DAILY, Channel.SLACK: C.OFF},
        "slack_url": "",
        "notify": NOTIFY,
    }
    wanted.update(changes)
    return settings.save_settings(session, person, version=version, **wanted)  # type: ignore[arg-type]


def test_never_saved_settings_are_the_deployments_defaults(session: Session, team: Team) -> None:
    mine = settings.my_settings(session, team.ic, notify=NOTIFY)
    assert (mine.time_zone, mine.digest_hour, mine.digest_weekday, mine.version) == (
        "Europe/Berlin",
        7,
        0,
        0,
    )
    assert mine.cadences[Channel.EMAIL] == C.WEEKLY
    assert mine.cadences[Channel.SLACK] == C.IMMEDIATE
    assert mine.slack_url == ""
    assert settings.available_channels(NOTIFY) == [Channel.EMAIL, Channel.SLACK]
    assert settings.available_channels(NotifySettings()) == []


def test_saved_settings_read_back_and_each_save_takes_the_next_version(
    session: Session, team: Team
) -> None:
    saved = _save(session, team.ic, slack_url="  https://hooks.slack.com/services/T/B/x ")
    assert saved.version == 1
    mine = settings.my_settings(session, team.ic, notify=NOTIFY)
    assert mine == saved
    assert (mine.time_zone, mine.digest_hour, mine.digest_weekday) == ("America/New_York", 18, 4)
    assert mine.cadences == {Channel.EMAIL: C.DAILY, Channel.SLACK: C.OFF, Channel.WEBHOOK: C.OFF}
    assert mine.slack_url == "https://hooks.slack.com/services/T/B/x"
    again = _save(session, team.ic, version=1, cadences={Channel.EMAIL: C.OFF})
    assert again.version == 2
    assert again.cadences[Channel.EMAIL] == C.OFF
    assert again.cadences[Channel.SLACK] == C.OFF  # not on the form: left as it was
    everyone = settings.settings_of(session, [team.ic, team.viewer], NOTIFY)
    assert (everyone[team.ic].version, everyone[team.viewer].version) == (2, 0)


def test_a_channel_the_form_did_not_offer_keeps_the_deployments_default(
    session: Session, team: Team
) -> None:
    # Only the webhook is set up; the person saves what the form offers.
    hook_only = NotifySettings(webhook=HOOK, defaults=ChannelDefaults(email=C.OFF))
    settings.save_settings(
        session,
        team.ic,
        version=0,
        time_zone="UTC",
        digest_hour=8,
        digest_weekday=0,
        cadences={Channel.WEBHOOK: C.DAILY},
        slack_url="",
        notify=hook_only,
    )
    # Email is set up later: they get what the deployment gives, not daily emails.
    mine = settings.my_settings(session, team.ic, notify=hook_only)
    assert mine.cadences == {Channel.EMAIL: C.OFF, Channel.SLACK: C.OFF, Channel.WEBHOOK: C.DAILY}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "'Mars/Olympus' is not a time zone"),
        ({"digest_hour": 24}, "digest_hour", "Pick an hour from 0 to 23"),
        (
            {"cadences": {Channel.WEBHOOK: C.DAILY}},
            "webhook",
            "is not set up on this server",
        ),
        ({"slack_url": "hooks.slack.com/services/x"}, "slack_url", "must be an https://"),
        ({"slack_url": "https://hooks.slack.com/a b"}, "slack_url", "must be an https://"),
        ({"slack_url": "javascript:alert(1)"}, "slack_url", "must be an https://"),
    ],
)
def test_a_bad_setting_is_a_sentence_and_saves_nothing(
    session: Session, team: Team, changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words) as caught:
        _save(session, team.ic, **changes)
    assert caught.value.field == field
    assert settings.my_settings(session, team.ic, notify=NOTIFY).version == 0


def test_a_save_from_a_stale_tab_is_refused(session: Session, team: Team) -> None:
    _save(session, team.ic, digest_hour=6)
    with pytest.raises(StaleEdit, match="reload"):
        _save(session, team.ic, version=0, digest_hour=9)  # a second tab, opened before
    _save(session, team.ic, version=1, digest_hour=10)
    with pytest.raises(StaleEdit, match="reload"):
        _save(session, team.ic, version=1, digest_hour=11)
    mine = settings.my_settings(session, team.ic, notify=NOTIFY)
    assert (mine.digest_hour, mine.version) == (10, 2)
    with pytest.raises(StaleEdit):  # a version nobody ever saved
        _save(session, team.viewer, version=3)


# --------------------------------------------------------------------------- failures


def _delivery(session: Session, person: int, status: DeliveryStatus, hours_ago: int = 1) -> int:
    row = Delivery(
        person_id=person,
        channel=Channel.EMAIL,
        kind=DeliveryKind.SINGLE,
        key=f"test-{person}-{status.value}-{hours_ago}",
        status=status,
        due_at=utcnow() - timedelta(hours=hours_ago),
        attempts=5 if status == DeliveryStatus.FAILED else 1,
        last_error="550 mailbox unavailable" if status == DeliveryStatus.FAILED else "",
        claimed_until=utcnow() if status == DeliveryStatus.FAILED else None,
    )
    session.add(row)
    session.commit()
    return pk(row)


def test_failed_messages_are_ones_own_or_for_a_manager_everyones(
    session: Session, team: Team
) -> None:
    older = _delivery(session, team.ic, DeliveryStatus.FAILED, hours_ago=5)
    newer = _delivery(session, team.ic, DeliveryStatus.FAILED, hours_ago=1)
    _delivery(session, team.ic, DeliveryStatus.SENT)
    theirs = _delivery(session, team.other_ic, DeliveryStatus.FAILED, hours_ago=3)
    mine = settings.failed_deliveries(session, team.ic, window=PAGE)
    assert [d.id for d in mine.items] == [newer, older]
    assert mine.items[0].last_error == "550 mailbox unavailable"
    assert mine.items[0].person == "Ines"
    everyone = settings.failed_deliveries(session, team.manager, window=PAGE, everyone=True)
    assert [d.id for d in everyone.items] == [newer, theirs, older]
    with pytest.raises(PermissionDenied, match="Only a manager"):
        settings.failed_deliveries(session, team.ic, window=PAGE, everyone=True)


def _status(session: Session, delivery_id: int) -> tuple[DeliveryStatus, int, object]:
    row = session.execute(
        select(col(Delivery.status), col(Delivery.attempts), col(Delivery.claimed_until)).where(
            col(Delivery.id) == delivery_id
        )
    ).one()
    return DeliveryStatus(row[0]), row[1], row[2]


def test_retrying_a_failed_message_makes_it_pending_again(session: Session, team: Team) -> None:
    mine = _delivery(session, team.ic, DeliveryStatus.FAILED)
    theirs = _delivery(session, team.other_ic, DeliveryStatus.FAILED)
    sent = _delivery(session, team.ic, DeliveryStatus.SENT)
    settings.retry_delivery(session, team.ic, delivery_id=mine)
    assert _status(session, mine) == (DeliveryStatus.PENDING, 0, None)
    with pytest.raises(PermissionDenied):
        settings.retry_delivery(session, team.ic, delivery_id=theirs)
    assert _status(session, theirs)[0] == DeliveryStatus.FAILED
    settings.retry_delivery(session, team.manager, delivery_id=theirs)
    assert _status(session, theirs) == (DeliveryStatus.PENDING, 0, None)
    settings.retry_delivery(session, team.ic, delivery_id=sent)  # nothing to retry
    assert _status(session, sent)[0] == DeliveryStatus.SENT
    with pytest.raises(NotFound):
        settings.retry_delivery(session, team.ic, delivery_id=9999)
    assert settings.failed_deliveries(session, team.ic, window=PAGE).total == 0
