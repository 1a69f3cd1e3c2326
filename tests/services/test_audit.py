"""The audit log: filters by person, kind of thing and date (days of the viewer's zone);
every event in words (who by name, the thing by its kind and title, fields and values as
people read them, times in the viewer's zone); the titles of a page read in one query per
kind of thing; CSV of every match, in the same words; managers only; the text of a
one-on-one private to its two people."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from team.bench.statements import counting
from team.models import ActionItem, Event, Finding, Note, OneOnOne, ReviewRequest
from team.services.admin import audit
from team.services.admin.audit import AuditFilter
from team.services.answers import decisions
from team.services.answers import writes as answers
from team.services.core.errors import PermissionDenied
from team.services.core.events import record
from team.vocabulary import (
    FindingKind,
    FindingStatus,
    NoteKind,
    QuestionStatus,
    ReviewStatus,
    Role,
)
from tests.factories import Team, make_team, node, pk

BERLIN = "Europe/Berlin"
T0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
LONG = (
    "Monthly plans churn twice as often as annual ones once the first renewal comes, "
    "in every region"
)
# Raw stored names that must never reach a reader of the log.
RAW = {
    "in_progress",
    "changes_requested",
    "in_review",
    "must_fix",
    "data_decision",
    "negative_result",
    "needs_work",
    "review_request",
    "action_item",
    "one_on_one",
    "assignee_id",
    "first_response_at",
    "reports_to_id",
    "ic",
    "true",
    "false",
}


@pytest.fixture
def team(session: Session) -> Team:
    team = make_team(session)
    rows = [
        (datetime(2026, 10, 1, 9, tzinfo=UTC), team.manager, "question", "created"),
        (datetime(2026, 10, 2, 23, 59, tzinfo=UTC), team.ic, "finding", "created"),
        (datetime(2026, 10, 3, 0, 0, tzinfo=UTC), team.ic, "finding", "updated"),
        (datetime(2026, 10, 5, 12, tzinfo=UTC), team.manager, "review_request", "created"),
    ]
    for i, (at, who, entity, action) in enumerate(rows, start=1):
        session.add(
            Event(at=at, actor_id=who, entity=entity, entity_id=i, action=action, new_value="x")
        )
    session.commit()
    return team


def test_filters(session: Session, team: Team) -> None:
    frame, total = audit.search(session, team.manager, f=AuditFilter())
    assert total == 4
    assert list(frame["Id"]) == [4, 3, 2, 1]  # newest first
    _frame, total = audit.search(session, team.manager, f=AuditFilter(actor_id=team.ic))
    assert total == 2
    _frame, total = audit.search(session, team.manager, f=AuditFilter(entity="finding"))
    assert total == 2
    frame, total = audit.search(
        session, team.manager, f=AuditFilter(since=date(2026, 10, 2), until=date(2026, 10, 2))
    )
    assert total == 1  # until is inclusive of the whole day, and no more
    assert list(frame["Who"]) == ["Ines"]


def test_days_and_times_are_the_viewers(session: Session, team: Team) -> None:
    """23:59 UTC on 2 October is 01:59 on 3 October in Berlin: the Berlin reader's
    3 October holds it, and the column says which zone its times are in."""
    berlin_day = AuditFilter(since=date(2026, 10, 3), until=date(2026, 10, 3), zone=BERLIN)
    frame, total = audit.search(session, team.manager, f=berlin_day)
    assert total == 2
    assert list(frame[f"When ({BERLIN})"]) == ["2026-10-03 02:00:00", "2026-10-03 01:59:00"]
    frame, _total = audit.search(session, team.manager, f=AuditFilter(zone="Nowhere/Atlantis"))
    assert frame.columns[0] == "When (UTC)"  # an unknown zone: UTC, and it says so
    assert frame[frame["Id"] == 2]["When (UTC)"].item() == "2026-10-02 23:59:00"


def test_limit_keeps_the_total(session: Session, team: Team) -> None:
    frame, total = audit.search(session, team.manager, f=AuditFilter(), limit=2)
    assert (len(frame), total) == (2, 4)


def test_csv_has_every_match_oldest_first_in_words(session: Session, team: Team) -> None:
    text = audit.to_csv(session, team.manager, f=AuditFilter(entity="finding", zone=BERLIN))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        f"When ({BERLIN})",
        "Who",
        "Kind",
        "Id",
        "Title",
        "Change",
        "Field",
        "Before",
        "After",
    ]
    assert [(r[3], r[5]) for r in rows[1:]] == [("2", "created"), ("3", "changed")]
    assert rows[1][0] == "2026-10-03 01:59:00"


@pytest.mark.parametrize("who", ["ic", "viewer"])
def test_only_managers_read_the_audit_log(session: Session, team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied, match="Only a manager"):
        audit.search(session, getattr(team, who), f=AuditFilter())
    with pytest.raises(PermissionDenied):
        audit.entities(session, getattr(team, who))
    with pytest.raises(PermissionDenied):
        audit.to_csv(session, getattr(team, who), f=AuditFilter())


# --------------------------------------------------------------------------- in words


@pytest.fixture
def story(session: Session) -> Team:
    """A question, a finding, a review and its must-fix note, a person's role, a
    one-on-one's action item: each with the events the services write."""
    team = make_team(session)
    root = node(session, team, None, "Why did retention drop in Q3?")
    sub = node(session, team, root, "Which plans churned?")
    finding = Finding(summary=LONG, question_id=pk(sub), author_id=team.ic)
    session.add(finding)
    session.flush()
    review = ReviewRequest(
        question_id=pk(sub),
        finding_id=pk(finding),
        requester_id=team.ic,
        reviewer_id=team.manager,
        artifact_url="https://github.com/acme/churn/pull/7",
    )
    session.add(review)
    session.flush()
    note = Note(author_id=team.manager, review_request_id=pk(review), body="Fix the join.")
    meeting = OneOnOne(manager_id=team.manager, report_id=team.ic, held_on=date(2026, 10, 1))
    session.add_all([note, meeting])
    session.flush()
    item = ActionItem(one_on_one_id=pk(meeting), owner_id=team.ic, description="Ship the fix")
    session.add(item)
    session.flush()
    m, ic = team.manager, team.ic
    minutes = iter(range(100))

    def _log(_session: Session, entity: str, entity_id: int, **kw: object) -> None:
        """One event, a minute after the one before."""
        at = T0 + timedelta(minutes=next(minutes))
        record(session, entity=entity, entity_id=entity_id, at=at, **kw)  # type: ignore[arg-type]

    _log(session, "question", pk(sub), actor_id=m, action="created", new="Which plans churned?")
    _log(session, "question", pk(sub), actor_id=m, action="updated", field="assignee_id", new=ic)
    status = {"field": "status", "old": QuestionStatus.OPEN, "new": QuestionStatus.IN_PROGRESS}
    _log(session, "question", pk(sub), actor_id=ic, action="updated", **status)
    _log(session, "question", pk(sub), actor_id=m, action="moved", field="parent_id", new=root.id)
    kind = {"field": "kind", "old": FindingKind.RESULT, "new": FindingKind.DATA_DECISION}
    _log(session, "finding", pk(finding), actor_id=ic, action="updated", **kind)
    back = {"field": "status", "old": FindingStatus.SHARED, "new": FindingStatus.NEEDS_WORK}
    _log(session, "finding", pk(finding), actor_id=m, action="updated", **back)
    stamp = datetime(2026, 10, 1, 22, 30, tzinfo=UTC)
    _log(
        session,
        "review_request",
        pk(review),
        actor_id=m,
        action="updated",
        field="first_response_at",
        new=stamp,
    )
    _log(
        session, "note", pk(note), actor_id=m, action="created", field="kind", new=NoteKind.MUST_FIX
    )
    moved = {"field": "status", "old": ReviewStatus.OPEN, "new": ReviewStatus.CHANGES_REQUESTED}
    _log(session, "review_request", pk(review), actor_id=m, action="updated", **moved)
    role = {"field": "role", "old": Role.IC, "new": Role.MANAGER}
    _log(session, "person", team.other_ic, actor_id=m, action="updated", **role)
    _log(session, "person", team.other_ic, actor_id=m, action="updated", field="active", new=False)
    _log(session, "action_item", pk(item), actor_id=m, action="created", new="Ship the fix")
    _log(session, "action_item", pk(item), actor_id=None, action="updated", field="done", new=True)
    session.commit()
    return team


