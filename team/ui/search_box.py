"""The search box on every page (in the sidebar): Enter opens the Search page with the
words in its address."""

from __future__ import annotations

import streamlit as st

from team.services.search.terms import MAX_QUERY
from team.ui.navigation import page
from team.ui.paging import words

BOX = "nav_search"
_GO = "nav_search_go"


def _go() -> None:
    """Take the words out of the box (it is empty again on the page it opens)."""
    st.session_state[_GO] = words(st.session_state.get(BOX))
    st.session_state[BOX] = ""


def draw() -> None:
    st.sidebar.text_input(
        "Search",
        key=BOX,
        placeholder="Search everything",
        max_chars=MAX_QUERY,
        icon=":material/search:",
        on_change=_go,
        label_visibility="collapsed",
    )
    wanted = st.session_state.pop(_GO, None)
    if wanted:
        st.switch_page(page("search"), query_params={"q": wanted})
