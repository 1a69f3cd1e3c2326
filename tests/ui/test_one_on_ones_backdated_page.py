"""AppTest flows of a one-on-one on a day other than today: the manager picks the day a
meeting was held, records it with its notes and an action item and finds it in the
history by its day; opens a past meeting from the history to fix its notes; the report
sees the meeting but has no day to pick; both get the CSV of the pair's action items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import ActionItem, OneOnOne
from team.services.one_on_ones import writes as one_on_ones
from team.ui import one_on_one_forms as forms
from team.ui.pages.one_on_ones import meeting_key, meeting_title
from tests.factories import Team, make_team
from tests.ui.conftest import assert_no_exception

LAST_WEEK, TUESDAY = 7, 3  # days ago: the day is read when a test runs, not at import


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


@dataclass
class Pair:
    team: Team
    last_week: int


@pytest.fixture
def pair(app_engine: Engine) -> Pair:
    """Maya and Ines held a one-on-one a week ago, with notes that have a typo."""
    with Session(app_engine, expire_on_commit=False) as session:
        team = make_team(session)
        last_week = one_on_ones.start(
            session, team.manager, report_id=team.ic, held_on=_ago(LAST_WEEK)
        )
        one_on_ones.edit_notes(
            session, team.manager, one_on_one_id=last_week, version=1, notes="Talkd about MDE"
        )
    return Pair(team, last_week)


def _texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.success, *at.error, *at.header]
    return "\n".join(str(p.value) for p in parts)


def _meetings(engine: Engine) -> list[OneOnOne]:
    with Session(engine) as session:
        return list(session.scalars(select(OneOnOne).order_by(col(OneOnOne.id))))


def test_manager_records_a_meeting_held_on_an_earlier_day(
    app_engine: Engine, open_app: Callable[..., AppTest], pair: Pair
) -> None:
    team = pair.team
    at = open_app(team.manager, "one_on_ones")
    assert_no_exception(at)
    picker = at.date_input(key=f"oo_day_{team.ic}")
    assert picker.value == date.today()
    assert at.button(key="oo_start").label == "Start today's one-on-one"

    picker.set_value(_ago(TUESDAY)).run()
    assert_no_exception(at)
    label = f"Record the one-on-one of {forms.day_label(_ago(TUESDAY))}"
    assert at.button(key="oo_start").label == label
    assert meeting_title(_ago(TUESDAY), date.today()) in _texts(at)
    assert len(_meetings(app_engine)) == 1  # picking a day writes nothing
    at.button(key="oo_start").click().run()
    assert_no_exception(at)
    assert f"One-on-one of {forms.day_label(_ago(TUESDAY))} recorded" in _texts(at)
    recorded = _meetings(app_engine)[-1]
    assert (recorded.held_on, recorded.report_id) == (_ago(TUESDAY), team.ic)

    # Its notes and an action item, on the day picked.
    at.text_area(key=forms.notes_key(recorded.id or 0)).input("Held in the **corridor**")
    at.button(key="FormSubmitter:oo_notes_form-Save notes").click().run()
    assert_no_exception(at)
    at.text_input(key="oo_action_desc").input("Send the retention memo")
    at.button(key="FormSubmitter:oo_action_form-Add action item").click().run()
    assert_no_exception(at)
    assert "Action item added for Ines: “Send the retention memo”." in _texts(at)
    with Session(app_engine) as session:
        saved = session.get(OneOnOne, recorded.id)
        item = session.scalars(select(ActionItem)).one()
    assert saved is not None and saved.notes == "Held in the **corridor**"
    assert (item.one_on_one_id, item.description) == (recorded.id, "Send the retention memo")

    # The history lists it by the day it was held, newest first; back on today, its
    # open item carries over on the agenda.
    labels = [e.label for e in at.expander]
    assert [label.split(" · ")[0] for label in labels] == [
        forms.day_label(_ago(TUESDAY)),
        forms.day_label(_ago(LAST_WEEK)),
    ]
    assert labels[0].endswith("1 open action item · open above")
    at.date_input(key=f"oo_day_{team.ic}").set_value(date.today()).run()
    assert_no_exception(at)
    assert "#### Carried over (1)" in _texts(at)
    assert f"raised {_ago(TUESDAY).isoformat()}" in _texts(at)
    assert at.button(key="oo_start").label == "Start today's one-on-one"


def test_manager_opens_a_past_meeting_from_the_history_to_fix_its_notes(
    app_engine: Engine, open_app: Callable[..., AppTest], pair: Pair
) -> None:
    at = open_app(pair.team.manager, "one_on_ones")
    at.session_state[meeting_key(pair.last_week)] = True
    at.run()
    assert "Talkd about MDE" in _texts(at)
    at.button(key=f"oo_edit_{pair.last_week}").click().run()
    assert_no_exception(at)
    assert at.date_input(key=f"oo_day_{pair.team.ic}").value == _ago(LAST_WEEK)
    assert meeting_title(_ago(LAST_WEEK), date.today()) in [h.value for h in at.header]
    assert any("open above" in t.value for t in at.toast)
    notes = at.text_area(key=forms.notes_key(pair.last_week))
    assert notes.value == "Talkd about MDE"
    notes.input("Talked about the MDE table")
    at.button(key="FormSubmitter:oo_notes_form-Save notes").click().run()
    assert_no_exception(at)
    assert "Notes saved." in _texts(at)
    assert [m.notes for m in _meetings(app_engine)] == ["Talked about the MDE table"]
    assert "oo_start" not in {b.key for b in at.button}  # the day has its meeting


def test_the_report_sees_the_past_meeting_but_picks_no_day(
    open_app: Callable[..., AppTest], pair: Pair
) -> None:
    at = open_app(pair.team.ic, "one_on_ones")
    assert_no_exception(at)
    assert not at.date_input  # only the manager records a meeting
    assert "Today's one-on-one" in [h.value for h in at.header]
    assert [e.label.split(" · ")[0] for e in at.expander] == [forms.day_label(_ago(LAST_WEEK))]
    assert not [b for b in at.button if b.key == f"oo_edit_{pair.last_week}"]
    downloads = [d.proto.label for d in at.get("download_button")]
    assert "Download action items (CSV)" in downloads