def _rows(session: Session, reader: int, **f: object) -> list[dict[str, object]]:
    frame, _total = audit.search(session, reader, f=AuditFilter(zone=BERLIN, **f))  # type: ignore[arg-type]
    return [{str(k): v for k, v in r.items()} for r in frame.iloc[::-1].to_dict("records")]


def _line(row: dict[str, object]) -> tuple[object, ...]:
    return (row["Who"], row["Kind"], row["Title"], row["Change"], row["Field"])


def test_every_event_reads_in_words(session: Session, story: Team) -> None:
    rows = _rows(session, story.manager)
    cut = "Monthly plans churn twice as often as annual ones once the…"
    sub, root = "Which plans churned?", "Why did retention drop in Q3?"
    item = "Ship the fix (Maya and Ines, 1 Oct 2026)"
    assert [(*_line(r), r["Before"], r["After"]) for r in rows] == [
        ("Maya", "question", sub, "created", "", "", sub),
        ("Maya", "question", sub, "changed", "assignee", "", "Ines"),
        ("Ines", "question", sub, "changed", "status", "open", "in progress"),
        ("Maya", "question", sub, "moved", "parent", "", root),
        ("Ines", "finding", cut, "changed", "kind", "result", "data-cleaning decision"),
        ("Maya", "finding", cut, "changed", "status", "shared", "needs work"),
        ("Maya", "review request", cut, "changed", "first response", "", "2026-10-02 00:30:00"),
        ("Maya", "note", "Fix the join.", "created", "kind", "", "must fix"),
        ("Maya", "review request", cut, "changed", "status", "open", "changes requested"),
        ("Maya", "person", "Ravi", "changed", "role", "IC", "manager"),
        ("Maya", "person", "Ravi", "changed", "active", "", "no"),
        ("Maya", "action item", item, "created", "", "", "Ship the fix"),
        ("(command line)", "action item", item, "changed", "done", "", "yes"),
    ]  # fmt: skip
    assert str(rows[0][f"When ({BERLIN})"]).startswith("2026-10-01 11:")  # 09:xx UTC
    shown = {str(v) for r in rows for v in r.values()}
    assert not shown & RAW


