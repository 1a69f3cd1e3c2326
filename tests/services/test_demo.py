"""The demo team: what a user sees after `team demo`, and that a bad load writes nothing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel, col

from team.db import is_empty
from team.demo.load import DEMO_FILE, DemoSummary, load_demo, summarize
from team.demo.spec import read_demo
from team.models import (
    Answer,
    Citation,
    Event,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
)
from team.services.answers.rules import markers, paragraphs, unsupported_paragraphs
from team.services.core.errors import InvalidInput
from team.vocabulary import FindingKind, FindingStatus, NoteKind, QuestionStatus, ReviewStatus, Role

NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive (they were stored as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _all(session: Session, table: type[Any]) -> list[Any]:
    return list(session.scalars(select(table)))


def _count(session: Session, table: type[SQLModel]) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _write_variant(tmp_path: Path, change: Any) -> Path:
    """A copy of the demo file with ``change(data)`` applied."""
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "demo_team.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def loaded(session: Session) -> DemoSummary:
    return load_demo(session, now=NOW)


def _depth(question: Question, by_id: dict[int, Question]) -> int:
    depth = 1
    while question.parent_id is not None:
        question, depth = by_id[question.parent_id], depth + 1
    return depth


def test_the_team_has_managers_reports_a_viewer_and_projects(
    session: Session, loaded: DemoSummary
) -> None:
    people = _all(session, Person)
    roles = Counter(p.role for p in people)
    assert roles[Role.MANAGER] == 2
    assert roles[Role.IC] >= 5
    assert roles[Role.VIEWER] == 1
    managers = {p.id for p in people if p.role == Role.MANAGER}
    assert all(p.reports_to_id in managers for p in people if p.role == Role.IC)
    assert all(p.email.endswith("@example.com") for p in people)
    assert len(_all(session, Project)) >= 3
    assert loaded == summarize(session)
    assert str(loaded).startswith(f"{len(people)} people, ")


def test_six_question_trees_two_to_three_levels_deep(session: Session, loaded: DemoSummary) -> None:
    questions = _all(session, Question)
    by_id = {q.id: q for q in questions}
    roots = [q for q in questions if q.parent_id is None]
    assert len(roots) >= 6
    for root in roots:
        tree = [q for q in questions if q.root_id == root.id]
        assert root.root_id == root.id
        assert all(q.project_id == root.project_id for q in tree)
        assert 4 <= len(tree) - 1 <= 8, root.title
        assert max(_depth(q, by_id) for q in tree) in (2, 3), root.title
    assert any(max(_depth(q, by_id) for q in questions if q.root_id == r.id) == 3 for r in roots)
    statuses = Counter(q.status for q in questions)
    assert set(statuses) == set(QuestionStatus)
    assert statuses[QuestionStatus.BLOCKED] >= 1
    assert statuses[QuestionStatus.DROPPED] >= 1
    assert any(q.assignee_id is None for q in questions if q.parent_id is not None)


def test_coverage_differs_between_trees(session: Session, loaded: DemoSummary) -> None:
    questions = _all(session, Question)
    parents = {q.parent_id for q in questions}
    coverage = []
    for root in (q for q in questions if q.parent_id is None):
        leaves = [q for q in questions if q.root_id == root.id and q.id not in parents]
        done = [q for q in leaves if q.status in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED)]
        coverage.append(len(done) / len(leaves))
    assert max(coverage) >= 0.75  # one tree nearly answered
    assert min(coverage) == 0  # one just started


def test_findings_cover_every_kind_and_sit_on_leaves_by_the_assignee(
    session: Session, loaded: DemoSummary
) -> None:
    findings = _all(session, Finding)
    assert len(findings) >= 25
    kinds = Counter(f.kind for f in findings)
    assert set(kinds) == set(FindingKind)
    assert kinds[FindingKind.DATA_DECISION] >= 3
    questions = {q.id: q for q in _all(session, Question)}
    parents = {q.parent_id for q in questions.values()}
    for finding in findings:
        assert finding.question_id not in parents, finding.summary
        assert finding.author_id == questions[finding.question_id].assignee_id, finding.summary
        assert finding.links
        assert all(link.startswith("https://") for link in finding.links)


def test_reviews_cover_every_status_with_consistent_times(
    session: Session, loaded: DemoSummary
) -> None:
    reviews = _all(session, ReviewRequest)
    assert len(reviews) >= 8
    assert {r.status for r in reviews} == set(ReviewStatus)
    for review in reviews:
        responded, resolved = review.first_response_at, review.resolved_at
        if review.status == ReviewStatus.OPEN:
            assert responded is None
            assert resolved is None
        if review.status in (ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED):
            assert responded is not None
            assert resolved is None
        if review.status in (ReviewStatus.APPROVED, ReviewStatus.WITHDRAWN):
            assert resolved is not None
        if responded is not None:
            assert _utc(review.requested_at) < _utc(responded)
        if resolved is not None:
            assert _utc(review.requested_at) < _utc(resolved)
    changes = next(r for r in reviews if r.status == ReviewStatus.CHANGES_REQUESTED)
    notes = session.scalars(select(Note).where(col(Note.review_request_id) == changes.id)).all()
    assert any(n.kind == NoteKind.MUST_FIX and not n.resolved for n in notes)


def test_notes_answers_and_one_on_ones(session: Session, loaded: DemoSummary) -> None:
    notes = _all(session, Note)
    assert len(notes) >= 12
    assert {n.kind for n in notes} == set(NoteKind)
    assert any(n.resolved for n in notes)
    assert any(n.question_id for n in notes)
    assert any(n.finding_id for n in notes)
    assert any(n.answer_id for n in notes)
    answers = _all(session, Answer)
    assert len(answers) >= 6
    numbers: dict[int, list[int]] = {}
    for answer in answers:
        numbers.setdefault(answer.question_id, []).append(answer.number)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    assert any(len(n) >= 3 for n in numbers.values())
    roots = {q.id for q in _all(session, Question) if q.parent_id is None}
    assert roots & set(numbers)
    assert len(_all(session, OneOnOne)) >= 8
    assert loaded.action_items > loaded.one_on_ones


def test_citations_stay_inside_the_subtree(session: Session, loaded: DemoSummary) -> None:
    questions = {q.id: q for q in _all(session, Question)}
    answers = {a.id: a for a in _all(session, Answer)}
    findings = {f.id: f for f in _all(session, Finding)}

    def ancestors(question_id: int) -> set[int]:
        found = {question_id}
        while (parent := questions[question_id].parent_id) is not None:
            found.add(parent)
            question_id = parent
        return found

    citations = _all(session, Citation)
    assert any(c.finding_id for c in citations)
    assert any(c.cited_answer_id for c in citations)
    for citation in citations:
        answer = answers[citation.answer_id]
        if citation.finding_id is not None:
            finding = findings[citation.finding_id]
            assert answer.question_id in ancestors(finding.question_id)
            assert _utc(finding.created_at) <= _utc(answer.created_at)
        else:
            cited = answers[citation.cited_answer_id]
            assert questions[cited.question_id].parent_id == answer.question_id
            assert _utc(cited.created_at) <= _utc(answer.created_at)


def _cited(session: Session, answer: Answer) -> tuple[set[int], set[int]]:
    """(finding ids, child question ids) a version cites."""
    rows = session.scalars(select(Citation).where(col(Citation.answer_id) == answer.id)).all()
    cited_answers = [session.get(Answer, c.cited_answer_id) for c in rows if c.cited_answer_id]
    return (
        {c.finding_id for c in rows if c.finding_id is not None},
        {a.question_id for a in cited_answers if a is not None},
    )


def test_answer_markers_are_exactly_the_citations(session: Session, loaded: DemoSummary) -> None:
    spec = read_demo(DEMO_FILE)
    finding_ids = {f.summary: f.id for f in _all(session, Finding)}
    finding_ids = {f.key: finding_ids[f.summary] for f in spec.findings}
    by_title = {q.title: q.id for q in _all(session, Question)}
    question_ids: dict[str, int] = {}
    nodes = list(spec.questions)
    while nodes:
        node = nodes.pop()
        question_ids[node.key] = by_title[node.title]
        nodes += node.children
    answers = {(a.question_id, a.number): a for a in _all(session, Answer)}
    status = {f.id: f.status for f in _all(session, Finding)}
    marked = 0
    for answer_spec in spec.answers:
        for number, version in enumerate(answer_spec.versions, 1):
            answer = answers[(question_ids[answer_spec.question], number)]
            assert "[F:" not in answer.body and "[Q:" not in answer.body, answer.body
            in_text = markers(answer.body)
            findings, children = _cited(session, answer)
            # every marker is a citation; every citation is a marker or listed in the file
            assert in_text[0] <= findings and in_text[1] <= children, answer.body
            assert findings == in_text[0] | {finding_ids[k] for k in version.cites_findings}
            assert children == in_text[1] | {question_ids[k] for k in version.cites_answers}
            assert all(FindingStatus(status[f]).is_citable for f in findings)
            marked += bool(in_text[0] | in_text[1])
    assert marked >= len(answers) - 1  # only the early hunch cites nothing in its text


def test_most_answer_paragraphs_cite_evidence_a_few_do_not(
    session: Session, loaded: DemoSummary
) -> None:
    latest: dict[int, Answer] = {}
    for answer in sorted(_all(session, Answer), key=lambda a: a.number):
        latest[answer.question_id] = answer
    claims = [p for a in latest.values() for p in paragraphs(a.body) if not p.startswith("#")]
    unsupported = [p for a in latest.values() for p in unsupported_paragraphs(a.body)]
    assert len(unsupported) >= 2
    assert (len(claims) - len(unsupported)) / len(claims) >= 0.7
    earlier = [a for a in _all(session, Answer) if latest[a.question_id] is not a]
    assert any(unsupported_paragraphs(a.body) == paragraphs(a.body) for a in earlier)


def test_events_spread_over_eight_weeks(session: Session, loaded: DemoSummary) -> None:
    events = _all(session, Event)
    ages = [NOW - _utc(e.at) for e in events]
    assert all(age >= timedelta(0) for age in ages)
    assert timedelta(days=45) <= max(ages) <= timedelta(days=70)
    assert len({age.days // 7 for age in ages}) >= 6
    weeks = {(NOW - _utc(e.at)).days // 7 for e in events if e.entity == "finding"}
    assert len(weeks) >= 5


def test_every_tree_event_names_its_general_question(session: Session, loaded: DemoSummary) -> None:
    questions = {q.id: q for q in _all(session, Question)}
    events = _all(session, Event)
    for event in events:
        if event.entity == "question":
            assert event.root_id == questions[event.entity_id].root_id
        if event.entity in ("finding", "review_request", "answer"):
            assert event.root_id in questions
        if event.entity in ("person", "project", "one_on_one", "action_item"):
            assert event.root_id is None
        assert event.actor_id is not None
    created = Counter(e.entity for e in events if e.action == "created")
    assert created["question"] == len(questions)
    assert created["finding"] == loaded.findings
    assert created["answer"] == loaded.answers


def test_status_events_replay_to_the_current_status(session: Session, loaded: DemoSummary) -> None:
    events = session.scalars(
        select(Event).where(col(Event.field) == "status").order_by(col(Event.at), col(Event.id))
    ).all()
    last: dict[tuple[str, int], str | None] = {}
    for event in events:
        previous = last.get((event.entity, event.entity_id))
        assert previous is None or previous == event.old_value
        last[(event.entity, event.entity_id)] = event.new_value
    for table, entity, initial in (
        (Question, "question", "open"),
        (ReviewRequest, "review_request", "open"),
    ):
        for row in _all(session, table):
            assert last.get((entity, row.id), initial) == row.status
    assert {e.actor_id for e in events if e.entity == "question"} <= {
        p.id for p in _all(session, Person) if p.role != Role.VIEWER
    }


def test_dates_follow_now(session: Session, loaded: DemoSummary) -> None:
    dues = [q.due_date for q in _all(session, Question) if q.due_date is not None]
    assert min(dues) < NOW.date() < max(dues)
    held = [o.held_on for o in _all(session, OneOnOne)]
    assert max(held) < NOW.date()
    assert all(_utc(q.created_at) <= NOW for q in _all(session, Question))


def test_loading_twice_is_refused_and_writes_nothing(session: Session, loaded: DemoSummary) -> None:
    with pytest.raises(InvalidInput, match=r"already holds data.*--force"):
        load_demo(session, now=NOW)
    assert summarize(session) == loaded


def test_force_replaces_everything(session: Session, loaded: DemoSummary) -> None:
    again = load_demo(session, force=True, now=NOW)
    assert again == loaded
    assert summarize(session) == loaded
    assert _count(session, Person) == loaded.people


def test_a_bad_reference_is_refused_naming_the_record(session: Session, tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["findings"][0]["question"] = "no-such-question"

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(InvalidInput) as caught:
        load_demo(session, path=path, now=NOW)
    assert caught.value.message == (
        "demo_team.yaml: finding 'churn-starter-monthly' refers to unknown question "
        "'no-such-question'."
    )
    assert is_empty(session)
    assert _count(session, Event) == 0


def test_a_failed_forced_load_keeps_the_old_data(
    session: Session, loaded: DemoSummary, tmp_path: Path
) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["reviews"][-1]["reviewer"] = "nobody"

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(
        InvalidInput, match=r"review 'rev-revenue-backfill'.*unknown person 'nobody'"
    ):
        load_demo(session, path=path, force=True, now=NOW)
    assert summarize(session) == loaded


def test_a_misspelt_field_is_refused_naming_the_record(session: Session, tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        child = data["questions"][0]["children"][1]
        child["asignee"] = child.pop("assignee")

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(InvalidInput, match=r"question 'churn-usage' \(asignee\)"):
        load_demo(session, path=path, now=NOW)
    assert is_empty(session)


def test_a_citation_outside_the_subtree_is_refused(session: Session, tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        version = data["answers"][0]["versions"][0]
        version.setdefault("cites_findings", []).append("pricing-few-list-changes")

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(InvalidInput, match="answer 1 of 'churn-segments' cites finding"):
        load_demo(session, path=path, now=NOW)
    assert is_empty(session)


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ("[F:no-such-finding]", "refers to unknown finding 'no-such-finding'."),
        ("[Q:no-such-question]", "refers to unknown question 'no-such-question'."),
        (
            "[F:pricing-few-list-changes]",
            "cites finding 'pricing-few-list-changes', which is not in its subtree by then.",
        ),
        (
            "[Q:churn-onboarding]",
            "cites 'churn-onboarding', which is no child question with an answer yet.",
        ),
    ],
)
def test_a_bad_inline_marker_is_refused_naming_the_record(
    session: Session, tmp_path: Path, marker: str, problem: str
) -> None:
    def break_it(data: dict[str, Any]) -> None:
        version = data["answers"][0]["versions"][0]
        version["body"] = version["body"].replace("are flat", f"are flat {marker}")

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(InvalidInput) as caught:
        load_demo(session, path=path, now=NOW)
    assert caught.value.message == f"demo_team.yaml: answer 1 of 'churn-segments' {problem}"
    assert is_empty(session)
    assert _count(session, Event) == 0


def test_a_marker_by_number_is_refused(session: Session, tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["answers"][0]["versions"][0]["body"] += "See also [F3].\n"

    path = _write_variant(tmp_path, break_it)
    with pytest.raises(
        InvalidInput, match=r"answer of 'churn-segments' \(versions\.0\.body\).*\[F3\] names"
    ):
        load_demo(session, path=path, now=NOW)
    assert is_empty(session)


def test_the_demo_calls_a_data_cleaning_decision_what_the_app_calls_it() -> None:
    """One wording: the finding kind's label, not "data decision" in the demo's notes."""
    text = DEMO_FILE.read_text(encoding="utf-8")
    assert FindingKind.DATA_DECISION.label == "data-cleaning decision"
    assert "data-cleaning decision" in text
    assert not re.search(r"(?i)\bdata decisions?\b", text)
