"""AppTest flows of the One-on-ones page: the manager prepares and holds a one-on-one
from the agenda; the report sees it and ticks their own action item; nobody else sees
the pair's one-on-ones; people with nothing to show get a sentence saying what will."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import ActionItem, OneOnOne, Person, TrackNote, utcnow
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from team.ui import one_on_one_forms as forms
from team.ui.pages.one_on_ones import DONE_ICON, OPEN_ICON, meeting_key
from team.vocabulary import Role
from tests.factories import Team, backdate_question, make_team, root
from tests.ui.conftest import assert_no_exception

MeetingRow = TypeVar("MeetingRow", OneOnOne, TrackNote, ActionItem)


@dataclass
class Setup:
    team: Team
    stale_question: int
    carried_item: int


@pytest.fixture
def setup(app_engine: Engine) -> Setup:
    """Ines has a question quiet for 20 days and an open item from last week's meeting."""
    with Session(app_engine, expire_on_commit=False) as session:
        team = make_team(session)
        rid = root(session, team)
        [sub] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
        )
        backdate_question(session, sub.id, utcnow() - timedelta(days=20))
        last_week = one_on_ones.start(
            session, team.manager, report_id=team.ic, held_on=date.today() - timedelta(days=7)
        )
        item = one_on_ones.add_action_item(
            session,
            team.manager,
            one_on_one_id=last_week,
            owner_id=team.ic,
            description="Draft the MDE table",
        )
    return Setup(team, sub.id, item)


def _texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.subheader]
    return "\n".join(str(p.value) for p in parts)


def _rows(engine: Engine, model: type[MeetingRow]) -> list[MeetingRow]:
    with Session(engine) as session:
        return list(session.scalars(select(model).order_by(col(model.id))))


