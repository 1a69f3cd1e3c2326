"""`team import-outline` and `team import-csv`, run as a user would over a fresh SQLite
database: what they create, what a dry run shows (and does not write), a bad file's
problems by line on stderr with exit code 1 and nothing written, and a second run of
the same CSV reporting everything unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col
from typer.testing import CliRunner

from team import db
from team.cli import app
from team.models import Event, Question
from tests.factories import Team, make_team, root

runner = CliRunner()
MANAGER = "maya@example.com"
OUTLINE = "- Which segments churned? @ines\n  - Enterprise vs self-serve\n- Did pricing coincide?\n"
CSV = (
    "Summary,Issue key,Parent,Assignee,Status,Due Date\r\n"
    "Why did retention drop?,DS-1,,,In Progress,20/Dec/26 4:05 PM\r\n"
    "Which segments churned?,DS-2,DS-1,Ines,To Do,\r\n"
    "Enterprise vs self-serve,DS-3,DS-2,ravi@example.com,Done,03/Jan/27 9:00 AM\r\n"
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    monkeypatch.delenv("TEAM_CONFIG", raising=False)
    path = tmp_path / "config.yaml"
    path.write_text(f"database:\n  url: sqlite:///{tmp_path / 'team.db'}\n", encoding="utf-8")
    assert _team("db", "upgrade", "--config", str(path))[0] == 0
    return path


@pytest.fixture
def team(config: Path) -> tuple[Team, int]:
    """The small team and a general question of it, in the command's database."""
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        made = make_team(session)
        rid = root(session, made)
    engine.dispose()
    return made, rid


def _team(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rows(config: Path) -> tuple[int, int, list[tuple[int | None, str]]]:
    """Questions, events, and (parent, title) of every question, as stored."""
    engine = db.make_engine(f"sqlite:///{config.parent / 'team.db'}")
    with Session(engine) as session:
        questions = int(session.scalar(select(func.count()).select_from(Question)) or 0)
        events = int(session.scalar(select(func.count()).select_from(Event)) or 0)
        titles = [
            (q.parent_id, q.title)
            for q in session.scalars(select(Question).order_by(col(Question.id)))
        ]
    engine.dispose()
    return questions, events, titles


def _file(config: Path, name: str, text: str) -> str:
    path = config.parent / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_import_outline_creates_the_tree_under_a_question(
    config: Path, team: tuple[Team, int]
) -> None:
    _, rid = team
    path = _file(config, "plan.md", OUTLINE)
    code, out, err = _team(
        "import-outline", path, "--under", str(rid), "--as", MANAGER, "-c", str(config)
    )
    assert (code, err.splitlines()[-1]) == (0, "import: 3 of 3 questions"), err
    assert "Imported: 3 created, 0 updated, 0 unchanged." in out
    _, _, titles = _rows(config)
    ids = {title: i for i, (_, title) in enumerate(titles, 1)}
    assert titles[1:] == [
        (rid, "Which segments churned?"),
        (rid, "Did pricing coincide?"),
        (ids["Which segments churned?"], "Enterprise vs self-serve"),
    ]


def test_a_dry_run_prints_the_tree_and_writes_nothing(config: Path, team: tuple[Team, int]) -> None:
    _, rid = team
    before = _rows(config)
    path = _file(config, "plan.md", OUTLINE)
    code, out, _ = _team(
        "import-outline", path, "--under", str(rid), "--as", MANAGER, "--dry-run", "-c", str(config)
    )
    assert code == 0
    assert out.splitlines() == [
        "Would import 3 new, 0 known, under “Why did retention drop in Q3?”:",
        "- Which segments churned?",
        "  - Enterprise vs self-serve",
        "- Did pricing coincide?",
    ]
    assert _rows(config) == before


def test_a_bad_outline_exits_1_with_its_problems_by_line(
    config: Path, team: tuple[Team, int]
) -> None:
    _, rid = team
    before = _rows(config)
    bad = "Fine\n    Deep\n  Between\nWho @nobody\nWhen due:someday\n"
    path = _file(config, "bad.md", bad)
    code, out, err = _team(
        "import-outline", path, "--under", str(rid), "--as", MANAGER, "-c", str(config)
    )
    assert code == 1
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["Line 3", "Line 4", "Line 5"]
    assert "matches no level above" in lines[0]
    assert "nobody on the team goes by “nobody”" in lines[1]
    assert "due:someday" in lines[2]
    assert lines[-1] == "team: nothing was imported: 3 problem(s) to fix in the file."
    assert "Imported" not in out
    assert _rows(config) == before


def test_an_outline_as_a_viewer_is_one_sentence(config: Path, team: tuple[Team, int]) -> None:
    _, rid = team
    before = _rows(config)
    path = _file(config, "plan.md", OUTLINE)
    code, _, err = _team(
        "import-outline", path, "--under", str(rid), "--as", "vera@example.com", "-c", str(config)
    )
    assert code == 1
    assert err.startswith("team: ") and len(err.strip().splitlines()) == 1
    assert _rows(config) == before


def test_import_csv_creates_then_a_second_run_changes_nothing(
    config: Path, team: tuple[Team, int]
) -> None:
    path = _file(config, "jira.csv", CSV)
    args = ("import-csv", path, "--project", "Retention", "--as", MANAGER, "-c", str(config))
    code, out, err = _team(*args)
    assert code == 0, err
    assert "Imported: 3 created, 0 updated, 0 unchanged." in out
    assert "Title ← Summary" in err and "Parent key ← Parent" in err
    after = _rows(config)
    ids = {title: i for i, (_, title) in enumerate(after[2], 1)}
    assert after[2][1:] == [
        (None, "Why did retention drop?"),
        (ids["Why did retention drop?"], "Which segments churned?"),
        (ids["Which segments churned?"], "Enterprise vs self-serve"),
    ]
    code, out, _ = _team(*args)
    assert code == 0
    assert "Imported: 0 created, 0 updated, 3 unchanged." in out
    assert _rows(config) == after


def test_a_bad_csv_exits_1_with_its_problems_by_row(config: Path, team: tuple[Team, int]) -> None:
    before = _rows(config)
    bad = CSV + "Orphan,DS-4,DS-99,,To Do,\r\nWho,DS-5,DS-1,Zed,To Do,\r\n"
    path = _file(config, "bad.csv", bad)
    code, _, err = _team(
        "import-csv", path, "--project", "Retention", "--as", MANAGER, "-c", str(config)
    )
    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith("Row ")]
    assert [line.split(":")[0] for line in problems] == ["Row 5", "Row 6"]
    assert "DS-99" in problems[0] and "Zed" in problems[1]
    assert _rows(config) == before
