"""The CSV of a pair's one-on-one action items: every item, open and done, by the day of
the meeting that raised it, in words and ISO dates; hostile text arrives as text, never
as a formula; only the pair's two people export it; the cost does not grow with the
items. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from team.bench.statements import counting
from team.models import Person, utcnow
from team.services.core.errors import PermissionDenied
from team.services.one_on_ones import export
from team.services.one_on_ones import writes as oo
from tests.factories import Team

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1-1", "-2+3"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv(session: Session, team: Team, actor: int | None = None) -> str:
    return export.action_items_csv(
        session, actor or team.manager, manager_id=team.manager, report_id=team.ic
    )


def _item(
    session: Session,
    team: Team,
    meeting: int,
    text: str,
    *,
    owner: int | None = None,
    due: date | None = None,
) -> int:
    return oo.add_action_item(
        session,
        team.manager,
        one_on_one_id=meeting,
        owner_id=owner or team.ic,
        description=text,
        due_date=due,
    )


def test_every_item_of_the_pair_by_meeting_day_in_words(session: Session, team: Team) -> None:
    today = oo.start(session, team.manager, report_id=team.ic)
    earlier = oo.start(
        session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(days=14)
    )  # recorded after today's, held before it
    _item(
        session,
        team,
        today,
        "Book a slot",
        owner=team.manager,
        due=date.today() + timedelta(days=3),
    )
    _item(session, team, earlier, "Share the notebook", due=date.today() - timedelta(days=2))
    done = _item(session, team, earlier, "Draft the MDE table")
    oo.set_done(session, team.ic, action_item_id=done, version=1)
    other = oo.start(session, team.manager, report_id=team.other_ic)
    _item(session, team, other, "Not Ines's", owner=team.other_ic)
    assert _rows(_csv(session, team)) == [
        ["Meeting date", "Action item", "Owner", "Due", "Status", "Done on"],
        [
            (date.today() - timedelta(days=14)).isoformat(),
            "Share the notebook",
            "Ines",
            (date.today() - timedelta(days=2)).isoformat(),
            "Overdue",
            "",
        ],
        [
            (date.today() - timedelta(days=14)).isoformat(),
            "Draft the MDE table",
            "Ines",
            "",
            "Done",
            utcnow().date().isoformat(),
        ],
        [
            date.today().isoformat(),
            "Book a slot",
            "Maya",
            (date.today() + timedelta(days=3)).isoformat(),
            "Open",
            "",
        ],
    ]


def test_a_pair_without_items_exports_the_header(session: Session, team: Team) -> None:
    assert _rows(_csv(session, team)) == [list(export.HEADER)]


def test_hostile_text_arrives_as_text_not_a_formula(session: Session, team: Team) -> None:
    session.execute(
        update(Person).where(col(Person.id) == team.ic).values(name="=cmd|'/C calc'!A0")
    )
    session.commit()
    meeting = oo.start(session, team.manager, report_id=team.ic)
    for text in [*FORMULAS, 'Quote " and, comma\nand a line']:
        _item(session, team, meeting, text)
    rows = _rows(_csv(session, team))[1:]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert [row[1] for row in rows] == ["'" + f for f in FORMULAS] + [
        'Quote " and, comma and a line'
    ]
    assert {row[2] for row in rows} == {"'=cmd|'/C calc'!A0"}


def test_only_the_pairs_two_people_export(session: Session, team: Team) -> None:
    meeting = oo.start(session, team.manager, report_id=team.ic)
    _item(session, team, meeting, "Private to Maya and Ines")
    assert "Private to Maya and Ines" in _csv(session, team, actor=team.ic)
    for outsider in (team.other_ic, team.other_manager, team.viewer):
        with pytest.raises(PermissionDenied, match="private to the manager and the report"):
            _csv(session, team, actor=outsider)


def test_a_former_report_keeps_the_export_of_their_history(session: Session, team: Team) -> None:
    meeting = oo.start(
        session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(1)
    )
    _item(session, team, meeting, "Hand over the dashboard")
    session.execute(
        update(Person).where(col(Person.id) == team.ic).values(reports_to_id=team.other_manager)
    )
    session.commit()
    for person in (team.manager, team.ic):
        assert "Hand over the dashboard" in _csv(session, team, actor=person)
    with pytest.raises(PermissionDenied):
        _csv(session, team, actor=team.other_manager)  # the new manager reads none of it


def test_the_export_costs_the_same_whatever_the_items(session: Session, team: Team) -> None:
    def measure(n: int) -> int:
        meeting = oo.start(
            session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(days=n)
        )
        for i in range(n):
            _item(session, team, meeting, f"Item {i}")
        session.expire_all()
        with counting(session) as statements:
            _csv(session, team)
        return len(statements)

    assert measure(1) == measure(6) == 2
