"""What imports cost (the issue's goals, printed by `team bench`, never asserted by a
test), at the last size, in a copy of its database (SQLite) or in the database itself
(PostgreSQL, after every other measurement):

- a CSV shaped like a Jira export (Summary, Issue key, Issue id, Parent holding the
  parent's Issue id, Assignee by name, Status, Priority, Due Date as Jira writes it,
  Description with line breaks), three levels deep: 100 rows and 10,000 rows, each
  read, checked and imported as the page does, timed, with its SQL statements counted;
  the 10,000 rows imported again (every key known: nothing changes);
- an outline of 1,000 lines, three levels deep, with assignees and due dates.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlmodel import Session, col

from team import db
from team.bench.index_costs import sqlite_copy
from team.bench.runner import SizeResult
from team.bench.statements import counting
from team.bench.targets import busiest_manager
from team.models import Person, Project
from team.services.imports import columns
from team.services.imports.csv_plan import Choices, import_csv
from team.services.imports.csv_read import read_table
from team.services.imports.outline import import_outline
from team.services.imports.write import Progress
from team.vocabulary import Role

CSV_ROWS = (100, 10_000)
OUTLINE_LINES = 1_000
CSV_GOAL_S = 30.0
OUTLINE_GOAL_S = 5.0
SEED = 1717
COPY_NAME = "imports.db"
STATUSES = ("To Do", "In Progress", "Blocked", "Done", "Won't Do")
PRIORITIES = ("Highest", "High", "Medium", "Low")


def jira_csv(rows: int, names: list[str], prefix: str, seed: int = SEED) -> bytes:
    """A Jira-shaped export of ``rows`` issues: 1 % epics, 10 % stories under them, the
    rest sub-tasks under the stories; parents named by Issue id, as Jira Cloud does."""
    rng = Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Summary", "Issue key", "Issue id", "Parent", "Assignee", "Status", "Priority"]
    writer.writerow([*header, "Due Date", "Description"])
    epics, stories = max(1, rows // 100), max(1, rows // 10)
    for i in range(rows):
        if i < epics:
            parent = ""
        elif i < epics + stories:
            parent = str(10_000 + i % epics)
        else:
            parent = str(10_000 + epics + i % stories)
        writer.writerow(
            [
                f"{prefix} question {i}: did “segment {i % 37}” churn more, by plan?",
                f"{prefix}-{i + 1}",
                str(10_000 + i),
                parent,
                rng.choice(names),
                rng.choice(STATUSES[:2]),  # new issues move freely; re-imports keep them
                rng.choice(PRIORITIES),
                f"{rng.randint(1, 28)}/Dec/26 4:05 PM",
                f'Asked by sales.\nSee the {i % 9} notebook; "quoted", and, commas.',
            ]
        )
    return out.getvalue().encode("utf-8")


def outline_text(lines: int, handles: list[str]) -> str:
    out = []
    for i in range(lines):
        depth = 0 if i % 50 == 0 else (1 if i % 50 == 1 or i % 5 == 0 else 2)
        extra = f" @{handles[i % len(handles)]} due:2026-12-{1 + i % 28:02d}" if depth == 2 else ""
        out.append(f"{'  ' * depth}- Outline question {i}{extra}")
    return "\n".join(out)


@dataclass
class Measured:
    what: str
    seconds: float
    statements: int
    said: str


class ImportCosts:
    """Measured once, after the last size; its lines go into the report."""

    def __init__(self, progress: TextIO | None) -> None:
        self.progress = progress
        self.measured: list[Measured] = []
        self.size = ""

    def after(self, results: list[SizeResult], folder: Path) -> None:
        last = results[-1]
        self.size = last.size.name
        url = last.url
        if make_url(url).get_backend_name() == "sqlite":
            url = sqlite_copy(url, folder / COPY_NAME)
        engine = db.make_engine(url)
        try:
            self._measure(engine)
        finally:
            engine.dispose()

    def _say(self, text: str) -> None:
        if self.progress is not None:
            print(text, file=self.progress, flush=True)

    def _measure(self, engine: Engine) -> None:
        with Session(engine) as session:
            manager = busiest_manager(session)
            project = session.scalar(
                select(col(Project.id)).where(~col(Project.archived)).order_by(col(Project.id))
            )
            ics = list(
                session.scalars(
                    select(Person).where(col(Person.role) == Role.IC, col(Person.active))
                )
            )
        assert manager is not None and project is not None and ics
        names = [p.name for p in ics[:40]]
        for rows in CSV_ROWS:
            self._csv(engine, manager, project, jira_csv(rows, names, f"B{rows}"), rows)
        self._csv(engine, manager, project, jira_csv(CSV_ROWS[-1], names, f"B{CSV_ROWS[-1]}"), 0)
        handles = [p.email.split("@")[0] for p in ics[:40]]
        self._outline(engine, manager, project, outline_text(OUTLINE_LINES, handles))

    def _bar(self, label: str) -> Progress:
        marks = [0]

        def tick(done: int, total: int) -> None:
            tenth = done * 10 // total if total else 10
            if tenth > marks[0] or done == total:
                marks[0] = tenth
                bar = "#" * tenth + "." * (10 - tenth)
                self._say(f"  {label} [{bar}] {done:,}/{total:,}")

        return tick

    def _csv(self, engine: Engine, manager: int, project: int, data: bytes, rows: int) -> None:
        label = f"CSV {rows:,} rows" if rows else "CSV 10,000 rows again"
        started = time.perf_counter()
        table = read_table(data)
        mapping = columns.guess_mapping(table.header)
        choices = Choices(mapping, None, columns.id_column(table.header, mapping))
        with Session(engine) as session, counting(engine) as seen:
            done = import_csv(
                session,
                manager,
                table=table,
                choices=choices,
                project_id=project,
                progress=self._bar(label),
            )
        seconds = time.perf_counter() - started
        said = f"{done.created:,} created, {done.updated:,} updated, {done.unchanged:,} unchanged"
        self.measured.append(Measured(label, seconds, len(seen), said))

    def _outline(self, engine: Engine, manager: int, project: int, text: str) -> None:
        started = time.perf_counter()
        with Session(engine) as session, counting(engine) as seen:
            done = import_outline(session, manager, text=text, project_id=project)
        seconds = time.perf_counter() - started
        label = f"outline {OUTLINE_LINES:,} lines"
        self.measured.append(Measured(label, seconds, len(seen), f"{done.created:,} created"))

    def lines(self) -> list[str]:
        if not self.measured:
            return []
        out = [f"imports at {self.size} (read, checked and written in one transaction):"]
        for m in self.measured:
            goal = OUTLINE_GOAL_S if m.what.startswith("outline") else CSV_GOAL_S
            met = "met" if m.seconds < goal else "NOT met"
            out.append(
                f"  {m.what:<24} {m.seconds:7.2f} s (goal < {goal:.0f} s: {met}), "
                f"{m.statements:,} statements; {m.said}"
            )
        return [*out, ""]
