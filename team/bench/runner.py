"""`team bench`: for each data size, fill a database, then measure every page x role
(and the empty-page floor) through AppTest; optionally in a real browser at the
largest size."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol, TextIO

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from team.bench.databases import prepare, settle, sqlite_url
from team.bench.instrument import QueryCounter
from team.bench.measure import (
    BUDGET,
    Sample,
    app_environment,
    config_for,
    floor_subject,
    measure,
    page_subject,
)
from team.bench.sizes import Size
from team.bench.targets import Target, targets
from team.db import make_engine


class Generator(Protocol):
    def __call__(
        self, engine: Engine, size: Size, *, seed: int = 7, today: date | None = None
    ) -> dict[str, int]: ...


@dataclass
class SizeResult:
    """Everything measured at one data size."""

    size: Size
    url: str
    generate_s: float
    rows: dict[str, int]
    floor: Sample
    samples: dict[tuple[str, str, str], tuple[Target, Sample]] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    sizes: list[Size]
    repeat: int = 5
    url: str | None = None  # one database reused for every size; None: SQLite files
    folder: Path | None = None  # where SQLite files and configs go; None: a temp folder
    confirmed: bool = False  # wipe a database that is not empty
    pages: list[str] | None = None  # only these pages
    keep_statements: bool = False  # keep statement texts (--verbose)
    budget: float = BUDGET  # seconds a page's run may take before it is stopped


def _default_generator() -> Generator:
    from team.bench.generate import generate

    return generate


def say(out: TextIO | None, message: str) -> None:
    """A progress line on ``out`` (None: quiet)."""
    if out is not None:
        print(message, file=out, flush=True)


def fill(
    url: str, size: Size, options: Options, generator: Generator
) -> tuple[float, dict[str, int]]:
    """Wipe (if allowed) and migrate the database at ``url``, then generate ``size``
    (timed) and let the database settle (``settle``)."""
    engine = prepare(url, confirmed=options.confirmed)
    try:
        start = time.perf_counter()
        rows = generator(engine, size)
        seconds = time.perf_counter() - start
        settle(engine)
        return seconds, rows
    finally:
        engine.dispose()


@dataclass
class _Filled:
    """One size's database, filled, with the targets found in it."""

    size: Size
    url: str
    seconds: float
    rows: dict[str, int]
    targets: dict[tuple[str, str, str], Target]


def _fill(
    url: str, size: Size, options: Options, generator: Generator, progress: TextIO | None
) -> _Filled:
    seconds, rows = fill(url, size, options, generator)
    say(progress, f"{size.name}: generated in {seconds:.1f} s ({sum(rows.values()):,} rows)")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            found = targets(session, options.pages)
    finally:
        engine.dispose()
    return _Filled(size, url, seconds, rows, {t.key: t for t in found})


def measure_sizes(
    filled: list[_Filled],
    options: Options,
    folder: Path,
    counter: QueryCounter,
    progress: TextIO | None = None,
) -> list[SizeResult]:
    """Measure the floor and every target in each filled database. Each page is measured
    at every size side by side, its runs at each size taken in turns, so a change in the
    machine's load in the meantime falls on all sizes alike rather than on one size's."""
    configs = [config_for(f.url, folder / f.size.name) for f in filled]
    with app_environment():
        floors = measure(
            [floor_subject(c) for c in configs], options.repeat, counter, options.budget
        )
        results = [
            SizeResult(f.size, f.url, f.seconds, f.rows, floor)
            for f, floor in zip(filled, floors, strict=True)
        ]
        keys = list(dict.fromkeys(key for f in filled for key in f.targets))
        for key in keys:
            present = [
                (result, f.targets[key], config)
                for f, result, config in zip(filled, results, configs, strict=True)
                if key in f.targets
            ]
            subjects = [page_subject(target, config) for _, target, config in present]
            samples = measure(subjects, options.repeat, counter, options.budget)
            for (result, target, _), sample in zip(present, samples, strict=True):
                result.samples[key] = (target, sample)
                say(progress, f"{result.size.name}: {target.label} {_brief(sample)}")
    return results


def _brief(sample: Sample) -> str:
    if sample.error:
        return sample.error if sample.over_budget else f"raised {sample.error}"
    return (
        f"warm {sample.warm_ms:.0f} ms, cold {sample.cold_ms:.0f} ms, "
        f"{sample.warm_statements}/{sample.cold_statements} statements"
    )


@contextmanager
def work_folder(folder: Path | None, prefix: str = "team-bench-") -> Iterator[Path]:
    """``folder`` (made if missing, kept afterwards), or a temporary one removed after."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


def _for_each(each: Callable[[SizeResult], None] | None, results: list[SizeResult]) -> None:
    if each is None:
        return
    for result in results:
        each(result)


def run(
    options: Options,
    *,
    generator: Generator | None = None,
    progress: TextIO | None = sys.stderr,
    after: Callable[[list[SizeResult], Path], None] | None = None,
    each: Callable[[SizeResult], None] | None = None,
) -> list[SizeResult]:
    """Measure every size. ``each(result)`` runs once a size's pages are measured, while
    its data is in place; ``after(results, folder)`` runs while the databases still
    exist (the last size's data is in place, for --browser and --verbose)."""
    make = generator or _default_generator()
    counter = QueryCounter(keep_text=options.keep_statements)
    results: list[SizeResult] = []
    with work_folder(options.folder) as folder:
        # A fresh engine resource per database: the same URL may hold other data than before.
        st.cache_resource.clear()
        if options.url is None:  # a file per size: fill them all, then measure side by side
            filled = [
                _fill(sqlite_url(folder, size.name), size, options, make, progress)
                for size in options.sizes
            ]
            results = measure_sizes(filled, options, folder, counter, progress)
            _for_each(each, results)
        else:  # one database for every size: measure each size while it is in place
            for size in options.sizes:
                one = _fill(options.url, size, options, make, progress)
                measured = measure_sizes([one], options, folder, counter, progress)
                _for_each(each, measured)
                results += measured
                st.cache_resource.clear()
        st.cache_resource.clear()
        if after is not None:
            after(results, folder)
    return results
