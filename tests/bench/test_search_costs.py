"""The benchmark's search parts: the Search page's targets (every role, words that
really match the generated data), the similar-titles timing, the index build (which
leaves the database at head), the write cost (whose copy really has no search
triggers), and the report lines. Nothing here asserts a duration."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from team import db
from team.bench import index_costs
from team.bench.command import bench
from team.bench.databases import prepare
from team.bench.generate import generate
from team.bench.index_costs import (
    IndexCosts,
    WriteCost,
    postgres_index_costs,
    sqlite_index_costs,
    time_index_build,
    without_index_copy,
)
from team.bench.runner import Options, fill
from team.bench.search_costs import (
    SearchCosts,
    SimilarTimes,
    index_lines,
    similar_lines,
    time_similar,
)
from team.bench.sizes import SIZES, scaled
from team.bench.targets import COMMON_WORD, RARE_WORD, SEARCH_VIEWS, Target, targets
from team.models import Finding
from team.services.findings.writes import FindingInput, log_finding
from team.services.search.kinds import Kind
from team.services.search.reads import Results, search
from team.services.search.sql import Filters
from team.vocabulary import Role
from tests.conftest import POSTGRES_URL, truncate_postgres

TINY = scaled(SIZES["L"], 0.002)


@pytest.fixture
def s_org(engine: Engine) -> Iterator[Session]:
    """Size S generated into the test database: the words were picked for S and L."""
    generate(engine, SIZES["S"])
    with Session(engine) as session:
        yield session


def _search(session: Session, target: Target) -> Results:
    """What the Search page asks for with the target's address (?q=, ?kind=, ?sort=)."""
    query = dict(target.query)
    kinds = tuple(Kind(k) for k in query.get("kind", "").split(",") if k)
    return search(
        session,
        target.person_id,
        text=query["q"],
        filters=Filters(kinds=kinds),
        by_date=query.get("sort") == "date",
    )


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {str(name) for (name,) in names}


def _finds(engine: Engine, person_id: int, text: str) -> int:
    with Session(engine) as session:
        return search(session, person_id, text=text).hits.total


def _findings(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Finding)) or 0)


def _findings_at(url: str) -> int:
    engine = db.make_engine(url)
    try:
        return _findings(engine)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- targets


def test_the_search_page_is_measured_for_every_role_with_words_that_match(
    s_org: Session,
) -> None:
    found = targets(s_org, ["search"])
    assert {(t.role, t.view) for t in found} == {(r, v) for r in Role for v in SEARCH_VIEWS}
    totals: dict[tuple[Role, str], int] = {}
    for target in found:
        results = _search(s_org, target)
        assert results.hits.items, f"{target.label} finds nothing in the generated data"
        totals[target.role, target.view] = results.hits.total
        if target.view == "with filters":
            hits = results.hits.items
            assert {h.kind for h in hits} == {Kind.FINDING}
            dates = [h.at for h in hits if h.at is not None]
            assert dates == sorted(dates, reverse=True)
    for role in Role:
        assert totals[role, "common word"] > totals[role, "rare word"]
        assert totals[role, "common word"] >= totals[role, "with filters"]


def test_the_words_are_the_generated_texts_own() -> None:
    from team.bench import texts

    assert any(COMMON_WORD in metric for metric in texts.METRICS)
    # The rare word is a number only links carry (none of the vocabularies has it).
    assert RARE_WORD.isdigit()


# --------------------------------------------------------------------------- similar


def test_similar_titles_are_timed_for_a_new_question_and_a_new_finding(
    s_org: Session, engine: Engine
) -> None:
    times = time_similar(engine, "S", runs=2)
    assert times is not None
    assert times.question_hits > 0 and times.finding_hits > 0
    assert times.question_ms > 0 and times.finding_ms > 0


# --------------------------------------------------------------------------- index build


def test_the_index_build_leaves_the_database_at_head_with_every_row_indexed(
    engine: Engine,
) -> None:
    generate(engine, TINY)
    with Session(engine) as session:
        manager = targets(session, ["search"])[0].person_id
    before = _finds(engine, manager, COMMON_WORD)
    assert before > 0
    seconds = time_index_build(engine)
    assert seconds > 0
    assert db.current_revision(engine) == db.HEAD_REVISION
    assert _finds(engine, manager, COMMON_WORD) == before


# --------------------------------------------------------------------------- write cost


@pytest.fixture
def tiny_file(sqlite_engine: Engine) -> str:
    """A generated organisation in a SQLite file; its URL."""
    generate(sqlite_engine, TINY)
    sqlite_engine.dispose()
    return str(sqlite_engine.url)


def _a_question(engine: Engine) -> tuple[int, int]:
    """The busiest manager (who may log findings anywhere) and a question in scope."""
    with Session(engine) as session:
        manager = targets(session, ["search"])[0].person_id
        writes = index_costs.planned_writes(session, 1)
    return manager, writes[0].question_id


