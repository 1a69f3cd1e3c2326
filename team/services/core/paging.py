"""Long lists, one page at a time, narrowed by the words a person typed.

A page costs what it shows, not what is stored: the rows asked for and how many there
are in all, in two queries whatever the size. A search keeps the rows in which every
word typed occurs (in any case) in one of the columns searched."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
PAGE_SIZE = 10  # rows a page of a long list shows: what a page draws is most of what it costs


@dataclass(frozen=True)
class Window:
    """Which rows to read: ``page`` counts from 1."""

    page: int = 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.size

    def pages(self, total: int) -> int:
        """How many pages ``total`` rows fill (one when there are none)."""
        return max(1, -(-total // self.size))

    def within(self, total: int) -> Window:
        """This window, or the last page when it lies past the end (the list shrank)."""
        last = self.pages(total)
        return Window(page=last, size=self.size) if self.page > last else self


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    window: Window

    @property
    def pages(self) -> int:
        return self.window.pages(self.total)


def words_in(search: str, *columns: Any) -> list[ColumnElement[bool]]:
    """One condition per word of ``search``: the word occurs, in any case, in one of
    ``columns`` (``%`` and ``_`` are taken literally). No words, no condition."""
    return [
        or_(*(column.icontains(word, autoescape=True) for column in columns))
        for word in search.split()
    ]


def count(session: Session, query: Select[*Ts]) -> int:
    """How many rows ``query`` returns (its ORDER BY dropped)."""
    inner = query.order_by(None).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def read_page(
    session: Session,
    query: Select[*Ts],
    window: Window,
    convert: Callable[[Iterable[Any]], list[T]],
) -> Paged[T]:
    """The rows of ``query`` (already ordered) in ``window``, converted, with the total."""
    total = count(session, query)
    window = window.within(total)
    rows = session.execute(query.limit(window.size).offset(window.offset))
    return Paged(items=convert(rows), total=total, window=window)


def keyed_page(
    session: Session,
    *,
    keys: Select[Any],
    rows: Select[*Ts],
    key: Mapped[Any],
    window: Window,
    convert: Callable[[Iterable[Any]], list[T]],
    total: int | None = None,
) -> Paged[T]:
    """One page read in two steps: a lean query (``keys``: only the table's key, the
    filter and the order, so an index can answer it) counts the rows and picks the
    page's keys; ``rows`` (joins, wide columns, ordered the same way) then reads just
    those rows. The total is counted from ``keys`` unless given."""
    if total is None:
        total = count(session, keys)
    window = window.within(total)
    # Read even when nothing matches: a page makes the same queries whatever the data.
    page = keys.limit(window.size).offset(window.offset)
    return Paged(
        items=convert(session.execute(rows.where(key.in_(page)))), total=total, window=window
    )
