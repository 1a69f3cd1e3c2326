"""Digest periods in a person's time zone.

A daily digest covers the time between two of the person's digest hours (08:00 local,
say); a weekly one between two of their digest days at that hour. Every instant
belongs to exactly one period ``[start, end)``; the digest is sent at ``end``. Times go
in and come out in UTC; the local wall clock is only used to place the boundaries, so
a daylight-saving change makes that day's period 23 or 25 hours long, never skips one.
A digest hour that does not exist on a spring-forward day (02:30 in a zone that jumps
from 02:00 to 03:00) falls an hour later that day (zoneinfo's reading of a wall time in
the gap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from team.vocabulary import Cadence


@dataclass(frozen=True)
class Period:
    start: datetime  # UTC, included
    end: datetime  # UTC, excluded: when its digest is sent


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC (SQLite hands back naive datetimes, stored in UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def _step(cadence: Cadence) -> int:
    if cadence == Cadence.DAILY:
        return 1
    if cadence == Cadence.WEEKLY:
        return 7
    raise ValueError(f"a {cadence} cadence has no digest period")


def period_of(
    moment: datetime, cadence: Cadence, *, zone: str, hour: int, weekday: int = 0
) -> Period:
    """The daily or weekly period ``moment`` falls in, for a person whose digests come
    at ``hour`` (local, in ``zone``) and, weekly, on ``weekday`` (0 = Monday)."""
    step = _step(cadence)
    tz = ZoneInfo(zone)
    moment = aware(moment)
    local = moment.astimezone(tz).date()
    if step == 7:
        local += timedelta(days=(weekday - local.weekday()) % 7)
    end_day = local
    if _at(end_day, hour, tz) <= moment:
        end_day += timedelta(days=step)
    # The boundary before may be later than moment when the local date's hour has not
    # come yet: step back until the start is at or before moment.
    while _at(end_day - timedelta(days=step), hour, tz) > moment:
        end_day -= timedelta(days=step)
    return Period(_at(end_day - timedelta(days=step), hour, tz), _at(end_day, hour, tz))


def next_period(period: Period, cadence: Cadence, *, zone: str, hour: int) -> Period:
    """The period after ``period``."""
    step = timedelta(days=_step(cadence))
    tz = ZoneInfo(zone)
    day = period.end.astimezone(tz).date()
    return Period(period.end, _at(day + step, hour, tz))


def last_week(now: datetime, *, zone: str, hour: int, weekday: int) -> Period:
    """The last whole week before ``now`` that ends at the person's digest day and
    hour: what the weekly "what we now believe" message covers."""
    current = period_of(now, Cadence.WEEKLY, zone=zone, hour=hour, weekday=weekday)
    tz = ZoneInfo(zone)
    day = current.start.astimezone(tz).date()
    return Period(_at(day - timedelta(days=7), hour, tz), current.start)
