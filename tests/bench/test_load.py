"""`team bench --load`: the generator against a small served app (a real server on a
loopback port, short and bounded), the write ledger's arithmetic, and the options'
sentences."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from team.bench.databases import BenchError
from team.bench.generate import generate
from team.bench.load.command import LoadOptions, Topology, load, parse_counts
from team.bench.load.ledger import check, first_event
from team.bench.load.levels import Level, Settings
from team.bench.load.report import report
from team.bench.load.visitor import Tally
from team.bench.sizes import SIZES
from team.cli import app
from team.models import Event, Finding, Note
from tests.conftest import POSTGRES_URL, skip_or_fail

SMALL = Settings(seconds=8.0, think=0.4, writes=0.5, seed=3)


def _short(**changes: object) -> LoadOptions:
    fields: dict[str, object] = {"sizes": [SIZES["S"]], "sessions": [1, 4], "settings": SMALL}
    return LoadOptions(**(fields | changes))  # type: ignore[arg-type]


def _assert_held(levels: list, out: str) -> None:  # type: ignore[type-arg]
    for level in levels:
        assert level.tally.reruns, "a level made no rerun"
        assert not level.tally.errors, level.tally.errors
        assert level.check is not None and level.check.clean, level.check
        assert all(mib > 50 for mib in level.peak_mib)  # a real server's memory was read
        assert sum(level.cpu) > 0 and level.machine_cpu > 0
    assert sum(lv.check.accepted for lv in levels if lv.check) > 0, "no write was confirmed"
    assert "lost/dup/unconf" in out


def test_tabs_speaking_streamlits_protocol_read_and_write_through_a_served_app(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    [topology] = load(_short(folder=tmp_path), out=out, progress=None)
    assert [lv.sessions for lv in topology.levels] == [1, 4]
    _assert_held(topology.levels, out.getvalue())
    # Every confirmed finding is in the database with the text the tab typed.
    from team.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'bench-S.db'}")
    try:
        with Session(engine) as session:
            logged = session.exec(
                select(Finding.summary).where(col(Finding.summary).like("ld%-finding%"))
            ).all()
    finally:
        engine.dispose()
    confirmed = sum(len(lv.tally.accepted.get("finding", [])) for lv in topology.levels)
    assert len(logged) == confirmed


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_share_the_tabs_and_lose_no_write(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        skip_or_fail("TEAM_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL)")
    out = io.StringIO()
    options = _short(url=POSTGRES_URL, confirmed=True, servers=[2], sessions=[4], folder=tmp_path)
    [topology] = load(options, out=out, progress=None)
    [level] = topology.levels
    assert level.servers == 2 and len(level.cpu) == 2
    assert all(share > 0 for share in level.cpu), "a server did no work: tabs were not spread"
    _assert_held(topology.levels, out.getvalue())


# --------------------------------------------------------------------------- the ledger


def _written(engine: Engine) -> tuple[int, int, int]:
    """(question, finding, note) ids to write tokens onto, from a tiny organisation."""
    generate(engine, SIZES["S"])
    with Session(engine) as session:
        finding = session.exec(select(Finding).limit(1)).one()
        note = session.exec(select(Note).limit(1)).one()
        assert finding.id and note.id
        return finding.question_id, finding.id, note.id


def _retext(engine: Engine, finding_id: int, note_id: int, summary: str, body: str) -> None:
    with Session(engine) as session:
        finding, note = session.get(Finding, finding_id), session.get(Note, note_id)
        assert finding is not None and note is not None
        finding.summary, note.body = summary, body
        session.add_all([finding, note])
        session.commit()


def test_the_ledger_finds_a_lost_a_duplicated_and_an_unconfirmed_write(engine: Engine) -> None:
    _, finding_id, note_id = _written(engine)
    after = first_event(engine)
    # In the database: "kept" once, "twice" twice, "ghost" once (the app refused it).
    _retext(
        engine,
        finding_id,
        note_id,
        "ldrun-1-finding1 kept, ldrun-1-finding2 twice",
        "ldrun-1-finding2 again (ldrun-1-note3 ghost)",
    )
    tally = Tally(
        accepted={"finding": ["ldrun-1-finding1", "ldrun-1-finding2", "ldrun-1-finding9"]},
        refused={"note": ["ldrun-1-note3"]},
    )
    result = check(engine, tally, run_token="ldrun", after=after, people={1})
    assert (result.accepted, result.refused) == (3, 1)
    assert (result.lost, result.duplicated, result.unconfirmed) == (1, 1, 1)
    assert not result.clean


def test_the_ledger_counts_status_moves_against_the_events(engine: Engine) -> None:
    question_id, _, _ = _written(engine)
    after = first_event(engine)
    with Session(engine) as session:
        session.add(
            Event(
                actor_id=3,
                entity="question",
                entity_id=question_id,
                action="update",
                field="status",
                old_value="open",
                new_value="blocked",
            )
        )
        session.commit()
    confirmed = Tally(accepted={"status": [f"{question_id}:blocked"]})
    assert check(engine, confirmed, run_token="ldx", after=after, people={3}).clean
    twice = Tally(accepted={"status": [f"{question_id}:blocked"] * 2})
    assert check(engine, twice, run_token="ldx", after=after, people={3}).lost == 1
    never = Tally()
    assert check(engine, never, run_token="ldx", after=after, people={3}).unconfirmed == 1


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("text", "words"),
    [("1,x", "whole numbers"), ("0,5", "from 1 to 200"), ("", "from 1 to 200"), ("500", "from 1")],
)
def test_bad_session_counts_are_a_sentence(text: str, words: str) -> None:
    with pytest.raises(BenchError, match=words):
        parse_counts(text, what="sessions", most=200)


def test_several_servers_on_sqlite_are_refused_with_what_to_give() -> None:
    result = CliRunner().invoke(app, ["bench", "--load", "--servers", "1,2", "--sizes", "S"])
    assert result.exit_code != 0
    assert "Several servers share one PostgreSQL database" in result.output


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--duration", "0", "--duration"),
        ("--think", "-1", "--think"),
        ("--writes", "2", "--writes"),
    ],
)
def test_bad_load_settings_are_refused_before_anything_starts(
    flag: str, value: str, words: str
) -> None:
    result = CliRunner().invoke(app, ["bench", "--load", "--sizes", "S", flag, value])
    assert result.exit_code != 0
    assert words in result.output


# --------------------------------------------------------------------------- the report


def _level(servers: int, reruns: int, seconds: float = 10.0) -> Level:
    tally = Tally(reruns=[(0.0, 0.1, False)] * reruns)
    return Level(50, servers, seconds, tally, [0.5] * servers, [200.0] * servers, 0.01)


def _report(one: Level, two: Level, think: float) -> str:
    topologies = [Topology("L", 1, [one]), Topology("L", 2, [two])]
    return "\n".join(report(topologies, backend="PostgreSQL", settings=Settings(think=think)))


def test_two_servers_are_compared_and_an_unsaturated_server_is_said_to_be_so() -> None:
    # 50 tabs thinking 5 s ask for about 10 reruns/s: one server ran 9.5 of them.
    calm = _report(_level(1, 95), _level(2, 96), think=5.0)
    assert "throughput 1.01x >= 1.3x: MISSED" in calm
    assert "it was not saturated" in calm
    # Thinking 0.5 s they ask for 100/s: one server ran 15, two ran 24.
    busy = _report(_level(1, 150), _level(2, 240), think=0.5)
    assert "throughput 1.60x >= 1.3x: met" in busy
    assert "not saturated" not in busy