def test_manager_holds_a_one_on_one_from_the_agenda(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    team = setup.team
    at = open_app(team.manager, "one_on_ones")
    assert_no_exception(at)
    assert at.selectbox(key="oo_report").value == team.ic
    shown = _texts(at)
    assert "Draft the MDE table" in shown  # carried over from last week
    assert "Which plans churned?" in shown  # stale: no evidence for 20 days
    assert "#### Carried over (1)" in shown
    assert "#### Stale questions (1)" in shown
    # Only the sections with something in them; one line names the empty ones.
    assert "(0)" not in shown
    assert [h for h in shown.split("\n") if h.startswith("####")] == [
        "#### Stale questions (1)",
        "#### Carried over (1)",
    ]
    assert (
        "Nothing on: new findings, overdue questions, reviews awaiting the manager, reviews "
        "the report owes, must-fix notes still open, overdue action items, decisions due for "
        "revisit, answers whose evidence changed." in shown
    )
    # The carried-over item's box is a Material icon, not an emoji.
    assert f"{OPEN_ICON} Draft the MDE table" in shown
    assert "⬜" not in shown and "✅" not in shown

    at.button(key="oo_start").click().run()
    assert_no_exception(at)
    assert "One-on-one started." in _texts(at)
    [_, meeting] = _rows(app_engine, OneOnOne)
    assert (meeting.held_on, meeting.report_id) == (date.today(), team.ic)

    # The page says how the meeting's notes differ from a track note.
    assert forms.NOTES_AND_TRACKS in [c.value for c in at.caption]
    assert at.text_input(key="oo_track").help == forms.TRACK_HELP
    assert at.text_area(key=forms.notes_key(meeting.id or 0)).help == forms.NOTES_HELP

    at.text_input(key="oo_track").input("Career growth")
    at.text_area(key="oo_track_body").input("Wants to present at the **all-hands**")
    at.button(key="FormSubmitter:oo_track_form-Add track note").click().run()
    assert_no_exception(at)
    [note] = _rows(app_engine, TrackNote)
    assert (note.track, note.body) == ("Career growth", "Wants to present at the **all-hands**")
    assert "Track note added under “Career growth”." in _texts(at)
    assert "**Track notes · Career growth**" in _texts(at)
    # The form starts over: the default topic, no text.
    assert at.text_input(key="oo_track").value == one_on_ones.DEFAULT_TRACKS[0]
    assert at.text_area(key="oo_track_body").value == ""

    at.text_input(key="oo_action_desc").input("Share the notebook for review")
    at.selectbox(key="oo_action_owner").set_value(team.ic)
    at.date_input(key="oo_action_due").set_value(date.today() + timedelta(days=7))
    at.button(key="FormSubmitter:oo_action_form-Add action item").click().run()
    assert_no_exception(at)
    new = _rows(app_engine, ActionItem)[-1]
    assert (new.description, new.owner_id, new.due_date) == (
        "Share the notebook for review",
        team.ic,
        date.today() + timedelta(days=7),
    )
    assert "Share the notebook for review" in _texts(at)
    assert "Action item added for Ines: “Share the notebook for review”." in _texts(at)
    assert at.text_input(key="oo_action_desc").value == ""
    assert at.date_input(key="oo_action_due").value is None


def test_a_review_on_the_agenda_names_its_artifact(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    """A review the report asked of the manager shows what it is (a PR and where)."""
    team = setup.team
    with Session(app_engine) as session:
        reviews.request_review(
            session,
            team.ic,
            data=ReviewInput(
                setup.stale_question, team.manager, "https://github.com/acme/churn/pull/418"
            ),
        )
    at = open_app(team.manager, "one_on_ones")
    assert_no_exception(at)
    [line] = [m for m in _texts(at).splitlines() if "Review of “Which plans churned?”" in m]
    assert "PR \\#418 · acme/churn" in line  # the # escaped: no heading
    assert "(<https://github.com/acme/churn/pull/418>)" in line  # a link to it


def test_manager_saves_notes(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    with Session(app_engine) as session:
        meeting = one_on_ones.start(session, setup.team.manager, report_id=setup.team.ic)
    at = open_app(setup.team.manager, "one_on_ones")
    at.text_area(key=forms.notes_key(meeting)).input("Peeking analysis landed well.")
    at.button(key="FormSubmitter:oo_notes_form-Save notes").click().run()
    assert_no_exception(at)
    assert "Notes saved." in _texts(at)
    assert _rows(app_engine, OneOnOne)[-1].notes == "Peeking analysis landed well."


def test_manager_fixes_a_track_note_and_a_stale_fix_is_refused(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    team = setup.team
    with Session(app_engine) as session:
        meeting = one_on_ones.start(session, team.manager, report_id=team.ic)
        nid = one_on_ones.add_track_note(
            session, team.manager, one_on_one_id=meeting, track="Career", body="Wants to presnt"
        )
    at = open_app(team.manager, "one_on_ones")
    at.text_area(key=f"oo_tn_body_{nid}").input("Wants to present at the all-hands")
    at.button(key=f"FormSubmitter:oo_tn_form_{nid}-Save").click().run()
    assert_no_exception(at)
    assert "Track note saved." in _texts(at)
    assert "Wants to present at the all-hands" in _texts(at)
    [note] = _rows(app_engine, TrackNote)
    assert (note.body, note.version) == ("Wants to present at the all-hands", 2)

    # Meanwhile the same note is fixed in another tab: this tab's fix is refused, not
    # written over the other one.
    with Session(app_engine) as session:
        one_on_ones.edit_track_note(
            session, team.manager, track_note_id=nid, version=2, body="Fixed in another tab"
        )
    at.text_area(key=f"oo_tn_body_{nid}").input("My late fix")
    at.button(key=f"FormSubmitter:oo_tn_form_{nid}-Save").click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    assert _rows(app_engine, TrackNote)[0].body == "Fixed in another tab"

    # The report reads the note but has nothing to edit it with.
    at = open_app(team.ic, "one_on_ones")
    assert_no_exception(at)
    assert "Fixed in another tab" in _texts(at)
    assert not [t for t in at.text_area if t.key == f"oo_tn_body_{nid}"]


def test_an_empty_action_item_is_refused_with_a_sentence(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    with Session(app_engine) as session:
        one_on_ones.start(session, setup.team.manager, report_id=setup.team.ic)
    at = open_app(setup.team.manager, "one_on_ones")
    at.date_input(key="oo_action_due").set_value(date.today() + timedelta(days=3))
    at.selectbox(key="oo_action_owner").set_value(setup.team.manager)
    at.button(key="FormSubmitter:oo_action_form-Add action item").click().run()
    assert_no_exception(at)
    assert any("cannot be empty" in e.value for e in at.error)
    assert len(_rows(app_engine, ActionItem)) == 1  # only last week's
    # Nothing chosen is lost: the description is all that is missing.
    assert at.date_input(key="oo_action_due").value == date.today() + timedelta(days=3)
    assert at.selectbox(key="oo_action_owner").value == setup.team.manager


def test_a_refused_track_note_keeps_what_was_typed(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    with Session(app_engine) as session:
        one_on_ones.start(session, setup.team.manager, report_id=setup.team.ic)
    at = open_app(setup.team.manager, "one_on_ones")
    at.text_input(key="oo_track").input("x" * (one_on_ones.TRACK_MAX + 1))
    at.text_area(key="oo_track_body").input("A long thought worth keeping")
    at.button(key="FormSubmitter:oo_track_form-Add track note").click().run()
    assert any("track name" in e.value for e in at.error)
    assert at.text_area(key="oo_track_body").value == "A long thought worth keeping"
    assert _rows(app_engine, TrackNote) == []


def test_report_sees_the_one_on_one_and_ticks_their_item(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    team = setup.team
    with Session(app_engine) as session:
        today = one_on_ones.start(session, team.manager, report_id=team.ic)
        one_on_ones.add_track_note(
            session, team.manager, one_on_one_id=today, track="Feedback", body="Great work"
        )
        mine = one_on_ones.add_action_item(
            session, team.manager, one_on_one_id=today, owner_id=team.ic, description="Share it"
        )
        theirs = one_on_ones.add_action_item(
            session, team.manager, one_on_one_id=today, owner_id=team.manager, description="Book"
        )
    at = open_app(team.ic, "one_on_ones")
    assert_no_exception(at)
    shown = _texts(at)
    assert "With Maya" in shown
    assert "Great work" in shown and "Share it" in shown
    assert "Draft the MDE table" in shown
    keys = {b.key for b in at.button}
    assert f"action_done_{mine}" in keys
    assert f"action_done_{setup.carried_item}" in keys
    assert f"action_done_{theirs}" not in keys  # the manager's item is theirs to tick
    assert "oo_start" not in keys
    assert not at.get("form")  # no note or action forms for the report

    at.button(key=f"action_done_{mine}").click().run()
    assert_no_exception(at)
    assert "Action item done." in _texts(at)
    done = {a.id: a.done for a in _rows(app_engine, ActionItem)}
    assert done == {setup.carried_item: False, mine: True, theirs: False}
    assert f"action_reopen_{mine}" in {b.key for b in at.button}
    assert f"{DONE_ICON} ~~Share it~~" in _texts(at)


def test_another_ic_does_not_see_the_pairs_one_on_ones(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    team = setup.team
    with Session(app_engine) as session:
        today = one_on_ones.start(session, team.manager, report_id=team.ic)
        one_on_ones.edit_notes(
            session, team.manager, one_on_one_id=today, version=1, notes="Private to Maya and Ines"
        )
    at = open_app(team.other_ic, "one_on_ones")
    assert_no_exception(at)
    shown = _texts(at)
    assert "With Maya" in shown  # Ravi's own pair
    assert "Private to Maya and Ines" not in shown
    assert "Draft the MDE table" not in shown
    assert "Which plans churned?" not in shown


def test_a_manager_without_reports_is_told_how_to_start(
    app_engine: Engine, open_app: Callable[..., AppTest], setup: Setup
) -> None:
    at = open_app(setup.team.other_manager, "one_on_ones")
    assert_no_exception(at)
    assert any("Nobody reports to you yet" in i.value for i in at.info)
    assert "Draft the MDE table" not in _texts(at)


def test_an_ic_without_a_manager_is_told_what_will_appear(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        loner = Person(name="Lena", email="lena@example.com", role=Role.IC)
        session.add(loner)
        session.commit()
        assert loner.id is not None
        loner_id = loner.id
    at = open_app(loner_id, "one_on_ones")
    assert_no_exception(at)
    assert at.title[0].value == "One-on-ones"
    assert any("You have no one-on-ones yet" in i.value for i in at.info)


def test_a_new_pair_sees_empty_sections_and_history(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
    at = open_app(team.manager, "one_on_ones")
    assert_no_exception(at)
    shown = _texts(at)
    assert "No past one-on-ones yet" in shown
    assert "####" not in shown  # no section heading when every section is empty
    assert (
        "Nothing on: new findings, overdue questions, stale questions, reviews awaiting the "
        "manager, reviews the report owes, must-fix notes still open, overdue action items, "
        "carried over, decisions due for revisit, answers whose evidence changed." in shown
    )
    assert at.get("download_button")


def test_a_long_history_and_a_long_agenda_are_bounded(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    """7 past one-on-ones show 5 a page with a picker, each drawn once opened; 7 stale
    questions show the 5 quietest, and the heading counts all 7."""
    with Session(app_engine) as session:
        team = make_team(session)
        held = [
            one_on_ones.start(
                session,
                team.manager,
                report_id=team.ic,
                held_on=date.today() - timedelta(days=7 * week),
            )
            for week in range(7, 0, -1)
        ]
        one_on_ones.edit_notes(
            session, team.manager, one_on_one_id=held[0], version=1, notes="The oldest notes"
        )
        rid = root(session, team)
        titles = [SubQuestion(f"Quiet question {i}", assignee_id=team.ic) for i in range(7)]
        for i, sub in enumerate(
            questions.add_subquestions(session, team.manager, parent_id=rid, items=titles)
        ):
            backdate_question(session, sub.id, utcnow() - timedelta(days=30 + i))
    at = open_app(team.manager, "one_on_ones")
    assert_no_exception(at)
    shown = _texts(at)
    assert "#### Stale questions (7)" in shown
    assert "The 5 most pressing shown; 2 more." in shown
    assert "Quiet question 6" in shown  # the quietest first
    assert "Quiet question 0" not in shown
    first = [e.label for e in at.expander]
    assert len(first) == 5 and first[0].startswith((date.today() - timedelta(days=7)).isoformat())
    assert "Showing 1 to 5 of 7 past one-on-ones" in shown
    at.number_input(key=f"oo_history_{team.manager}_{team.ic}_page").set_value(2).run()
    assert_no_exception(at)
    rest = [e.label for e in at.expander]
    assert len(rest) == 2 and rest[-1].startswith((date.today() - timedelta(days=49)).isoformat())
    assert "The oldest notes" not in _texts(at)  # closed: not drawn
    at.session_state[meeting_key(held[0])] = True
    at.run()
    assert_no_exception(at)
    assert "The oldest notes" in _texts(at)
