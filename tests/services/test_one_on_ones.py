"""One-on-ones: who sees and writes what, tracks, versioning, carry-over, and the agenda
assembled case by case (each section gets exactly one item; every other stays empty)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal, overload

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel, col

from team.bench.statements import counting
from team.models import ActionItem, Event, Finding, OneOnOne, Person, Question, utcnow
from team.services.answers import decisions
from team.services.answers import writes as answers
from team.services.core.errors import InvalidInput, PermissionDenied, StaleEdit
from team.services.core.markdown import literal
from team.services.findings import writes as findings
from team.services.inbox.my_work import AssignedQuestion
from team.services.notes import writes as notes
from team.services.notes.reads import NoteItem
from team.services.one_on_ones import agenda, reads
from team.services.one_on_ones import writes as oo
from team.services.one_on_ones.agenda_sections import FindingItem, ReviewItem
from team.services.one_on_ones.reads import ActionItemView
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.vocabulary import NoteKind, QuestionStatus
from tests.factories import Team, backdate_question, root

STALE = 14
PR = "https://github.com/example-org/churn/pull/7"


def _meeting(session: Session, team: Team, days_ago: int = 0) -> int:
    return oo.start(
        session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(days=days_ago)
    )


def _question(session: Session, team: Team, title: str = "Which plans churned?", **kw: Any) -> int:
    rid = root(session, team, f"Root of {title}")
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion(title, assignee_id=kw.pop("assignee", team.ic), **kw)],
    )
    return sub.id


def _age(session: Session, model: type[SQLModel], row_id: int, days: int) -> None:
    if model is Question:  # its assignment (an event) ages with it
        backdate_question(session, row_id, utcnow() - timedelta(days=days))
        return
    row = session.get(model, row_id)
    assert row is not None
    row.created_at = utcnow() - timedelta(days=days)
    session.commit()


def _finding(session: Session, author: int, question_id: int, share: bool = True) -> int:
    data = findings.FindingInput(summary="Annual plans churn less")
    return findings.log_finding(session, author, question_id=question_id, data=data, share=share).id


def _agenda(session: Session, team: Team, actor: int | None = None) -> agenda.Agenda:
    return agenda.build(
        session,
        actor or team.manager,
        manager_id=team.manager,
        report_id=team.ic,
        stale_after_days=STALE,
    )


@overload
def _only(result: agenda.Agenda, key: Literal["new_findings"]) -> list[FindingItem]: ...
@overload
def _only(
    result: agenda.Agenda, key: Literal["overdue_questions", "stale_questions"]
) -> list[AssignedQuestion]: ...
@overload
def _only(
    result: agenda.Agenda, key: Literal["reviews_awaiting_manager", "reviews_owed"]
) -> list[ReviewItem]: ...
@overload
def _only(result: agenda.Agenda, key: Literal["open_must_fix"]) -> list[NoteItem]: ...
@overload
def _only(
    result: agenda.Agenda, key: Literal["overdue_actions", "carried_over"]
) -> list[ActionItemView]: ...
def _only(result: agenda.Agenda, key: str) -> list[Any]:
    """The items of section ``key``, after checking every other section is empty."""
    counts = {s.key: s.count for s in result.sections()}
    others = {k: n for k, n in counts.items() if k != key and n}
    assert others == {}, f"expected only {key}, also got {others}"
    items: list[Any] = getattr(result, key)
    assert len(items) == 1, f"{key} has {len(items)} items"
    return items


# --------------------------------------------------------------------------- agenda


def test_agenda_of_a_quiet_pair_is_empty(session: Session, team: Team) -> None:
    root(session, team)  # a question of the manager, nobody's assignment
    result = _agenda(session, team)
    assert result.count == 0
    assert result.previous_on is None
    assert (utcnow() - result.since).days == agenda.DEFAULT_WINDOW_DAYS


def test_new_finding_goes_to_new_findings(session: Session, team: Team) -> None:
    fid = _finding(session, team.ic, _question(session, team))
    [item] = _only(_agenda(session, team), "new_findings")
    assert item.id == fid


def test_question_without_recent_evidence_is_stale(session: Session, team: Team) -> None:
    qid = _question(session, team)
    _age(session, Question, qid, STALE + 1)
    [item] = _only(_agenda(session, team), "stale_questions")
    assert item.question_id == qid
    assert item.quiet_days == STALE + 1


def test_old_finding_does_not_keep_a_question_fresh(session: Session, team: Team) -> None:
    qid = _question(session, team)
    _age(session, Question, qid, 40)
    _age(session, Finding, _finding(session, team.ic, qid), STALE + 2)
    [item] = _only(_agenda(session, team), "stale_questions")
    assert item.last_evidence_at is not None


def test_recent_evidence_or_short_silence_is_not_stale(session: Session, team: Team) -> None:
    young = _question(session, team, "Young question")
    _age(session, Question, young, STALE - 1)
    old = _question(session, team, "Old question with news")
    _age(session, Question, old, 40)
    _age(session, Finding, _finding(session, team.ic, old), STALE + 5)
    _finding(session, team.ic, old)  # fresh evidence: shows as a new finding only
    assert _agenda(session, team).stale_questions == []


def test_question_past_due_is_overdue(session: Session, team: Team) -> None:
    qid = _question(session, team, due_date=date.today() - timedelta(days=1))
    [item] = _only(_agenda(session, team), "overdue_questions")
    assert item.question_id == qid


def test_answered_or_dropped_questions_are_never_overdue_or_stale(
    session: Session, team: Team
) -> None:
    for status in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED):
        qid = _question(session, team, status.value, due_date=date.today() - timedelta(days=3))
        _age(session, Question, qid, 60)
        row = session.get(Question, qid)
        assert row is not None
        row.status = status
        session.commit()
    assert _agenda(session, team).count == 0


def test_review_the_report_waits_for_from_the_manager(session: Session, team: Team) -> None:
    data = reviews.ReviewInput(root(session, team), team.manager, PR)
    rid = reviews.request_review(session, team.ic, data=data)
    [item] = _only(_agenda(session, team), "reviews_awaiting_manager")
    assert item.id == rid


def test_review_the_report_owes(session: Session, team: Team) -> None:
    data = reviews.ReviewInput(root(session, team), team.ic, PR)
    rid = reviews.request_review(session, team.other_ic, data=data)
    [item] = _only(_agenda(session, team), "reviews_owed")
    assert item.id == rid


def test_open_must_fix_note_on_the_reports_work(session: Session, team: Team) -> None:
    qid = _question(session, team)
    nid = notes.add_note(
        session,
        team.manager,
        target="question",
        target_id=qid,
        body="Fix the join",
        kind=NoteKind.MUST_FIX,
    )
    [item] = _only(_agenda(session, team), "open_must_fix")
    assert item.id == nid
    notes.set_resolved(session, team.manager, note_id=nid, version=1)
    assert _agenda(session, team).count == 0


def test_overdue_action_item(session: Session, team: Team) -> None:
    mid = _meeting(session, team, days_ago=7)
    aid = oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=mid,
        owner_id=team.ic,
        description="Share",
        due_date=date.today() - timedelta(1),
    )
    [item] = _only(_agenda(session, team), "overdue_actions")
    assert item.id == aid


def test_open_action_item_is_carried_over(session: Session, team: Team) -> None:
    mid = _meeting(session, team, days_ago=7)
    aid = oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=mid,
        owner_id=team.ic,
        description="Draft the MDE table",
    )
    result = _agenda(session, team)
    [item] = _only(result, "carried_over")
    assert item.id == aid
    assert result.previous_on == date.today() - timedelta(days=7)


# --------------------------------------------------------------------------- carry-over


def test_items_carry_over_across_meetings_until_done(session: Session, team: Team) -> None:
    first = _meeting(session, team, days_ago=28)
    aid = oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=first,
        owner_id=team.manager,
        description="Intro to planning",
    )
    _meeting(session, team, days_ago=14)
    assert [a.id for a in _agenda(session, team).carried_over] == [aid]
    oo.set_done(session, team.manager, action_item_id=aid, version=1)
    assert _agenda(session, team).carried_over == []


def test_items_of_todays_meeting_or_other_pairs_do_not_carry_over(
    session: Session, team: Team
) -> None:
    other = oo.start(
        session, team.manager, report_id=team.other_ic, held_on=date.today() - timedelta(days=3)
    )
    oo.add_action_item(
        session, team.manager, one_on_one_id=other, owner_id=team.other_ic, description="Not Ines's"
    )
    today = _meeting(session, team)
    oo.add_action_item(
        session, team.manager, one_on_one_id=today, owner_id=team.ic, description="Raised today"
    )
    assert _agenda(session, team).count == 0


def test_window_starts_at_the_previous_one_on_one(session: Session, team: Team) -> None:
    qid = _question(session, team)
    _age(session, Finding, _finding(session, team.ic, qid), 10)
    _meeting(session, team, days_ago=5)
    recent = _finding(session, team.ic, qid)
    _finding(session, team.ic, qid, share=False)  # a draft stays private
    assert [f.id for f in _agenda(session, team).new_findings] == [recent]


# --------------------------------------------------------------------------- permissions


def test_only_a_manager_starts_and_only_with_their_own_report(session: Session, team: Team) -> None:
    for actor, report in [
        (team.ic, team.ic),
        (team.viewer, team.ic),
        (team.other_manager, team.ic),
        (team.manager, team.viewer),
    ]:
        with pytest.raises(PermissionDenied):
            oo.start(session, actor, report_id=report)
    with pytest.raises(InvalidInput, match="deactivated"):
        oo.start(session, team.manager, report_id=team.inactive_ic)
    assert session.scalars(select(OneOnOne)).all() == []


def test_one_per_pair_and_day_and_never_ahead(session: Session, team: Team) -> None:
    _meeting(session, team)
    with pytest.raises(InvalidInput, match="already exists"):
        _meeting(session, team)
    with pytest.raises(InvalidInput, match="is still ahead"):
        oo.start(session, team.manager, report_id=team.ic, held_on=date.today() + timedelta(days=1))


def test_only_the_two_people_see_a_one_on_one(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    for outsider in (team.other_ic, team.other_manager, team.viewer):
        with pytest.raises(PermissionDenied):
            reads.get(session, outsider, one_on_one_id=mid)
        with pytest.raises(PermissionDenied):
            reads.history(session, outsider, manager_id=team.manager, report_id=team.ic)
        with pytest.raises(PermissionDenied):
            _agenda(session, team, actor=outsider)
    assert reads.get(session, team.ic, one_on_one_id=mid).id == mid
    assert [
        m.id for m in reads.history(session, team.ic, manager_id=team.manager, report_id=team.ic)
    ] == [mid]
    assert _agenda(session, team, actor=team.ic).report == "Ines"


def test_the_report_reads_but_does_not_write(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    with pytest.raises(PermissionDenied):
        oo.edit_notes(session, team.ic, one_on_one_id=mid, version=1, notes="My notes")
    with pytest.raises(PermissionDenied):
        oo.add_track_note(
            session, team.ic, one_on_one_id=mid, track="Career growth", body="Wants to present"
        )
    with pytest.raises(PermissionDenied):
        oo.add_action_item(
            session, team.ic, one_on_one_id=mid, owner_id=team.ic, description="Self-assigned"
        )


def test_the_report_ticks_only_their_own_items(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    mine = oo.add_action_item(
        session, team.manager, one_on_one_id=mid, owner_id=team.ic, description="Share the notebook"
    )
    theirs = oo.add_action_item(
        session, team.manager, one_on_one_id=mid, owner_id=team.manager, description="Book a slot"
    )
    with pytest.raises(PermissionDenied, match="only your own"):
        oo.set_done(session, team.ic, action_item_id=theirs, version=1)
    with pytest.raises(PermissionDenied):
        oo.set_done(session, team.other_ic, action_item_id=mine, version=1)
    oo.set_done(session, team.ic, action_item_id=mine, version=1)
    item = session.get(ActionItem, mine)
    assert item is not None and item.done and item.done_at is not None
    oo.set_done(session, team.ic, action_item_id=mine, version=2, done=False)
    assert not item.done and item.done_at is None


def test_pairs_each_person_belongs_to(session: Session, team: Team) -> None:
    pairs = reads.pairs_for(session, team.manager)
    assert [(p.report, p.current) for p in pairs] == [("Ines", True), ("Ravi", True)]
    assert [(p.manager, p.report) for p in reads.pairs_for(session, team.ic)] == [("Maya", "Ines")]
    assert reads.pairs_for(session, team.viewer) == []
    assert reads.pairs_for(session, team.other_manager) == []


def test_a_report_who_moves_on_keeps_the_history_but_gets_no_new_agenda(
    session: Session, team: Team
) -> None:
    mid = _meeting(session, team, days_ago=3)
    ines = session.get(Person, team.ic)
    assert ines is not None
    ines.reports_to_id = team.other_manager
    session.commit()
    [old] = [p for p in reads.pairs_for(session, team.manager) if p.report == "Ines"]
    assert not old.current
    assert [
        m.id
        for m in reads.history(session, team.manager, manager_id=team.manager, report_id=team.ic)
    ] == [mid]
    with pytest.raises(PermissionDenied):
        _agenda(session, team)
    with pytest.raises(PermissionDenied):
        oo.start(session, team.manager, report_id=team.ic)


# --------------------------------------------------------------------------- writes


def test_action_item_validation(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    with pytest.raises(InvalidInput, match="owner"):
        oo.add_action_item(
            session,
            team.manager,
            one_on_one_id=mid,
            owner_id=team.other_ic,
            description="Someone else's",
        )
    with pytest.raises(InvalidInput, match="empty"):
        oo.add_action_item(
            session, team.manager, one_on_one_id=mid, owner_id=team.ic, description="   "
        )
    with pytest.raises(InvalidInput, match="under 500"):
        oo.add_action_item(
            session, team.manager, one_on_one_id=mid, owner_id=team.ic, description="x" * 501
        )
    assert session.scalars(select(ActionItem)).all() == []


def test_tracks_keep_topics_apart(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    oo.add_track_note(
        session,
        team.manager,
        one_on_one_id=mid,
        track="Project work",
        body="Peeking answer accepted",
    )
    oo.add_track_note(
        session,
        team.manager,
        one_on_one_id=mid,
        track=" Career  growth ",
        body="Talk at the all-hands",
    )
    oo.add_track_note(
        session, team.manager, one_on_one_id=mid, track="Project work", body="MDE is next"
    )
    with pytest.raises(InvalidInput, match="track name"):
        oo.add_track_note(session, team.manager, one_on_one_id=mid, track=" ", body="No topic")
    with pytest.raises(InvalidInput, match="track note"):
        oo.add_track_note(session, team.manager, one_on_one_id=mid, track="Feedback", body="")
    grouped = reads.get(session, team.ic, one_on_one_id=mid).by_track()
    assert {k: [n.body for n in v] for k, v in grouped.items()} == {
        "Project work": ["Peeking answer accepted", "MDE is next"],
        "Career growth": ["Talk at the all-hands"],
    }


def test_notes_are_versioned_and_a_stale_edit_is_refused(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    assert (
        oo.edit_notes(session, team.manager, one_on_one_id=mid, version=1, notes="First take") == 2
    )
    with pytest.raises(StaleEdit, match="version 1"):
        oo.edit_notes(
            session, team.manager, one_on_one_id=mid, version=1, notes="Overwrites the first take"
        )
    assert reads.get(session, team.manager, one_on_one_id=mid).notes == "First take"
    [changed] = session.scalars(
        select(Event).where(col(Event.entity) == "one_on_one", col(Event.action) == "updated")
    ).all()
    assert (changed.field, changed.old_value, changed.new_value) == ("notes", "", "First take")


def test_track_notes_and_action_items_are_versioned(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    tid = oo.add_track_note(
        session, team.manager, one_on_one_id=mid, track="Feedback", body="Good work"
    )
    oo.edit_track_note(session, team.manager, track_note_id=tid, version=1, body="Great work")
    with pytest.raises(StaleEdit):
        oo.edit_track_note(session, team.manager, track_note_id=tid, version=1, body="Fine work")
    aid = oo.add_action_item(
        session, team.manager, one_on_one_id=mid, owner_id=team.ic, description="Share the notebook"
    )
    oo.set_done(session, team.ic, action_item_id=aid, version=1)
    oo.set_done(session, team.manager, action_item_id=aid, version=2, done=False)
    with pytest.raises(StaleEdit):
        oo.set_done(session, team.ic, action_item_id=aid, version=2)


def test_every_change_is_an_event(session: Session, team: Team) -> None:
    mid = _meeting(session, team)
    oo.add_track_note(session, team.manager, one_on_one_id=mid, track="Feedback", body="Good work")
    aid = oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=mid,
        owner_id=team.ic,
        description="Share",
        due_date=date.today(),
    )
    oo.set_done(session, team.ic, action_item_id=aid, version=1)
    rows = session.scalars(select(Event).order_by(col(Event.id))).all()
    assert [(e.entity, e.action, e.field, e.new_value) for e in rows] == [
        ("one_on_one", "created", None, date.today().isoformat()),
        ("track_note", "created", "track", "Feedback"),
        ("action_item", "created", None, "Share"),
        ("action_item", "updated", "due_date", date.today().isoformat()),
        ("action_item", "updated", "done", "true"),
    ]
    assert rows[-1].actor_id == team.ic


# --------------------------------------------------------------------------- reads


def test_history_is_newest_first_with_everything(session: Session, team: Team) -> None:
    old = _meeting(session, team, days_ago=14)
    oo.edit_notes(session, team.manager, one_on_one_id=old, version=1, notes="Old notes")
    new = _meeting(session, team)
    oo.add_track_note(session, team.manager, one_on_one_id=new, track="Feedback", body="Good")
    oo.add_action_item(
        session, team.manager, one_on_one_id=new, owner_id=team.ic, description="Share"
    )
    past = reads.history(session, team.ic, manager_id=team.manager, report_id=team.ic)
    assert [m.id for m in past] == [new, old]
    assert past[1].notes == "Old notes"
    assert [t.track for t in past[0].tracks] == ["Feedback"]
    assert [(a.description, a.owner) for a in past[0].actions] == [("Share", "Ines")]


def _fill_every_section(session: Session, team: Team, n: int) -> None:
    old = _meeting(session, team, days_ago=30 + n)
    for i in range(n):
        stale = _question(session, team, f"Stale {n}.{i}")
        _age(session, Question, stale, 40)
        late = _question(session, team, f"Late {n}.{i}", due_date=date.today() - timedelta(days=1))
        _flagged_answer(session, team, late, _finding(session, team.ic, late))
        notes.add_note(
            session,
            team.manager,
            target="question",
            target_id=late,
            body="Fix",
            kind=NoteKind.MUST_FIX,
        )
        ask = reviews.ReviewInput(late, team.manager, PR)
        reviews.request_review(session, team.ic, data=ask)
        owe = reviews.ReviewInput(stale, team.ic, PR)
        reviews.request_review(session, team.other_ic, data=owe)
        oo.add_action_item(
            session,
            team.manager,
            one_on_one_id=old,
            owner_id=team.ic,
            description=f"Late {i}",
            due_date=date.today() - timedelta(1),
        )
        oo.add_action_item(
            session, team.manager, one_on_one_id=old, owner_id=team.ic, description=f"Open {i}"
        )
        _due_decision(session, team, late)


def _flagged_answer(session: Session, team: Team, question_id: int, finding_id: int) -> None:
    """The root's answer cites the report's finding, which the report then edits (an
    answer whose evidence changed)."""
    question = session.get(Question, question_id)
    assert question is not None and question.root_id is not None
    cites = answers.AnswerInput(body=f"A claim [F{finding_id}].")
    answers.save_answer(
        session, team.manager, question_id=question.root_id, based_on=None, data=cites
    )
    found = session.get(Finding, finding_id)
    assert found is not None
    edit = findings.FindingInput(summary="Edited after it was cited")
    findings.edit_finding(session, team.ic, finding_id=finding_id, version=found.version, data=edit)


def _due_decision(session: Session, team: Team, question_id: int) -> None:
    """A decision on the question, its revisit due today (decisions due for revisit)."""
    draft = answers.AnswerInput(body="A claim.")
    version = answers.save_answer(
        session, team.manager, question_id=question_id, based_on=None, data=draft
    )
    data = decisions.DecisionInput("Keep it", "Dana", date.today(), date.today())
    decisions.record_decision(session, team.manager, answer_id=version.id, data=data)


def test_reads_make_a_fixed_number_of_queries(session: Session, team: Team) -> None:
    def measure(n: int, total: int) -> tuple[int, int, int]:
        _fill_every_section(session, team, n)
        session.expire_all()
        with counting(session) as built:
            result = _agenda(session, team)
        assert {s.key: s.count for s in result.sections()} == {
            key: total for key, _, _ in agenda.SECTIONS
        }
        with counting(session) as past:
            reads.history(session, team.manager, manager_id=team.manager, report_id=team.ic)
        with counting(session) as pairs:
            reads.pairs_for(session, team.manager)
        return len(built), len(past), len(pairs)

    assert measure(1, total=1) == measure(3, total=4)


def test_markdown_export_has_the_agenda_and_the_meeting(session: Session, team: Team) -> None:
    earlier = _meeting(session, team, days_ago=7)
    oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=earlier,
        owner_id=team.ic,
        description="Draft the MDE table",
    )
    mid = _meeting(session, team)
    oo.edit_notes(
        session, team.manager, one_on_one_id=mid, version=1, notes="Peeking landed **well**."
    )
    oo.add_track_note(
        session, team.manager, one_on_one_id=mid, track="Career growth", body="All-hands talk"
    )
    oo.add_action_item(
        session, team.manager, one_on_one_id=mid, owner_id=team.manager, description="Book a slot"
    )
    reviews.request_review(
        session, team.ic, data=reviews.ReviewInput(root(session, team), team.manager, PR)
    )
    text = agenda.export(
        session,
        team.ic,
        manager_id=team.manager,
        report_id=team.ic,
        stale_after_days=STALE,
        one_on_one_id=mid,
    )
    assert text.startswith("# One-on-one: Maya and Ines")
    assert "## Carried over (1)\n\n- Draft the MDE table (Ines;" in text
    assert "## New findings (0)\n\n_No new findings since last time._" in text
    assert "Peeking landed **well**." in text
    assert "## Career growth\n\nAll-hands talk" in text
    assert "- [ ] Book a slot (Maya;" in text
    assert f"): [{literal('PR #7 · example-org/churn')}](<{PR}>)" in text  # named
    with pytest.raises(PermissionDenied):
        agenda.export(
            session,
            team.other_ic,
            manager_id=team.manager,
            report_id=team.ic,
            stale_after_days=STALE,
        )
