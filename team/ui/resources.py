"""Cached engine and settings, one session per interaction, and cached reads keyed by
the database's change counter (so any write invalidates exactly what it should)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, NoReturn, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from team import db
from team.config import ConfigError, Settings, config_path, load_config
from team.models import PersonPublic, ProjectPublic
from team.services.core import actors as people
from team.services.core.errors import TeamError
from team.services.core.paging import Paged, Window
from team.services.inbox import my_work as work
from team.services.notes import writes as notes
from team.services.questions import portfolio
from team.services.reviews import writes as reviews
from team.ui import state

T = TypeVar("T")


def _stop(message: str) -> NoReturn:
    st.error(message, icon=":material/warning:")
    st.stop()


@st.cache_resource(show_spinner=False)
def _settings_for(path: str, mtime: float) -> Settings:
    return load_config(path)


def once_per_run(name: str, read: Callable[[], T]) -> T:
    """``read()`` the first time in a run, then the same value for the rest of the run
    (a page asks for the people or the settings many times; each cached read costs a
    hash of its key and an unpickled copy). Outside a run begun by :func:`begin_run`,
    read every time."""
    memo: dict[str, Any] | None = st.session_state.get(state.RUN_MEMO)
    if memo is None:
        return read()
    if name not in memo:
        memo[name] = read()
    return memo[name]  # type: ignore[no-any-return]


def _read_settings() -> Settings:
    path = config_path()
    try:
        return _settings_for(str(path.resolve()), path.stat().st_mtime if path.exists() else 0)
    except ConfigError as exc:
        _stop(str(exc))


def settings() -> Settings:
    return once_per_run("settings", _read_settings)


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
    st.session_state[state.RUN_MEMO] = {}
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


def cache_key() -> tuple[str, int]:
    """(database URL, data version): the first arguments of every cached read."""
    return settings().database_url, data_version()


def all_people() -> list[PersonPublic]:
    return once_per_run("people", lambda: _people(*cache_key()))


def all_projects() -> list[ProjectPublic]:
    return once_per_run("projects", lambda: _projects(*cache_key()))


def portfolio_page(f: portfolio.PortfolioFilter, page: int) -> Paged[portfolio.PortfolioRow]:
    return _portfolio_page(*cache_key(), f.project_id, f.person_id, f.search, page)


def portfolio_summary(f: portfolio.PortfolioFilter) -> portfolio.Summary:
    return _portfolio_summary(
        *cache_key(), f.project_id, f.person_id, f.search, date.today().isoformat()
    )


# --------------------------------------------------------------------------- IC workflow
# Long lists are cached one page at a time (small plain data); "day" keys reads whose
# "new in the last 7 days" changes even when nothing is written.


@st.cache_data(show_spinner=False, max_entries=128)
def _notes_on(url: str, version: int, target: str, target_id: int) -> list[notes.NoteView]:
    with session() as s:
        return notes.notes_on(s, target, target_id)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=64)
def _notes_for(
    url: str, version: int, target: str, target_ids: tuple[int, ...]
) -> dict[int, list[notes.NoteView]]:
    with session() as s:
        return notes.notes_on_many(s, target, target_ids)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=64)
def _findings_on(url: str, version: int, question_ids: tuple[int, ...]) -> list[work.FindingView]:
    with session() as s:
        return work.findings_on(s, list(question_ids))


@st.cache_data(show_spinner=False, max_entries=64)
def _my_findings(
    url: str, version: int, author_id: int, page: int, search: str
) -> Paged[work.FindingView]:
    with session() as s:
        return work.findings_by_page(s, author_id, Window(page), search)


@st.cache_data(show_spinner=False, max_entries=64)
def _my_questions(url: str, version: int, person_id: int, page: int) -> Paged[work.WorkItem]:
    with session() as s:
        return work.my_questions_page(s, person_id, Window(page))


@st.cache_data(show_spinner=False, max_entries=64)
def _open_assignments(url: str, version: int, person_id: int) -> list[tuple[int, str]]:
    with session() as s:
        return work.open_assignments(s, person_id)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _attention_counts(url: str, version: int, person_id: int, day: str) -> dict[str, int]:
    with session() as s:
        return work.attention_counts(s, person_id)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _attention(
    url: str, version: int, person_id: int, day: str, pages: tuple[int, ...]
) -> work.AttentionPage:
    totals = _attention_counts(url, version, person_id, day)
    with session() as s:
        wanted = dict(zip(work.SECTIONS, pages, strict=True))
        return work.attention_page(s, person_id, wanted, totals=totals)


@st.cache_data(show_spinner=False, max_entries=64)
def _reviews(
    url: str, version: int, kind: str, person_id: int, page: int, search: str
) -> Paged[reviews.ReviewView]:
    with session() as s:
        if kind == "queue":
            return reviews.queue_page(s, person_id, Window(page))
        if kind in ("mine", "mine_newest"):
            newest = kind == "mine_newest"
            return reviews.requested_by_page(s, person_id, Window(page), newest_first=newest)
        return reviews.open_reviews_page(s, Window(page), search)


def notes_on(target: str, target_id: int) -> list[notes.NoteView]:
    return _notes_on(*cache_key(), target, target_id)


def notes_for(target: str, target_ids: list[int]) -> dict[int, list[notes.NoteView]]:
    """The note threads of many targets of one kind, read in one query."""
    return _notes_for(*cache_key(), target, tuple(sorted(set(target_ids))))


def findings_on(question_ids: list[int]) -> list[work.FindingView]:
    return _findings_on(*cache_key(), tuple(sorted(question_ids)))


def my_findings(author_id: int, page: int, search: str = "") -> Paged[work.FindingView]:
    return _my_findings(*cache_key(), author_id, page, " ".join(search.split()))


def my_questions(person_id: int, page: int) -> Paged[work.WorkItem]:
    return _my_questions(*cache_key(), person_id, page)


def open_assignments(person_id: int) -> list[tuple[int, str]]:
    return _open_assignments(*cache_key(), person_id)


def attention_counts(person_id: int) -> dict[str, int]:
    """Keyed by the day too: "new" notes age out even when nothing is written."""
    return _attention_counts(*cache_key(), person_id, date.today().isoformat())


def attention_count(person_id: int) -> int:
    return sum(attention_counts(person_id).values())


def attention(person_id: int, pages: dict[str, int]) -> work.AttentionPage:
    wanted = tuple(int(pages.get(name, 1)) for name in work.SECTIONS)
    return _attention(*cache_key(), person_id, date.today().isoformat(), wanted)


def review_queue(person_id: int, page: int) -> Paged[reviews.ReviewView]:
    return _reviews(*cache_key(), "queue", person_id, page, "")


def my_review_requests(
    person_id: int, page: int, *, newest_first: bool = False
) -> Paged[reviews.ReviewView]:
    kind = "mine_newest" if newest_first else "mine"
    return _reviews(*cache_key(), kind, person_id, page, "")


def open_reviews(page: int, search: str = "") -> Paged[reviews.ReviewView]:
    return _reviews(*cache_key(), "open", 0, page, " ".join(search.split()))


@st.cache_data(show_spinner=False, max_entries=64)
def _review(url: str, version: int, review_id: int) -> reviews.ReviewView | None:
    with session() as s:
        try:
            return reviews.get_review(s, review_id)
        except TeamError:
            return None


def review(review_id: int) -> reviews.ReviewView | None:
    return _review(*cache_key(), review_id)
