"""One page of a long list: the rows asked for and how many there are in all, in two
queries whatever the size, so a page costs what it shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, TypeVarTuple

from sqlalchemy import Select, func, select
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


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    window: Window

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.window.size))


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
    """The rows of ``query`` (already ordered) in ``window``, converted, with the total.
    A page past the end (the list shrank) reads the last page instead."""
    total = count(session, query)
    last = max(1, -(-total // window.size))
    if window.page > last:
        window = Window(page=last, size=window.size)
    rows = session.execute(query.limit(window.size).offset(window.offset))
    return Paged(items=convert(rows), total=total, window=window)
