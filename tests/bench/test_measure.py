"""The benchmark's instruments: the statement and row counter (on SQLite and
PostgreSQL), that no page issues more statements when the data grows, the report's
last line, and `team bench` refusing what it must refuse. Timings stay in the
benchmark itself; nothing here asserts a duration."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from team.bench import measure as measure_module
from team.bench.instrument import OverBudget, QueryCounter
from team.bench.measure import Sample, Subject, app_environment, config_for, measure
from team.bench.report import report, summary
from team.bench.runner import Options, SizeResult, run
from team.bench.sizes import SIZES, scaled
from team.bench.targets import Target
from team.cli import app
from team.config import CONFIG_ENV
from team.db import make_engine, upgrade
from team.models import Project
from team.ui.navigation import page_names_for
from team.vocabulary import Role

os.environ.setdefault("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")


def _projects(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        session.add_all(Project(name=f"Project {i}") for i in range(count))
        session.commit()


# --------------------------------------------------------------------------- the counter


def test_counter_counts_each_statement_and_every_row_fetched(engine: Engine) -> None:
    _projects(engine, 4)
    counter = QueryCounter(keep_text=True)
    with counter.counting() as tally, Session(engine) as session:
        everything = session.execute(select(Project)).all()  # 4 rows
        first = session.execute(
            select(col(Project.name)).where(col(Project.name) == "Project 0")
        ).one()
        count = session.scalar(select(func.count()).select_from(Project))  # 1 row
    assert (len(everything), first, count) == (4, ("Project 0",), 4)
    assert tally.statements == 3
    assert tally.rows == 4 + 1 + 1
    assert [s.split()[0] for s, _params in tally.texts] == ["SELECT"] * 3


def test_counter_sees_engines_made_before_it_and_stops_after_the_block(engine: Engine) -> None:
    _projects(engine, 2)
    counter = QueryCounter()
    with counter.counting() as tally, engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM project")).all()
        conn.execute(text("UPDATE project SET description = 'x'"))  # no rows fetched
        conn.commit()
    with engine.connect() as conn:
        conn.execute(text("SELECT id FROM project")).all()  # after the block: not counted
    assert len(rows) == 2
    assert (tally.statements, tally.rows) == (2, 2)


def test_counter_counts_rows_fetched_one_by_one_and_in_batches(engine: Engine) -> None:
    _projects(engine, 5)
    counter = QueryCounter()
    with counter.counting() as tally, engine.connect() as conn:
        result = conn.execute(text("SELECT id FROM project ORDER BY id"))
        one = result.fetchone()
        batch = result.fetchmany(2)
        # Only what is read counts: two rows stay unread.
        result.close()
        streamed = list(conn.execute(text("SELECT id FROM project")))
    assert one is not None and len(batch) == 2 and len(streamed) == 5
    assert (tally.statements, tally.rows) == (2, 1 + 2 + 5)


def test_a_block_past_its_budget_is_stopped_at_its_next_statement(engine: Engine) -> None:
    _projects(engine, 1)
    counter = QueryCounter()
    with (
        counter.counting(budget=0) as tally,
        engine.connect() as conn,
        pytest.raises(OverBudget),
    ):
        conn.execute(text("SELECT id FROM project")).all()
    assert tally.over_budget
    assert (tally.statements, tally.rows) == (0, 0)
    with counter.counting(budget=3600) as tally, engine.connect() as conn:
        conn.execute(text("SELECT id FROM project")).all()
    assert not tally.over_budget
    assert (tally.statements, tally.rows) == (1, 1)


# --------------------------------------------------------------------------- the pages


@pytest.fixture(scope="module")
def two_sizes(tmp_path_factory: pytest.TempPathFactory) -> list[SizeResult]:
    """Every page x role measured at two small generated sizes, the second three times
    the first: a first run, then one warm rerun and one cold run, each counted."""
    base = SIZES["L"]
    options = Options(
        sizes=[scaled(base, 0.001), scaled(base, 0.003)],
        repeat=1,
        folder=tmp_path_factory.mktemp("bench"),
        keep_statements=True,
    )
    return run(options, progress=None)


def _extra_statements(small: Sample, big: Sample) -> list[str]:
    """The statements the bigger size's cold run sent more often (start of their text)."""

    def counts(sample: Sample) -> Counter[str]:
        return Counter(" ".join(text.split())[:110] for text, _params in sample.statements)

    extra = counts(big) - counts(small)
    return [f"    +{n} {text}" for text, n in extra.items()]


