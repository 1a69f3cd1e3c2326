"""Cached engine and settings, one session per interaction, and cached reads keyed by
the database's change counter (so any write invalidates exactly what it should)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import NoReturn

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from team import db
from team.config import ConfigError, Settings, config_path, load_config
from team.models import PersonPublic, ProjectPublic
from team.services import answers, memo, notes, people, portfolio, reviews, tree, work
from team.services.errors import TeamError
from team.services.paging import Paged, Window
from team.ui import state


def _stop(message: str) -> NoReturn:
    st.error(message, icon="⚠️")
    st.stop()


@st.cache_resource(show_spinner=False)
def _settings_for(path: str, mtime: float) -> Settings:
    return load_config(path)


def settings() -> Settings:
    path = config_path()
    try:
        return _settings_for(str(path.resolve()), path.stat().st_mtime if path.exists() else 0)
    except ConfigError as exc:
        _stop(str(exc))


@st.cache_resource(show_spinner="Preparing the database…")
def _engine_for(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    url = settings().database_url
    try:
        return _engine_for(url)
    except db.DatabaseError as exc:
        _stop(str(exc))


@contextmanager
def session() -> Iterator[Session]:
    with db.session_scope(engine()) as s:
        yield s


def begin_run() -> None:
    """Read the change counter once at the start of each run; every cached read of the
    run keys on it (a write ends its run with a rerun, which reads it afresh)."""
    with session() as s:
        st.session_state[state.DATA_VERSION] = db.data_version(s)


def data_version() -> int:
    version = st.session_state.get(state.DATA_VERSION)
    if version is None:
        begin_run()
        version = st.session_state[state.DATA_VERSION]
    return int(version)


# --------------------------------------------------------------------------- cached reads
# Each takes the database URL and the data version, so a write anywhere (by anyone,
# on any app server) makes the next read fresh, and nothing stale survives a write.


@st.cache_data(show_spinner=False, max_entries=32)
def _people(url: str, version: int) -> list[PersonPublic]:
    with session() as s:
        return people.list_people(s)


@st.cache_data(show_spinner=False, max_entries=32)
def _projects(url: str, version: int) -> list[ProjectPublic]:
    with session() as s:
        return people.list_projects(s)


@st.cache_data(show_spinner=False, max_entries=64)
def _portfolio_page(
    url: str, version: int, project_id: int | None, person_id: int | None, search: str, page: int
) -> Paged[portfolio.PortfolioRow]:
    f = portfolio.PortfolioFilter(project_id, person_id, search)
    with session() as s:
        return portfolio.page(s, f, Window(page=page))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _portfolio_summary(
    url: str, version: int, project_id: int | None, person_id: int | None, search: str, day: str
) -> portfolio.Summary:
    """Keyed by the day too: overdue moves with the calendar."""
    f = portfolio.PortfolioFilter(project_id, person_id, search)
    with session() as s:
        return portfolio.summary(s, f, today=date.fromisoformat(day))


@st.cache_data(show_spinner=False, max_entries=64)
def _tree(url: str, version: int, root_id: int) -> tree.Tree:
    with session() as s:
        return tree.load_tree(s, root_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _roots(url: str, version: int) -> list[tuple[int, str]]:
    with session() as s:
        return tree.find_roots(s)


def cache_key() -> tuple[str, int]:
    """(database URL, data version): the first arguments of every cached read."""
    return settings().database_url, data_version()


def all_people() -> list[PersonPublic]:
    return _people(*cache_key())


def all_projects() -> list[ProjectPublic]:
    return _projects(*cache_key())


def portfolio_page(f: portfolio.PortfolioFilter, page: int) -> Paged[portfolio.PortfolioRow]:
    return _portfolio_page(*cache_key(), f.project_id, f.person_id, f.search, page)


def portfolio_summary(f: portfolio.PortfolioFilter) -> portfolio.Summary:
    return _portfolio_summary(
        *cache_key(), f.project_id, f.person_id, f.search, date.today().isoformat()
    )


def question_tree(root_id: int) -> tree.Tree:
    return _tree(*cache_key(), root_id)


def roots() -> list[tuple[int, str]]:
    return _roots(*cache_key())


# --------------------------------------------------------------------------- IC workflow


@st.cache_data(show_spinner=False, max_entries=128)
def _notes_on(url: str, version: int, target: str, target_id: int) -> list[notes.NoteView]:
    with session() as s:
        return notes.notes_on(s, target, target_id)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=64)
def _findings_on(url: str, version: int, question_ids: tuple[int, ...]) -> list[work.FindingView]:
    with session() as s:
        return work.findings_on(s, list(question_ids))


@st.cache_data(show_spinner=False, max_entries=64)
def _findings_by(url: str, version: int, author_id: int) -> list[work.FindingView]:
    with session() as s:
        return work.findings_by(s, author_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _my_questions(url: str, version: int, person_id: int) -> list[work.WorkItem]:
    with session() as s:
        return work.my_questions(s, person_id)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _attention(url: str, version: int, person_id: int, day: str) -> work.Attention:
    with session() as s:
        return work.attention(s, person_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _reviews(url: str, version: int, kind: str, person_id: int) -> list[reviews.ReviewView]:
    with session() as s:
        if kind == "queue":
            return reviews.queue_for(s, person_id)
        if kind == "mine":
            return reviews.requested_by(s, person_id)
        return reviews.all_reviews(s, open_only=True)


def notes_on(target: str, target_id: int) -> list[notes.NoteView]:
    return _notes_on(*cache_key(), target, target_id)


def findings_on(question_ids: list[int]) -> list[work.FindingView]:
    return _findings_on(*cache_key(), tuple(sorted(question_ids)))


def findings_by(author_id: int) -> list[work.FindingView]:
    return _findings_by(*cache_key(), author_id)


def my_questions(person_id: int) -> list[work.WorkItem]:
    return _my_questions(*cache_key(), person_id)


def attention(person_id: int) -> work.Attention:
    """Keyed by the day too: "new" notes age out even when nothing is written."""
    return _attention(*cache_key(), person_id, date.today().isoformat())


def review_queue(person_id: int) -> list[reviews.ReviewView]:
    return _reviews(*cache_key(), "queue", person_id)


def my_review_requests(person_id: int) -> list[reviews.ReviewView]:
    return _reviews(*cache_key(), "mine", person_id)


def open_reviews() -> list[reviews.ReviewView]:
    return _reviews(*cache_key(), "open", 0)


def review(review_id: int) -> reviews.ReviewView | None:
    with session() as s:
        try:
            return reviews.get_review(s, review_id)
        except TeamError:
            return None


# --------------------------------------------------------------------------- answers


@st.cache_data(show_spinner=False, max_entries=64)
def _versions(url: str, version: int, question_id: int) -> list[answers.AnswerVersion]:
    with session() as s:
        return answers.versions(s, question_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _memo(url: str, version: int, question_id: int) -> str:
    with session() as s:
        return memo.memo(s, question_id)


def answer_versions(question_id: int) -> list[answers.AnswerVersion]:
    return _versions(*cache_key(), question_id)


def memo_text(question_id: int) -> str:
    return _memo(*cache_key(), question_id)
