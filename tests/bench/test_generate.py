"""The benchmark's organisation generator: it writes exactly the rows asked for, the data
keeps the app's rules, and the app's own services read it and keep working on it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import Session, col

from team.backup import export, restore
from team.bench.generate import expected_counts, generate, plan_organisation
from team.bench.plan import Plan
from team.bench.sizes import SIZES, required_events, scaled
from team.bench.trees import tree_sizes
from team.db import make_engine
from team.demo.load import load_demo
from team.models import (
    ActionItem,
    Answer,
    Citation,
    Decision,
    Event,
    Finding,
    Note,
    Person,
    Project,
    Question,
    ReviewRequest,
    table_of,
    utcnow,
)
from team.services.core.errors import InvalidInput
from team.services.core.paging import Window
from team.services.inbox import my_work as work
from team.services.progress import history
from team.services.questions import portfolio
from team.services.questions import writes as questions
from team.services.questions.tree import load_subtree as load_tree
from team.services.questions.tree import rollups_by_root
from team.services.questions.writes import QuestionCreate
from team.services.reviews import reads as reviews_reads
from tests.conftest import migrated_copy
from tests.factories import pk

TINY = scaled(SIZES["L"], 0.003)
# Big enough that every status, kind and overdue action item shows up whatever the seed.
VARIED = scaled(replace(SIZES["L"], one_on_ones=6_000), 0.01)
T = TypeVar("T")


@pytest.fixture
def org(engine: Engine) -> Iterator[Session]:
    """A tiny generated organisation (L scaled down) in the test database."""
    today = utcnow().date()
    counts = generate(engine, TINY, today=today)
    with Session(engine, expire_on_commit=False) as session:
        session.info.update(counts=counts, today=today)
        yield session


def _all(session: Session, model: type[T]) -> list[T]:
    return list(session.scalars(select(model)))


def _tree(session: Session) -> dict[int, Question]:
    return {pk(q): q for q in _all(session, Question)}


def _subtree(by_id: dict[int, Question], top: int) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for q in by_id.values():
        children[q.parent_id].append(pk(q))
    found, stack = set(), [top]
    while stack:
        node = stack.pop()
        found.add(node)
        stack += children[node]
    return found


# --------------------------------------------------------------------------- counts


def test_it_writes_exactly_the_rows_asked_for(org: Session) -> None:
    counts = org.info["counts"]
    for table, wanted in expected_counts(TINY).items():
        assert counts[table] == wanted, table
    assert counts["citation"] > 0 and counts["track_note"] > 0 and counts["action_item"] > 0
    stored = int(org.scalar(select(func.count()).select_from(Event)) or 0)
    assert stored == TINY.events


def test_the_schema_keeps_its_indexes(org: Session, engine: Engine) -> None:
    stored = inspect(engine)
    for model in (Question, Finding, Note, Event):
        table = table_of(model)
        names = {ix["name"] for ix in stored.get_indexes(table.name)}
        assert {ix.name for ix in table.indexes} <= names, table.name


def test_it_refuses_a_database_that_holds_data(org: Session, engine: Engine) -> None:
    before = int(org.scalar(select(func.count()).select_from(Question)) or 0)
    with pytest.raises(InvalidInput, match="already holds data"):
        generate(engine, SIZES["S"])
    org.rollback()
    assert int(org.scalar(select(func.count()).select_from(Question)) or 0) == before


def test_it_refuses_a_database_with_a_single_person(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Person(name="Ann", email="ann@example.com"))
        s.commit()
    with pytest.raises(InvalidInput, match="already holds data"):
        generate(engine, SIZES["S"])
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Question)) == 0


# --------------------------------------------------------------------------- invariants


def test_trees_hold_together(org: Session) -> None:
    by_id = _tree(org)
    for q in by_id.values():
        top, depth = q, 0
        while top.parent_id is not None:
            parent = by_id[top.parent_id]
            assert pk(parent) < pk(top) and parent.created_at < top.created_at
            top, depth = parent, depth + 1
        assert q.root_id == top.id and q.project_id == top.project_id
        assert depth <= 5
        assert q.updated_at >= q.created_at
    assert max(q.position for q in by_id.values()) > 0


def test_answers_are_numbered_and_cite_their_subtree(org: Session) -> None:
    by_id = _tree(org)
    answers = {a.id: a for a in _all(org, Answer)}
    findings = {f.id: f for f in _all(org, Finding)}
    numbers: dict[int, list[Answer]] = defaultdict(list)
    for a in sorted(answers.values(), key=lambda a: a.created_at):
        numbers[a.question_id].append(a)
    for versions in numbers.values():
        assert [a.number for a in versions] == list(range(1, len(versions) + 1))
    citations = _all(org, Citation)
    assert any(c.finding_id for c in citations) and any(c.cited_answer_id for c in citations)
    for c in citations:
        answer = answers[c.answer_id]
        if c.finding_id is not None:
            finding = findings[c.finding_id]
            assert finding.question_id in _subtree(by_id, answer.question_id)
            assert finding.status not in ("draft", "withdrawn")
            assert finding.created_at < answer.created_at
            assert f"[F{finding.id}]" in answer.body
        else:
            cited = answers[c.cited_answer_id or 0]
            assert by_id[cited.question_id].parent_id == answer.question_id
            assert cited.created_at < answer.created_at


def test_review_times_agree_with_status(org: Session) -> None:
    reviews = _all(org, ReviewRequest)
    for r in reviews:
        assert r.requester_id != r.reviewer_id
        assert (r.resolved_at is not None) == (r.status in ("approved", "withdrawn"))
        if r.status in ("in_review", "changes_requested", "approved"):
            assert r.first_response_at is not None
        if r.first_response_at is not None:
            assert r.requested_at < r.first_response_at
            assert r.resolved_at is None or r.first_response_at <= r.resolved_at
        if r.resolved_at is not None:
            assert r.requested_at < r.resolved_at
    notes = [n for n in _all(org, Note) if n.review_request_id is not None]
    by_id = {r.id: r for r in reviews}
    for n in notes:
        r = by_id[n.review_request_id or 0]
        if n.author_id == r.reviewer_id:  # a reviewer's note is a response
            assert r.first_response_at is not None and n.created_at >= r.first_response_at
        if r.status == "approved" and n.kind == "must_fix":
            assert n.resolved


def test_findings_sent_back_carry_a_must_fix_note(org: Session) -> None:
    sent_back = [f for f in _all(org, Finding) if f.status == "needs_work"]
    must_fix = {n.finding_id for n in _all(org, Note) if n.kind == "must_fix" and not n.resolved}
    assert sent_back
    assert all(f.id in must_fix for f in sent_back)


def test_every_kind_of_row_is_there(engine: Engine) -> None:
    today = utcnow().date()
    generate(engine, VARIED, today=today)
    with Session(engine) as session:
        _check_variety(session, today)


def _check_variety(org: Session, today: date) -> None:
    findings = _all(org, Finding)
    assert {f.kind for f in findings} == {"result", "negative_result", "data_decision", "caveat"}
    assert {f.confidence for f in findings} == {"low", "medium", "high"}
    assert {f.status for f in findings} == {
        "draft",
        "shared",
        "accepted",
        "needs_work",
        "withdrawn",
    }
    assert {q.status for q in _all(org, Question)} == {
        "open",
        "in_progress",
        "blocked",
        "answered",
        "dropped",
    }
    assert {r.status for r in _all(org, ReviewRequest)} == {
        "open",
        "in_review",
        "changes_requested",
        "approved",
        "withdrawn",
    }
    notes = _all(org, Note)
    assert {n.kind for n in notes} == {"comment", "suggestion", "must_fix", "praise"}
    assert {n.resolved for n in notes} == {True, False}
    for target in ("review_request_id", "finding_id", "question_id", "answer_id"):
        assert any(getattr(n, target) is not None for n in notes), target
    people = _all(org, Person)
    assert {p.role for p in people} == {"manager", "ic", "viewer"}
    assert any(not p.active for p in people)
    managers = {p.id for p in people if p.role == "manager"}
    assert all(p.reports_to_id in managers for p in people if p.role == "ic")
    items = _all(org, ActionItem)
    assert any(a.done and a.done_at is not None for a in items)
    assert any(not a.done and a.due_date is not None and a.due_date < today for a in items)
    decided = _all(org, Decision)
    assert any(d.revisit_on is not None and d.revisit_on <= today for d in decided)  # due
    assert any(d.revisit_on is None and d.revisit_condition for d in decided)
    assert all(0 <= d.claims_reviewed <= d.claims and d.claims for d in decided)
    roots = {q.id for q in _all(org, Question) if q.parent_id is None}
    assert {d.question_id for d in decided} <= roots


def test_the_event_log_replays_to_the_current_state(org: Session) -> None:
    events = sorted(_all(org, Event), key=pk)
    assert all(a.at <= b.at for a, b in pairwise(events))
    by_id = _tree(org)
    created = {e.entity_id: e for e in events if e.entity == "question" and e.action == "created"}
    assert set(created) == set(by_id)
    last_status: dict[int, str] = {}
    for e in events:
        if e.entity == "question" and e.field == "status":
            last_status[e.entity_id] = e.new_value or ""
    for q in by_id.values():
        assert created[pk(q)].root_id == q.root_id
        assert last_status.get(pk(q), "open") == q.status
    logs: list[tuple[type[Finding] | type[ReviewRequest], str]] = [
        (Finding, "finding"),
        (ReviewRequest, "review_request"),
    ]
    for model, entity in logs:
        logged = {e.entity_id for e in events if e.entity == entity and e.action == "created"}
        assert logged == {row.id for row in _all(org, model)}


def test_history_charts_end_where_the_roll_up_is(org: Session) -> None:
    today = org.info["today"]
    end = datetime.combine(today, time(0), UTC)
    progress = history.answer_progress(org, now=end)
    assert not progress.empty and progress["answered"].sum() > 0
    last = progress[progress["week_end"] == progress["week_end"].max()]
    roots = [pk(q) for q in _tree(org).values() if q.parent_id is None]
    rolled = rollups_by_root(org, root_ids=roots)
    for row in last.itertuples():
        rollup, _ = rolled[int(row.root_id)]
        assert (row.scope, row.answered) == (rollup.leaves, rollup.answered_leaves)
    assert len(progress["week_end"].unique()) == history.WEEKS


# --------------------------------------------------------------------------- the app on it


def _manager_with_most_trees(session: Session) -> int:
    query = (
        select(col(Question.owner_id), func.count())
        .where(col(Question.parent_id).is_(None))
        .group_by(col(Question.owner_id))
        .order_by(func.count().desc())
    )
    top = session.execute(query).first()
    assert top is not None
    return int(top[0])


def test_the_app_reads_it(org: Session) -> None:
    manager = _manager_with_most_trees(org)
    everyone = portfolio.summary(org, f=portfolio.PortfolioFilter())
    assert everyone.general_questions == TINY.general_questions
    assert 0 < everyone.answered_leaves < everyone.leaves
    mine = portfolio.page(
        org, f=portfolio.PortfolioFilter(person_id=manager), window=Window(size=100)
    )
    assert mine.items and all(r.coverage is None or 0 <= r.coverage <= 1 for r in mine.items)
    biggest = max(mine.items, key=lambda r: r.leaves)
    tree = load_tree(org, node_id=biggest.id)
    assert tree.root.leaves == biggest.leaves > 1
    waiting = org.scalars(
        select(col(ReviewRequest.reviewer_id)).where(col(ReviewRequest.status) == "open")
    ).first()
    assert waiting is not None and reviews_reads.queue_for(org, reviewer_id=waiting)
    busy = org.execute(
        select(col(Question.assignee_id))
        .join(Person, col(Person.id) == col(Question.assignee_id))
        .where(col(Person.active).is_(True), col(Question.status) == "in_progress")
    ).first()
    assert busy is not None
    assert work.my_questions(org, person_id=int(busy[0]), stale_after_days=14)


def test_the_app_keeps_writing_after_it(org: Session) -> None:
    manager = _manager_with_most_trees(org)
    project = org.scalars(select(Project).where(col(Project.archived).is_(False))).first()
    assert project is not None and project.id is not None
    highest = int(org.scalar(select(func.max(Question.id))) or 0)
    made = questions.create_question(
        org, manager, data=QuestionCreate(title="Is the new funnel better?", project_id=project.id)
    )
    assert made.id == highest + 1
    logged = org.scalars(select(Event).where(col(Event.entity_id) == made.id)).all()
    assert any(e.entity == "question" and e.action == "created" for e in logged)


def test_its_export_imports_into_an_empty_database(
    org: Session, sqlite_template: Path, tmp_path: Path
) -> None:
    data = export.export_data(org)
    other = make_engine(migrated_copy(sqlite_template, tmp_path / "copy.db"))
    try:
        with Session(other) as s:
            counts = restore.import_data(s, data)
    finally:
        other.dispose()
    assert counts == org.info["counts"]


# --------------------------------------------------------------------------- sizes


def test_size_s_is_the_demo_team(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        demo = load_demo(s)
    s_size = SIZES["S"]
    assert (demo.people, demo.projects, demo.questions) == (
        s_size.people,
        s_size.projects,
        s_size.questions,
    )
    assert (demo.findings, demo.review_requests, demo.notes, demo.answers) == (
        s_size.findings,
        s_size.review_requests,
        s_size.notes,
        s_size.answer_versions,
    )
    assert (demo.one_on_ones, demo.events) == (s_size.one_on_ones, s_size.events)


def test_tree_sizes_are_a_few_big_and_many_small() -> None:
    plan = Plan(SIZES["L"], 7, utcnow().date())
    sizes = tree_sizes(plan, 2_000, 20_000)
    assert sum(sizes) == 20_000 and len(sizes) == 2_000
    assert max(sizes) > 1_000 and median(sizes) <= 5


def test_the_same_seed_gives_the_same_organisation() -> None:
    today = utcnow().date()
    first = plan_organisation(SIZES["S"], seed=3, today=today)
    again = plan_organisation(SIZES["S"], seed=3, today=today)
    other = plan_organisation(SIZES["S"], seed=4, today=today)
    assert first.rows == again.rows
    assert first.rows["question"] != other.rows["question"]


def test_sizes_that_cannot_be_generated_are_refused_before_writing(engine: Engine) -> None:
    too_few = replace(TINY, events=required_events(TINY) - 1)
    with pytest.raises(ValueError, match="give at least"):
        generate(engine, too_few)
    with pytest.raises(ValueError, match="at least 3 people"):
        generate(engine, replace(SIZES["S"], people=2))
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
    tiny = scaled(SIZES["L"], 0.0001)
    assert tiny.people >= 9 and tiny.events >= required_events(tiny)
