"""One-on-ones at scale: every agenda section holds its most pressing items and counts
them all, and the history is read one page at a time; the number of queries does not
grow with the data. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from team.bench.statements import counting
from team.models import Finding, Question
from team.services.core.paging import Window
from team.services.notes import writes as notes
from team.services.one_on_ones import agenda, reads
from team.services.one_on_ones import writes as oo
from team.services.reviews import writes as reviews
from team.vocabulary import NoteKind
from tests.factories import Team
from tests.services.test_one_on_ones import (
    PR,
    STALE,
    _age,
    _fill_every_section,
    _finding,
    _meeting,
    _question,
)


def _bounded(session: Session, team: Team, limit: int) -> agenda.Agenda:
    return agenda.build(
        session,
        team.manager,
        manager_id=team.manager,
        report_id=team.ic,
        stale_after_days=STALE,
        limit=limit,
    )


def test_every_section_shows_at_most_the_limit_and_counts_everything(
    session: Session, team: Team
) -> None:
    _fill_every_section(session, team, 3)
    result = _bounded(session, team, limit=2)
    assert {s.key: (s.count, s.shown, s.more) for s in result.sections()} == {
        key: (3, 2, 1) for key, _, _ in agenda.SECTIONS
    }
    assert result.count == 3 * len(agenda.SECTIONS)
    text = agenda.to_markdown(result, None)
    assert "## Overdue questions (3)" in text
    assert text.count("- _… and 1 more_") == len(agenda.SECTIONS)


def test_the_most_pressing_questions_come_first(session: Session, team: Team) -> None:
    for days in (20, 40, 30):
        _age(session, Question, _question(session, team, f"Quiet {days}"), days)
    for days in (1, 5, 3):
        _question(session, team, f"Late {days}", due_date=date.today() - timedelta(days=days))
    result = _bounded(session, team, limit=2)
    assert [q.title for q in result.stale_questions] == ["Quiet 40", "Quiet 30"]
    assert [q.quiet_days for q in result.stale_questions] == [40, 30]
    assert [q.title for q in result.overdue_questions] == ["Late 5", "Late 3"]
    counts = {s.key: s.count for s in result.sections()}
    assert counts["stale_questions"] == 3 and counts["overdue_questions"] == 3


def test_newest_findings_and_notes_and_longest_waiting_reviews_come_first(
    session: Session, team: Team
) -> None:
    qid = _question(session, team)
    found, noted, asked = [], [], []
    for days in (3, 1, 2):
        fid = _finding(session, team.ic, qid)
        _age(session, Finding, fid, days)
        found.append((days, fid))
        nid = notes.add_note(
            session,
            team.manager,
            target="question",
            target_id=qid,
            body="Fix",
            kind=NoteKind.MUST_FIX,
        )
        noted.append(nid)
        asked.append(
            reviews.request_review(
                session, team.ic, data=reviews.ReviewInput(qid, team.manager, PR)
            )
        )
    result = _bounded(session, team, limit=2)
    assert [f.id for f in result.new_findings] == [fid for _, fid in sorted(found)[:2]]
    assert [n.id for n in result.open_must_fix] == noted[::-1][:2]
    assert [n.on_title for n in result.open_must_fix] == ["Which plans churned?"] * 2
    assert [r.id for r in result.reviews_awaiting_manager] == asked[:2]


def test_agenda_queries_do_not_grow_with_the_limit_or_the_data(
    session: Session, team: Team
) -> None:
    def measure(n: int) -> int:
        _fill_every_section(session, team, n)
        session.expire_all()
        with counting(session) as built:
            _bounded(session, team, limit=2)
        return len(built)

    assert measure(1) == measure(4) == 10  # with decisions due and answers flagged


# --------------------------------------------------------------------------- history


def test_history_is_read_one_page_at_a_time(session: Session, team: Team) -> None:
    past = [_meeting(session, team, days_ago=d) for d in (35, 28, 21, 14, 7)]
    today = _meeting(session, team)
    first = reads.meetings(
        session,
        team.ic,
        manager_id=team.manager,
        report_id=team.ic,
        day=date.today(),
        window=Window(1, 2),
    )
    assert first.today is not None and first.today.id == today
    assert first.latest is not None and first.latest.id == today
    assert [m.id for m in first.past.items] == [past[4], past[3]]
    assert (first.past.total, first.past.pages) == (5, 3)
    last = reads.meetings(
        session,
        team.ic,
        manager_id=team.manager,
        report_id=team.ic,
        day=date.today(),
        window=Window(3, 2),
    )
    assert [m.id for m in last.past.items] == [past[0]]
    beyond = reads.meetings(
        session,
        team.ic,
        manager_id=team.manager,
        report_id=team.ic,
        day=date.today(),
        window=Window(9, 2),
    )
    assert beyond.past.window.page == 3 and [m.id for m in beyond.past.items] == [past[0]]


def test_without_a_meeting_today_the_latest_is_the_newest_past_one(
    session: Session, team: Team
) -> None:
    older, newer = _meeting(session, team, days_ago=14), _meeting(session, team, days_ago=7)
    oo.add_track_note(session, team.manager, one_on_one_id=newer, track="Feedback", body="Good")
    oo.add_action_item(
        session, team.manager, one_on_one_id=older, owner_id=team.ic, description="Share"
    )
    got = reads.meetings(
        session,
        team.manager,
        manager_id=team.manager,
        report_id=team.ic,
        day=date.today(),
        window=Window(2, 1),
    )
    assert got.today is None
    assert got.latest is not None and got.latest.id == newer
    assert [t.body for t in got.latest.tracks] == ["Good"]
    [shown] = got.past.items
    assert shown.id == older and [a.description for a in shown.actions] == ["Share"]
    assert (shown.manager, shown.report) == ("Maya", "Ines")


def test_history_pages_cost_the_same_whatever_the_count(session: Session, team: Team) -> None:
    held: list[int] = []

    def measure(n: int) -> int:
        for _ in range(n):
            meeting = _meeting(session, team, days_ago=7 * (len(held) + 1))
            held.append(meeting)
            oo.add_action_item(
                session, team.manager, one_on_one_id=meeting, owner_id=team.ic, description="Item"
            )
            oo.add_track_note(
                session, team.manager, one_on_one_id=meeting, track="Feedback", body="Note"
            )
        with counting(session) as statements:
            reads.meetings(
                session,
                team.manager,
                manager_id=team.manager,
                report_id=team.ic,
                day=date.today(),
                window=Window(1, 2),
            )
        return len(statements)

    assert measure(1) == measure(5) == 5
