"""Counting the SQL statements a piece of code sends: the tests that prove a read or a
write costs the same number of statements whatever the data, and the bench."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session


@contextmanager
def counting(bind: Session | Engine) -> Iterator[list[str]]:
    """The statements sent to ``bind``'s database inside the block, in order."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
