"""AppTest flows of the Team page: a manager adds a person and a project, edits and
deactivates people (who leave the picker but stay on the page, marked inactive), sees the
team's workload; an IC sees everything read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Event, Person, Project
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.vocabulary import Role
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception


@pytest.fixture
def team(app_engine: Engine) -> Team:
    with Session(app_engine) as session:
        return make_team(session)


def _person(engine: Engine, email: str) -> Person | None:
    with Session(engine) as session:
        return session.scalars(select(Person).where(col(Person.email) == email)).first()


def _messages(at: AppTest) -> list[str]:
    return [m.value for m in [*at.success, *at.error, *at.info]]


def _frames(at: AppTest, column: str) -> list[pd.DataFrame]:
    """The tables on the page that have ``column`` (AppTest finds tables by content)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def _table(at: AppTest, column: str) -> list[object]:
    return list(_frames(at, column)[0][column])


def _picker(at: AppTest) -> list[str]:
    """The labels of the "Who are you?" picker (active people only)."""
    return list(at.sidebar.selectbox(key="who_sidebar").options)


def _keys(at: AppTest) -> set[str]:
    widgets = [*at.text_input, *at.text_area, *at.selectbox, *at.button]
    return {w.key for w in widgets if w.key and w.key.startswith(("tm_", "FormSubmitter:tm_"))}


def test_manager_adds_a_person(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    assert_no_exception(at)
    at.text_input(key="tm_add_name").input("Lena Ott")
    at.text_input(key="tm_add_email").input("Lena@Example.com")
    at.selectbox(key="tm_add_role").set_value(Role.IC)
    at.selectbox(key="tm_add_reports_to").set_value(team.other_manager)
    at.button(key="FormSubmitter:tm_add_form-Add person").click().run()
    assert_no_exception(at)
    assert "Lena Ott joined the team." in _messages(at)
    added = _person(app_engine, "lena@example.com")
    assert added is not None and added.reports_to_id == team.other_manager
    assert "Lena Ott" in _table(at, "Name")
    assert "Lena Ott · IC" in _picker(at)


def test_a_duplicate_email_shows_a_sentence_and_saves_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    at.text_input(key="tm_add_name").input("Other Ines")
    at.text_input(key="tm_add_email").input("ines@example.com")
    at.button(key="FormSubmitter:tm_add_form-Add person").click().run()
    assert_no_exception(at)
    assert any("already belongs to Ines" in m for m in _messages(at))
    with Session(app_engine) as session:
        assert len(session.scalars(select(Person)).all()) == 6


def test_manager_adds_and_archives_a_project(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    at.text_input(key="tm_proj_add_name").input("Pricing")
    at.text_area(key="tm_proj_add_description").input("Should we model prices?")
    at.button(key="FormSubmitter:tm_proj_add_form-Add project").click().run()
    assert_no_exception(at)
    assert "Project Pricing added." in _messages(at)
    assert "Pricing" in _table(at, "Project")
    with Session(app_engine) as session:
        project = session.scalars(select(Project).where(col(Project.name) == "Pricing")).one()
    at.selectbox(key="tm_project").set_value(project.id).run()
    at.button(key=f"tm_proj_archive_{project.id}").click().run()
    assert_no_exception(at)
    with Session(app_engine) as session:
        archived = session.get(Project, project.id)
        assert archived is not None and archived.archived


def test_manager_edits_a_person(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    at.selectbox(key="tm_person").set_value(team.other_ic).run()
    prefix = f"tm_edit_{team.other_ic}_"
    assert at.text_input(key=f"{prefix}name").value == "Ravi"
    at.text_input(key=f"{prefix}name").input("Ravi Kumar")
    at.selectbox(key=f"{prefix}reports_to").set_value(team.other_manager)
    at.button(key=f"FormSubmitter:tm_edit_form_{team.other_ic}-Save").click().run()
    assert_no_exception(at)
    assert "Ravi Kumar saved." in _messages(at)
    edited = _person(app_engine, "ravi@example.com")
    assert edited is not None and edited.name == "Ravi Kumar"
    assert edited.reports_to_id == team.other_manager and edited.version == 2


def test_deactivated_person_leaves_the_picker_but_stays_on_the_page(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    assert "Ravi · IC" in _picker(at)
    at.selectbox(key="tm_person").set_value(team.other_ic).run()
    at.button(key=f"tm_toggle_{team.other_ic}").click().run()
    assert_no_exception(at)
    assert "Ravi deactivated." in _messages(at)
    assert "Ravi · IC" not in _picker(at)
    assert "Ines · IC" in _picker(at)
    names = _table(at, "Name")
    assert "Ravi (inactive)" in names and "Ivan (inactive)" in names
    with Session(app_engine) as session:
        events = session.scalars(select(Event).where(col(Event.entity) == "person")).all()
        assert [(e.entity_id, e.field, e.new_value) for e in events] == [
            (team.other_ic, "active", "false")
        ]


def test_refusals_show_their_sentence_on_the_page(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.other_manager, "team")
    at.selectbox(key="tm_person").set_value(team.other_manager).run()
    at.button(key=f"tm_toggle_{team.other_manager}").click().run()
    assert_no_exception(at)
    assert any("cannot deactivate yourself" in m for m in _messages(at))
    at.selectbox(key="tm_person").set_value(team.manager).run()
    at.button(key=f"tm_toggle_{team.manager}").click().run()
    assert any("Ines, Ravi still report to Maya" in m for m in _messages(at))
    for email in ("omar@example.com", "maya@example.com"):
        person = _person(app_engine, email)
        assert person is not None and person.active


def test_ic_sees_the_team_read_only(open_app: Callable[..., AppTest], team: Team) -> None:
    at = open_app(team.ic, "team")
    assert_no_exception(at)
    assert at.title[0].value == "Team"
    assert _keys(at) == set()
    assert "Ines" in _table(at, "Name")
    assert "Retention" in _table(at, "Project")


def test_workload_shows_open_and_overdue_work(
    app_engine: Engine, open_app: Callable[..., AppTest], team: Team
) -> None:
    with Session(app_engine) as session:
        rid = root(session, team)
        late = date.today() - timedelta(days=3)
        questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[
                SubQuestion("A", assignee_id=team.ic, technique="modeling", due_date=late),
                SubQuestion("B", assignee_id=team.ic, technique="modeling"),
            ],
        )
    at = open_app(team.manager, "team")
    assert_no_exception(at)
    [workload] = _frames(at, "Overdue")
    assert workload.loc["Ines", "Retention"] == 2
    assert workload.loc["Ines", "Overdue"] == 1
    assigned, logged = _frames(at, "modeling")
    assert (assigned.loc["Ines", "modeling"], logged.loc["Ines", "modeling"]) == (2, 0)


def test_a_team_without_work_sees_empty_states(
    open_app: Callable[..., AppTest], team: Team
) -> None:
    at = open_app(team.manager, "team")
    assert_no_exception(at)
    infos = " ".join(m.value for m in at.info)
    assert "No open question is assigned to anyone yet" in infos
    assert "No IC has work with a technique yet" in infos
