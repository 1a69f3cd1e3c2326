"""The pages, and which of them each role may see."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from team.vocabulary import Role

PAGES_DIR = Path(__file__).parent / "pages"

# name -> (file, title, icon, roles that may see it)
WORKERS = frozenset({Role.MANAGER, Role.IC})
EVERYONE = frozenset(Role)
_PAGES: dict[str, tuple[str, str, str, frozenset[Role]]] = {
    "attention": ("attention.py", "Needs my attention", ":material/notifications:", EVERYONE),
    "overview": ("overview.py", "Overview", ":material/dashboard:", EVERYONE),
    "questions": ("questions.py", "Questions", ":material/account_tree:", EVERYONE),
    "answers": ("answers.py", "Answers", ":material/lightbulb:", EVERYONE),
    "decisions": ("decisions.py", "Decisions", ":material/gavel:", EVERYONE),
    "my_work": ("my_work.py", "My work", ":material/assignment_ind:", WORKERS),
    "reviews": ("reviews.py", "Reviews", ":material/rate_review:", WORKERS),
    "one_on_ones": ("one_on_ones.py", "One-on-ones", ":material/forum:", WORKERS),
    "progress": ("progress.py", "Progress", ":material/monitoring:", WORKERS),
    "team": ("team.py", "Team", ":material/groups:", WORKERS),
    "admin": ("admin.py", "Admin", ":material/admin_panel_settings:", frozenset({Role.MANAGER})),
    "search": ("search.py", "Search", ":material/search:", EVERYONE),
    "settings": ("settings.py", "My settings", ":material/tune:", EVERYONE),
}
DEFAULT_PAGE = "overview"


def page(name: str, *, title: str | None = None) -> StreamlitPage:
    file, default_title, icon, _roles = _PAGES[name]
    return st.Page(
        PAGES_DIR / file,
        title=title or default_title,
        icon=icon,
        url_path=name,
        default=name == DEFAULT_PAGE,
    )


def pages_for(role: Role, *, unread: int = 0) -> list[StreamlitPage]:
    """The pages ``role`` may use; the attention page carries the count of unread
    notifications in its title."""
    titles = {"attention": f"Needs my attention ({unread})" if unread else None}
    return [
        page(name, title=titles.get(name)) for name, spec in _PAGES.items() if Role(role) in spec[3]
    ]


def page_names_for(role: Role) -> list[str]:
    return [name for name, spec in _PAGES.items() if Role(role) in spec[3]]


def all_pages() -> list[StreamlitPage]:
    return [page(name) for name in _PAGES]


def all_page_names() -> list[str]:
    return list(_PAGES)


def title_of(name: str) -> str:
    return _PAGES[name][1]


PageFor = Callable[[str], StreamlitPage]


def pages_once() -> PageFor:
    """``page`` remembered for one run: building a page resolves its file on disk, which
    a list of links would otherwise do for every row."""
    return functools.cache(page)
