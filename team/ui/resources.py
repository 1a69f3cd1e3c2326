"""Cached engine and settings, one session per interaction, and the one way a service
read becomes a cached read: :func:`cached`, keyed by the database URL and its change
counters (so a write by anyone, on any app server, makes the next read of what it
changed fresh).
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
from team.vocabulary import Entity

T = TypeVar("T")

# What conversation changes: notes, one-on-ones, their notes and action items. The reads
# given ``ignoring=TALK`` read none of it (tests/ui/test_cache_areas.py holds them to
# that), so a note, by anyone, leaves them cached: under load notes are half the writes.
TALK = frozenset({Entity.NOTE, Entity.ONE_ON_ONE, Entity.TRACK_NOTE, Entity.ACTION_ITEM})
# Each service read cached with ``ignoring``, by its dotted name: (read, what it ignores).
IGNORING: dict[str, tuple[Callable[..., Any], frozenset[Entity]]] = {}
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
    """Read the change counters once at the start of each run; every cached read of the
    run keys on them (a write ends its run with a rerun, which reads them afresh)."""
    st.session_state[state.RUN_MEMO] = {}
    with session() as s:
        st.session_state[state.DATA_VERSION] = db.data_versions(s)


def data_version(ignoring: frozenset[Entity] = frozenset()) -> int:
    """The newest event id (of the kinds of thing not in ``ignoring``, if any): it moves
    on every write to what a read depends on, by anyone on any app server."""
    versions: dict[str, int] | None = st.session_state.get(state.DATA_VERSION)
    if versions is None:
        begin_run()
        versions = st.session_state[state.DATA_VERSION]
    assert versions is not None
    if not ignoring:
        return versions[db.ANY_KIND]
    kinds = {kind.value for kind in Entity} - {kind.value for kind in ignoring}
    return max(versions[kind] for kind in kinds)


def cached(
    read: Callable[Concatenate[Session, P], T],
    *,
    daily: bool = False,
    max_entries: int = 64,
    ignoring: frozenset[Entity] = frozenset(),
) -> Callable[P, T]:
    """``read`` (a service read taking a session first) as a cached read, called with its
    own arguments and keyed by them, the database URL and the data version; ``daily``
    keys it by the day too (ages, "new" and "overdue" move with the calendar).
    ``ignoring``: kinds of thing whose changes cannot change what ``read`` returns (it
    reads none of their tables, and their writes change nothing else it reads without
    an event of another kind), so a write to one of them leaves it cached."""

    def run(url: str, version: int, day: str, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with session() as s:
            return read(s, *args, **kwargs)

    if ignoring:
        IGNORING[f"{read.__module__}.{read.__qualname__}"] = (read, ignoring)
    # Streamlit names a cache by its function: each read gets a cache of its own.
    run.__module__, run.__qualname__ = read.__module__, read.__qualname__
    ttl = 3600 if daily else None
    stored = st.cache_data(show_spinner=False, max_entries=max_entries, ttl=ttl)(run)

    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        day = date.today().isoformat() if daily else ""
        url = settings().database_url
        return stored(url, data_version(ignoring), day, *args, **kwargs)

    return call
