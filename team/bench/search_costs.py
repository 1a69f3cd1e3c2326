"""The search's costs beside the pages, measured in the same `team bench` run and
printed as the issue's goals (never asserted by a test): the "have we asked this
before?" lookup (``similar``) for a new question's title and a new finding's summary at
each size; and, at the last size, the index build and its cost on writes
(index_costs.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session

from team import db
from team.bench.index_costs import SEED, IndexCosts, index_costs
from team.bench.runner import SizeResult
from team.bench.targets import busiest_ic, busiest_manager
from team.bench.texts import Texts
from team.services.search.kinds import Kind
from team.services.search.reads import similar

SIMILAR_RUNS = 7

# The goals.
SIMILAR_GOAL_MS = 100.0
BUILD_GOAL_S = 60.0
WRITE_GOAL_RATIO = 1.2


def _median_ms(call: Callable[[], object], runs: int) -> float:
    """The median time of ``runs`` calls, after one untimed call."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --------------------------------------------------------------------------- similar()


@dataclass(frozen=True)
class SimilarTimes:
    """similar() at one size: median ms for a question title and a finding summary, and
    how many existing ones it offered."""

    size: str
    question_ms: float
    finding_ms: float
    question_hits: int
    finding_hits: int


def new_texts(seed: int = SEED) -> tuple[str, str]:
    """A new general question's title and a new finding's summary, as people write them."""
    text = Texts(Random(seed))
    return text.root_title(), text.finding("result")


def time_similar(engine: Engine, size: str, runs: int = SIMILAR_RUNS) -> SimilarTimes | None:
    """similar() as a manager asking a new question and as an IC logging a new finding
    (the busiest of each; a manager when there is no IC); None without a manager."""
    title, summary = new_texts()
    with Session(engine) as session:
        manager = busiest_manager(session)
        ic = busiest_ic(session) or manager
    if manager is None or ic is None:
        return None
    found: dict[Kind, int] = {}

    def lookup(person: int, kind: Kind, text: str) -> Callable[[], None]:
        def call() -> None:
            with Session(engine) as session:
                found[kind] = len(similar(session, person, kind=kind, text=text))

        return call

    question_ms = _median_ms(lookup(manager, Kind.QUESTION, title), runs)
    finding_ms = _median_ms(lookup(ic, Kind.FINDING, summary), runs)
    return SimilarTimes(size, question_ms, finding_ms, found[Kind.QUESTION], found[Kind.FINDING])


# --------------------------------------------------------------------------- report


def _goal(met: bool) -> str:
    return "met" if met else "MISSED"


def similar_lines(times: list[SimilarTimes]) -> list[str]:
    if not times:
        return []
    title, summary = new_texts()
    lines = [
        f"similar titles (similar(), median of {SIMILAR_RUNS} runs): a manager's new question "
        f"“{title}”, an IC's new finding “{summary}”:"
    ]
    for t in times:
        lines.append(
            f"  {t.size}: question {t.question_ms:.1f} ms ({t.question_hits} offered), "
            f"finding {t.finding_ms:.1f} ms ({t.finding_hits} offered)"
        )
    last = times[-1]
    worst = max(last.question_ms, last.finding_ms)
    lines.append(
        f"  goal < {SIMILAR_GOAL_MS:.0f} ms at {last.size}: {worst:.1f} ms, "
        f"{_goal(worst < SIMILAR_GOAL_MS)}"
    )
    return lines


def index_lines(size: str, costs: IndexCosts) -> list[str]:
    w = costs.writes
    how = (
        "the two copies written to in turns"
        if w.in_turns
        else "one after the other: with the index, then without (at 0003)"
    )
    without = "without the search triggers" if w.in_turns else "without the search index"
    built = costs.build_s
    return [
        f"index build at {size} (migration 0004 over its rows, from 0003): {built:.1f} s; "
        f"goal < {BUILD_GOAL_S:.0f} s, {_goal(built < BUILD_GOAL_S)}",
        f"write cost of the index at {size}: {w.writes} writes a side (findings logged, then "
        f"edited, through the services; {w.per_round} a round, median round): with the index "
        f"{w.with_index_ms:.1f} ms a write, {without} {w.without_index_ms:.1f} ms: "
        f"{w.ratio:.2f}x; goal <= {WRITE_GOAL_RATIO}x, {_goal(w.ratio <= WRITE_GOAL_RATIO)} "
        f"({how})",
    ]


class SearchCosts:
    """Collects the measurements above during a `team bench` run: similar() at each size
    (``each``), the index build and the write cost at the last size (``after``)."""

    def __init__(self, progress: TextIO | None = None) -> None:
        self.progress = progress
        self.similar: list[SimilarTimes] = []
        self.index: tuple[str, IndexCosts] | None = None

    def _say(self, message: str) -> None:
        if self.progress is not None:
            print(message, file=self.progress, flush=True)

    def each(self, result: SizeResult) -> None:
        engine = db.make_engine(result.url)
        try:
            times = time_similar(engine, result.size.name)
        finally:
            engine.dispose()
        if times is not None:
            self.similar.append(times)
            self._say(
                f"{times.size}: similar titles: question {times.question_ms:.1f} ms, "
                f"finding {times.finding_ms:.1f} ms"
            )

    def after(self, results: list[SizeResult], folder: Path) -> None:
        last = results[-1]
        self._say(f"{last.size.name}: timing the index build and the writes with and without it")
        self.index = last.size.name, index_costs(last.url, folder)

    def lines(self) -> list[str]:
        found = similar_lines(self.similar)
        if self.index is not None:
            found += index_lines(*self.index)
        if not found:
            return []
        return [
            "search index (the issue's goals, measured in this run):",
            *(f"  {f}" for f in found),
        ]
