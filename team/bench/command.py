"""What `team bench` does, apart from parsing its options (team/cli.py)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from team.bench.databases import BenchError
from team.bench.import_costs import ImportCosts
from team.bench.notify_costs import INBOX_PAGE, NotifyCosts
from team.bench.report import report
from team.bench.runner import Options, SizeResult, run
from team.bench.search_costs import SearchCosts
from team.bench.sizes import SIZES, Size
from team.db import make_engine, shown
from team.models import Person
from team.ui.navigation import all_page_names
from team.vocabulary import Role

ROLE_LABELS = {Role.MANAGER: "manager", Role.IC: "IC", Role.VIEWER: "viewer"}


def parse_sizes(text: str) -> list[Size]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown or not names:
        raise BenchError(
            f"Unknown size {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(SIZES)}, separated by commas (e.g. --sizes S,L)."
        )
    if len(set(names)) < len(names):
        raise BenchError(f"Size names repeat in --sizes {text}; give each size once.")
    return [SIZES[n] for n in names]


def parse_pages(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in all_page_names()]
    if unknown or not names:
        raise BenchError(
            f"Unknown page {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(all_page_names())}."
        )
    return names


def _picker_label(url: str, person_id: int) -> str:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            person = session.get(Person, person_id)
            assert person is not None
            return f"{person.name} · {ROLE_LABELS[Role(person.role)]}"
    finally:
        engine.dispose()


def _browser_lines(last: SizeResult, folder: Path, repeat: int) -> list[str]:
    from team.bench.browser import measure_browser

    people = {t.role: t.person_id for t, _ in last.samples.values()}
    person_id = people.get(Role.MANAGER) or next(iter(people.values()), None)
    if person_id is None:
        raise BenchError("No person to sign in as in the generated data; --browser needs one.")
    config = folder / last.size.name / "config.yaml"
    result = measure_browser(config, _picker_label(last.url, person_id), folder, repeat)
    return result.lines(last.size.name)


def _plan_lines(last: SizeResult) -> list[str]:
    from team.bench.explain import explain

    engine = make_engine(last.url)
    try:
        lines = [f"query plans at {last.size.name} (a cold run of each page):"]
        return lines + explain(engine, list(last.samples.values()))
    finally:
        engine.dispose()


def bench(
    options: Options,
    *,
    browser: bool = False,
    verbose: bool = False,
    out: TextIO = sys.stdout,
    progress: TextIO | None = sys.stderr,
) -> list[str]:
    """Run the benchmark and print its report to ``out``; returns the errors raised by
    pages (the report says which)."""
    if options.repeat < 1:
        raise BenchError("--repeat must be at least 1.")
    if options.budget <= 0:
        raise BenchError("--budget must be a positive number of seconds.")
    options = replace(options, keep_statements=verbose)
    plans: list[str] = []
    in_browser: list[str] = []
    # The search index's own costs, when the Search page is measured.
    search = SearchCosts(progress) if options.pages is None or "search" in options.pages else None
    # The notifications' costs, when the inbox ("Needs my attention") is measured.
    notify = NotifyCosts(progress) if options.pages is None or INBOX_PAGE in options.pages else None
    # The imports' costs, with the Questions page (where imports are).
    imports = (
        ImportCosts(progress) if options.pages is None or "questions" in options.pages else None
    )

    def after(results: list[SizeResult], folder: Path) -> None:
        if verbose:
            plans.extend([*_plan_lines(results[-1]), ""])
        if browser:
            in_browser.extend(_browser_lines(results[-1], folder, options.repeat))
        if notify is not None:  # before search: on PostgreSQL it takes the schema back
            notify.after(results, folder)
        if search is not None:  # on PostgreSQL it writes to the database
            search.after(results, folder)
        if imports is not None:  # last: on PostgreSQL it adds 21,000 questions
            imports.after(results, folder)

    results = run(options, progress=progress, after=after, each=search.each if search else None)
    backend = shown(options.url) if options.url else "SQLite (one file per size)"
    extra = (
        in_browser
        + (notify.lines(results) if notify else [])
        + (search.lines() if search else [])
        + (imports.lines() if imports else [])
    )
    lines = report(
        results, backend=backend, repeat=options.repeat, budget=options.budget, extra=extra
    )
    print("\n".join([*plans, *lines]), file=out)
    return [
        f"{t.label} at {r.size.name}" for r in results for t, s in r.samples.values() if s.error
    ]
