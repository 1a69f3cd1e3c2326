"""The database going away while people use the app (PostgreSQL refusing connections
between two clicks): the page says so in one sentence with a "Try again" button, and
the next click after it is back works as before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.db import make_engine, upgrade
from tests.factories import make_team, root
from tests.ui.conftest import APP, TIMEOUT, assert_no_exception

pytestmark = pytest.mark.postgres
NAME = f"team_down_{os.getpid()}"


def _admin(engine: Engine, *statements: str) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in statements:
            conn.execute(text(statement))


def _cut_off(engine: Engine, allow: bool) -> None:
    statements = [f"ALTER DATABASE {NAME} ALLOW_CONNECTIONS {'true' if allow else 'false'}"]
    if not allow:
        statements.append(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{NAME}'"
        )
    _admin(engine, *statements)


@pytest.fixture
def own_database(
    postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[int]:
    """A database of its own on the test server, the app pointed at it; the manager's id."""
    _admin(postgres_engine, f"DROP DATABASE IF EXISTS {NAME}", f"CREATE DATABASE {NAME}")
    url = postgres_engine.url.set(database=NAME).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        team = make_team(s)
        root(s, team)
    engine.dispose()
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    monkeypatch.setenv("TEAM_CONFIG", str(config))
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    yield team.manager
    _cut_off(postgres_engine, True)
    _cut_off(postgres_engine, False)
    _admin(postgres_engine, f"DROP DATABASE IF EXISTS {NAME}")


def test_a_click_while_the_database_is_down_is_one_sentence(
    postgres_engine: Engine, own_database: int, caplog: pytest.LogCaptureFixture
) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["person_id"] = own_database
    at.run()
    assert_no_exception(at)
    assert at.title[0].value == "Overview"

    _cut_off(postgres_engine, False)
    caplog.clear()
    at.run()  # the next click
    assert_no_exception(at)
    logged = [r for r in caplog.records if r.name.startswith("team")]
    assert [r.getMessage().startswith("Cannot reach") for r in logged] == [True]
    assert "\n" not in logged[0].getMessage() and logged[0].exc_info is None
    [error] = at.error
    assert error.value.startswith("Cannot reach the database at postgresql+psycopg://")
    assert "\n" not in error.value and "SELECT" not in error.value
    assert at.button(key="database_try_again").label == "Try again"

    _cut_off(postgres_engine, True)
    at.button(key="database_try_again").click().run()
    assert_no_exception(at)
    assert not at.error
    assert at.title[0].value == "Overview"
