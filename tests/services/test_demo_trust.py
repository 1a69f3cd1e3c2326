"""The demo team shows each evidence-trust state on first run: a reviewed citation, a
checklist with an item waived, a flagged answer in its owner's inbox, and a decision due
for revisit on its owner's inbox and one-on-one agenda (and one not yet due)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.demo.load import DemoSummary, load_demo
from team.models import Person, Question, ReviewRequest
from team.services.answers import decision_reads, health_reads
from team.services.answers.reads import latest_versions
from team.services.inbox.attention import attention_counts
from team.services.one_on_ones.agenda import build
from team.services.reviews.checklist import checklist_of
from team.vocabulary import CheckState, EvidenceChange, EvidenceStrength

NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)


@pytest.fixture
def loaded(session: Session) -> DemoSummary:
    return load_demo(session, now=NOW)


def _person(session: Session, email: str) -> int:
    found = session.scalar(select(col(Person.id)).where(col(Person.email) == email))
    assert found is not None
    return found


def _question(session: Session, title_start: str) -> Question:
    return session.scalars(
        select(Question).where(col(Question.title).startswith(title_start))
    ).one()


def test_a_reviewed_citation(session: Session, loaded: DemoSummary) -> None:
    churn = _question(session, "Why did 90-day retention drop")
    assert churn.id is not None
    latest = latest_versions(session, question_ids=[churn.id])[churn.id]
    strengths = {f.strength for f in latest.cited_findings}
    assert EvidenceStrength.REVIEWED in strengths
    assert EvidenceStrength.ACCEPTED in strengths or EvidenceStrength.SHARED in strengths


def test_an_approved_checklist_with_an_item_waived(session: Session, loaded: DemoSummary) -> None:
    review_id = session.scalar(
        select(col(ReviewRequest.id)).where(
            col(ReviewRequest.artifact_url).contains("q3-churn-by-plan")
        )
    )
    assert review_id is not None
    checks = checklist_of(session, review_id=review_id)
    waived = [c for c in checks if c.state == CheckState.WAIVED]
    assert len(waived) == 1 and waived[0].reason.startswith("Q3 against Q2")
    assert all(c.state != CheckState.OPEN for c in checks)


def test_a_flagged_answer_in_its_owners_inbox(session: Session, loaded: DemoSummary) -> None:
    maya, tomas = _person(session, "maya@example.com"), _person(session, "tomas@example.com")
    flagged = health_reads.flagged_for(session, person_id=maya)
    assert [f.title for f in flagged] == [
        _question(session, "Can we trust the A/B-test results").title
    ]
    [flag] = health_reads.open_flags(session, answer_id=flagged[0].answer_id)
    assert flag.change == EvidenceChange.EDITED
    assert "7 of 48" in flag.detail and "9 of 48" in flag.detail
    assert attention_counts(session, person_id=maya, now=NOW)["flagged_answers"] == 1
    assert health_reads.flagged_for(session, person_id=tomas) == []  # not his answer


def test_a_decision_due_for_revisit_and_one_not_yet(session: Session, loaded: DemoSummary) -> None:
    daniel, maya = _person(session, "daniel@example.com"), _person(session, "maya@example.com")
    today = NOW.date()
    [due] = decision_reads.due_for(session, person_id=daniel, today=today)
    assert due.what.startswith("Keep the heuristic for SMB")
    assert due.decided_by == "Rachel Adler (VP Revenue)"
    assert attention_counts(session, person_id=daniel, now=NOW)["decisions_due"] == 1
    assert decision_reads.due_for(session, person_id=maya, today=today) == []
    churn = _question(session, "Why did 90-day retention drop")
    assert churn.id is not None
    [later] = decision_reads.decisions_of(session, question_id=churn.id).values()
    assert not later.due(today) and later.revisit_condition
    assert (later.claims_reviewed, later.claims) == (1, 3)


def test_the_agendas_carry_them(session: Session, loaded: DemoSummary) -> None:
    """Daniel and Leo talk about the decision due on Leo's question; Maya and Tomás
    about her answer whose evidence (his finding) changed; no other pair gets either."""
    ids = {e: _person(session, f"{e}@example.com") for e in ("maya", "daniel", "leo", "tomas")}
    ids |= {e: _person(session, f"{e}@example.com") for e in ("priya", "aisha", "sofia", "ken")}
    pairs = {
        ("daniel", "leo"),
        ("daniel", "sofia"),
        ("daniel", "ken"),
        ("maya", "tomas"),
        ("maya", "priya"),
        ("maya", "aisha"),
    }
    shown = {}
    for manager, report in pairs:
        agenda = build(
            session,
            ids[manager],
            manager_id=ids[manager],
            report_id=ids[report],
            stale_after_days=14,
            today=NOW.date(),
            now=NOW,
        )
        shown[(manager, report)] = (
            [d.what[:24] for d in agenda.decisions_due],
            [a.title[:24] for a in agenda.flagged_answers],
        )
    assert shown.pop(("daniel", "leo")) == (["Keep the heuristic for S"], [])
    assert shown.pop(("maya", "tomas")) == ([], ["Can we trust the A/B-tes"])
    assert all(v == ([], []) for v in shown.values()), shown
