"""AppTest fixtures: the real app.py over a fresh SQLite database per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from team.db import make_engine
from team.demo.load import load_demo
from team.models import Person
from team.vocabulary import Role
from tests.conftest import migrated_copy

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30


@pytest.fixture
def app_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> Iterator[Engine]:
    """A migrated, empty SQLite database the app under test is pointed at: a copy of the
    template migrated once per test session (tests/conftest.py)."""
    url = migrated_copy(sqlite_template, tmp_path / "app.db")
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    monkeypatch.setenv("TEAM_CONFIG", str(config))
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def open_app(app_engine: Engine) -> Callable[..., AppTest]:
    """open_app(person_id, page=None, **query) -> a run AppTest on that page."""

    def _open(person_id: int | None, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        if person_id is not None:
            at.session_state["person_id"] = person_id
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page is not None:
            at.switch_page(f"team/ui/pages/{page}.py")
            at.run()
        return at

    return _open


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


os.environ.setdefault("STREAMLIT_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture
def demo_engine(app_engine: Engine) -> Engine:
    """The app's database with the demo team loaded."""
    with Session(app_engine) as session:
        load_demo(session)
    return app_engine


def first_of(engine: Engine, role: Role) -> int:
    """The id of the first active person of ``role``."""
    with Session(engine) as session:
        query = select(col(Person.id)).where(col(Person.role) == role, col(Person.active))
        found = session.scalars(query.order_by(col(Person.id))).first()
    assert found is not None
    return int(found)
