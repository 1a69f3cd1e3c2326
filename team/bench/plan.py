"""The state every builder of the generated organisation shares: the random source, the
clock, the team, the rows per table and the events with their priority.

Times are POSIX seconds (floats) while rows are built; the writer turns them into aware
UTC datetimes. Every time lies in the two years before midnight (UTC) of ``today``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from random import Random
from typing import Any

from team.bench.sizes import Size
from team.bench.texts import Texts
from team.services.core.events import text_of

Row = dict[str, Any]
DAY = 86_400.0
HOUR = 3_600.0
HISTORY_DAYS = 730

# (at, actor id, entity, entity id, action, field, old, new, root id)
Ev = tuple[float, int | None, str, int, str, str | None, str | None, str | None, int | None]

# Optional events, most wanted first; a size with fewer events keeps the first tiers.
ASSIGNMENTS, REVIEW_MOVES, FOLLOW_UPS, FINDING_MOVES = range(4)
TIERS = 4


class Weighted:
    """A categorical distribution with whole-number weights, drawn by one table lookup
    (``random.choices`` is too slow for a million draws)."""

    def __init__(self, options: tuple[str, ...], weights: tuple[int, ...]) -> None:
        self.table = tuple(o for o, w in zip(options, weights, strict=True) for _ in range(w))

    def draw(self, rng: Random) -> str:
        return self.table[int(rng.random() * len(self.table))]


@dataclass
class Team:
    managers: list[int] = field(default_factory=list)
    ics: list[int] = field(default_factory=list)
    viewers: list[int] = field(default_factory=list)
    boss: dict[int, int | None] = field(default_factory=dict)
    reports: dict[int, list[int]] = field(default_factory=dict)  # manager -> ICs
    gone: dict[int, float] = field(default_factory=dict)  # deactivated person -> when

    def active_at(self, person: int, at: float) -> bool:
        return person not in self.gone or at < self.gone[person]

    def writers(self) -> list[int]:
        return self.managers + self.ics


class Plan:
    def __init__(self, size: Size, seed: int, today: date) -> None:
        self.size = size
        self.rng = Random(seed)
        self.text = Texts(self.rng)
        self.today = today
        self.now = datetime.combine(today, time(0), UTC).timestamp()
        self.end = self.now - 1.0  # every generated time is before this
        self.start = self.now - HISTORY_DAYS * DAY
        self.team = Team()
        self.rows: dict[str, list[Row]] = {}
        # project id -> (first, last) time it may get a new general question
        self.project_window: dict[int, tuple[float, float]] = {}
        self.required: list[Ev] = []
        # tier -> groups of events that only make sense together (one entity's moves)
        self.optional: list[list[list[Ev]]] = [[] for _ in range(TIERS)]

    # ------------------------------------------------------------------ randomness
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def draw(self, distribution: Weighted) -> str:
        return distribution.draw(self.rng)

    def pick(self, items: list[int]) -> int:
        return items[int(self.rng.random() * len(items))]

    def between(self, lo: float, hi: float) -> float:
        """A time strictly after ``lo`` and before ``hi`` (or before the end of history
        when ``hi`` is not after ``lo``). ``lo`` must be before the end."""
        hi = min(hi, self.end)
        if hi <= lo:
            hi = self.end
        return lo + (hi - lo) * (0.001 + 0.998 * self.rng.random())

    def after(self, lo: float, median_hours: float, hi: float | None = None) -> float:
        """``lo`` plus a log-normal delay of about ``median_hours``, kept before ``hi``
        (and the end): squeezed into what is left when it would run past."""
        limit = min(self.end if hi is None else hi, self.end)
        delay = math.exp(0.9 * self.rng.gauss()) * median_hours * HOUR
        if lo + delay < limit:
            return lo + delay
        return self.between(lo, limit)

    # ------------------------------------------------------------------ people
    def actor(self, person: int, at: float, fallback: int) -> int:
        """``person`` if still active at ``at``, else ``fallback``."""
        return person if self.team.active_at(person, at) else fallback

    def ic_of(self, manager: int, at: float) -> int:
        """An IC active at ``at``, usually one of ``manager``'s reports."""
        team = self.team
        pool = team.reports.get(manager, []) if self.chance(0.8) else team.ics
        active = [p for p in pool if team.active_at(p, at)]
        if not active:
            active = [p for p in team.ics if team.active_at(p, at)] or team.managers
        return self.pick(active)

    def other_writer(self, than: int, at: float) -> int:
        """A manager or IC other than ``than``, active at ``at``."""
        team = self.team
        pool = team.managers if self.chance(0.55) else team.ics
        for _ in range(8):
            person = self.pick(pool)
            if person != than and team.active_at(person, at):
                return person
            pool = team.writers()
        return next(p for p in team.managers + team.ics if p != than and team.active_at(p, at))

    # ------------------------------------------------------------------ events
    def event(
        self,
        at: float,
        actor: int | None,
        entity: str,
        entity_id: int,
        action: str,
        field: str | None = None,
        old: object = None,
        new: object = None,
        root: int | None = None,
    ) -> Ev:
        return (at, actor, entity, entity_id, action, field, text_of(old), text_of(new), root)

    def must(self, ev: Ev) -> None:
        self.required.append(ev)

    def maybe(self, tier: int, group: list[Ev]) -> None:
        if group:
            self.optional[tier].append(group)

    def status_steps(
        self,
        entity: str,
        entity_id: int,
        start: str,
        steps: list[tuple[float, str, int]],
        root: int | None,
    ) -> list[Ev]:
        """One ``updated status`` event per step (when, new status, who)."""
        out, old = [], start
        for at, status, who in steps:
            out.append(
                self.event(at, who, entity, entity_id, "updated", "status", old, status, root)
            )
            old = status
        return out
