"""The one place a database failure becomes a sentence (team/ui/faults.py): a database
that cannot be opened at the start of a run is said the same way as one lost mid-run,
and an error from a database that still answers is a fault in a query, raised as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, TIMEOUT, assert_no_exception


def test_a_database_that_cannot_be_opened_is_one_sentence_with_try_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.yaml"
    url = f"sqlite:///{tmp_path}/no/such/folder/team.db"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    monkeypatch.setenv("TEAM_CONFIG", str(config))
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert_no_exception(at)
    [error] = at.error
    assert "of the SQLite database does not exist" in error.value
    assert at.button(key="database_try_again").label == "Try again"


def _bad_query() -> None:
    from sqlalchemy import text

    from team.ui import faults, resources

    with faults.database_failures(), resources.session() as s:
        s.execute(text("SELECT no_such_column FROM person"))


def test_an_error_from_a_database_that_answers_is_raised(app_engine: object) -> None:
    at = AppTest.from_function(_bad_query, default_timeout=TIMEOUT).run()
    assert not at.error
    [raised] = at.exception
    assert "no_such_column" in raised.value