def test_every_page_is_measured_for_every_role_that_sees_it(
    two_sizes: list[SizeResult],
) -> None:
    for result in two_sizes:
        measured = {(t.page, t.role) for t, _sample in result.samples.values()}
        expected = {(page, role) for role in Role for page in page_names_for(role)}
        assert measured == expected, result.size.name
        raised = [f"{t.label}: {s.error}" for t, s in result.samples.values() if s.error]
        assert not raised
        assert all(s.cold_statements > 0 for _t, s in result.samples.values())
    smaller, bigger = two_sizes
    assert sum(bigger.rows.values()) > sum(smaller.rows.values())


def test_no_page_issues_more_statements_when_the_data_grows(
    two_sizes: list[SizeResult],
) -> None:
    smaller, bigger = two_sizes
    grown = []
    for key, (target, small) in smaller.samples.items():
        big = bigger.samples[key][1]
        for run_kind, before, after in (
            ("warm", small.warm_statements, big.warm_statements),
            ("cold", small.cold_statements, big.cold_statements),
        ):
            if after > before:
                grown.append(f"{target.label} {run_kind}: {before} -> {after}")
                if run_kind == "cold":
                    grown += _extra_statements(small, big)
    assert not grown, "statements grow with the data:\n" + "\n".join(grown)


# --------------------------------------------------------------------------- the report


class _FakeApp:
    """Stands in for an AppTest: records, in ``log``, which config each run saw and
    whether the cached data had been cleared since the previous run."""

    cleared = False  # set by clear_caches (patched), reset by the next run

    def __init__(self, name: str, log: list[tuple[str, str, bool]]) -> None:
        self.name, self.log = name, log
        self.exception: list[object] = []
        self.title: list[object] = []

    def run(self, timeout: float) -> None:
        cleared = _FakeApp.cleared
        _FakeApp.cleared = False
        self.log.append((self.name, Path(os.environ[CONFIG_ENV]).parent.name, cleared))


def _opener(name: str, log: list[tuple[str, str, bool]]) -> Callable[[], AppTest]:
    """How a Subject opens its app, here a _FakeApp standing in for the AppTest."""

    def open_app() -> AppTest:
        return cast(AppTest, _FakeApp(name, log))

    return open_app


def test_sizes_are_measured_in_turns_each_over_its_own_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(measure_module, "clear_caches", lambda: setattr(_FakeApp, "cleared", True))
    subjects = [
        Subject(config_for("sqlite://", tmp_path / name), _opener(name, log)) for name in ("S", "L")
    ]
    with app_environment():
        samples = measure(subjects, 3, QueryCounter())
    assert [s.runs for s in samples] == [3, 3]
    # A first run each from empty caches, not timed; clearing them again before L's
    # first run would make S's first warm rerun a cold one.
    first = [("S", "S", True), ("L", "L", False)]
    warm = [("S", "S", False), ("L", "L", False)] * 3
    cold = [("S", "S", True), ("L", "L", True)] * 3
    assert log == first + warm + cold


def _sample(warm: float, cold: float, statements: int) -> Sample:
    return Sample(warm, cold, statements, statements + 5, 10, 100, runs=1)


