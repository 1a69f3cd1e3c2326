"""Shared fixtures: a migrated database per test on SQLite, and on PostgreSQL when
TEAM_TEST_POSTGRES_URL is set. In CI (CI=true) a PostgreSQL or browser test that
cannot run fails instead of skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from team import models
from team.db import make_engine, upgrade

POSTGRES_URL = os.environ.get("TEAM_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop that lacks a part; fail in CI, where every part must run."""
    if IN_CI:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        skip_or_fail("TEAM_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL)")
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    yield engine
    engine.dispose()


def truncate_postgres(engine: Engine) -> None:
    """Empty every table of the app (ids start again at 1)."""
    names = ", ".join(f'"{t.__tablename__}"' for t in models.TABLES)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def migrated_copy(template: Path, path: Path) -> str:
    """The URL of a migrated, empty SQLite file at ``path``: a copy of ``template``
    (migrating once per test session instead of once per test)."""
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_copy(sqlite_template, tmp_path / "team.db"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Engine:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        lite: Engine = request.getfixturevalue("sqlite_engine")
        return lite
    pg: Engine = request.getfixturevalue("postgres_engine")
    truncate_postgres(pg)
    return pg


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
