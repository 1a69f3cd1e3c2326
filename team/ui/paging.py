"""Long lists show one page at a time, so a page costs what it shows, not what is stored."""

from __future__ import annotations

from typing import Any

import streamlit as st

from team.services.core.paging import PAGE_SIZE, Paged, Window


def window(total: int, key: str, *, size: int = PAGE_SIZE, noun: str = "items") -> slice:
    """A page picker (widget key ``{key}_page``) when ``total`` exceeds one page, and
    the slice of the list to show; a stored page beyond the end moves to the last."""
    if total <= size:
        return slice(0, total)
    pages = Window(size=size).pages(total)
    widget = f"{key}_page"
    if int(st.session_state.get(widget) or 1) > pages:
        st.session_state[widget] = pages
    # Two elements (no columns): a picker is drawn on every page of every long list.
    label = f"Page (of {pages:,})"
    page = int(st.number_input(label, 1, pages, step=1, key=widget, width=200) or 1)
    start = (page - 1) * size
    end = min(start + size, total)
    st.caption(f"Showing {start + 1:,} to {end:,} of {total:,} {noun}")
    return slice(start, end)


def requested_page(key: str) -> int:
    """The page the picker of ``key`` asks for, before the list is read (SQL paging:
    read that page, then draw the picker with :func:`pager`)."""
    return max(1, int(st.session_state.get(f"{key}_page") or 1))


def pager(paged: Paged[Any], key: str, *, noun: str = "items") -> None:
    """The picker for a page read in SQL (its total and size)."""
    window(paged.total, key, size=paged.window.size, noun=noun)


def words(text: str | None) -> str:
    """A search as its words, one space between (one cached read per search, however
    it was spaced)."""
    return " ".join((text or "").split())


def searched(key: str) -> str:
    """The words in the search box of widget key ``key`` (read before the box is drawn)."""
    return words(st.session_state.get(key))
