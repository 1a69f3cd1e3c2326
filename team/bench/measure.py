"""Render pages through Streamlit's AppTest (in this process) and measure them: the
median time of a warm rerun (caches allowed) and of a cold run (``st.cache_data``
cleared first; the engine and settings resources are kept), and the SQL statements
and rows each run costs. The same procedure over an empty page gives the framework
floor."""

from __future__ import annotations

import gc
import logging
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as st_config
from streamlit.logger import set_log_level
from streamlit.testing.v1 import AppTest

from team.bench.instrument import OverBudget, QueryCounter, Tally
from team.bench.targets import Target
from team.config import CONFIG_ENV

APP = Path(__file__).resolve().parents[2] / "app.py"
BARE_PAGE = Path(__file__).with_name("bare_page.py")
PAGES = "team/ui/pages"  # relative to app.py
BUDGET = 60.0  # seconds one run may take before the page is stopped and reported so
GRACE = 60.0  # more seconds before AppTest gives up a run stuck outside the database
SLOW_MS = 10_000.0  # a page whose first run takes longer is timed once warm and once cold
COLD_NOTE = (
    "cold = st.cache_data cleared before each run (the app's cached reads); the engine "
    "and settings (st.cache_resource) are kept"
)


@dataclass
class Sample:
    """One page (or the floor) measured at one data size."""

    warm_ms: float
    cold_ms: float
    warm_statements: int
    cold_statements: int
    warm_rows: int
    cold_rows: int
    error: str | None = None
    runs: int = 0  # warm reruns timed (and as many cold runs)
    over_budget: bool = False  # stopped: times and counts are lower bounds
    warm_known: bool = True  # False when the first run was stopped: no warm rerun ran
    statements: list[tuple[str, Any]] = field(default_factory=list)  # of the first cold run


def _not_over_budget(record: logging.LogRecord) -> bool:
    """Keep the traceback of a page that raised; drop the ones of pages the benchmark
    stopped itself (the report says so)."""
    return not (record.exc_info and isinstance(record.exc_info[1], OverBudget))