def test_the_csv_says_the_same_words(session: Session, story: Team) -> None:
    text = audit.to_csv(session, story.manager, f=AuditFilter(zone=BERLIN))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == f"When ({BERLIN})"
    page = _rows(session, story.manager)
    assert rows[1:] == [[str(v) for v in r.values()] for r in page]
    assert not {cell for row in rows for cell in row} & RAW


def test_another_manager_sees_that_a_one_on_one_changed_not_what_it_says(
    session: Session, story: Team
) -> None:
    rows = _rows(session, story.other_manager, entity="action_item")
    assert [(r["Title"], r["After"]) for r in rows] == [
        ("Maya and Ines, 1 Oct 2026", audit.PRIVATE),
        ("Maya and Ines, 1 Oct 2026", audit.PRIVATE),
    ]
    assert rows[0]["Before"] == ""  # nothing was there before a creation


def test_titles_are_read_once_per_kind_of_thing_whatever_the_rows(
    session: Session, story: Team
) -> None:
    with counting(session) as few:
        audit.search(session, story.manager, f=AuditFilter())
    for n in range(60):  # many more events about more questions: the same queries
        q = node(session, story, None, f"Question {n}")
        record(
            session, actor_id=story.manager, entity="question", entity_id=pk(q), action="created"
        )
        record(
            session,
            actor_id=story.manager,
            entity="question",
            entity_id=pk(q),
            action="updated",
            field="assignee_id",
            new=story.ic if n % 2 else story.other_ic,
        )
    session.commit()
    with counting(session) as many:
        frame, total = audit.search(session, story.manager, f=AuditFilter())
    assert total == len(frame) == 13 + 120
    assert len(many) == len(few)
    assert set(frame["Title"]) >= {f"Question {n}" for n in range(60)}


def test_titles_of_every_kind_cost_one_query(session: Session, story: Team) -> None:
    """Events of one kind of thing or of all of them: the same statements (the titles
    are one UNION ALL); a decision is named by its answer version and question."""
    q = node(session, story, None, "Should we raise prices?")
    with counting(session) as one_kind:
        audit.search(session, story.manager, f=AuditFilter(entity="question"))
    answer = answers.save_answer(
        session,
        story.manager,
        question_id=pk(q),
        based_on=None,
        data=answers.AnswerInput(body="Yes, for Pro."),
    )
    decisions.record_decision(
        session,
        story.manager,
        answer_id=answer.id,
        data=decisions.DecisionInput(
            what="Raise Pro by 5%", decided_by="Rachel", decided_on=date(2026, 10, 1)
        ),
        today=date(2026, 10, 2),
    )
    with counting(session) as every_kind:
        frame, _total = audit.search(session, story.manager, f=AuditFilter())
    assert len(every_kind) == len(one_kind)
    assert len(set(frame["Kind"])) >= 8
    titles = set(frame[frame["Kind"] == "decision"]["Title"])
    assert titles == {"the decision on version 1 of the answer to Should we raise prices?"}