def test_the_copy_without_the_index_has_no_search_triggers(tiny_file: str, tmp_path: Path) -> None:
    url, dropped = without_index_copy(tiny_file, tmp_path / "copy.db")
    original, copy = db.make_engine(tiny_file), db.make_engine(url)
    try:
        searched = {
            f"{t}_fts_{s}" for t in ("question", "finding", "note") for s in ["ai", "ad", "au"]
        }
        assert searched <= set(dropped) == {n for n in _triggers(original) if "_fts_" in n}
        assert not any("_fts_" in name for name in _triggers(copy))
        # A finding written to the copy is not indexed; on the original it is.
        manager, question = _a_question(original)
        for engine in (original, copy):
            with Session(engine) as session:
                data = FindingInput("Zanzibar effect on churn")
                log_finding(session, manager, question_id=question, data=data)
        assert (_finds(original, manager, "zanzibar"), _finds(copy, manager, "zanzibar")) == (1, 0)
    finally:
        original.dispose()
        copy.dispose()


def test_the_write_cost_writes_to_copies_one_of_them_without_triggers(
    tiny_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []  # (database file, search triggers) at each round
    timed = index_costs.Writer.round

    def spy(writer: index_costs.Writer, size: int) -> None:
        names = _triggers(writer.engine)
        seen.append((Path(str(writer.engine.url.database)).name, len(names)))
        timed(writer, size)

    monkeypatch.setattr(index_costs.Writer, "round", spy)
    original = db.make_engine(tiny_file)
    searched = len({n for n in _triggers(original) if "_fts_" in n})
    original.dispose()
    findings = _findings_at(tiny_file)
    costs = sqlite_index_costs(tiny_file, tmp_path, rounds=2, per_round=3)
    assert [name for name, _ in seen] == ["search-with-index.db", "search-without-index.db"] * 2
    with_index = {n for name, n in seen if name == "search-with-index.db"}
    assert with_index == {searched} and {n for name, n in seen if "without" in name} == {0}
    assert costs.writes.writes == 2 * 3 * 2 and costs.writes.ratio > 0 and costs.build_s > 0
    # The original is left as it was, and the copies are gone.
    assert _findings_at(tiny_file) == findings
    assert not list(tmp_path.glob("search-*"))


@pytest.mark.postgres
def test_on_postgresql_the_writes_run_with_and_without_the_index_and_end_at_head(
    postgres_engine: Engine,
) -> None:
    truncate_postgres(postgres_engine)
    generate(postgres_engine, TINY)
    before = _findings(postgres_engine)
    costs = postgres_index_costs(postgres_engine, rounds=2, per_round=3)
    assert db.current_revision(postgres_engine) == db.HEAD_REVISION
    # Each side: one untimed finding, then 2 rounds of 3 (each also edited).
    assert _findings(postgres_engine) == before + 2 * (1 + 2 * 3)
    assert costs.writes.ratio > 0 and costs.build_s > 0 and not costs.writes.in_turns
    with postgres_engine.connect() as conn:
        unindexed = conn.exec_driver_sql(
            "SELECT count(*) FROM finding f LEFT JOIN finding_fts s ON s.id = f.id "
            "WHERE s.id IS NULL"
        )
        assert unindexed.scalar() == 0


@pytest.mark.postgres
def test_a_postgresql_database_can_be_wiped_and_refilled(postgres_engine: Engine) -> None:
    for _ in range(2):  # the search's function went with the tables, or this would fail
        engine = prepare(POSTGRES_URL, confirmed=True)
        generate(engine, TINY)
        engine.dispose()
    prepare(POSTGRES_URL, confirmed=True).dispose()


@pytest.mark.postgres
def test_a_filled_postgresql_database_has_planner_statistics(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    options = Options(sizes=[TINY], url=POSTGRES_URL, confirmed=True, folder=tmp_path)
    fill(POSTGRES_URL, TINY, options, generate)
    with postgres_engine.connect() as conn:
        analyzed = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'finding_fts' AND attname = 'search'"
        )
        assert analyzed.scalar() == 1


# --------------------------------------------------------------------------- report


def test_the_lines_say_which_goals_were_missed() -> None:
    lines = similar_lines([SimilarTimes("S", 2.0, 3.0, 5, 5), SimilarTimes("L", 40.0, 310.0, 5, 5)])
    assert lines[-1].strip() == "goal < 100 ms at L: 310.0 ms, MISSED"
    assert any(line.strip().startswith("S: question 2.0 ms") for line in lines)
    built, writes = index_lines("L", IndexCosts(12.5, WriteCost(120, 20, 6.0, 5.0, True)))
    assert "12.5 s; goal < 60 s, met" in built
    assert "with the index 6.0 ms a write" in writes and "1.20x; goal <= 1.2x, met" in writes
    assert SearchCosts().lines() == []


def test_bench_prints_the_search_index_lines_when_search_is_measured(tmp_path: Path) -> None:
    sizes = [scaled(SIZES["L"], 0.001), scaled(SIZES["L"], 0.002)]
    out = io.StringIO()
    options = Options(sizes=sizes, repeat=1, folder=tmp_path, pages=["search"])
    assert bench(options, out=out, progress=None) == []
    text = out.getvalue()
    for size in sizes:
        assert f"    {size.name}: question " in text
    assert f"index build at {sizes[-1].name}" in text
    assert f"write cost of the index at {sizes[-1].name}" in text
    # The report's last line is still the summary.
    assert text.rstrip().splitlines()[-1].startswith("worst warm")
    out = io.StringIO()
    bench(
        Options(sizes=sizes[:1], repeat=1, folder=tmp_path / "o", pages=["overview"]),
        out=out,
        progress=None,
    )
    assert "search index" not in out.getvalue()