def config_for(url: str, folder: Path) -> Path:
    """A config file in ``folder`` that points the app at ``url``, on loopback in local
    mode."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    return config


@contextmanager
def app_environment() -> Iterator[None]:
    """Quiet, loopback surroundings for the app run in this process; the environment is
    restored afterwards. Which database a run uses is chosen per run (``config_for``)."""
    names = (CONFIG_ENV, "TEAM_DATABASE_URL", "STREAMLIT_SERVER_ADDRESS")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("TEAM_DATABASE_URL", None)
    os.environ["STREAMLIT_SERVER_ADDRESS"] = "127.0.0.1"
    st_config.set_option("server.address", "127.0.0.1")
    set_log_level("error")  # "No runtime found" and the like, once per cleared cache
    st_config.set_option("logger.enableRich", False)
    logging.getLogger("streamlit.error_util").addFilter(_not_over_budget)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def clear_caches() -> None:
    """What a cold run starts from: no cached data (every write to the database makes
    the app's cached reads miss in the same way). Resources (the engine) stay."""
    st.cache_data.clear()


def _error(at: AppTest) -> str | None:
    if at.exception:
        return str(at.exception[0].value).strip().splitlines()[0]
    if any(title.value == "Who are you?" for title in at.title):
        return "the app did not accept the person (it shows the picker)"
    return None


def _run(at: AppTest, counter: QueryCounter, budget: float) -> tuple[float, Tally]:
    """One run: (ms, tally). Past ``budget`` s the page's next statement raises; a page
    stuck outside the database is given up by AppTest a little later."""
    gc.collect()  # garbage of earlier runs is collected now, not inside this run's time
    with counter.counting(budget=budget) as tally:
        start = time.perf_counter()
        try:
            at.run(timeout=budget + GRACE)
        except RuntimeError:  # AppTest's own timeout
            tally.over_budget = True
        elapsed = time.perf_counter() - start
    return elapsed * 1000, tally


def _over_budget(tally: Tally, budget: float, *, warm_known: bool) -> Sample:
    """A page that did not finish in time: times and statements are lower bounds. When
    its first run (from empty caches) was stopped, nothing is known of a warm rerun."""
    return Sample(
        warm_ms=budget * 1000 if warm_known else math.nan,
        cold_ms=budget * 1000,
        warm_statements=tally.statements if warm_known else 0,
        cold_statements=tally.statements,
        warm_rows=tally.rows if warm_known else 0,
        cold_rows=tally.rows,
        error=f"did not finish within {budget:.0f} s ({tally.statements:,} statements by then)",
        over_budget=True,
        warm_known=warm_known,
    )


@dataclass
class Subject:
    """One page (or the floor) over one database: how to open it, and the config that
    points the app at that database."""

    config: Path
    open_app: Callable[[], AppTest]


@dataclass
class _Trial:
    """A subject being measured: its app, and the runs timed so far."""

    at: AppTest
    config: Path
    times: int  # warm reruns (and cold runs) to time
    error: str | None
    warm: list[tuple[float, Tally]] = field(default_factory=list)
    cold: list[tuple[float, Tally]] = field(default_factory=list)
    stopped: Sample | None = None  # set when a run went over budget


def _start(subject: Subject, repeat: int, counter: QueryCounter, budget: float) -> _Trial:
    """A first run from empty caches, not measured: it also starts the session and, for
    the first page, creates the engine. A page whose first run was slower than SLOW_MS
    is timed once warm and once cold afterwards; a page that raised is not timed."""
    os.environ[CONFIG_ENV] = str(subject.config)
    at = subject.open_app()
    first_ms, first = _run(at, counter, budget)
    if first.over_budget:
        trial = _Trial(at, subject.config, 0, None)
        trial.stopped = _over_budget(first, budget, warm_known=False)
        return trial
    error = _error(at)
    times = 0 if error else repeat if first_ms < SLOW_MS else 1
    return _Trial(at, subject.config, times, error)


def _take_turns(trials: list[_Trial], counter: QueryCounter, budget: float, *, cold: bool) -> None:
    """Time the runs of every trial in turn (the first's first run, the second's first
    run, ..., then every second run), so that a change in the machine's load while they
    run falls on each of them alike."""
    for i in range(max((t.times for t in trials), default=0)):
        for trial in trials:
            if i >= trial.times or trial.stopped is not None:
                continue
            os.environ[CONFIG_ENV] = str(trial.config)
            if cold:
                clear_caches()
            ms, tally = _run(trial.at, counter, budget)
            (trial.cold if cold else trial.warm).append((ms, tally))
            if tally.over_budget:
                trial.stopped = _over_budget(tally, budget, warm_known=True)


def _sample(trial: _Trial) -> Sample:
    if trial.stopped is not None:
        return trial.stopped

    def median(runs: list[tuple[float, Tally]]) -> float:
        return statistics.median(ms for ms, _ in runs) if runs else math.nan

    warm, cold = trial.warm, trial.cold
    return Sample(
        warm_ms=median(warm),
        cold_ms=median(cold),
        warm_statements=max((t.statements for _, t in warm), default=0),
        cold_statements=max((t.statements for _, t in cold), default=0),
        warm_rows=max((t.rows for _, t in warm), default=0),
        cold_rows=max((t.rows for _, t in cold), default=0),
        error=trial.error or _error(trial.at),
        runs=len(warm),
        statements=cold[0][1].texts if cold else [],
    )


def measure(
    subjects: list[Subject], repeat: int, counter: QueryCounter, budget: float = BUDGET
) -> list[Sample]:
    """Measure the subjects side by side (usually one page over each data size): a first
    run of each, then ``repeat`` warm reruns of each taken in turns, then ``repeat`` cold
    runs of each taken in turns. One sample per subject, in order."""
    clear_caches()  # once: each subject's cached reads are keyed by its database's URL
    trials = [_start(subject, repeat, counter, budget) for subject in subjects]
    _take_turns(trials, counter, budget, cold=False)
    _take_turns(trials, counter, budget, cold=True)
    return [_sample(trial) for trial in trials]


def page_subject(target: Target, config: Path) -> Subject:
    """``target.page`` as ``target.person_id`` with ``target.query`` in the URL, over the
    database ``config`` points at."""

    def open_app() -> AppTest:
        at = AppTest.from_file(str(APP))
        at.session_state["person_id"] = target.person_id
        for key, value in target.query:
            at.query_params[key] = value
        # Each page's url_path is its file's name, so the first run can open it.
        at.switch_page(f"{PAGES}/{target.page}.py")
        return at

    return Subject(config, open_app)


def floor_subject(config: Path) -> Subject:
    """A Streamlit page that shows nothing (the framework floor)."""
    return Subject(config, lambda: AppTest.from_file(str(BARE_PAGE)))
