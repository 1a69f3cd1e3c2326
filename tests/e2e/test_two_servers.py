"""Two real app servers on one PostgreSQL stay coherent (issue 19), as a team behind a
sticky balancer would use them:

- started at the same moment on an empty database, they take turns migrating it (both
  come to the migration lock at once; both end up serving, the database at the head);
- a write on one server is seen on the other's next rerun (the other's cached reads are
  keyed by the database's newest events of the kinds they read, which the write moved);
- two people saving the same question from the two servers lose nothing: the second
  save is refused as stale, keeps what they typed, and goes through once they reload.

Each test builds its own PostgreSQL schema (tests/pg_schema.py), so it starts from no
table at all and leaves the schema the other tests share alone."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine
from sqlmodel import Session

from team import db
from team.models import Question
from tests.e2e import hostile
from tests.e2e.conftest import (
    IDLE_TIMEOUT,
    RUN_WATCHER,
    _tail,
    be,
    click_to_run,
    streamlit_server,
    wait_idle,
)
from tests.factories import Team, make_team, root
from tests.pg_schema import empty_schema, migration_lock_held, wait_for_waiters

# Generous: two servers, two browsers and PostgreSQL share a small, loaded machine.
LOCK_WAIT = 120.0  # seconds for both servers' first page runs to reach the lock
FIRST_RUN = 120_000  # milliseconds for a first page run that migrates, then draws
EDIT = "Edit title, context and technique"


def _config(folder: Path, url: str) -> Path:
    config = folder / "config.yaml"
    config.write_text(f"database:\n  url: '{url}'\nauth:\n  mode: local\n", encoding="utf-8")
    return config


@contextlib.contextmanager
def started_together(config: Path, logs: list[Path]) -> Iterator[list[str]]:
    """One server per log, all started at the same moment (each waits for its own health
    check in a thread); every server started is stopped when the block ends, also when
    another failed to start. Yields their base URLs."""
    with contextlib.ExitStack() as stack:
        servers = [streamlit_server(config, log) for log in logs]
        with ThreadPoolExecutor(len(servers)) as pool:
            starts = [pool.submit(server.__enter__) for server in servers]
            wait(starts)
        for server, start in zip(servers, starts, strict=True):
            if start.exception() is None:
                stack.push(server.__exit__)
        yield [start.result() for start in starts]


@pytest.fixture
def other_page(page: Any) -> Iterator[Any]:
    """A second browser of its own (cookies, session), beside ``page``: a second person."""
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(IDLE_TIMEOUT)
    context.add_init_script(RUN_WATCHER)
    try:
        yield context.new_page()
    finally:
        context.close()


def _no_traceback(logs: list[Path]) -> None:
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in text, f"{log.name}:\n{_tail(log, 80)}"


# --------------------------------------------------------------------------- migrations


def test_two_servers_started_at_once_on_an_empty_database_take_turns_migrating(
    tmp_path: Path, page: Any, other_page: Any
) -> None:
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    with empty_schema("e2e_race") as url:
        engine = db.make_engine(url)
        try:
            with started_together(_config(tmp_path, url), logs) as urls:
                # Each server migrates on its first page run. Held here, the lock makes
                # both runs arrive while the other waits too: then they take turns.
                with migration_lock_held(url) as lock:
                    page.goto(urls[0])
                    other_page.goto(urls[1])
                    wait_for_waiters(lock, 2, timeout=LOCK_WAIT)
                for tab in (page, other_page):
                    empty = tab.get_by_text("Nobody is on the team yet.", exact=False)
                    expect(empty).to_be_visible(timeout=FIRST_RUN)
            assert db.current_revision(engine) == db.HEAD_REVISION
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
        finally:
            engine.dispose()
    _no_traceback(logs)


# --------------------------------------------------------------------------- coherence


@dataclass(frozen=True)
class Pair:
    urls: list[str]
    engine: Engine
    team: Team
    logs: list[Path]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two servers over one migrated PostgreSQL schema holding the small team."""
    folder = tmp_path_factory.mktemp("two_servers")
    logs = [folder / "one.log", folder / "two.log"]
    with empty_schema("e2e_pair") as url:
        engine = db.make_engine(url)
        try:
            db.upgrade(engine)
            with Session(engine, expire_on_commit=False) as session:
                team = make_team(session)
            with started_together(_config(folder, url), logs) as urls:
                yield Pair(urls=urls, engine=engine, team=team, logs=logs)
        finally:
            engine.dispose()


