"""config.yaml: validated on load; a bad file is one clear sentence, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from team.config import ConfigError, check_bind_address, load_config

GOOD = """
database:
  url: sqlite:///data/team.db
auth:
  mode: local
techniques: [statistics, modeling]
stale_after_days: 10
review_sla_hours: 24
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    settings = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    assert settings.auth.mode == "local"
    assert "data cleaning" in settings.techniques
    assert settings.database_url.endswith("/data/team.db")


def test_good_file_and_relative_sqlite_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    settings = load_config(_write(tmp_path, GOOD))
    assert settings.techniques == ("statistics", "modeling")
    assert settings.stale_after_days == 10
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/data/team.db"


def test_environment_overrides_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/team")
    assert load_config(_write(tmp_path, GOOD)).database_url.startswith("postgresql+psycopg")


def test_team_config_points_at_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_CONFIG", str(_write(tmp_path, "stale_after_days: 3\n")))
    assert load_config().stale_after_days == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("databse:\n  url: x\n", "unknown key 'databse'"),
        ("auth:\n  mode: ldap\n", "'auth.mode': expected 'local', 'oidc' or 'proxy' (got 'ldap')"),
        ("stale_after_days: soon\n", "'stale_after_days': Input should be a valid integer"),
        ("stale_after_days: 0\n", "'stale_after_days'"),
        ("review_sla_hours: [1]\n", "'review_sla_hours'"),
        ("techniques: [stats, stats]\n", "distinct technique names"),
        ("techniques: []\n", "'techniques'"),
        ("database:\n  url: mysql://x\n", "'database.url': expected a SQLAlchemy URL"),
        ("auth: [local]\n", "'auth'"),
        ("- just\n- a list\n", "expected a mapping"),
        ("database: {url: 'sqlite:///x'\n", "not valid YAML at line"),
    ],
)
def test_bad_files_give_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.yaml")


def test_bad_database_url_in_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAM_DATABASE_URL", "oracle://nope")
    with pytest.raises(ConfigError, match="TEAM_DATABASE_URL"):
        load_config(_write(tmp_path, GOOD))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.5", "::1", "localhost"])
def test_local_mode_serves_on_loopback(tmp_path: Path, address: str) -> None:
    check_bind_address(load_config(_write(tmp_path, GOOD)), address)


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.4", "", None, "example.com"])
def test_local_mode_refuses_other_addresses(tmp_path: Path, address: str | None) -> None:
    with pytest.raises(ConfigError, match=r"serves only on 127\.0\.0\.1"):
        check_bind_address(load_config(_write(tmp_path, GOOD)), address)
