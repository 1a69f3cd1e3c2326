"""The `team` command: database upgrade, demo data, export/import, and serving the app."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import tomllib
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from team import db
from team.backup import export, restore
from team.backup.rules import Progress, quiet
from team.config import (
    CONFIG_ENV,
    AuthMode,
    ConfigError,
    Settings,
    check_auth_secrets,
    check_bind_address,
    config_path,
    load_config,
)
from team.demo import load as demo
from team.services.admin import people
from team.services.admin.reads import PersonView, list_people
from team.services.answers import memo
from team.services.core.errors import TeamError
from team.services.core.paging import Window
from team.services.search.kinds import Kind
from team.services.search.reads import Filters, Hit, Results, search
from team.ui import serve

app = typer.Typer(
    help="A question-to-answer dashboard for data-science teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="config file (default: $TEAM_CONFIG or ./config.yaml)"),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"team: {message}", err=True)
    raise typer.Exit(1)


def _settings(config: Path | None) -> Settings:
    try:
        return load_config(config)
    except ConfigError as exc:
        _fail(str(exc))


def _engine(settings: Settings, *, migrate: bool = True) -> Engine:
    try:
        engine = db.make_engine(settings.database_url)
    except db.DatabaseError as exc:
        _fail(str(exc))
    try:
        if migrate:
            db.upgrade(engine)
        else:
            db.check_schema(engine)
    except db.DatabaseError as exc:
        _fail(str(exc))
    return engine


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Apply pending schema migrations (never drops data)."""
    settings = _settings(config)
    engine = _engine(settings)
    typer.echo(f"Database is at schema revision {db.current_revision(engine)}.")


@app.command("demo")
def demo_cmd(
    config: ConfigOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="replace everything in a non-empty database")
    ] = False,
) -> None:
    """Load the demo team into an empty database."""
    engine = _engine(_settings(config))
    try:
        with db.session_scope(engine) as session:
            summary = demo.load_demo(session, force=force)
    except TeamError as exc:
        _fail(str(exc))
    typer.echo(f"Loaded the demo team: {summary}.")


def _progress() -> Progress:
    """Progress of a long export or import on the terminal (stderr): one line redrawn
    in place, with a bar once the total is known; nothing when stderr is not a
    terminal (a cron job's log)."""
    if not sys.stderr.isatty():
        return quiet
    last: list[str] = []

    def show(what: str, done: int, total: int | None) -> None:
        if total:
            filled = round(30 * done / total)
            line = f"{what}: [{'#' * filled}{'.' * (30 - filled)}] {done:,} of {total:,} rows"
        else:
            line = f"{what}: {done:,} rows"
        if last and last[0] != what:  # the previous phase ended without its total
            sys.stderr.write("\n")
        sys.stderr.write("\r" + line)
        last[:] = [what]
        if total and done >= total:
            sys.stderr.write("\n")
            last.clear()
        sys.stderr.flush()

    return show


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="JSON file to write")],
    config: ConfigOption = None,
) -> None:
    """Write everything in the database to one JSON file."""
    engine = _engine(_settings(config), migrate=False)
    try:
        with db.session_scope(engine) as session:
            counts = export.write_export(session, file, progress=_progress())
    except (TeamError, OSError) as exc:
        _fail(str(exc))
    total = sum(counts.values())
    typer.echo(f"Exported {total} rows from {len(counts)} tables to {file}.")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="JSON file written by `team export`")],
    config: ConfigOption = None,
) -> None:
    """Load an export into an empty database (all of it, or nothing)."""
    engine = _engine(_settings(config))
    try:
        with db.session_scope(engine) as session:
            counts = restore.import_file(session, file, progress=_progress())
    except TeamError as exc:
        _fail(str(exc))
    typer.echo(f"Imported {sum(counts.values())} rows from {file}.")


