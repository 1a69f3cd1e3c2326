"""`team import-outline` and `team import-csv`: bring an indented outline or a tracker's
CSV export in as question trees, as the Questions page does. Every problem is printed by
line or row, nothing is written while one remains, and the exit code is 1."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from sqlalchemy import select
from sqlmodel import Session, col

from team import db
from team.cli import ConfigOption, _engine, _fail, _searcher, _settings, _shown, app
from team.config import Settings
from team.models import Project
from team.services.core.errors import TeamError
from team.services.imports import columns
from team.services.imports.columns import Column
from team.services.imports.csv_plan import Choices, import_csv, plan_csv
from team.services.imports.csv_read import read_table, read_text
from team.services.imports.outline import import_outline, plan_outline
from team.services.imports.plan import Plan
from team.services.imports.problems import ImportRefused
from team.services.imports.write import Imported

T = TypeVar("T")
Under = Annotated[
    int | None, typer.Option("--under", help="id of the question the import goes under")
]
ProjectName = Annotated[
    str | None,
    typer.Option("--project", help="or: the project whose new general questions these are"),
]
As = Annotated[str, typer.Option("--as", help="import as this person (their email)")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="check the file and show what it would do; write nothing")
]


def _read(file: Path) -> bytes:
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}; check the path.")


def _project(session: Session, name: str | None, under: int | None) -> int | None:
    if under is not None and name is not None:
        _fail("give --under or --project, not both.")
    if under is None and name is None:
        _fail("say where the questions go: --under QUESTION_ID or --project NAME.")
    if name is None:
        return None
    found = session.scalar(select(col(Project.id)).where(col(Project.name) == name))
    if found is None:
        _fail(f"no project is called {name!r}; use a project's name as the Team page shows it.")
    return found


def _refused(exc: ImportRefused) -> NoReturn:
    for line in exc.lines():
        typer.echo(_shown(line), err=True)
    _fail(f"nothing was imported: {len(exc.problems):,} problem(s) to fix in the file.")


def _progress(done: int, total: int) -> None:
    """A line at each tenth of the way (the writer calls this after each batch)."""
    if total and done and (done == total or done * 10 // total > (done - 1) * 10 // total):
        typer.echo(f"import: {done:,} of {total:,} questions", err=True)


def _tree(plan: Plan) -> str:
    lines = [
        f"{'  ' * depth}- {_shown(item.title)}"
        + (" (updates an earlier import)" if item.existing else "")
        for item, depth in zip(plan.items, plan.depths, strict=True)
    ]
    where = (
        f"under “{_shown(plan.target.title)}”"
        if plan.target.question_id
        else (f"as new general questions of {_shown(plan.target.title)}")
    )
    return "\n".join([f"Would import {plan.new:,} new, {plan.updated:,} known, {where}:", *lines])


def _done(result: Imported) -> str:
    return (
        f"Imported: {result.created:,} created, {result.updated:,} updated, "
        f"{result.unchanged:,} unchanged."
    )


@app.command("import-outline")
def import_outline_cmd(
    file: Annotated[Path, typer.Argument(help="an indented list (Markdown or plain); - for stdin")],
    email: As,
    under: Under = None,
    project: ProjectName = None,
    dry_run: DryRun = False,
    config: ConfigOption = None,
) -> None:
    """Create a question tree from an indented outline, one question a line, with
    @name, due:, priority: and technique: at a line's end."""
    settings = _settings(config)
    data = _read(file)

    def text() -> str:
        return read_text(data)

    _carry_out(
        settings,
        email,
        under,
        project,
        dry_run,
        plan=lambda s, who, under_id, project_id: plan_outline(
            s,
            who,
            text=text(),
            under_id=under_id,
            project_id=project_id,
            techniques=settings.techniques,
        ),
        write=lambda s, who, under_id, project_id: import_outline(
            s,
            who,
            text=text(),
            under_id=under_id,
            project_id=project_id,
            techniques=settings.techniques,
            progress=_progress,
        ),
    )


Act = Callable[[Session, int, int | None, int | None], T]  # (who, under_id, project_id)


def _carry_out(
    settings: Settings,
    email: str,
    under: int | None,
    project: str | None,
    dry_run: bool,
    *,
    plan: Act[Plan],
    write: Act[Imported],
) -> None:
    """Import as ``email`` under question ``under`` or into project ``project``: print
    the plan (``dry_run``) or carry it out; every problem printed, exit 1."""
    engine = _engine(settings, migrate=False)
    try:
        with db.session_scope(engine) as session:
            who = _searcher(session, email)
            project_id = _project(session, project, under)
            if dry_run:
                typer.echo(_tree(plan(session, who.id, under, project_id)))
                return
            result = write(session, who.id, under, project_id)
    except ImportRefused as exc:
        _refused(exc)
    except TeamError as exc:
        _fail(str(exc))
    typer.echo(_done(result))


@app.command("import-csv")
def import_csv_cmd(
    file: Annotated[Path, typer.Argument(help="a CSV export (Jira, Linear, GitHub, a sheet)")],
    email: As,
    under: Under = None,
    project: ProjectName = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="FIELD=HEADER to read a field from a column (repeatable), e.g. title=Summary; "
            "the rest are guessed from the header",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="utf-8, utf-16 or latin-1 (default: detected)")
    ] = None,
    separator: Annotated[
        str | None, typer.Option(help="',' ';' or 'tab' (default: detected)")
    ] = None,
    date_order: Annotated[
        str | None, typer.Option("--date-order", help="dmy or mdy for dates like 03/04/2026")
    ] = None,
    dry_run: DryRun = False,
    config: ConfigOption = None,
) -> None:
    """Create questions from a CSV, or update those an earlier import of the same keys
    made."""
    settings = _settings(config)
    data = _read(file)
    sep = "\t" if separator == "tab" else separator
    try:
        table = read_table(data, encoding=encoding, separator=sep)
    except ImportRefused as exc:
        _refused(exc)
    mapping = columns.guess_mapping(table.header)
    mapping.update(_columns(column or [], table.header))
    typer.echo(
        "Columns: "
        + ", ".join(f"{c.label} ← {_shown(table.header[i])}" for c, i in mapping.items()),
        err=True,
    )
    choices = Choices(mapping, date_order, columns.id_column(table.header, mapping))
    _carry_out(
        settings,
        email,
        under,
        project,
        dry_run,
        plan=lambda s, who, under_id, project_id: plan_csv(
            s,
            who,
            table=table,
            choices=choices,
            under_id=under_id,
            project_id=project_id,
            techniques=settings.techniques,
        ),
        write=lambda s, who, under_id, project_id: import_csv(
            s,
            who,
            table=table,
            choices=choices,
            under_id=under_id,
            project_id=project_id,
            techniques=settings.techniques,
            progress=_progress,
        ),
    )


def _columns(given: list[str], header: tuple[str, ...]) -> dict[Column, int]:
    chosen: dict[Column, int] = {}
    for pair in given:
        field, _, name = pair.partition("=")
        try:
            column = Column(field.strip().lower())
        except ValueError:
            _fail(f"--column {pair!r}: {field!r} is not a field; use one of {', '.join(Column)}.")
        if name not in header:
            _fail(f"--column {pair!r}: the file has no column {name!r}.")
        chosen[column] = header.index(name)
    return chosen
