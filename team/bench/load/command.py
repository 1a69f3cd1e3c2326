"""`team bench --load`: for each data size, fill a database, serve the app on one or
more loopback servers over it, and run each load level (N simulated tabs) against
them; then count every confirmed write against the database and print the table."""

from __future__ import annotations

import secrets
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from team.bench.browser import serve
from team.bench.databases import BenchError, sqlite_url
from team.bench.generate import generate
from team.bench.load.cast import cast
from team.bench.load.ledger import check, first_event
from team.bench.load.levels import Level, Settings, run_level
from team.bench.load.report import report
from team.bench.measure import config_for
from team.bench.runner import Options, fill, say, work_folder
from team.bench.sizes import Size
from team.db import make_engine, shown

MAX_SESSIONS = 200  # tabs in one level: bounded, the generator shares the machine
MAX_SECONDS = 600.0  # one level's length
MAX_SERVERS = 4


@dataclass(frozen=True)
class LoadOptions:
    sizes: list[Size]
    sessions: list[int]
    servers: list[int] = field(default_factory=lambda: [1])
    url: str | None = None  # one database for every size; None: a SQLite file per size
    folder: Path | None = None
    confirmed: bool = False
    settings: Settings = field(default_factory=Settings)


@dataclass
class Topology:
    """The levels measured at one size with one number of servers."""

    size: str
    servers: int
    levels: list[Level]


def parse_counts(text: str, *, what: str, most: int) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise BenchError(
            f"--{what} takes whole numbers separated by commas, e.g. 1,10,25."
        ) from None
    if not counts or any(c < 1 or c > most for c in counts):
        raise BenchError(f"--{what} takes numbers from 1 to {most}, separated by commas.")
    return counts


def check_options(options: LoadOptions) -> None:
    s = options.settings
    if not 0 < s.seconds <= MAX_SECONDS:
        raise BenchError(f"--duration must be more than 0 and at most {MAX_SECONDS:.0f} seconds.")
    if s.think <= 0:
        raise BenchError("--think must be a positive number of seconds.")
    if not 0 <= s.writes <= 1:
        raise BenchError("--writes is a share of the actions, from 0 to 1 (e.g. 0.1).")
    if max(options.servers) > 1 and (options.url is None or options.url.startswith("sqlite")):
        raise BenchError(
            "Several servers share one PostgreSQL database; give --url postgresql+psycopg://…"
        )


def _topology(
    url: str, config: Path, size: Size, servers: int, options: LoadOptions, progress: TextIO | None
) -> Topology:
    engine = make_engine(url)
    topology = Topology(size.name, servers, [])
    try:
        with ExitStack() as stack:
            started = [
                stack.enter_context(serve(config, config.parent / f"server-{servers}-{i}.log"))
                for i in range(servers)
            ]
            bases, pids = [b for b, _ in started], [p for _, p in started]
            for sessions in options.sessions:
                personas = cast(engine, sessions)
                token = f"ld{secrets.token_hex(3)}"
                after = first_event(engine)
                level = run_level(bases, pids, personas, options.settings, token)
                people = {p.person_id for p in personas}
                level.check = check(
                    engine, level.tally, run_token=token, after=after, people=people
                )
                topology.levels.append(level)
                say(
                    progress,
                    f"{size.name}, {servers} server(s), {sessions} tabs: "
                    f"{level.throughput:.1f} reruns/s, p95 {level.percentile(95) * 1000:.0f} ms, "
                    f"{len(level.tally.errors)} errors",
                )
    finally:
        engine.dispose()
    return topology


def load(
    options: LoadOptions, *, out: TextIO = sys.stdout, progress: TextIO | None = sys.stderr
) -> list[Topology]:
    """Measure every size x number of servers x level; print the report to ``out``."""
    check_options(options)
    results: list[Topology] = []
    with work_folder(options.folder, "team-load-") as folder:
        for size in options.sizes:
            url = options.url or sqlite_url(folder, size.name)
            seconds, rows = fill(url, size, Options([size], confirmed=options.confirmed), generate)
            say(
                progress, f"{size.name}: generated in {seconds:.1f} s ({sum(rows.values()):,} rows)"
            )
            config = config_for(url, folder / f"load-{size.name}")
            for servers in options.servers:
                results.append(_topology(url, config, size, servers, options, progress))
    backend = shown(options.url) if options.url else "SQLite (one file per size)"
    print("\n".join(report(results, backend=backend, settings=options.settings)), file=out)
    return results
