"""My settings and the undelivered messages (My settings: one's own; Admin: everyone's),
in AppTest over a fresh SQLite database."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from team.config import load_config
from team.models import Delivery, PersonSetting
from team.services.notify import settings
from team.vocabulary import Cadence, Channel, DeliveryKind, DeliveryStatus
from tests.factories import Team, make_team
from tests.ui.conftest import assert_no_exception

NOTIFY = """
notify:
  email:
    host: 127.0.0.1
    port: 2525
    security: none
    from: team@example.com
  slack:
    url_env: TEAM_TEST_SLACK_URL
"""


@pytest.fixture
def team(app_engine: Engine) -> Team:
    with Session(app_engine) as session:
        return make_team(session)


@pytest.fixture
def with_channels(app_engine: Engine) -> Path:
    """Email and Slack set up on this server; the generic webhook not."""
    config = Path(os.environ["TEAM_CONFIG"])
    config.write_text(config.read_text(encoding="utf-8") + NOTIFY, encoding="utf-8")
    return config


def _saved(engine: Engine, person: int) -> PersonSetting | None:
    with Session(engine) as session:
        query = select(PersonSetting).where(col(PersonSetting.person_id) == person)
        return session.scalars(query).first()


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_settings_save(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team, with_channels: Path
) -> None:
    at = open_app(team.ic, "settings")
    assert_no_exception(at)
    me = team.ic
    webhook = at.radio(key=f"settings_webhook_{me}")
    assert webhook.disabled and "not set up on this server" in webhook.label
    assert webhook.value == Cadence.OFF
    assert not at.radio(key=f"settings_email_{me}").disabled
    assert at.radio(key=f"settings_email_{me}").value == Cadence.DAILY  # the default
    at.radio(key=f"settings_email_{me}").set_value(Cadence.WEEKLY)
    at.radio(key=f"settings_slack_{me}").set_value(Cadence.IMMEDIATE)
    at.text_input(key=f"settings_slack_url_{me}").input("https://hooks.example.com/T1/B2")
    at.selectbox(key=f"settings_zone_{me}").set_value("Europe/Berlin")
    at.selectbox(key=f"settings_hour_{me}").set_value(7)
    at.selectbox(key=f"settings_weekday_{me}").set_value(4)
    at.button(key="settings_save").click().run()
    assert_no_exception(at)
    assert not _errors(at)
    assert any("Your settings are saved" in s.value for s in at.success)
    row = _saved(app_engine, me)
    assert row is not None
    assert (row.email, row.slack, row.webhook) == (Cadence.WEEKLY, Cadence.IMMEDIATE, Cadence.OFF)
    assert (row.time_zone, row.digest_hour, row.digest_weekday) == ("Europe/Berlin", 7, 4)
    assert row.slack_url == "https://hooks.example.com/T1/B2"
    # Shown again as saved, and a second save from the same page goes through.
    assert at.selectbox(key=f"settings_zone_{me}").value == "Europe/Berlin"
    at.radio(key=f"settings_email_{me}").set_value(Cadence.OFF)
    at.button(key="settings_save").click().run()
    assert not _errors(at)
    saved = _saved(app_engine, me)
    assert saved is not None and saved.email == Cadence.OFF and saved.version == 2


def _save_elsewhere(engine: Engine, person: int, version: int, config: Path) -> None:
    """The same person saves in another tab."""
    notify = load_config(config).notify
    with Session(engine) as session:
        settings.save_settings(
            session,
            person,
            version=version,
            time_zone="Asia/Tokyo",
            digest_hour=9,
            digest_weekday=0,
            cadences={Channel.EMAIL: Cadence.IMMEDIATE},
            slack_url="",
            notify=notify,
        )


@pytest.mark.parametrize("saved_before", [False, True])
def test_a_stale_save_is_refused(
    app_engine: Engine,
    open_app: Callable[..., AppTest],
    team: Team,
    with_channels: Path,
    saved_before: bool,
) -> None:
    if saved_before:
        _save_elsewhere(app_engine, team.ic, 0, with_channels)
    at = open_app(team.ic, "settings")
    _save_elsewhere(app_engine, team.ic, 1 if saved_before else 0, with_channels)
    at.radio(key=f"settings_email_{team.ic}").set_value(Cadence.OFF)
    at.button(key="settings_save").click().run()
    assert_no_exception(at)
    [error] = _errors(at)
    assert "changed" in error and "reload" in error
    row = _saved(app_engine, team.ic)
    assert row is not None and row.email == Cadence.IMMEDIATE  # the other tab's save stands


def test_a_time_zone_that_is_none_is_refused(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team, with_channels: Path
) -> None:
    """A zone the server does not know (typed in the picker, which takes new options,
    or kept from a server whose zone list had it) is refused with a sentence."""
    with Session(app_engine) as session:
        session.add(PersonSetting(person_id=team.viewer, time_zone="Mars/Olympus_Mons"))
        session.commit()
    at = open_app(team.viewer, "settings")
    assert at.selectbox(key=f"settings_zone_{team.viewer}").value == "Mars/Olympus_Mons"
    at.button(key="settings_save").click().run()
    assert_no_exception(at)
    assert any("'Mars/Olympus\\_Mons' is not a time zone" in e for e in _errors(at)), _errors(at)
    row = _saved(app_engine, team.viewer)
    assert row is not None and row.version == 1
    at.selectbox(key=f"settings_zone_{team.viewer}").set_value("UTC")
    at.button(key="settings_save").click().run()
    assert not _errors(at)
    row = _saved(app_engine, team.viewer)
    assert row is not None and row.time_zone == "UTC"


def test_no_channel_set_up(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "settings")
    assert_no_exception(at)
    for channel in Channel:
        assert at.radio(key=f"settings_{channel.value}_{team.manager}").disabled
    assert any("sends no email or chat messages yet" in c.value for c in at.caption)
    at.button(key="settings_save").click().run()
    assert not _errors(at)
    assert _saved(app_engine, team.manager) is not None


def _failed(engine: Engine, person: int, reason: str, channel: Channel = Channel.EMAIL) -> int:
    row = Delivery(
        person_id=person,
        channel=channel,
        kind=DeliveryKind.SINGLE,
        key=f"test:{person}:{reason}",
        status=DeliveryStatus.FAILED,
        attempts=5,
        last_error=reason,
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def _status(engine: Engine, delivery_id: int) -> DeliveryStatus:
    with Session(engine) as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        return DeliveryStatus(row.status)


def test_my_failed_messages_and_send_again(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    mine = _failed(app_engine, team.ic, "550 mailbox <unavailable>")
    theirs = _failed(app_engine, team.other_ic, "HTTP 500 from the webhook", Channel.WEBHOOK)
    at = open_app(team.ic, "settings")
    keys = {getattr(n, "key", None) for n in at.main}
    assert f"undelivered_mine_{mine}" in keys and f"undelivered_mine_{theirs}" not in keys
    reasons = [c.value for c in at.caption if c.value.startswith("Reason")]
    assert reasons == ["Reason: 550 mailbox \\<unavailable\\>"]
    at.button(key=f"undelivered_mine_retry_{mine}").click().run()
    assert_no_exception(at)
    assert _status(app_engine, mine) == DeliveryStatus.PENDING
    assert _status(app_engine, theirs) == DeliveryStatus.FAILED
    assert any("sent again" in s.value for s in at.success)
    assert any("every message so far reached its place" in c.value for c in at.caption)


def test_admin_lists_everyones_failed_messages(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    first = _failed(app_engine, team.ic, "connection refused")
    second = _failed(app_engine, team.viewer, "HTTP 500", Channel.WEBHOOK)
    at = open_app(team.manager, "admin")
    assert_no_exception(at)
    lines = [m.value for m in at.markdown if "given up after" in m.value]
    assert len(lines) == 2
    assert any("to **Ines**" in line for line in lines)
    assert any("Webhook notification to **Vera**" in line for line in lines)
    at.button(key=f"undelivered_all_retry_{second}").click().run()
    assert_no_exception(at)
    assert _status(app_engine, second) == DeliveryStatus.PENDING
    assert _status(app_engine, first) == DeliveryStatus.FAILED
