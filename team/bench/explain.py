"""--verbose: the query plan of every statement a page ran (its first cold run), so a
missing index shows as a full scan. SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from team.bench.measure import Sample
from team.bench.targets import Target


def _plan(engine: Engine, statement: str, params: Any) -> list[str]:
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params or None).all()
        conn.rollback()
    if sqlite:  # (id, parent, notused, detail): indent each step under its parent
        depth: dict[int, int] = {0: 0}
        lines = []
        for node_id, parent, _unused, detail in rows:
            depth[node_id] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node_id] + str(detail))
        return lines
    return ["  " + str(row[0]) for row in rows]


def _reads(sample: Sample) -> dict[str, tuple[Any, int]]:
    """Distinct row-reading statements of the run, with one set of parameters each and
    how often they ran."""
    found: dict[str, tuple[Any, int]] = {}
    for statement, params in sample.statements:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head not in ("SELECT", "WITH"):
            continue
        first, times = found.get(statement, (params, 0))
        found[statement] = (first, times + 1)
    return found


def explain(engine: Engine, samples: list[tuple[Target, Sample]]) -> list[str]:
    """Report lines: for each page, each statement (with how often it ran) and its plan."""
    lines = []
    for target, sample in samples:
        reads = _reads(sample)
        lines.append(f"== {target.label}: {len(sample.statements)} statements in a cold run")
        for statement, (params, times) in reads.items():
            lines.append(f"-- x{times}: " + " ".join(statement.split()))
            try:
                lines += _plan(engine, statement, params)
            except SQLAlchemyError as exc:
                lines.append(f"  (no plan: {str(exc).splitlines()[0]})")
    return lines
