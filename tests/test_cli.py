"""The `team` command, run as a user would: exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from team import db
from team.cli import app
from team.services.admin import reads as admin_reads
from team.services.answers import memo
from tests.factories import make_team, root

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    monkeypatch.delenv("TEAM_CONFIG", raising=False)
    path = tmp_path / "config.yaml"
    path.write_text("database:\n  url: sqlite:///team.db\n", encoding="utf-8")
    return path


def _team(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "team"
    assert script.exists(), "pip install -e . should create the `team` console script"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for command in ("db", "demo", "export", "import", "run"):
        assert command in done.stdout


def test_db_upgrade_creates_the_database(config: Path) -> None:
    code, out, _ = _team("db", "upgrade", "--config", str(config))
    assert code == 0
    assert f"revision {db.head_revision()}" in out
    assert (config.parent / "team.db").exists()


def test_bad_config_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("database:\n  url: sqlite:///team.db\nauth:\n  mode: ldap\n", encoding="utf-8")
    for args in (["db", "upgrade"], ["demo"], ["export", str(tmp_path / "x.json")]):
        code, _, err = _team(*args, "--config", str(bad))
        assert code == 1
        assert "'auth.mode': expected 'local'" in err
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "team.db").exists()
    assert not (tmp_path / "x.json").exists()


def test_missing_config_file(tmp_path: Path) -> None:
    code, _, err = _team("db", "upgrade", "--config", str(tmp_path / "nope.yaml"))
    assert code == 1
    assert "configuration file not found" in err


def test_export_refuses_an_unmigrated_database(config: Path, tmp_path: Path) -> None:
    code, _, err = _team("export", str(tmp_path / "out.json"), "--config", str(config))
    assert code == 1
    assert "team db upgrade" in err


def test_export_import_export_is_identical(config: Path, tmp_path: Path) -> None:
    assert _team("db", "upgrade", "--config", str(config))[0] == 0
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        team = make_team(session)
        root(session, team)
    engine.dispose()
    first = tmp_path / "first.json"
    code, out, _ = _team("export", str(first), "--config", str(config))
    assert code == 0
    assert "Exported" in out

    other = tmp_path / "other"
    other.mkdir()
    other_config = other / "config.yaml"
    other_config.write_text("database:\n  url: sqlite:///team.db\n", encoding="utf-8")
    code, out, _ = _team("import", str(first), "--config", str(other_config))
    assert code == 0
    assert "Imported" in out
    second = tmp_path / "second.json"
    assert _team("export", str(second), "--config", str(other_config))[0] == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")

    code, _, err = _team("import", str(first), "--config", str(other_config))
    assert code == 1
    assert "already holds data" in err


def test_invalid_import_names_the_record_and_imports_nothing(config: Path, tmp_path: Path) -> None:
    assert _team("db", "upgrade", "--config", str(config))[0] == 0
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        team = make_team(session)
        root(session, team)
    engine.dispose()
    good = tmp_path / "good.json"
    assert _team("export", str(good), "--config", str(config))[0] == 0
    data = json.loads(good.read_text(encoding="utf-8"))
    data["tables"]["question"][0]["parent_id"] = 999
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    fresh_config = fresh / "config.yaml"
    fresh_config.write_text("database:\n  url: sqlite:///team.db\n", encoding="utf-8")
    code, _, err = _team("import", str(bad), "--config", str(fresh_config))
    assert code == 1
    assert "question #1" in err
    assert "999" in err
    empty = fresh / "empty.json"
    assert _team("export", str(empty), "--config", str(fresh_config))[0] == 0
    tables = json.loads(empty.read_text(encoding="utf-8"))["tables"]
    assert all(rows == [] for rows in tables.values())


def test_import_of_missing_or_broken_file(config: Path, tmp_path: Path) -> None:
    code, _, err = _team("import", str(tmp_path / "none.json"), "--config", str(config))
    assert code == 1
    assert "no such file" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    code, _, err = _team("import", str(broken), "--config", str(config))
    assert code == 1
    assert "not valid JSON" in err


def test_run_refuses_a_non_loopback_address(config: Path) -> None:
    code, _, err = _team("run", "--address", "0.0.0.0", "--config", str(config))
    assert code == 1
    assert "serves only on 127.0.0.1" in err
    assert not (config.parent / "team.db").exists()


def test_memo_prints_or_writes_the_same_markdown(config: Path, tmp_path: Path) -> None:
    assert _team("db", "upgrade", "--config", str(config))[0] == 0
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        team = make_team(session)
        rid = root(session, team)
        expected = memo.memo(session, question_id=rid)
    engine.dispose()
    code, out, _ = _team("memo", str(rid), "--config", str(config))
    assert code == 0
    assert out == expected
    target = tmp_path / "memo.md"
    code, out, _ = _team("memo", str(rid), "-o", str(target), "--config", str(config))
    assert code == 0
    assert target.read_text(encoding="utf-8") == expected
    code, _, err = _team("memo", "999", "--config", str(config))
    assert code == 1
    assert "does not exist" in err


@pytest.fixture
def oidc_config(config: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An oidc deployment whose secrets live in the working folder's .streamlit."""
    monkeypatch.setenv("HOME", str(config.parent))
    monkeypatch.chdir(config.parent)
    config.write_text(
        "database:\n  url: sqlite:///team.db\nauth:\n  mode: oidc\n", encoding="utf-8"
    )
    return config