def test_report_ends_with_the_worst_ratios_and_the_most_statements() -> None:
    small, big = scaled(SIZES["L"], 0.001), scaled(SIZES["L"], 0.002)
    pages = [("overview", 10.0, 20.0, 3, 30.0, 30.0, 3), ("team", 10.0, 12.0, 4, 20.0, 200.0, 9)]
    results = [SizeResult(small, "sqlite://", 0.5, {"person": 9}, _sample(5, 5, 0))]
    results.append(SizeResult(big, "sqlite://", 1.5, {"person": 9}, _sample(5, 5, 0)))
    for name, warm_s, warm_l, stmts_s, cold_s, cold_l, stmts_l in pages:
        target = Target(name, Role.MANAGER, "default", 1)
        results[0].samples[target.key] = (target, _sample(warm_s, cold_s, stmts_s))
        results[1].samples[target.key] = (target, _sample(warm_l, cold_l, stmts_l))
    ratio = f"{big.name}/{small.name}"
    expected = (
        f"worst warm {ratio} 2.00 (overview/manager/default), worst cold {ratio} 10.00 "
        "(team/manager/default), most statements 14 (team/manager/default)"
    )
    lines = report(results, backend="SQLite", repeat=1, budget=60)
    assert lines[-1] == summary(results) == expected
    row = next(line for line in lines if line.split()[:2] == ["team", "manager"])
    assert "10.00!" in row  # the cold ratio is past the target of 5
    assert any(line.startswith(f"time to generate {big.name}: 1.5 s") for line in lines)


def test_a_page_stopped_at_its_budget_counts_as_a_lower_bound() -> None:
    small, big = scaled(SIZES["L"], 0.001), scaled(SIZES["L"], 0.002)
    target = Target("attention", Role.IC, "default", 4)
    results = [SizeResult(size, "sqlite://", 0.5, {}, _sample(5, 5, 0)) for size in (small, big)]
    results[0].samples[target.key] = (target, _sample(100, 200, 6))
    # Stopped in a warm rerun: both times are lower bounds.
    stopped = Sample(60_000, 60_000, 900, 900, 5, 5, error="did not finish", over_budget=True)
    results[1].samples[target.key] = (target, stopped)
    lines = report(results, backend="SQLite", repeat=1, budget=60)
    ratio = f"{big.name}/{small.name}"
    assert lines[-1] == (
        f"worst warm {ratio} >600.00 (attention/ic/default), worst cold {ratio} >300.00 "
        "(attention/ic/default), most statements 900+ (attention/ic/default)"
    )
    row = next(line for line in lines if line.startswith("attention"))
    assert ">60000" in row and "6/900+ | 11/900+!" in row
    assert f"{big.name}: attention/ic/default did not finish" in lines
    # Stopped in its first run: no warm rerun ran, so only the cold ratio is known.
    first_stopped = Sample(
        math.nan, 60_000, 0, 900, 0, 5, error="x", over_budget=True, warm_known=False
    )
    results[1].samples[target.key] = (target, first_stopped)
    lines = report(results, backend="SQLite", repeat=1, budget=60)
    assert lines[-1].startswith(f"worst warm {ratio} n/a, worst cold {ratio} >300.00")
    row = next(line for line in lines if line.startswith("attention"))
    assert "6/? | 11/900+!" in row


def test_a_page_that_raised_is_reported_and_left_out_of_the_summary() -> None:
    size = scaled(SIZES["L"], 0.001)
    result = SizeResult(size, "sqlite://", 0.5, {}, _sample(5, 5, 0))
    target = Target("overview", Role.VIEWER, "default", 3)
    broken = Sample(math.nan, math.nan, 0, 4, 0, 0, error="KeyError: 7")
    result.samples[target.key] = (target, broken)
    lines = report([result], backend="SQLite", repeat=1, budget=60)
    assert f"{size.name}: overview/viewer/default raised: KeyError: 7" in lines
    assert lines[-1].endswith("most statements n/a")


# --------------------------------------------------------------------------- the command


def test_bench_refuses_an_unknown_size() -> None:
    result = CliRunner().invoke(app, ["bench", "--sizes", "S,XL"])
    assert result.exit_code == 1
    assert "Unknown size XL; choose from S, L" in result.stderr


def test_bench_refuses_to_wipe_a_database_that_holds_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'precious.db'}"
    engine = make_engine(url)
    upgrade(engine)
    _projects(engine, 1)
    result = CliRunner().invoke(app, ["bench", "--url", url, "--sizes", "S"])
    assert result.exit_code == 1
    assert "is not empty and the benchmark would wipe it; pass --yes" in result.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 1
    engine.dispose()
