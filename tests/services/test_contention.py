"""Four processes writing at once on one database (SQLite, then PostgreSQL): every write
is accepted or refused with the stale-version sentence, never anything else; accepted
writes are all there, answer versions and sibling positions have no gap and no
duplicate, and each accepted change has exactly one event."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from team.db import make_engine
from team.models import Answer, Event, Question
from team.services.answers import writes as answers
from team.services.answers.reads import latest_numbers
from team.services.core.errors import StaleEdit
from team.services.core.writes import claim_version
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionUpdate, SubQuestion
from team.vocabulary import QuestionStatus
from tests.factories import Team, make_team, root

WORKERS = 4
WRITES = 100  # per worker
ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 300.0  # seconds before a worker that never finishes fails the test


@dataclass(frozen=True)
class Targets:
    url: str
    manager: int
    answered: int  # its answer gets a new version
    parent: int  # sub-questions are added under it
    edited: int  # its title is edited
    moved: int  # its status goes back and forth


@dataclass
class Outcome:
    answers: int = 0
    subs: list[str] = field(default_factory=list)
    edits: int = 0
    moves: int = 0
    stale: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _version(s: Session, question_id: int) -> int:
    value = s.scalar(select(col(Question.version)).where(col(Question.id) == question_id))
    assert value is not None
    return int(value)


def _status(s: Session, question_id: int) -> QuestionStatus:
    value = s.scalar(select(col(Question.status)).where(col(Question.id) == question_id))
    assert value is not None
    return QuestionStatus(value)


def _write(t: Targets, worker: int, i: int, s: Session, out: Outcome) -> None:
    kind = i % 4
    if kind == 0:
        latest = latest_numbers(s, question_ids=[t.answered]).get(t.answered)
        data = answers.AnswerInput(body=f"Worker {worker}, write {i}.")
        answers.save_answer(s, t.manager, question_id=t.answered, based_on=latest, data=data)
        out.answers += 1
    elif kind == 1:
        title = f"Sub-question {worker}-{i}"
        questions.add_subquestions(s, t.manager, parent_id=t.parent, items=[SubQuestion(title)])
        out.subs.append(title)
    elif kind == 2:
        changes = QuestionUpdate(title=f"Edited by {worker} at {i}")
        v = _version(s, t.edited)
        questions.update_question(s, t.manager, question_id=t.edited, version=v, changes=changes)
        out.edits += 1
    else:
        current = _status(s, t.moved)
        new = QuestionStatus.IN_PROGRESS if current == QuestionStatus.OPEN else QuestionStatus.OPEN
        v = _version(s, t.moved)
        question_status.set_status(s, t.manager, question_id=t.moved, version=v, status=new)
        out.moves += 1


def work(t: Targets, worker: int) -> Outcome:
    """One process: WRITES writes, each in a session of its own."""
    engine = make_engine(t.url)
    out = Outcome()
    for i in range(WRITES):
        try:
            with Session(engine, expire_on_commit=False) as s:
                _write(t, worker, i, s, out)
        except StaleEdit as exc:
            out.stale.append(exc.message)
        except Exception as exc:  # anything else is what this test is about
            out.errors.append(f"{type(exc).__name__}: {exc}")
    engine.dispose()
    return out


def main() -> None:
    """A worker's entry point: targets and worker number on argv, its outcome on stdout."""
    t = Targets(**json.loads(sys.argv[1]))
    print(json.dumps(asdict(work(t, int(sys.argv[2])))))


def _run_workers(t: Targets) -> list[Outcome]:
    """Start WORKERS separate Python processes at once (plain subprocesses: a pool's
    spawned workers re-run whatever __main__ is, and AppTest leaves a page there)."""
    command = [sys.executable, "-c", "from tests.services.test_contention import main; main()"]
    procs = [
        subprocess.Popen(
            [*command, json.dumps(asdict(t)), str(w)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    outcomes: list[Outcome] = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=PATIENCE)
            assert proc.returncode == 0, err
            outcomes.append(Outcome(**json.loads(out.strip().splitlines()[-1])))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    return outcomes


def _setup(engine: Engine) -> Targets:
    with Session(engine, expire_on_commit=False) as s:
        team: Team = make_team(s)
        rid = root(s, team)
        parent, edited, moved = questions.add_subquestions(
            s,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Parent"), SubQuestion("Edited"), SubQuestion("Moved")],
        )
    url = engine.url.render_as_string(hide_password=False)
    return Targets(url, team.manager, rid, parent.id, edited.id, moved.id)


def _events(
    s: Session, entity: str, entity_id: int | None = None
) -> Counter[tuple[str, str | None]]:
    query = select(col(Event.action), col(Event.field)).where(col(Event.entity) == entity)
    if entity_id is not None:
        query = query.where(col(Event.entity_id) == entity_id)
    return Counter((a, f) for a, f in s.execute(query))


def test_concurrent_writes_hold(engine: Engine) -> None:
    t = _setup(engine)
    outcomes = _run_workers(t)
    assert [e for o in outcomes for e in o.errors] == []
    stale = [m for o in outcomes for m in o.stale]
    for message in stale:  # the two versions a refusal names differ
        found = re.search(r"version (\d+)\D+version (\d+)", message)
        assert "a blank answer" in message or (found and found[1] != found[2]), message
    with Session(engine) as s:
        numbers = sorted(
            s.scalars(select(col(Answer.number)).where(col(Answer.question_id) == t.answered))
        )
        accepted = sum(o.answers for o in outcomes)
        assert numbers == list(range(1, accepted + 1))
        assert _events(s, "answer")[("created", "number")] == accepted

        children = s.execute(
            select(col(Question.title), col(Question.position)).where(
                col(Question.parent_id) == t.parent
            )
        ).all()
        subs = [title for o in outcomes for title in o.subs]
        assert len(subs) == WORKERS * WRITES // 4  # adding a sub-question is never stale
        assert sorted(title for title, _ in children) == sorted(subs)
        assert sorted(p for _, p in children) == list(range(len(subs)))

        edits = sum(o.edits for o in outcomes)
        assert _version(s, t.edited) == 1 + edits
        assert _events(s, "question", t.edited)[("updated", "title")] == edits

        # A move to the status someone else set meanwhile changes nothing (no event), so
        # accepted moves are at least the changes; each change is one version and one event.
        moves = sum(o.moves for o in outcomes)
        changes = _events(s, "question", t.moved)[("updated", "status")]
        assert _version(s, t.moved) == 1 + changes <= 1 + moves
    # Contention really happened: some writes were refused as stale, some accepted.
    assert stale and accepted and edits and moves


def test_a_save_that_loses_the_race_names_the_version_there_now(engine: Engine) -> None:
    """The row was read at version 1 and someone saved version 2 before our write: the
    refusal names both (not "you had version 1, it is now version 1")."""
    t = _setup(engine)
    with Session(engine) as mine, Session(engine) as theirs:
        row = mine.get(Question, t.edited)
        assert row is not None and row.version == 1
        changes = QuestionUpdate(title="Their title")
        questions.update_question(
            theirs, t.manager, question_id=t.edited, version=1, changes=changes
        )
        with pytest.raises(StaleEdit, match=r"you had version 1, it is now version 2\)"):
            claim_version(mine, row, 1, "'Edited'")
