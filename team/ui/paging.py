"""Long lists show one page at a time, so a page costs what it shows, not what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import Any, TypeVar

import streamlit as st

from team.services.paging import Paged

PAGE_SIZE = 20
T = TypeVar("T")


def window(total: int, key: str, *, size: int = PAGE_SIZE, noun: str = "items") -> slice:
    """A page picker (widget key ``{key}_page``) when ``total`` exceeds one page, and
    the slice of the list to show; a stored page beyond the end moves to the last."""
    if total <= size:
        return slice(0, total)
    pages = ceil(total / size)
    widget = f"{key}_page"
    if int(st.session_state.get(widget) or 1) > pages:
        st.session_state[widget] = pages
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    page = int(left.number_input(f"Page (of {pages:,})", 1, pages, step=1, key=widget) or 1)
    start = (page - 1) * size
    end = min(start + size, total)
    right.caption(f"Showing {start + 1:,} to {end:,} of {total:,} {noun}")
    return slice(start, end)


def page_of(
    items: Sequence[T], key: str, *, size: int = PAGE_SIZE, noun: str = "items"
) -> Sequence[T]:
    return items[window(len(items), key, size=size, noun=noun)]


def matches(text: str, query: str) -> bool:
    """Case-insensitive: every word of ``query`` occurs in ``text``."""
    folded = text.casefold()
    return all(word in folded for word in query.casefold().split())


def requested_page(key: str) -> int:
    """The page the picker of ``key`` asks for, before the list is read (SQL paging:
    read that page, then draw the picker with :func:`pager`)."""
    return max(1, int(st.session_state.get(f"{key}_page") or 1))


def pager(paged: Paged[Any], key: str, *, noun: str = "items") -> None:
    """The picker for a page read in SQL (its total and size)."""
    window(paged.total, key, size=paged.window.size, noun=noun)
