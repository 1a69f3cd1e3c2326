"""The decision log on SQLite and PostgreSQL: recording the decision an answer version
informed, editing it (a stale edit refused), the sentences for bad input, who may, the
evidence at the time kept as it was, "changed since", due revisits on the owner's inbox
and the right agenda (once, and nowhere else), marking them revisited, and reads of a
fixed number of statements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import CitationFlag, Decision, Event, ReviewRequest, utcnow
from team.services.answers import decision_reads as reads
from team.services.answers import decisions
from team.services.answers import writes as answers
from team.services.answers.decisions import DecisionInput
from team.services.answers.memo import memo
from team.services.core.errors import InvalidInput, PermissionDenied, StaleEdit
from team.services.core.paging import Window
from team.services.findings import reads as findings_reads
from team.services.findings import writes as findings
from team.services.inbox import attention
from team.services.one_on_ones import agenda
from team.vocabulary import EvidenceChange, FindingStatus, ReviewStatus
from tests.factories import Team

TODAY = date.today()
PR = "https://github.com/acme/churn/pull/418"


def _accepted(session: Session, team: Team, qid: int, summary: str) -> int:
    fid = findings.log_finding(
        session, team.ic, question_id=qid, data=findings.FindingInput(summary=summary)
    ).id
    found = findings_reads.get_finding(session, finding_id=fid)
    assert found is not None
    findings.move_finding(
        session, team.manager, finding_id=fid, version=found.version, status=FindingStatus.ACCEPTED
    )
    return fid


def _answer(session: Session, team: Team, qid: int, body: str, based_on: int | None) -> int:
    data = answers.AnswerInput(body=body)
    return answers.save_answer(
        session, team.manager, question_id=qid, based_on=based_on, data=data
    ).id


def _approve_review_of(session: Session, team: Team, qid: int, fid: int) -> None:
    """An approved review of the finding, written as the row (the review service's
    checklist rules are not what these tests are about)."""
    session.add(
        ReviewRequest(
            question_id=qid,
            finding_id=fid,
            requester_id=team.ic,
            reviewer_id=team.manager,
            artifact_url=PR,
            status=ReviewStatus.APPROVED,
        )
    )
    session.commit()


def _decide(
    session: Session,
    team: Team,
    answer_id: int,
    *,
    who: int | None = None,
    revisit_on: date | None = None,
    condition: str = "",
    what: str = "Keep the pricing heuristic for Q4",
    decided_on: date = TODAY - timedelta(days=3),
) -> reads.DecisionView:
    data = DecisionInput(what, "Dana (VP Sales)", decided_on, revisit_on, condition)
    return decisions.record_decision(
        session, team.manager if who is None else who, answer_id=answer_id, data=data
    )


@pytest.fixture
def answered(session: Session, team: Team, qid: int) -> int:
    """Version 1 of the answer of ``qid``: two claims, one citing an accepted finding."""
    fid = _accepted(session, team, qid, "Churn rose in the SMB plans")
    body = f"Churn rose in SMB [F{fid}].\n\nPricing played no part."
    return _answer(session, team, qid, body, None)


# --------------------------------------------------------------------------- writes


def test_a_decision_is_recorded_on_a_version_with_its_evidence_and_an_event(
    session: Session, team: Team, qid: int, answered: int
) -> None:
    made = _decide(session, team, answered, revisit_on=TODAY + timedelta(days=30))
    assert (made.answer_id, made.question_id, made.answer_number) == (answered, qid, 1)
    assert (made.what, made.decided_by) == ("Keep the pricing heuristic for Q4", "Dana (VP Sales)")
    assert made.evidence_then == "0 of 2 claims rested on reviewed evidence"
    assert made.recorded_by == "Maya" and made.changed_since == ""
    assert made.revisit == f"revisit by {TODAY + timedelta(days=30):%d %b %Y}"
    assert not made.due(TODAY)
    [event] = session.scalars(select(Event).where(col(Event.entity) == "decision")).all()
    assert (event.entity_id, event.action, event.actor_id) == (made.id, "created", team.manager)
    with pytest.raises(InvalidInput, match="already has its decision"):
        _decide(session, team, answered)


def test_an_edit_changes_the_decision_and_a_stale_one_is_refused(
    session: Session, team: Team, answered: int
) -> None:
    made = _decide(session, team, answered)
    data = DecisionInput("Replace the heuristic in Q1", "Pricing committee", TODAY, None, "")
    edited = decisions.edit_decision(
        session, team.ic, decision_id=made.id, version=made.version, data=data
    )
    assert (edited.what, edited.decided_by, edited.version) == (
        "Replace the heuristic in Q1",
        "Pricing committee",
        2,
    )
    with pytest.raises(StaleEdit, match="changed by someone else since you opened it"):
        decisions.edit_decision(
            session,
            team.manager,
            decision_id=made.id,
            version=1,
            data=DecisionInput("Keep it after all", "Dana", TODAY),
        )
    assert reads.get_decision(session, decision_id=made.id) == edited  # nothing overwritten
    fields = session.scalars(
        select(col(Event.field)).where(
            col(Event.entity) == "decision", col(Event.action) == "updated"
        )
    ).all()
    assert sorted(f or "" for f in fields) == ["decided_by", "decided_on", "what"]


@pytest.mark.parametrize(
    ("what", "by", "on", "revisit", "condition", "sentence"),
    [
        ("  ", "Dana", TODAY, None, "", "Say what was decided"),
        ("Keep it", " ", TODAY, None, "", "Say who decided"),
        ("Keep it", "Dana", TODAY + timedelta(days=1), None, "", "is still ahead"),
        ("Keep it", "Dana", TODAY, TODAY - timedelta(days=1), "", "is before the day it was"),
        ("x" * 1_001, "Dana", TODAY, None, "", "Keep the decision under 1,000 characters"),
        ("Keep it", "D" * 201, TODAY, None, "", "under 200 characters"),
        ("Keep it", "Dana", TODAY, None, "c" * 501, "Keep the revisit condition under 500"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_is_written(
    session: Session,
    team: Team,
    answered: int,
    what: str,
    by: str,
    on: date,
    revisit: date | None,
    condition: str,
    sentence: str,
) -> None:
    data = DecisionInput(what, by, on, revisit, condition)
    with pytest.raises(InvalidInput, match=sentence):
        decisions.record_decision(session, team.manager, answer_id=answered, data=data)
    assert session.scalars(select(Decision)).all() == []


def test_a_revisit_is_optional(session: Session, team: Team, answered: int) -> None:
    made = _decide(session, team, answered)
    assert (made.has_revisit, made.revisit) == (False, "")


def test_who_may_record_edit_and_mark_revisited(
    session: Session, team: Team, qid: int, answered: int
) -> None:
    for who in (team.viewer, team.other_ic, team.inactive_ic):
        with pytest.raises(PermissionDenied):
            _decide(session, team, answered, who=who)
    made = _decide(session, team, answered, who=team.ic, revisit_on=TODAY)  # assigned to it
    data = DecisionInput("Changed", "Dana", TODAY)
    for who in (team.viewer, team.other_ic):
        with pytest.raises(PermissionDenied):
            decisions.edit_decision(session, who, decision_id=made.id, version=1, data=data)
        with pytest.raises(PermissionDenied):
            decisions.mark_revisited(session, who, decision_id=made.id, version=1)
    done = decisions.mark_revisited(session, team.other_manager, decision_id=made.id, version=1)
    assert done.revisited_at is not None


# --------------------------------------------------------------------------- evidence


def test_the_evidence_at_the_time_stays_when_a_review_is_approved_later(
    session: Session, team: Team, qid: int
) -> None:
    reviewed = _accepted(session, team, qid, "Reviewed one")
    later = _accepted(session, team, qid, "Reviewed later")
    _approve_review_of(session, team, qid, reviewed)
    body = f"Churn rose [F{reviewed}].\n\nSMB left [F{later}].\n\nNo cause yet."
    made = _decide(session, team, _answer(session, team, qid, body, None))
    assert made.evidence_then == "1 of 3 claims rested on reviewed evidence"
    _approve_review_of(session, team, qid, later)
    again = reads.get_decision(session, decision_id=made.id)
    assert again is not None
    assert again.evidence_then == "1 of 3 claims rested on reviewed evidence"


def test_evidence_changed_since_a_flag_after_the_decision_or_a_newer_version(
    session: Session, team: Team, qid: int, answered: int
) -> None:
    before = CitationFlag(answer_id=answered, change=EvidenceChange.EDITED, at=utcnow())
    session.add(before)
    session.commit()
    made = _decide(session, team, answered)
    assert made.changed_since == ""  # the flag was there when the decision was taken
    session.add(
        CitationFlag(
            answer_id=answered,
            change=EvidenceChange.SENT_BACK,
            at=utcnow() + timedelta(seconds=1),
        )
    )
    session.commit()
    flagged = reads.get_decision(session, decision_id=made.id)
    assert flagged is not None
    assert flagged.changed_since == "cited evidence changed since (1 change)"
    _answer(session, team, qid, "A second look. [F1]", 1)
    _answer(session, team, qid, "A third look. [F1]", 2)
    revised = reads.get_decision(session, decision_id=made.id)
    assert revised is not None
    assert revised.changed_since == (
        "answer revised since (v3); cited evidence changed since (1 change)"
    )


# --------------------------------------------------------------------------- due


def _due_on_inbox(session: Session, person: int) -> tuple[int, list[int]]:
    counts = attention.attention_counts(session, person_id=person)
    page = attention.attention_page(session, person_id=person)
    full = attention.attention(session, person_id=person)
    assert [d.id for d in full.decisions_due] == [d.id for d in page.decisions_due.items]
    return counts["decisions_due"], [d.id for d in page.decisions_due.items]


def _due_on_agenda(session: Session, team: Team, report: int) -> tuple[int, list[int]]:
    built = agenda.build(
        session, team.manager, manager_id=team.manager, report_id=report, stale_after_days=14
    )
    counts = {s.key: s.count for s in built.sections()}
    return counts["decisions_due"], [d.id for d in built.decisions_due]


def test_a_due_revisit_appears_once_on_the_owners_inbox_and_the_right_agenda(
    session: Session, team: Team, qid: int, answered: int
) -> None:
    due = _decide(session, team, answered, revisit_on=TODAY, condition="churn passes 5%")
    assert due.due(TODAY)
    # The question is the manager's (its owner) and assigned to the IC.
    assert _due_on_inbox(session, team.manager) == (1, [due.id])
    for nobody in (team.other_manager, team.ic, team.other_ic):
        assert _due_on_inbox(session, nobody) == (0, [])
    assert _due_on_agenda(session, team, team.ic) == (1, [due.id])
    assert _due_on_agenda(session, team, team.other_ic) == (0, [])
    text = agenda.to_markdown(
        agenda.build(
            session, team.ic, manager_id=team.manager, report_id=team.ic, stale_after_days=14
        ),
        None,
    )
    assert "## Decisions due for revisit (1)" in text
    assert "Keep the pricing heuristic for Q4" in text
    decisions.mark_revisited(session, team.manager, decision_id=due.id, version=due.version)
    assert _due_on_inbox(session, team.manager) == (0, [])
    assert _due_on_agenda(session, team, team.ic) == (0, [])
    on_page = reads.decisions_page(session, window=Window(1), today=TODAY, due_only=True)
    assert on_page.total == 0


def test_a_revisit_by_condition_alone_never_falls_due_by_date(
    session: Session, team: Team, answered: int
) -> None:
    made = _decide(session, team, answered, condition="a competitor cuts prices")
    later = TODAY + timedelta(days=3_650)
    assert not made.due(later)
    assert reads.decisions_page(session, window=Window(1), today=later, due_only=True).total == 0
    assert _due_on_inbox(session, team.manager) == (0, [])
    assert made.revisit == "revisit when a competitor cuts prices"
    typed = _decide(
        session,
        team,
        _answer(session, team, made.question_id, "Again.", 1),
        condition="If a competitor cuts prices",
    )
    assert typed.revisit == "revisit if a competitor cuts prices"  # not "when If"


def test_a_new_revisit_date_after_marking_falls_due_again(
    session: Session, team: Team, answered: int
) -> None:
    made = _decide(session, team, answered, revisit_on=TODAY)
    done = decisions.mark_revisited(session, team.manager, decision_id=made.id, version=1)
    with pytest.raises(InvalidInput, match="already marked revisited"):
        decisions.mark_revisited(session, team.manager, decision_id=made.id, version=done.version)
    data = DecisionInput(made.what, made.decided_by, made.decided_on, TODAY, "the board asks")
    again = decisions.edit_decision(
        session, team.manager, decision_id=made.id, version=done.version, data=data
    )
    assert again.revisited_at is None and again.due(TODAY)


def test_marking_a_decision_without_a_revisit_is_refused(
    session: Session, team: Team, answered: int
) -> None:
    made = _decide(session, team, answered)
    with pytest.raises(InvalidInput, match="no revisit to mark"):
        decisions.mark_revisited(session, team.manager, decision_id=made.id, version=1)


# --------------------------------------------------------------------------- reads


def test_pages_newest_first_with_filters_in_constant_statements(
    session: Session, team: Team, qid: int
) -> None:
    def every_read() -> int:
        with counting(session) as seen:
            reads.decisions_page(session, window=Window(1, 3), today=TODAY)
            reads.decisions_page(session, window=Window(2, 3), today=TODAY, due_only=True)
            reads.decisions_page(session, window=Window(1), today=TODAY, project_id=team.project)
            attention.attention_counts(session, person_id=team.manager)
            attention.attention_page(session, person_id=team.manager)
            reads.decisions_of(session, question_id=qid)
        return len(seen)

    quiet = every_read()
    made = []
    for n in range(7):
        fid = _accepted(session, team, qid, f"Finding {n}")
        aid = _answer(session, team, qid, f"Claim [F{fid}].", n or None)
        revisit = TODAY - timedelta(days=n) if n % 2 else None
        made.append(
            _decide(
                session,
                team,
                aid,
                revisit_on=revisit,
                what=f"Decision {n}",
                decided_on=TODAY - timedelta(days=10 - n),
            )
        )
    assert every_read() == quiet
    first = reads.decisions_page(session, window=Window(1, 3), today=TODAY)
    assert first.total == 7
    assert [d.what for d in first.items] == ["Decision 6", "Decision 5", "Decision 4"]
    due = reads.decisions_page(session, window=Window(1, 10), today=TODAY, due_only=True)
    assert [d.what for d in due.items] == ["Decision 5", "Decision 3", "Decision 1"]
    elsewhere = reads.decisions_page(
        session, window=Window(1), today=TODAY, project_id=team.archived_project
    )
    assert elsewhere.total == 0
    assert set(reads.decisions_of(session, question_id=qid)) == {d.answer_id for d in made}
    [oldest_due] = reads.due_page_for(
        session, person_id=team.manager, today=TODAY, window=Window(1, 1)
    ).items
    assert oldest_due.what == "Decision 5"  # due the longest


def test_the_memo_ends_with_the_decision_of_the_latest_version_that_has_one(
    session: Session, team: Team, qid: int, answered: int
) -> None:
    assert "Decision:" not in memo(session, question_id=qid)
    _decide(session, team, answered, revisit_on=date(2031, 3, 1), condition="churn passes 5%")
    _answer(session, team, qid, "A newer version without a decision. [F1]", 1)
    text = memo(session, question_id=qid)
    assert text.rstrip().endswith(
        f"**Decision:** Keep the pricing heuristic for Q4 — decided by Dana \\(VP Sales\\), on "
        f"{TODAY - timedelta(days=3):%d %b %Y}; revisit by 01 Mar 2031 or when churn passes "
        "5% (informed by version 1)."
    )
