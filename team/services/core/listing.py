"""One page of a long list read in two steps: a lean query (only the table's key, the
filter and the order, so an index can answer it) counts the rows and picks the page's
keys; the full query (joins, wide columns) then reads just those rows. Two queries
whatever the size, and the wide rows of the other pages are never touched."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.orm import Mapped
from sqlmodel import Session

from team.services.core.paging import Paged, Window, count

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


def clamp(window: Window, total: int) -> Window:
    """A page past the end (the list shrank) becomes the last page."""
    last = max(1, -(-total // window.size))
    return Window(page=last, size=window.size) if window.page > last else window


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
    """The page ``window`` of ``keys`` (ordered, selecting ``key`` only) read in full
    by ``rows`` (ordered the same way), converted, with the total (counted from ``keys``
    unless given)."""
    if total is None:
        total = count(session, keys)
    window = clamp(window, total)
    # Read even when nothing matches: a page makes the same queries whatever the data.
    page = keys.limit(window.size).offset(window.offset)
    return Paged(
        items=convert(session.execute(rows.where(key.in_(page)))), total=total, window=window
    )
