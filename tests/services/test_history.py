"""History aggregations on small hand-built histories (rows and Event rows with explicit
timestamps), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlmodel import Session

from team.models import Answer, Event, Finding, Question, ReviewRequest
from team.services.progress import history
from team.services.progress import people as history_people
from team.vocabulary import Confidence, FindingKind, FindingStatus, QuestionStatus, ReviewStatus
from tests.factories import Team, make_team

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Builder:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.team: Team = make_team(session)

    def question(
        self,
        title: str,
        created: float,
        parent: Question | None = None,
        *,
        history: tuple[tuple[float, QuestionStatus], ...] = (),
        assignee: int | None = None,
        technique: str | None = None,
        due: int | None = None,
        project: int | None = None,
    ) -> Question:
        """A question created ``created`` days ago with status changes (days ago, status)."""
        row = Question(
            title=title,
            project_id=project or (parent.project_id if parent else self.team.project),
            parent_id=parent.id if parent else None,
            root_id=parent.root_id if parent else None,
            owner_id=self.team.manager,
            assignee_id=assignee,
            technique=technique,
            status=history[-1][1] if history else QuestionStatus.OPEN,
            due_date=None if due is None else NOW.date() + timedelta(days=due),
            created_at=ago(created),
        )
        self.s.add(row)
        self.s.flush()
        if parent is None:
            row.root_id = row.id
        assert row.id is not None
        self.event(created, row, "created", new=title)
        old = QuestionStatus.OPEN
        for days, status in history:
            self.event(days, row, "updated", field="status", old=old, new=status)
            old = status
        self.s.commit()
        return row

    def event(self, days: float, q: Question, action: str, **kw: Any) -> None:
        assert q.id is not None
        values = {k: (v.value if isinstance(v, QuestionStatus) else v) for k, v in kw.items()}
        renamed: dict[str, Any] = {
            "old_value" if k == "old" else "new_value" if k == "new" else k: v
            for k, v in values.items()
        }
        self.s.add(
            Event(
                at=ago(days),
                entity="question",
                entity_id=q.id,
                action=action,
                root_id=q.root_id,
                **renamed,
            )
        )

    def finding(self, q: Question, author: int, days: float, **kw: Any) -> None:
        assert q.id is not None
        self.s.add(
            Finding(
                question_id=q.id,
                author_id=author,
                summary="s",
                created_at=ago(days),
                status=kw.pop("status", FindingStatus.SHARED),
                **kw,
            )
        )
        self.s.commit()

    def review(self, q: Question, requested: float, **kw: Any) -> None:
        assert q.id is not None
        row = ReviewRequest(
            question_id=q.id,
            requester_id=self.team.ic,
            reviewer_id=kw.pop("reviewer", self.team.manager),
            artifact_url="https://example.com/pr/1",
            requested_at=ago(requested),
            **kw,
        )
        self.s.add(row)
        self.s.commit()


@pytest.fixture
def build(session: Session) -> Builder:
    return Builder(session)


# --------------------------------------------------------------------------- answer progress


def _tree(b: Builder) -> Question:
    """R (25d) with A (answered at 10d), B (dropped at 5d) with B1 (answered at 15d),
    and C added 3 days ago."""
    s = QuestionStatus
    root = b.question("R", 25)
    b.question("A", 20, root, history=((10, s.ANSWERED),))
    bee = b.question("B", 20, root, history=((5, s.DROPPED),))
    b.question("B1", 18, bee, history=((15, s.ANSWERED),))
    b.question("C", 3, root)
    return root


def test_answer_progress_shows_scope_growth_drops_and_confidence(build: Builder) -> None:
    root = _tree(build)
    assert root.id is not None
    build.s.add(
        Answer(
            question_id=root.id,
            number=1,
            confidence=Confidence.LOW,
            author_id=build.team.manager,
            created_at=ago(12),
        )
    )
    build.s.add(
        Answer(
            question_id=root.id,
            number=2,
            confidence=Confidence.HIGH,
            author_id=build.team.manager,
            created_at=ago(1),
        )
    )
    build.s.commit()
    got = history.answer_progress(build.s, weeks=4, now=NOW)
    assert list(got["week_end"]) == [pd.Timestamp(ago(d)) for d in (21, 14, 7, 0)]
    assert list(got["scope"]) == [1, 2, 2, 2]  # R alone; A+B1; A+B1; A+C (B, B1 dropped)
    assert list(got["answered"]) == [0, 1, 2, 1]
    assert list(got["confidence"]) == [None, None, "low", "high"]
    assert list(got["confidence_level"].fillna(0)) == [0, 0, 1, 3]
    assert set(got["title"]) == {"R"}


def test_answer_progress_filters_and_is_empty_without_questions(build: Builder) -> None:
    _tree(build)
    assert history.answer_progress(build.s, project_id=build.team.archived_project).empty
    assert history.answer_progress(build.s, person_id=build.team.ic).empty
    assert not history.answer_progress(build.s, person_id=build.team.manager, now=NOW).empty


def test_deadline_health_flags_a_tree_behind_its_pace(build: Builder) -> None:
    s = QuestionStatus
    on_pace = build.question("On pace", 25, due=25)
    build.question("done", 20, on_pace, history=((2, s.ANSWERED),))
    build.question("todo", 20, on_pace)
    late = build.question("Late", 30, due=-1)
    build.question("open", 29, late)
    build.question("Finished", 30, due=-1, history=((1, s.ANSWERED),))
    build.question("No due date", 30)
    got = history.deadline_health(build.s, now=NOW).set_index("title")
    assert list(got.index) == ["Late", "On pace"]  # at risk first; closed / undated left out
    assert got.loc["Late", "at_risk"] and got.loc["Late", "expected"] == 1.0
    assert got.loc["Late", "coverage"] == 0.0
    assert got.loc["On pace", "coverage"] == 0.5
    assert got.loc["On pace", "expected"] == pytest.approx(25 / 50.5, abs=0.01)
    assert not got.loc["On pace", "at_risk"]
    assert got.loc["On pace", "days_left"] == 25


# --------------------------------------------------------------------------- people


def test_findings_per_week_by_person_and_kind(build: Builder) -> None:
    t = build.team
    q = build.question("Q", 30, build.question("R", 30), assignee=t.ic)
    other = build.question("Elsewhere", 30, project=t.archived_project)
    for days in (1, 2):
        build.finding(q, t.ic, days)
    build.finding(q, t.ic, 3, kind=FindingKind.CAVEAT)
    build.finding(q, t.ic, 4, status=FindingStatus.WITHDRAWN)
    build.finding(q, t.other_ic, 10)
    build.finding(other, t.other_ic, 1)
    got = history_people.findings_per_week(build.s, weeks=2, now=NOW)
    rows = {(r.week_end, r.person, r.kind): r.findings for r in got.itertuples()}
    assert rows == {
        (pd.Timestamp(ago(7)), "Ravi", "result"): 1,
        (pd.Timestamp(NOW), "Ines", "result"): 2,
        (pd.Timestamp(NOW), "Ines", "caveat"): 1,
        (pd.Timestamp(NOW), "Ravi", "result"): 1,
    }
    mine = history_people.findings_per_week(build.s, person_id=t.ic, weeks=2, now=NOW)
    assert set(mine["person"]) == {"Ines"} and mine["findings"].sum() == 3
    in_project = history_people.findings_per_week(build.s, project_id=t.project, weeks=2, now=NOW)
    assert in_project["findings"].sum() == 4


def _hours(median: object) -> float:
    """A median_hours cell (a float column), rounded to compare."""
    assert isinstance(median, float)
    return round(median, 3)


def test_review_turnaround_medians_per_week(build: Builder) -> None:
    q = build.question("Q", 30)
    for hours in (10, 20, 30):
        build.review(q, 5, first_response_at=ago(5) + timedelta(hours=hours))
    for hours in (40, 60):
        build.review(
            q,
            5,
            first_response_at=ago(5) + timedelta(hours=1),
            resolved_at=ago(5) + timedelta(hours=hours),
            status=ReviewStatus.APPROVED,
        )
    build.review(q, 5, resolved_at=ago(4), status=ReviewStatus.WITHDRAWN)
    build.review(q, 12, first_response_at=ago(12) + timedelta(hours=4))
    got = history_people.review_turnaround(build.s, weeks=2, now=NOW)
    rows = {(r.week_end, r.measure): (_hours(r.median_hours), r.reviews) for r in got.itertuples()}
    assert rows == {
        (pd.Timestamp(ago(7)), "first response"): (4.0, 1),
        (pd.Timestamp(NOW), "first response"): (10.0, 5),  # 1, 1, 10, 20, 30
        (pd.Timestamp(NOW), "resolution"): (50.0, 2),  # mean of the middle two
    }


def test_open_review_age_buckets(build: Builder) -> None:
    q = build.question("Q", 30)
    build.review(q, 2 / 24)
    build.review(q, 2, status=ReviewStatus.IN_REVIEW)
    build.review(q, 2.5)
    build.review(q, 10, status=ReviewStatus.CHANGES_REQUESTED)
    build.review(q, 20, status=ReviewStatus.APPROVED, resolved_at=ago(19))
    got = history_people.open_review_age(build.s, now=NOW)
    assert list(zip(got["age_bucket"], got["reviews"], strict=True)) == [
        ("under 1 day", 1),
        ("1-3 days", 2),
        ("over a week", 1),
    ]
    assert got["oldest_days"].max() == pytest.approx(10.0, abs=0.01)
    assert history_people.open_review_age(build.s, person_id=build.team.other_ic, now=NOW).empty


def test_workload_counts_overdue_separately(build: Builder) -> None:
    t, s = build.team, QuestionStatus
    root = build.question("R", 30, assignee=t.ic)  # a general question is not workload
    build.question("late", 20, root, assignee=t.ic, due=-1)
    build.question("on time", 20, root, assignee=t.ic, due=3)
    build.question("done", 20, root, assignee=t.ic, due=-5, history=((2, s.ANSWERED),))
    other_root = build.question("R2", 30, project=t.archived_project)
    build.question("blocked", 20, other_root, assignee=t.other_ic, history=((1, s.BLOCKED),))
    got = history_people.workload(build.s, now=NOW)
    rows = {(r.person, r.project): (r.open, r.overdue) for r in got.itertuples()}
    assert rows == {("Ines", "Retention"): (2, 1), ("Ravi", "Old pricing"): (1, 0)}
    only = history_people.workload(build.s, project_id=t.project, now=NOW)
    assert list(only["person"]) == ["Ines"]


def test_technique_breadth_counts_assignments_and_findings(build: Builder) -> None:
    t, s = build.team, QuestionStatus
    root = build.question("R", 30)
    model = build.question("m1", 20, root, assignee=t.ic, technique="modeling")
    build.question("m2", 20, root, assignee=t.ic, technique="modeling")
    build.question(
        "gone", 20, root, assignee=t.ic, technique="statistics", history=((1, s.DROPPED),)
    )
    clean = build.question("c", 20, root, assignee=t.other_ic, technique="data cleaning")
    build.finding(model, t.ic, 2)
    build.finding(clean, t.ic, 2)
    build.finding(clean, t.manager, 2)  # managers are not in the IC grid
    got = history_people.technique_breadth(build.s)
    rows = {(r.person, r.technique): (r.assigned, r.findings) for r in got.itertuples()}
    assert rows == {
        ("Ines", "modeling"): (2, 1),
        ("Ines", "data cleaning"): (0, 1),
        ("Ravi", "data cleaning"): (1, 0),
    }
    assert set(history_people.technique_breadth(build.s, person_id=t.ic)["person"]) == {"Ines"}


def test_stale_questions_count_days_since_evidence(build: Builder) -> None:
    t, s = build.team, QuestionStatus
    root = build.question("R", 40)
    old = build.question("old evidence", 30, root, assignee=t.ic)
    build.finding(old, t.ic, 20)
    build.finding(old, t.ic, 1, status=FindingStatus.WITHDRAWN)
    fresh = build.question("fresh", 30, root, assignee=t.ic)
    build.finding(fresh, t.ic, 2)
    build.question("no evidence", 5, root, assignee=t.other_ic)
    build.question("answered", 30, root, history=((1, s.ANSWERED),))
    parent = build.question("parent", 30, root)
    build.question("child", 30, parent, assignee=t.ic)
    got = history_people.stale_questions(build.s, stale_after_days=14, now=NOW)
    assert list(got["title"]) == ["child", "old evidence", "no evidence", "fresh"]
    assert list(got["days_since"]) == [30.0, 20.0, 5.0, 2.0]
    by_title = got.set_index("title")
    assert by_title.loc["old evidence", "days_since"] == 20.0
    assert by_title.loc["old evidence", "stale"]
    assert by_title.loc["child", "stale"] and by_title.loc["child", "days_since"] == 30.0
    # pandas-stubs: .loc's scalar type (with np.bool_, Period, Interval) is wider than isna's.
    assert pd.isna(by_title.loc["no evidence", "last_evidence_at"])  # type: ignore[arg-type]
    assert not by_title.loc["fresh", "stale"]
    assert by_title.loc["no evidence", "assignee"] == "Ravi"
    mine = history_people.stale_questions(
        build.s, stale_after_days=14, person_id=t.other_ic, now=NOW
    )
    assert list(mine["title"]) == ["no evidence"]


def test_quiet_time_starts_again_when_a_question_is_reassigned(build: Builder) -> None:
    """The rule My work and the agenda follow (questions/rules.quiet_days): evidence
    logged before the assignee was given the question is not theirs to follow up."""
    t = build.team
    root = build.question("R", 40)
    handed = build.question("handed over", 30, root, assignee=t.other_ic)
    build.finding(handed, t.ic, 25)
    build.event(3, handed, "updated", field="assignee_id", old=t.ic, new=t.other_ic)
    kept = build.question("kept", 30, root, assignee=t.ic)
    build.finding(kept, t.ic, 25)
    build.s.commit()
    got = history_people.stale_questions(build.s, stale_after_days=14, now=NOW).set_index("title")
    assert got.loc["handed over", "days_since"] == 3.0 and not got.loc["handed over", "stale"]
    assert got.loc["kept", "days_since"] == 25.0 and got.loc["kept", "stale"]
