"""A one-on-one recorded for a day other than today: it takes its place among the pair's
meetings by the day it was held (the history, the agenda's "since", the newest meeting),
its action items carry over like any other, its notes can be fixed later; a day ahead,
a mistyped year, a second meeting on one day and anyone but the pair's manager are
refused, and nothing is written. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import Event, Finding, OneOnOne, Person
from team.services.core.errors import InvalidInput, PermissionDenied, StaleEdit
from team.services.core.paging import Window
from team.services.one_on_ones import agenda, reads, rules
from team.services.one_on_ones import writes as oo
from tests.factories import Team
from tests.services.test_one_on_ones import STALE, _age, _finding, _question

THURSDAY, TUESDAY = 2, 4  # days ago: the day is read when a test runs, not at import


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def _held(session: Session, team: Team, day: date) -> int:
    return oo.start(session, team.manager, report_id=team.ic, held_on=day)


def _agenda(session: Session, team: Team) -> agenda.Agenda:
    return agenda.build(
        session, team.manager, manager_id=team.manager, report_id=team.ic, stale_after_days=STALE
    )


def _meetings(
    session: Session, team: Team, chosen: date | None = None, actor: int | None = None
) -> reads.Meetings:
    return reads.meetings(
        session,
        actor or team.manager,
        manager_id=team.manager,
        report_id=team.ic,
        day=date.today(),
        window=Window(1, 5),
        chosen=chosen,
    )


# --------------------------------------------------------------------------- recording


def test_a_meeting_recorded_for_an_earlier_day_keeps_its_notes_and_items(
    session: Session, team: Team
) -> None:
    mid = _held(session, team, _ago(TUESDAY))
    oo.edit_notes(session, team.manager, one_on_one_id=mid, version=1, notes="Held offline")
    oo.add_track_note(session, team.manager, one_on_one_id=mid, track="Feedback", body="Good")
    aid = oo.add_action_item(
        session, team.manager, one_on_one_id=mid, owner_id=team.ic, description="Share the deck"
    )
    [meeting] = reads.history(session, team.ic, manager_id=team.manager, report_id=team.ic)
    assert (meeting.id, meeting.held_on, meeting.notes) == (mid, _ago(TUESDAY), "Held offline")
    assert [(a.id, a.raised_on) for a in meeting.actions] == [(aid, _ago(TUESDAY))]
    created = session.scalars(
        select(Event).where(col(Event.entity) == "one_on_one", col(Event.action) == "created")
    ).one()
    assert created.new_value == _ago(TUESDAY).isoformat()  # the audit says which day was recorded


def test_a_meeting_recorded_late_takes_its_place_by_the_day_it_was_held(
    session: Session, team: Team
) -> None:
    thursday = _held(session, team, _ago(THURSDAY))
    tuesday = _held(session, team, _ago(TUESDAY))  # recorded after Thursday's
    history = reads.history(session, team.manager, manager_id=team.manager, report_id=team.ic)
    assert [m.held_on for m in history] == [_ago(THURSDAY), _ago(TUESDAY)]
    got = _meetings(session, team)
    assert got.latest is not None and got.latest.id == thursday
    assert [m.id for m in got.past.items] == [thursday, tuesday]
    result = _agenda(session, team)
    assert result.previous_on == _ago(THURSDAY)  # not Tuesday, the last one recorded
    assert result.since == datetime.combine(_ago(THURSDAY), time.min, tzinfo=UTC)


def test_the_agenda_covers_what_moved_since_the_latest_day_held(
    session: Session, team: Team
) -> None:
    qid = _question(session, team)
    between = _finding(session, team.ic, qid)
    _age(session, Finding, between, 3)  # after Tuesday, before Thursday
    recent = _finding(session, team.ic, qid)
    _age(session, Finding, recent, 1)
    _held(session, team, _ago(THURSDAY))
    _held(session, team, _ago(TUESDAY))
    assert [f.id for f in _agenda(session, team).new_findings] == [recent]


def test_a_lone_backdated_meeting_starts_the_window(session: Session, team: Team) -> None:
    qid = _question(session, team)
    before = _finding(session, team.ic, qid)
    _age(session, Finding, before, 5)
    after = _finding(session, team.ic, qid)
    _age(session, Finding, after, 3)
    _held(session, team, _ago(TUESDAY))  # four days ago: narrower than the two-week default
    result = _agenda(session, team)
    assert result.previous_on == _ago(TUESDAY)
    assert [f.id for f in result.new_findings] == [after]


def test_items_of_a_backdated_meeting_carry_over(session: Session, team: Team) -> None:
    _held(session, team, _ago(THURSDAY))
    tuesday = _held(session, team, _ago(TUESDAY))
    late = oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=tuesday,
        owner_id=team.ic,
        description="Send the memo",
        due_date=_ago(THURSDAY),
    )
    open_ = oo.add_action_item(
        session, team.manager, one_on_one_id=tuesday, owner_id=team.manager, description="Book"
    )
    result = _agenda(session, team)
    assert [(a.id, a.raised_on) for a in result.overdue_actions] == [(late, _ago(TUESDAY))]
    assert [a.id for a in result.carried_over] == [open_]
    oo.set_done(session, team.ic, action_item_id=late, version=1)
    assert _agenda(session, team).overdue_actions == []


def test_a_past_meetings_notes_are_edited_with_the_stale_check_and_an_event(
    session: Session, team: Team
) -> None:
    mid = _held(session, team, _ago(TUESDAY))
    _held(session, team, date.today())
    assert oo.edit_notes(session, team.manager, one_on_one_id=mid, version=1, notes="Fixed") == 2
    with pytest.raises(StaleEdit):
        oo.edit_notes(session, team.manager, one_on_one_id=mid, version=1, notes="Older tab")
    with pytest.raises(PermissionDenied):
        oo.edit_notes(session, team.ic, one_on_one_id=mid, version=2, notes="The report's")
    assert reads.get(session, team.ic, one_on_one_id=mid).notes == "Fixed"
    edit = session.scalars(
        select(Event).where(col(Event.entity) == "one_on_one", col(Event.action) == "updated")
    ).one()
    assert (edit.entity_id, edit.new_value) == (mid, "Fixed")


def test_the_chosen_day_is_read_with_the_rest_in_five_queries(session: Session, team: Team) -> None:
    for days in (30, 23, 16, 9):
        _held(session, team, date.today() - timedelta(days=days))
    chosen = _held(session, team, _ago(TUESDAY))
    today = _held(session, team, date.today())
    with counting(session) as statements:
        got = _meetings(session, team, chosen=_ago(TUESDAY))
    assert len(statements) == 5
    assert got.chosen is not None and got.chosen.id == chosen
    assert got.today is not None and got.today.id == today
    assert _meetings(session, team, chosen=_ago(THURSDAY)).chosen is None  # none held that day
    assert _meetings(session, team, actor=team.ic, chosen=_ago(TUESDAY)).chosen is not None


# --------------------------------------------------------------------------- refusals


def _none_written(session: Session) -> None:
    assert session.scalars(select(OneOnOne)).all() == []


def test_a_day_ahead_is_refused_with_what_to_do(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="is still ahead") as refused:
        _held(session, team, date.today() + timedelta(days=1))
    assert "add an action item due that day" in refused.value.message
    assert refused.value.field == "held_on"
    _none_written(session)


def test_a_mistyped_year_is_refused_and_the_oldest_day_is_kept(
    session: Session, team: Team
) -> None:
    oldest = rules.earliest_day(date.today())
    with pytest.raises(InvalidInput, match="check the year") as refused:
        _held(session, team, oldest - timedelta(days=1))
    assert oldest.isoformat() in refused.value.message
    with pytest.raises(InvalidInput, match="check the year"):
        _held(session, team, date(1925, date.today().month, 1))
    _none_written(session)
    assert _held(session, team, oldest)


def test_the_oldest_day_of_a_leap_day_is_the_28th() -> None:
    assert rules.earliest_day(date(2028, 2, 29)) == date(2025, 2, 28)
    assert rules.earliest_day(date(2027, 3, 1)) == date(2024, 3, 1)


def test_one_meeting_per_pair_and_day_also_back_in_time(session: Session, team: Team) -> None:
    _held(session, team, _ago(TUESDAY))
    with pytest.raises(InvalidInput, match="already exists: pick that day"):
        _held(session, team, _ago(TUESDAY))
    oo.start(session, team.manager, report_id=team.other_ic, held_on=_ago(TUESDAY))  # another pair
    assert len(session.scalars(select(OneOnOne)).all()) == 2


def test_only_the_reports_manager_records_a_past_meeting(session: Session, team: Team) -> None:
    for actor, report in [
        (team.ic, team.ic),
        (team.other_ic, team.ic),
        (team.viewer, team.ic),
        (team.other_manager, team.ic),
    ]:
        with pytest.raises(PermissionDenied):
            oo.start(session, actor, report_id=report, held_on=_ago(TUESDAY))
    with pytest.raises(InvalidInput, match="deactivated"):
        oo.start(session, team.manager, report_id=team.inactive_ic, held_on=_ago(TUESDAY))
    ines = session.get(Person, team.ic)
    assert ines is not None
    ines.reports_to_id = team.other_manager
    session.commit()
    with pytest.raises(PermissionDenied):  # a former report: their past stays as it was
        _held(session, team, _ago(TUESDAY))
    _none_written(session)
