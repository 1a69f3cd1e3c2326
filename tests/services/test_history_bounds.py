"""Progress at scale: answer progress draws the few most urgent general questions (or the
ones picked), the picker offers a bounded, searchable list, and stale questions are
read a few at a time with their totals. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from team.models import Question
from team.services.progress import history
from team.services.progress import people as history_people
from team.services.progress import roots as history_roots
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.vocabulary import Priority, QuestionStatus
from tests.factories import Team


def _root(session: Session, team: Team, title: str, **fields: Any) -> int:
    data = QuestionCreate(title=title, project_id=team.project, **fields)
    rid = questions.create_question(session, team.manager, data=data).id
    questions.add_subquestions(
        session, team.manager, parent_id=rid, items=[SubQuestion(f"Leaf of {title}")]
    )
    return rid


def _urgent_four(session: Session, team: Team) -> dict[str, int]:
    soon = date.today() + timedelta(days=3)
    return {
        "low": _root(session, team, "Low priority", priority=Priority.LOW),
        "urgent": _root(session, team, "Urgent one", priority=Priority.URGENT),
        "high soon": _root(
            session, team, "High and due soon", priority=Priority.HIGH, due_date=soon
        ),
        "high": _root(session, team, "High, no date", priority=Priority.HIGH),
    }


def test_answer_progress_draws_the_most_urgent_general_questions(
    session: Session, team: Team
) -> None:
    _urgent_four(session, team)
    drawn = history.answer_progress(session, limit=3)
    assert set(drawn["title"]) == {"Urgent one", "High and due soon", "High, no date"}
    assert len(drawn) == 3  # created this week: one week each


def test_answer_progress_draws_the_picked_ones_that_match_the_filters(
    session: Session, team: Team
) -> None:
    ids = _urgent_four(session, team)
    picked = history.answer_progress(session, chosen=[ids["low"], ids["high"]])
    assert set(picked["title"]) == {"Low priority", "High, no date"}
    elsewhere = history.answer_progress(
        session, project_id=team.archived_project, chosen=[ids["low"]]
    )
    assert elsewhere.empty


def test_choices_put_the_picked_first_then_the_most_urgent_matches(
    session: Session, team: Team
) -> None:
    ids = _urgent_four(session, team)
    got = history_roots.root_choices(session, chosen=[ids["low"]], limit=2)
    assert got.total == 4
    assert got.options == [
        (ids["low"], "Low priority"),
        (ids["urgent"], "Urgent one"),
        (ids["high soon"], "High and due soon"),
    ]
    found = history_roots.root_choices(session, search="HIGH no")
    assert found.options == [(ids["high"], "High, no date")] and found.total == 4
    assert history_roots.root_choices(session, search="100%_").options == []


def test_stale_questions_read_a_few_and_count_them_all(session: Session, team: Team) -> None:
    rid = questions.create_question(
        session, team.manager, data=QuestionCreate(title="R", project_id=team.project)
    ).id
    leaves = questions.add_subquestions(
        session, team.manager, parent_id=rid, items=[SubQuestion(f"Leaf {i}") for i in range(5)]
    )
    ages = {leaf.id: days for leaf, days in zip(leaves, (3, 40, 20, 30, 1), strict=True)}
    for qid, days in ages.items():
        row = session.get(Question, qid)
        assert row is not None
        row.created_at = row.created_at - timedelta(days=days)
    done = session.get(Question, leaves[0].id)
    assert done is not None
    done.status = QuestionStatus.ANSWERED  # no longer open: not counted
    session.commit()
    got = history_people.stale_questions(session, stale_after_days=14, limit=2)
    assert list(got["title"]) == ["Leaf 1", "Leaf 3"]
    assert set(got["open_total"]) == {4} and set(got["stale_total"]) == {3}
    everything = history_people.stale_questions(session, stale_after_days=14)
    assert list(everything["title"]) == ["Leaf 1", "Leaf 3", "Leaf 2", "Leaf 4"]