def _write_secrets(folder: Path, cookie_secret: str) -> None:
    (folder / ".streamlit").mkdir(exist_ok=True)
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        'redirect_uri = "https://team.example.com/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "team"\nclient_secret = "s3cret"\n'
        'server_metadata_url = "https://id.example.com/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )


def test_run_in_oidc_mode_refuses_without_secrets(oidc_config: Path) -> None:
    code, _, err = _team("run", "--config", str(oidc_config))
    assert code == 1
    assert "no [auth] section" in err
    assert not (oidc_config.parent / "team.db").exists()


def test_run_in_oidc_mode_refuses_a_short_cookie_secret(oidc_config: Path) -> None:
    _write_secrets(oidc_config.parent, "too-short")
    code, _, err = _team("run", "--config", str(oidc_config))
    assert code == 1
    assert "cookie_secret must be at least 32" in err


def test_run_in_oidc_mode_does_not_load_the_demo_into_an_empty_database(
    oidc_config: Path,
) -> None:
    _write_secrets(oidc_config.parent, "a" * 64)
    code, out, err = _team("run", "--config", str(oidc_config))
    assert code == 1
    assert "team add-manager NAME EMAIL" in err
    assert "demo" not in out
    engine = db.make_engine(f"sqlite:///{oidc_config.parent / 'team.db'}")
    with Session(engine) as session:
        assert db.is_empty(session)
    engine.dispose()


def test_add_manager_bootstraps_a_team_once(config: Path) -> None:
    code, out, _ = _team("add-manager", "Ada Lovelace", "ADA@Example.com", "-c", str(config))
    assert code == 0
    assert "Added Ada Lovelace <ada@example.com> as a manager." in out
    code, _, err = _team("add-manager", "Bob", "bob@example.com", "-c", str(config))
    assert code == 1
    assert "already has an active manager" in err
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        people = team_admin_people(session)
    engine.dispose()
    assert people == [("Ada Lovelace", "ada@example.com", "manager")]


def test_add_manager_refuses_a_bad_email(config: Path) -> None:
    code, _, err = _team("add-manager", "Ada", "not-an-email", "-c", str(config))
    assert code == 1
    assert "does not look like an email address" in err


def team_admin_people(session: Session) -> list[tuple[str, str, str]]:
    return [(p.name, p.email, p.role) for p in admin_reads.list_people(session)]


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "postgresql+psycopg2://team@127.0.0.1:5432/team",
            "database.url starts with postgresql+psycopg2://, which this app cannot use",
        ),
        (
            "postgresql+asyncpg://team@127.0.0.1:5432/team",
            "database.url starts with postgresql+asyncpg://, which this app cannot use",
        ),
        ("postgresql+psycopg://team@127.0.0.1:port/team", "has a port that is not a number"),
        ("sqlite:///{tmp}/no/such/folder/team.db", "of the SQLite database does not exist"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "Cannot reach the database"),
    ],
)
def test_a_bad_database_url_is_one_sentence(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, sentence: str
) -> None:
    monkeypatch.setenv("TEAM_DATABASE_URL", url.format(tmp=tmp_path))
    for args in (["db", "upgrade"], ["demo"], ["export", str(tmp_path / "x.json")]):
        code, out, err = _team(*args, "--config", str(config))
        assert code == 1, out
        assert sentence in err
        assert len(err.strip().splitlines()) == 1, err  # one line, never a traceback
        assert "secret" not in err
    assert not (tmp_path / "no").exists()  # a mistyped folder is not created


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ("[" * 200_000, "This is not a team export"),
        (
            '{"format": "team-export", "format_version": 1, "tables": {"event": '
            '[{"id": 1, "entity": "person", "entity_id": 9223372036854775808, '
            '"action": "created", "at": "2026-01-01T00:00:00+00:00"}]}}',
            "event #1: entity_id: expected a whole number from 0 to 9,223,372,036,854,775,807",
        ),
    ],
)
def test_a_hostile_import_file_is_one_sentence(
    config: Path, tmp_path: Path, content: str, sentence: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = _team("import", str(path), "--config", str(config))
    assert code == 1, out
    assert sentence in err
    assert len(err.strip().splitlines()) == 1, err