@app.command("memo")
def memo_cmd(
    question_id: Annotated[int, typer.Argument(help="id of any question (shown in the app)")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Print (or write) the Minto-style memo of a question, as Markdown."""
    engine = _engine(_settings(config), migrate=False)
    try:
        with db.session_scope(engine) as session:
            text = memo.memo(session, question_id=question_id)
    except TeamError as exc:
        _fail(str(exc))
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output} ({exc.strerror}); pick a folder that exists.")
    typer.echo(f"Wrote the memo of question #{question_id} to {output}.")


KINDS = {**{k.name.lower(): k for k in Kind}, **{k.value: k for k in Kind}}
SORTS = ("relevance", "date")
# Bidirectional controls would reorder what the terminal shows of someone's text.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(text: str) -> str:
    """User text as one terminal line: no control or bidirectional characters."""
    kept = (c for c in text if c not in _BIDI)
    return " ".join(
        "".join(c for c in kept if c.isspace() or unicodedata.category(c) != "Cc").split()
    )


def _searcher(session: Session, email: str) -> PersonView:
    """The active person signing in with ``email``, or a sentence and exit 1."""
    wanted = email.strip().lower()
    person = next((p for p in list_people(session) if p.email.lower() == wanted), None)
    if person is None:
        _fail(f"nobody on the team signs in as {email!r}; use a team member's email (--as).")
    if not person.active:
        _fail(
            f"{person.name} <{person.email}> is deactivated and can no longer see the "
            "team's work; search as an active person."
        )
    return person


def _kinds(names: list[str]) -> tuple[Kind, ...]:
    unknown = [n for n in names if n.lower() not in KINDS]
    if unknown:
        _fail(
            f"--kind {unknown[0]!r} is not a kind of result; use one of "
            f"{', '.join(k.name.lower() for k in Kind)}."
        )
    return tuple(dict.fromkeys(KINDS[n.lower()] for n in names))


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "kind": hit.kind.value,
        "id": hit.id,
        "title": hit.title,
        "snippet": [{"text": p.text, "hit": p.hit} for p in hit.snippet],
        "author": hit.author,
        "at": hit.at.isoformat() if hit.at else None,
        "path": list(hit.path),
        "status": hit.status,
        "finding_kind": hit.finding_kind,
        "where": hit.where,
        "link": {"page": hit.link.page, "params": dict(hit.link.params)},
    }


def _search_json(text: str, results: Results) -> str:
    page = results.hits
    facets = {
        name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        for name, values in results.facets.items()
    }
    return json.dumps(
        {
            "query": text,
            "total": page.total,
            "page": page.window.page,
            "pages": page.pages,
            "hits": [_hit_json(h) for h in page.items],
            "facets": facets,
        },
        ensure_ascii=False,
        indent=2,
    )


def _hit_lines(number: int, hit: Hit) -> list[str]:
    lines = [f"{number:>3}. {hit.kind.label.capitalize()}: {_shown(hit.title)}"]
    if hit.path:
        lines.append("     " + " \u203a ".join(_shown(t) for t in hit.path))
    byline = [_shown(x) for x in (hit.author, hit.where) if x]
    byline += [hit.at.date().isoformat()] if hit.at else []
    byline += [hit.status.replace("_", " ")] if hit.status else []
    lines.append("     " + " · ".join(byline))
    snippet = "".join(f"«{p.text}»" if p.hit else p.text for p in hit.snippet)
    if snippet.strip():
        lines.append("     " + _shown(snippet))
    return lines


def _search_text(text: str, who: PersonView, results: Results, by_date: bool) -> str:
    page, asked = results.hits, f"“{_shown(text)}” as {_shown(who.name)}"
    if results.query.empty:
        return f"No results for {asked}: a search needs a word to look for."
    if not page.total:
        return f"No results for {asked}."
    order = "newest first" if by_date else "best match first"
    noun = "result" if page.total == 1 else "results"
    out = [f"{page.total:,} {noun} for {asked}, page {page.window.page} of {page.pages} ({order})"]
    kinds = ", ".join(f"{Kind(v.value).label} {v.count}" for v in results.facets.get("kind", []))
    out += [f"By kind: {kinds}", ""]
    for number, hit in enumerate(page.items, start=page.window.offset + 1):
        out += [*_hit_lines(number, hit), ""]
    return "\n".join(out).rstrip()


@app.command("search")
def search_cmd(
    words: Annotated[str, typer.Argument(help='words, "a phrase", -leave-out, prefix*, OR')],
    email: Annotated[
        str,
        typer.Option(
            "--as", help="search as this person (their email), seeing only what they may see"
        ),
    ],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="only this kind (repeatable): question, finding, answer, ..."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a list")] = False,
    page: Annotated[int, typer.Option("--page", help="page of results, from 1")] = 1,
    sort: Annotated[str, typer.Option("--sort", help="relevance or date (newest first)")] = (
        "relevance"
    ),
    config: ConfigOption = None,
) -> None:
    """Search everything the team wrote, as one person sees it."""
    if sort not in SORTS:
        _fail(f"--sort {sort!r} is not an order; use relevance or date.")
    if page < 1:
        _fail(f"--page {page} is not a page; pages count from 1.")
    filters = Filters(kinds=_kinds(kind or []))
    engine = _engine(_settings(config), migrate=False)
    try:
        with db.session_scope(engine) as session:
            who = _searcher(session, email)
            results = search(
                session,
                who.id,
                text=words,
                filters=filters,
                window=Window(page=page),
                by_date=sort == "date",
            )
    except TeamError as exc:
        _fail(str(exc))
    typer.echo(
        _search_json(words, results)
        if as_json
        else _search_text(words, who, results, sort == "date")
    )


def _streamlit_secrets() -> dict[str, Any]:
    """The secrets Streamlit will read, in its order: ~/.streamlit, the working folder's
    .streamlit, then the app's own .streamlit (later files win)."""
    merged: dict[str, Any] = {}
    for folder in (Path.home(), Path.cwd(), serve.APP_FILE.parent):
        file = folder / ".streamlit" / "secrets.toml"
        if not file.is_file():
            continue
        try:
            merged.update(tomllib.loads(file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            _fail(f"{file}: cannot be read as TOML ({exc}); fix the file.")
    return merged


def _server_flags(settings: Settings) -> list[str]:
    """Streamlit options for the deployment: a shared server hides error details,
    keeps XSRF protection on and passes the proxy's identity header on."""
    if settings.auth.mode == AuthMode.LOCAL:
        return []
    flags = ["--server.enableXsrfProtection", "true", "--client.showErrorDetails", "none"]
    if settings.auth.mode == AuthMode.PROXY:
        flags += ["--server.trustedUserHeaders", json.dumps({settings.auth.header: "email"})]
    return flags


@app.command("run")
def run_cmd(
    config: ConfigOption = None,
    address: Annotated[str, typer.Option(help="address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on")] = 8501,
) -> None:
    """Migrate and serve the app; in local mode, load the demo team into an empty
    database first."""
    settings = _settings(config)
    try:
        check_bind_address(settings, address)
        check_auth_secrets(settings, _streamlit_secrets())
    except ConfigError as exc:
        _fail(str(exc))
    engine = _engine(settings)
    with db.session_scope(engine) as session:
        empty = db.is_empty(session)
        if empty and settings.auth.mode == AuthMode.LOCAL:
            summary = demo.load_demo(session)
            typer.echo(f"Empty database: loaded the demo team ({summary}).")
    engine.dispose()
    if empty and settings.auth.mode != AuthMode.LOCAL:
        _fail(
            "the database is empty, so nobody could sign in; add the first manager with "
            "`team add-manager NAME EMAIL` (or load a backup with `team import FILE`), "
            "then run again."
        )
    os.environ[CONFIG_ENV] = str(config_path(config).resolve())
    typer.echo(f"Serving on http://{address}:{port}")
    args = serve.command("--server.address", address, "--server.port", str(port))
    os.execv(sys.executable, [*args, *_server_flags(settings)])


@app.command("add-manager")
def add_manager_cmd(
    name: Annotated[str, typer.Argument(help="the manager's full name")],
    email: Annotated[str, typer.Argument(help="the email they sign in with")],
    config: ConfigOption = None,
) -> None:
    """Add a manager while the team has none (the first one of a new deployment, or to
    recover access); everyone else is added on the Team page."""
    engine = _engine(_settings(config))
    try:
        with db.session_scope(engine) as session:
            person = people.add_first_manager(session, name=name, email=email)
    except TeamError as exc:
        _fail(str(exc))
    typer.echo(f"Added {person.name} <{person.email}> as a manager.")


@app.command("bench")
def bench_cmd(
    url: Annotated[
        str | None,
        typer.Option(
            help="run on this database instead of temporary SQLite files; it is WIPED "
            "and refilled for each size (refused unless empty, or with --yes)"
        ),
    ] = None,
    sizes: Annotated[str, typer.Option(help="data sizes, in order (ratios: last/first)")] = "S,L",
    repeat: Annotated[int, typer.Option(help="warm reruns and cold runs per page")] = 5,
    budget: Annotated[
        float, typer.Option(help="seconds a page's run may take before it is stopped")
    ] = 60.0,
    pages: Annotated[
        str | None, typer.Option(help="only these pages, e.g. overview,questions")
    ] = None,
    browser: Annotated[
        bool, typer.Option("--browser", help="also load Overview in Chromium at the last size")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="print the query plan of every page's statements")
    ] = False,
    keep: Annotated[
        Path | None, typer.Option(help="keep the SQLite files and server logs in this folder")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="wipe a database that is not empty")] = False,
    load: Annotated[
        bool,
        typer.Option(
            "--load",
            help="instead, serve the app and load it with simulated tabs speaking "
            "Streamlit's own protocol (--sessions, --servers, --duration, --think, --writes)",
        ),
    ] = False,
    sessions: Annotated[str, typer.Option(help="--load: tabs at each level")] = "1,10,25,50",
    servers: Annotated[
        str, typer.Option(help="--load: app servers, e.g. 1,2 (several need --url PostgreSQL)")
    ] = "1",
    duration: Annotated[float, typer.Option(help="--load: seconds per level")] = 30.0,
    think: Annotated[float, typer.Option(help="--load: mean seconds between actions")] = 5.0,
    writes: Annotated[float, typer.Option(help="--load: share of actions that write")] = 0.1,
) -> None:
    """Measure every page at each data size: warm and cold run times, their ratios, and
    SQL statements and rows per run; with --load, how the served app holds many people."""
    from team.bench.command import bench, parse_pages, parse_sizes
    from team.bench.databases import BenchError
    from team.bench.runner import Options

    if load:
        _load(url, sizes, keep, yes, sessions, servers, duration, think, writes)
        return
    try:
        options = Options(
            sizes=parse_sizes(sizes),
            repeat=repeat,
            url=url,
            folder=keep,
            confirmed=yes,
            pages=parse_pages(pages),
            budget=budget,
        )
        failed = bench(options, browser=browser, verbose=verbose)
    except BenchError as exc:
        _fail(str(exc))
    if failed:
        _fail(
            f"{len(failed)} page run(s) raised an error or ran out of time "
            f"({', '.join(failed)}); see the report."
        )


def _load(
    url: str | None,
    sizes: str,
    keep: Path | None,
    yes: bool,
    sessions: str,
    servers: str,
    duration: float,
    think: float,
    writes: float,
) -> None:
    from team.bench.command import parse_sizes
    from team.bench.databases import BenchError
    from team.bench.load.command import (
        MAX_SERVERS,
        MAX_SESSIONS,
        LoadOptions,
        load,
        parse_counts,
    )
    from team.bench.load.levels import Settings

    try:
        load(
            LoadOptions(
                sizes=parse_sizes(sizes),
                sessions=parse_counts(sessions, what="sessions", most=MAX_SESSIONS),
                servers=parse_counts(servers, what="servers", most=MAX_SERVERS),
                url=url,
                folder=keep,
                confirmed=yes,
                settings=Settings(seconds=duration, think=think, writes=writes),
            )
        )
    except BenchError as exc:
        _fail(str(exc))


# A test hook: TEAM_NOW (an ISO date and time, UTC unless it says otherwise) fixes the
# clock of `team notify` (due dates, digest periods, what is due), so tests can stand on
# either side of a digest hour. Not for production use.
NOW_ENV = "TEAM_NOW"


def _fixed_now() -> datetime | None:
    given = os.environ.get(NOW_ENV, "").strip()
    if not given:
        return None
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        _fail(f"{NOW_ENV}: expected an ISO date and time such as 2026-12-07T08:00:00+00:00.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("notify")
def notify_cmd(
    config: ConfigOption = None,
    loop: Annotated[
        bool, typer.Option("--loop", help="keep running (for a service manager) until stopped")
    ] = False,
    every: Annotated[
        float, typer.Option(min=1, help="with --loop: seconds from one run's start to the next")
    ] = 60.0,
) -> None:
    """Send the notifications that are due (email, Slack, webhook) once and exit; with
    --loop, keep sending until SIGTERM or Ctrl-C (the message in hand is finished)."""
    from team.services.notify.channels import SecretMissing, read_secrets
    from team.services.notify.worker import run_loop, run_once

    settings = _settings(config)
    try:
        secrets = read_secrets(settings.notify)
    except SecretMissing as exc:
        _fail(str(exc))
    engine = _engine(settings, migrate=False)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())

    def log(line: str) -> None:
        typer.echo(f"notify: {line}" if not line.startswith("notify:") else line, err=True)

    try:
        if loop:
            run_loop(engine, settings, every=every, stopping=stopping, log=log, secrets=secrets)
        else:
            summary = run_once(
                engine, settings, now=_fixed_now(), log=log, stop=stopping.is_set, secrets=secrets
            )
            log(summary.line())
    except OperationalError as exc:
        _fail(db.unreachable(settings.database_url, exc))


def main() -> None:
    app()


from team import cli_imports  # noqa: E402, F401  (its commands join `app`)