def _question(pair: Pair, title: str) -> int:
    with Session(pair.engine) as session:
        return root(session, pair.team, title)


def _stored(pair: Pair, qid: int) -> tuple[str, int]:
    """The question's title and version as the database holds them now."""
    with Session(pair.engine) as session:
        q = session.get(Question, qid)
        assert q is not None
        return q.title, q.version


def _open(tab: Any, base_url: str, qid: int, who: str) -> None:
    tab.goto(f"{base_url}/questions?root={qid}")
    wait_idle(tab)
    be(tab, who)
    expect(tab.get_by_role("heading", name="Questions", exact=True)).to_be_visible()


def _heading(tab: Any, title: str) -> Any:
    """The open question's title, as its detail shows it."""
    return tab.get_by_test_id("stMain").get_by_role("heading", name=title, exact=True)


def _type_title(tab: Any, qid: int, title: str) -> Any:
    """Type ``title`` into the open question's edit form (opened if closed); the form."""
    hostile.expanded(tab, EDIT)
    form = hostile.form(tab, f"edit_{qid}")
    form.get_by_label("Question", exact=True).fill(title)
    return form


def _rerun(tab: Any) -> None:
    """Run the page again as it stands, with Streamlit's own "R" key (no widget changes,
    the same session): the next rerun of someone who stays on the page. (A run served
    from warm caches may end before its "running" state is drawn: wait_idle allows it.)"""
    tab.evaluate("() => document.activeElement?.blur()")
    tab.keyboard.press("r")
    wait_idle(tab)


def test_a_write_on_one_server_is_seen_on_the_others_next_rerun(
    pair: Pair, page: Any, other_page: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    old, new = f"Why did retention drop in Q3? {tag}", f"Why did retention drop in Q4? {tag}"
    qid = _question(pair, old)
    # Ines reads the question on the second server: its reads are now cached there.
    _open(other_page, pair.urls[1], qid, "Ines · IC")
    expect(_heading(other_page, old)).to_be_visible()

    _open(page, pair.urls[0], qid, "Maya · manager")
    hostile.submit(page, _type_title(page, qid, new), "Save")
    hostile.flash(page, f"Saved “{new}”")
    assert _stored(pair, qid)[0] == new

    _rerun(other_page)
    expect(_heading(other_page, new)).to_be_visible()
    expect(_heading(other_page, old)).to_have_count(0)
    _no_traceback(pair.logs)


def test_the_same_question_saved_from_both_servers_is_refused_as_stale_never_lost(
    pair: Pair, page: Any, other_page: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    qid = _question(pair, f"Should we replace the pricing heuristic? {tag}")
    first, second = f"Replace it with a model? {tag}", f"Keep the heuristic for now? {tag}"
    _open(page, pair.urls[0], qid, "Maya · manager")
    _open(other_page, pair.urls[1], qid, "Omar · manager")
    _, version = _stored(pair, qid)
    # Both open the form on the same version and type before either saves.
    mine = _type_title(page, qid, first)
    theirs = _type_title(other_page, qid, second)

    hostile.submit(page, mine, "Save")
    hostile.flash(page, f"Saved “{first}”")
    assert _stored(pair, qid) == (first, version + 1)

    hostile.submit(other_page, theirs, "Save")
    hostile.error(
        other_page,
        "was changed by someone else since you opened it "
        f"(you had version {version}, it is now version {version + 1})",
    )
    assert _stored(pair, qid) == (first, version + 1)  # the first save stands
    expect(theirs.get_by_label("Question", exact=True)).to_have_value(second)  # kept

    reload = other_page.get_by_role("button", name="Reload the latest version", exact=True)
    click_to_run(other_page, reload)
    expect(_heading(other_page, first)).to_be_visible()  # they see the first save now
    expect(other_page.get_by_text(re.compile("changed by someone else"))).to_have_count(0)
    hostile.submit(other_page, _type_title(other_page, qid, second), "Save")
    hostile.flash(other_page, f"Saved “{second}”")
    assert _stored(pair, qid) == (second, version + 2)
    _no_traceback(pair.logs)
