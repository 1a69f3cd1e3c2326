"""My settings (every role): how notifications reach me outside the app (a cadence per
channel this server offers, my time zone and digest hour and day, my own Slack webhook),
and the messages that could not be delivered."""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

import streamlit as st

from team.config import NotifySettings
from team.services.admin.reads import PersonView
from team.services.notify import settings
from team.services.notify.settings import WEEKDAYS, SettingsView
from team.ui import auth, reads, resources, state
from team.ui.actions import attempt, bind
from team.ui.undelivered import undelivered
from team.vocabulary import Cadence, Channel

CADENCES = list(Cadence)
NOT_SET_UP = "not set up on this server"


@functools.cache
def zones() -> list[str]:
    return sorted(available_timezones())


def _zone(mine: SettingsView) -> str:
    options = zones()
    if mine.time_zone not in options:
        options = [mine.time_zone, *options]
    return str(
        st.selectbox(
            "Time zone",
            options,
            index=options.index(mine.time_zone),
            accept_new_options=True,
            help="Digests come at your hour in this zone. Type to find yours, e.g. Berlin.",
            key=f"settings_zone_{mine.person_id}",
        )
        or ""
    )


def _when(mine: SettingsView) -> tuple[int, int]:
    left, right = st.columns(2)
    hour = left.selectbox(
        "Digest hour",
        list(range(24)),
        index=mine.digest_hour,
        format_func=lambda h: f"{h:02d}:00",
        help="When the daily digest comes, and the weekly one on its day.",
        key=f"settings_hour_{mine.person_id}",
    )
    day = right.selectbox(
        "Weekly digest on",
        list(range(7)),
        index=mine.digest_weekday,
        format_func=WEEKDAYS.__getitem__,
        key=f"settings_weekday_{mine.person_id}",
    )
    return int(hour or 0), int(day or 0)


def _cadence(mine: SettingsView, channel: Channel, offered: bool) -> Cadence:
    current = mine.cadences[channel] if offered else Cadence.OFF
    chosen = st.radio(
        channel.label if offered else f"{channel.label} ({NOT_SET_UP})",
        CADENCES,
        index=CADENCES.index(current),
        format_func=lambda c: c.label,
        horizontal=True,
        disabled=not offered,
        key=f"settings_{channel.value}_{mine.person_id}",
    )
    return Cadence(chosen or current)


def _form(person: PersonView, mine: SettingsView, notify: NotifySettings) -> None:
    offered = settings.available_channels(notify)
    based_on = state.base_version("settings", person.id, mine.version)
    with st.form(f"settings_form_{person.id}"):
        st.markdown("#### Where notifications reach you")
        cadences = {c: _cadence(mine, c, c in offered) for c in Channel}
        if not offered:
            st.caption(
                "This server sends no email or chat messages yet: your notifications are "
                "in the inbox on Needs my attention. Whoever runs it can set channels up "
                "under notify: in config.yaml."
            )
        slack_url = mine.slack_url
        if Channel.SLACK in offered:
            slack_url = st.text_input(
                "Your own Slack webhook (optional)",
                value=mine.slack_url,
                type="password",
                placeholder="https://hooks.slack.com/services/…",
                help="Leave empty to receive Slack messages on the team's channel.",
                key=f"settings_slack_url_{person.id}",
            )
        st.markdown("#### When digests come")
        zone = _zone(mine)
        hour, day = _when(mine)
        saved = st.form_submit_button("Save settings", type="primary", key="settings_save")
    if saved:
        attempt(
            bind(
                settings.save_settings,
                person.id,
                version=based_on,
                time_zone=zone,
                digest_hour=hour,
                digest_weekday=day,
                cadences={c: cadences[c] for c in offered},
                slack_url=slack_url or "",
                notify=notify,
            ),
            "Your settings are saved.",
            key="settings",
        )


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("My settings")
    state.show_flash()
    notify = resources.settings().notify
    mine = reads.fresh(settings.my_settings, person.id, notify=notify)
    _form(person, mine, notify)
    st.subheader("Messages that could not be delivered")
    undelivered(person, key="undelivered_mine")


if __name__ == "__main__":
    render()
