"""Cached reads of the Questions and Answers pages: each keyed by the database URL and
its data version (see resources), each small: a page of rows, never a whole tree."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from team import db
from team.services.answers import memo
from team.services.answers import writes as answers
from team.services.core.paging import Paged, Window
from team.services.findings import evidence
from team.services.findings.reads import FindingView
from team.services.questions import tree
from team.services.questions import view as tree_view
from team.ui import resources
from team.ui.resources import cache_key, session

ROWS = 50  # rows of the tree list on one page
CHOICES = 50  # options of a picker before a search narrows them
EVIDENCE = 10  # citable findings on one page of the Answers page (a search finds others)


@st.cache_data(show_spinner=False, max_entries=64)
def _view(
    url: str,
    version: int,
    root_id: int,
    node_id: int | None,
    page: int,
    size: int,
    depth: int,
    fit: int | None,
) -> tree_view.TreeView:
    with session() as s:
        return tree_view.tree_view(s, root_id, node_id, Window(page, size), depth=depth, fit=fit)


@st.cache_data(show_spinner=False, max_entries=64)
def _roots(url: str, version: int, search: str, current: int | None) -> tree.RootChoices:
    with session() as s:
        return tree.root_choices(s, search=search, current=current, limit=CHOICES)


@st.cache_data(show_spinner=False, max_entries=64)
def _choices(
    url: str,
    version: int,
    root_id: int,
    search: str,
    outside_of: int | None,
    exclude: frozenset[int],
    depth: int | None,
) -> tree_view.Choices:
    with session() as s:
        return tree_view.tree_choices(
            s,
            root_id,
            search=search,
            limit=CHOICES,
            outside_of=outside_of,
            exclude=exclude,
            depth=depth,
        )


@st.cache_data(show_spinner=False, max_entries=64)
def _versions(url: str, version: int, question_id: int) -> list[answers.AnswerVersion]:
    with session() as s:
        return answers.versions(s, question_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _latest(
    url: str, version: int, question_ids: tuple[int, ...]
) -> dict[int, answers.AnswerVersion]:
    with session() as s:
        return answers.latest_versions(s, list(question_ids))


@st.cache_data(show_spinner=False, max_entries=64)
def _citable(
    url: str, version: int, node_id: int, page: int, search: str
) -> Paged[evidence.Citable]:
    with session() as s:
        return evidence.citable_findings(s, node_id, Window(page, EVIDENCE), search)


@st.cache_data(show_spinner=False, max_entries=64)
def _findings_on(url: str, version: int, question_id: int, page: int) -> Paged[FindingView]:
    with session() as s:
        return evidence.findings_on_page(s, question_id, Window(page))


def view(
    root_id: int,
    node_id: int | None,
    page: int,
    *,
    size: int = ROWS,
    depth: int = tree_view.DEPTH,
    fit: int | None = tree_view.FIT,
) -> tree_view.TreeView:
    """The view of a node: its rows go ``depth`` levels down while they ``fit``."""
    return _view(*cache_key(), root_id, node_id, page, size, depth, fit)


def roots(search: str, current: int | None) -> tree.RootChoices:
    return _roots(*cache_key(), search.strip(), current)


def choices(
    root_id: int,
    search: str,
    *,
    outside_of: int | None = None,
    exclude: frozenset[int] = frozenset(),
    depth: int | None = None,
) -> tree_view.Choices:
    return _choices(*cache_key(), root_id, search.strip(), outside_of, exclude, depth)


def answer_versions(question_id: int) -> list[answers.AnswerVersion]:
    return _versions(*cache_key(), question_id)


def latest_answers(question_ids: list[int]) -> dict[int, answers.AnswerVersion]:
    return _latest(*cache_key(), tuple(sorted(question_ids)))


def citable(node_id: int, page: int, search: str) -> Paged[evidence.Citable]:
    return _citable(*cache_key(), node_id, page, search.strip())


def findings_on(question_id: int, page: int) -> Paged[FindingView]:
    return _findings_on(*cache_key(), question_id, page)


def memo_builder(question_id: int) -> Callable[[], str]:
    """A function that builds the memo of ``question_id`` when called. The download
    button calls it only when someone clicks, on a thread of its own, so it holds the
    engine and calls nothing of Streamlit's."""
    engine = resources.engine()

    def build() -> str:
        with db.session_scope(engine) as s:
            return memo.memo(s, question_id)

    return build
