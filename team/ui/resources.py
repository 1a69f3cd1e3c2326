"""Cached engine and settings, one session per interaction, and the one way a service
read becomes a cached read: :func:`cached`, keyed by the database URL and its change
counter (so a write anywhere, by anyone, on any app server, makes the next read fresh).
The cached reads themselves are declared in reads.py, one line each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from team import db
from team.config import ConfigError, Settings, config_path, load_config
from team.ui import state

T = TypeVar("T")
P = ParamSpec("P")


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
    """The engine of the configured database, migrated; DatabaseError (shown by
    faults.database_failures) if it cannot be reached or migrated."""
    return _engine_for(settings().database_url)


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


def cache_key() -> tuple[str, int]:
    """(database URL, data version): what every cached read is keyed by."""
    return settings().database_url, data_version()


def cached(
    read: Callable[Concatenate[Session, P], T], *, daily: bool = False, max_entries: int = 64
) -> Callable[P, T]:
    """``read`` (a service read taking a session first) as a cached read, called with its
    own arguments and keyed by them, the database URL and the data version; ``daily``
    keys it by the day too (ages, "new" and "overdue" move with the calendar)."""

    def run(url: str, version: int, day: str, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with session() as s:
            return read(s, *args, **kwargs)

    # Streamlit names a cache by its function: each read gets a cache of its own.
    run.__module__, run.__qualname__ = read.__module__, read.__qualname__
    ttl = 3600 if daily else None
    stored = st.cache_data(show_spinner=False, max_entries=max_entries, ttl=ttl)(run)

    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        day = date.today().isoformat() if daily else ""
        return stored(*cache_key(), day, *args, **kwargs)

    return call
