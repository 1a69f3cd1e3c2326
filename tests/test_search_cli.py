"""`team search`, run as a user would on the demo team (SQLite and PostgreSQL): the list
and the JSON show what the search service finds for that person, and every mistake is
one sentence with a non-zero exit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col
from typer.testing import CliRunner

from team.cli import app
from team.demo.load import load_demo
from team.models import Person, Project
from team.services.core.paging import Window
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from team.services.search.kinds import Kind
from team.services.search.reads import Filters, search

runner = CliRunner()
MAYA, DANIEL, RACHEL = "maya@example.com", "daniel@example.com", "rachel@example.com"


@pytest.fixture
def config(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file naming a database that holds the demo team."""
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    monkeypatch.delenv("TEAM_CONFIG", raising=False)
    with Session(engine) as session:
        load_demo(session)
    path = tmp_path / "config.yaml"
    url = engine.url.render_as_string(hide_password=False)
    path.write_text(f"database:\n  url: {url}\n", encoding="utf-8")
    return path


def _person(engine: Engine, email: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(col(Person.id)).where(col(Person.email) == email))
    assert found is not None
    return int(found)


def _team(config: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["search", "--config", str(config), *args])
    return result.exit_code, result.stdout, result.stderr


def _json(config: Path, *args: str) -> dict[str, Any]:
    code, out, err = _team(config, "--json", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _service(engine: Engine, email: str, text: str, **kw: Any) -> list[tuple[str, int]]:
    with Session(engine) as session:
        results = search(session, _person(engine, email), text=text, **kw)
    return [(h.kind.value, h.id) for h in results.hits.items]


def test_the_list_shows_what_the_service_finds(engine: Engine, config: Path) -> None:
    code, out, err = _team(config, "price change", "--as", MAYA)
    assert code == 0, err
    lines = out.splitlines()
    wanted = _service(engine, MAYA, "price change")
    assert lines[0] == (
        f"{len(wanted)} results for “price change” as Maya Okafor, page 1 of 1 (best match first)"
    )
    assert lines[1].startswith("By kind: ")
    numbered = [line for line in lines if line[:3].strip().isdigit() and line[3:5] == ". "]
    assert len(numbered) == len(wanted)
    first = out.split("\n\n")[1].splitlines()
    assert first[0] == "  1. Question: Did the July price change cause the churn?"
    path = ("Why did 90-day retention drop in Q3?", "Did the July price change cause the churn?")
    assert first[1] == "     " + " \u203a ".join(path)
    assert first[2].startswith("     Maya Okafor · 20")
    assert "«price» «change»" in first[3]


def test_json_holds_the_same_page_with_links_and_facets(engine: Engine, config: Path) -> None:
    data = _json(config, "chur*", "--as", MAYA)
    assert set(data) == {"query", "total", "page", "pages", "hits", "facets"}
    assert data["query"] == "chur*"
    wanted = _service(engine, MAYA, "chur*")
    assert [(h["kind"], h["id"]) for h in data["hits"]] == wanted
    assert data["total"] > len(wanted) == 10
    assert (data["page"], data["pages"]) == (1, -(-data["total"] // 10))
    assert sum(v["count"] for v in data["facets"]["kind"]) == data["total"]
    hit = data["hits"][0]
    assert hit["kind"] == "question"
    assert hit["path"][-1] == hit["title"]
    assert hit["link"]["page"] == "questions"
    assert set(hit["link"]["params"]) <= {"root", "node"}
    assert any(piece["hit"] for h in data["hits"] for piece in h["snippet"])
    marked = {p["text"].lower() for h in data["hits"] for p in h["snippet"] if p["hit"]}
    assert all(word.startswith("chur") for word in marked)
    assert all(h["at"] and h["author"] for h in data["hits"])


def test_kinds_pages_and_sorting(engine: Engine, config: Path) -> None:
    some = _json(config, "github", "--as", MAYA, "--kind", "review", "--kind", "question")
    assert {h["kind"] for h in some["hits"]} == {Kind.REVIEW.value}
    assert some["total"] == sum(
        v["count"] for v in some["facets"]["kind"] if v["value"] == Kind.REVIEW.value
    )
    everything = _json(config, "github", "--as", MAYA)
    assert everything["pages"] >= 2
    second = _json(config, "github", "--as", MAYA, "--page", "2")
    assert second["page"] == 2
    wanted = _service(engine, MAYA, "github", window=Window(page=2))
    assert [(h["kind"], h["id"]) for h in second["hits"]] == wanted
    code, out, _ = _team(config, "github", "--as", MAYA, "--page", "2")
    assert code == 0
    assert "\n 11. " in out
    past = _json(config, "github", "--as", MAYA, "--page", "99")
    assert past["page"] == past["pages"]  # the last page, not an empty one
    newest = _json(config, "github", "--as", MAYA, "--sort", "date")
    stamps = [h["at"] for h in newest["hits"]]
    assert stamps == sorted(stamps, reverse=True)
    by_date = _service(engine, MAYA, "github", by_date=True)
    assert [(h["kind"], h["id"]) for h in newest["hits"]] == by_date
    code, out, _ = _team(config, "github", "--as", MAYA, "--sort", "date")
    assert "(newest first)" in out.splitlines()[0]


def test_each_person_sees_only_what_they_may(engine: Engine, config: Path) -> None:
    code, out, _ = _team(config, "Tomás", "--as", DANIEL)
    assert (code, out) == (0, "No results for “Tomás” as Daniel Berg.\n")
    assert _json(config, "Tomás", "--as", DANIEL)["total"] == 0
    mine = _json(config, "Tomás", "--as", MAYA)
    assert {h["kind"] for h in mine["hits"]} >= {Kind.ONE_ON_ONE.value, Kind.TRACK.value}
    assert all(h["where"] == "Maya Okafor & Tomás Silva" for h in mine["hits"])
    viewer = _json(config, "github", "--as", RACHEL)
    assert {h["kind"] for h in viewer["hits"]} == {Kind.FINDING.value}
    facet = {v["value"] for v in viewer["facets"]["kind"]}
    assert facet == {Kind.FINDING.value}


def test_a_hostile_search_is_just_words(config: Path) -> None:
    for text in ['"((NEAR churn* -"', "churn\\", "-", "🔥 ^:*", "\u202e' OR 1=1 --"]:
        code, out, err = _team(config, "--as", MAYA, "--", text)
        assert code == 0, (text, err)
        assert re.match(r"(No results|[\d,]+ results?) for “", out), out
    code, out, _ = _team(config, "--as", MAYA, "--", "-churn")  # after --: not an option
    assert out == "No results for “-churn” as Maya Okafor: a search needs a word to look for.\n"


def test_text_mode_shows_no_control_or_direction_characters(engine: Engine, config: Path) -> None:
    with Session(engine) as session:
        project = session.scalar(select(col(Project.id)).where(col(Project.name) == "Retention"))
        assert project is not None
        data = QuestionCreate(title="Invoice \u202egnp.exe quokka", project_id=project)
        questions.create_question(session, _person(engine, MAYA), data=data)
    code, out, _ = _team(config, "quokka", "--as", MAYA)
    assert code == 0
    assert "  1. Question: Invoice gnp.exe quokka" in out
    assert "\u202e" not in out
    assert (
        _json(config, "quokka", "--as", MAYA)["hits"][0]["title"] == "Invoice \u202egnp.exe quokka"
    )


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["churn", "--as", "nobody@example.com"], "nobody on the team signs in as"),
        (["x" * 201, "--as", MAYA], "at most 200 characters long (this one has 201)"),
        (["churn " * 20, "--as", MAYA], "at most 16 words or phrases"),
        (["churn", "--as", MAYA, "--kind", "memo"], "--kind 'memo' is not a kind of result"),
        (["churn", "--as", MAYA, "--sort", "oldest"], "use relevance or date"),
        (["churn", "--as", MAYA, "--page", "0"], "pages count from 1"),
    ],
)
def test_a_mistake_is_one_sentence_and_exit_1(config: Path, args: list[str], sentence: str) -> None:
    code, out, err = _team(config, *args)
    assert code == 1
    assert out == ""
    assert sentence in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_deactivated_person_cannot_search(engine: Engine, config: Path) -> None:
    with Session(engine) as session:
        session.execute(update(Person).where(col(Person.email) == MAYA).values(active=False))
        session.commit()
    code, out, err = _team(config, "churn", "--as", "Maya@Example.com", "--json")
    assert (code, out) == (1, "")
    assert "Maya Okafor <maya@example.com> is deactivated" in err


def test_the_service_and_filters_agree_on_a_kind_filter(engine: Engine, config: Path) -> None:
    data = _json(config, "churn", "--as", MAYA, "--kind", "finding", "--kind", "answer")
    wanted = _service(engine, MAYA, "churn", filters=Filters(kinds=(Kind.FINDING, Kind.ANSWER)))
    assert [(h["kind"], h["id"]) for h in data["hits"]] == wanted
    assert {h["kind"] for h in data["hits"]} == {Kind.FINDING.value, Kind.ANSWER.value}
