"""The pages, and which of them each role may see."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from team.models import Role

PAGES_DIR = Path(__file__).parent / "pages"

# name -> (file, title, icon, roles that may see it)
_PAGES: dict[str, tuple[str, str, str, frozenset[Role]]] = {
    "overview": ("overview.py", "Overview", ":material/dashboard:", frozenset(Role)),
    "questions": ("questions.py", "Questions", ":material/account_tree:", frozenset(Role)),
}


def page(name: str) -> StreamlitPage:
    file, title, icon, _roles = _PAGES[name]
    return st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=name)


def pages_for(role: Role) -> list[StreamlitPage]:
    return [page(name) for name, spec in _PAGES.items() if Role(role) in spec[3]]


def page_names_for(role: Role) -> list[str]:
    return [name for name, spec in _PAGES.items() if Role(role) in spec[3]]


def all_pages() -> list[StreamlitPage]:
    return [page(name) for name in _PAGES]
