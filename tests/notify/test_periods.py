"""Digest periods in a person's time zone: boundaries at their hour, across midnight,
across daylight-saving changes, and weekly on their day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from team.services.notify.periods import Period, last_week, next_period, period_of
from team.vocabulary import Cadence

D, W = Cadence.DAILY, Cadence.WEEKLY


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_day_runs_from_the_digest_hour_to_the_next_not_midnight_to_midnight() -> None:
    # Auckland in December is UTC+13: 08:00 local is 19:00 UTC the day before.
    before_midnight = period_of(utc("2026-12-06 10:30"), D, zone="Pacific/Auckland", hour=8)
    after_midnight = period_of(utc("2026-12-06 11:30"), D, zone="Pacific/Auckland", hour=8)
    assert (
        before_midnight
        == after_midnight
        == Period(utc("2026-12-05 19:00"), utc("2026-12-06 19:00"))
    )
    after_hour = period_of(utc("2026-12-06 19:00"), D, zone="Pacific/Auckland", hour=8)
    assert after_hour.start == utc("2026-12-06 19:00")  # the boundary opens the next day
    assert after_hour.end == utc("2026-12-07 19:00")


def test_a_midnight_digest_hour() -> None:
    p = period_of(utc("2026-12-07 07:59"), D, zone="America/Los_Angeles", hour=0)
    assert p == Period(utc("2026-12-06 08:00"), utc("2026-12-07 08:00"))


@pytest.mark.parametrize(
    ("moment", "hours"),
    [
        ("2026-03-08 12:00", 23),  # Los Angeles springs forward on 8 March 2026
        ("2026-11-01 12:00", 25),  # and falls back on 1 November
        ("2026-06-01 12:00", 24),
    ],
)
def test_daylight_saving_makes_a_day_shorter_or_longer_never_skips_one(
    moment: str, hours: int
) -> None:
    p = period_of(utc(moment), D, zone="America/Los_Angeles", hour=8)
    assert p.end - p.start == timedelta(hours=hours)
    assert p.start <= utc(moment) < p.end
    assert p.end.astimezone().tzinfo is not None


def test_a_digest_hour_missing_on_the_spring_forward_day_comes_an_hour_later() -> None:
    p = period_of(utc("2026-03-08 09:00"), D, zone="America/Los_Angeles", hour=2)
    assert p.end == utc("2026-03-08 10:00")  # 03:00 PDT: 02:00 does not exist that day
    assert p.start == utc("2026-03-07 10:00")  # 02:00 PST the day before


def test_a_week_ends_on_the_persons_day_and_hour() -> None:
    # Monday 7 December 2026, 09:00 in Los Angeles (UTC-8) is 17:00 UTC.
    sunday_night = period_of(utc("2026-12-07 07:30"), W, zone="America/Los_Angeles", hour=9)
    monday_before = period_of(utc("2026-12-07 16:59"), W, zone="America/Los_Angeles", hour=9)
    monday_after = period_of(utc("2026-12-07 17:01"), W, zone="America/Los_Angeles", hour=9)
    assert sunday_night == monday_before == Period(utc("2026-11-30 17:00"), utc("2026-12-07 17:00"))
    assert monday_after == Period(utc("2026-12-07 17:00"), utc("2026-12-14 17:00"))
    friday = period_of(utc("2026-12-07 17:01"), W, zone="UTC", hour=9, weekday=4)
    assert friday == Period(utc("2026-12-04 09:00"), utc("2026-12-11 09:00"))


def test_periods_follow_each_other_across_a_dst_change() -> None:
    p = period_of(utc("2026-10-30 12:00"), D, zone="America/Los_Angeles", hour=8)
    for _ in range(5):
        after = next_period(p, D, zone="America/Los_Angeles", hour=8)
        assert after.start == p.end
        assert after.end.astimezone(after.end.tzinfo).hour in (15, 16)  # 08:00 PDT or PST
        p = after
    week = period_of(utc("2026-03-02 18:00"), W, zone="America/Los_Angeles", hour=9)
    assert week.end - week.start == timedelta(days=7, hours=-1)  # the week of 8 March
    after = next_period(week, W, zone="America/Los_Angeles", hour=9)
    assert after == Period(utc("2026-03-09 16:00"), utc("2026-03-16 16:00"))


def test_last_week_is_the_whole_week_before_now() -> None:
    week = last_week(utc("2026-12-08 12:00"), zone="Pacific/Auckland", hour=8, weekday=0)
    # Monday 08:00 in Auckland (UTC+13) is Sunday 19:00 UTC.
    assert week == Period(utc("2026-11-29 19:00"), utc("2026-12-06 19:00"))
