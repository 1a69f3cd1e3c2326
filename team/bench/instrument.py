"""Count the SQL statements a block of code issues and the rows it fetches, and stop a
block that runs past its time budget at its next statement.

A listener on the :class:`~sqlalchemy.Engine` class sees every engine in the process,
including the app's own (created inside a Streamlit resource cache). Statements are
counted before they reach the driver; rows are counted as the caller fetches them,
through a thin proxy put in front of the DBAPI cursor of each row-returning statement.
Connection set-up (SQLite pragmas) and pool pre-pings go to the driver directly and are
not counted: they are not the page's queries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


class OverBudget(Exception):
    """Raised into the code under measurement when it runs past its deadline."""


@dataclass
class Tally:
    """What one measured block did to the database."""

    statements: int = 0
    rows: int = 0
    texts: list[tuple[str, Any]] = field(default_factory=list)
    deadline: float | None = None  # time.perf_counter() value
    over_budget: bool = False  # a statement was refused: the block ran past its deadline


class _CountingCursor:
    """Delegates to a DBAPI cursor; adds every row fetched to ``tally.rows``."""

    def __init__(self, cursor: Any, tally: Tally, lock: threading.Lock) -> None:
        self._cursor = cursor
        self._tally = tally
        self._lock = lock

    def _add(self, n: int) -> None:
        with self._lock:
            self._tally.rows += n

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        if row is not None:
            self._add(1)
        return row

    def fetchmany(self, *args: Any, **kwargs: Any) -> Sequence[Any]:
        rows = self._cursor.fetchmany(*args, **kwargs)
        self._add(len(rows))
        return rows  # type: ignore[no-any-return]

    def fetchall(self) -> Sequence[Any]:
        rows = self._cursor.fetchall()
        self._add(len(rows))
        return rows  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Any]:
        for row in self._cursor:
            self._add(1)
            yield row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class QueryCounter:
    """``with counter.counting() as tally:`` counts what the block does to any engine.

    Thread-safe: Streamlit's AppTest runs the script in its own thread.
    """

    def __init__(self, *, keep_text: bool = False) -> None:
        self.keep_text = keep_text
        self._lock = threading.Lock()
        self._tally: Tally | None = None

    def _before(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        with self._lock:
            tally = self._tally
            if tally is None:
                return
            if tally.deadline is not None and time.perf_counter() > tally.deadline:
                tally.over_budget = True
                raise OverBudget("the benchmark stopped this page: it ran past its time budget")
            tally.statements += 1
            if self.keep_text:
                tally.texts.append((statement, params))

    def _after(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        tally = self._tally
        if tally is None or context is None or many or cursor.description is None:
            return
        # The result object reads its rows from context.cursor after this hook.
        context.cursor = _CountingCursor(cursor, tally, self._lock)

    @contextmanager
    def counting(self, *, budget: float | None = None) -> Iterator[Tally]:
        """Count what the block does; past ``budget`` seconds, every further statement
        raises :class:`OverBudget` instead of running (so a runaway page stops soon)."""
        tally = Tally(deadline=None if budget is None else time.perf_counter() + budget)
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)
        with self._lock:
            self._tally = tally
        try:
            yield tally
        finally:
            with self._lock:
                self._tally = None
            event.remove(Engine, "before_cursor_execute", self._before)
            event.remove(Engine, "after_cursor_execute", self._after)
