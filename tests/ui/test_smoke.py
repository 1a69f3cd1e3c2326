"""Every page, for every role, on the demo team and on an empty database: renders
without an exception and shows what that role should see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from team.demo.load import load_demo
from team.models import Person
from team.ui.navigation import all_page_names, page_names_for, title_of
from team.vocabulary import Role
from tests.factories import make_team
from tests.ui.conftest import assert_no_exception

ROLES = [Role.MANAGER, Role.IC, Role.VIEWER]


def _person_with_role(engine: Engine, role: Role) -> int:
    with Session(engine) as session:
        query = select(Person).where(col(Person.role) == role, col(Person.active).is_(True))
        person = session.scalars(query.order_by(col(Person.id))).first()
        assert person is not None and person.id is not None
        return person.id


@pytest.fixture
def demo_engine(app_engine: Engine) -> Engine:
    with Session(app_engine) as session:
        load_demo(session)
    return app_engine


ALLOWED = [(role, page) for role in ROLES for page in page_names_for(role)]
REFUSED = [
    (role, page) for role in ROLES for page in all_page_names() if (role, page) not in ALLOWED
]


@pytest.mark.parametrize(("role", "page"), ALLOWED)
def test_every_page_renders_for_every_role_that_may_see_it(
    demo_engine: Engine, open_app: Callable[..., AppTest], role: Role, page: str
) -> None:
    at = open_app(_person_with_role(demo_engine, role))
    assert_no_exception(at)
    at.switch_page(f"team/ui/pages/{page}.py").run()
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title_of(page)


@pytest.mark.parametrize(("role", "page"), REFUSED)
def test_a_page_a_role_may_not_see_is_not_served(
    demo_engine: Engine, open_app: Callable[..., AppTest], role: Role, page: str
) -> None:
    """The app registers only the pages of the role, so the page cannot be reached, not
    even by its address (the browser journeys check the address too)."""
    at = open_app(_person_with_role(demo_engine, role))
    assert_no_exception(at)
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page(f"team/ui/pages/{page}.py")
    listed = str(refused.value).split("Known pages:")[1]
    known = {name for name in all_page_names() if f"pages/{name}.py" in listed}
    assert known == set(page_names_for(role))
    assert at.title[0].value == "Overview"


def test_overview_lists_the_demo_questions(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_person_with_role(demo_engine, Role.VIEWER))
    assert_no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["General questions"] == "6"
    assert len(at.get("progress")) >= 6


def test_overview_filters_by_project(demo_engine: Engine, open_app: Callable[..., AppTest]) -> None:
    at = open_app(_person_with_role(demo_engine, Role.MANAGER))
    everything = int(next(m.value for m in at.metric if m.label == "General questions"))
    at.selectbox(key="overview_project").select_index(0).run()
    filtered = int(next(m.value for m in at.metric if m.label == "General questions"))
    assert 0 < filtered < everything


def test_no_person_chosen_shows_the_picker(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(None)
    assert_no_exception(at)
    assert at.title[0].value == "Who are you?"
    groups = [m.value.split(":**")[0] for m in at.markdown if m.value.startswith("**")]
    assert groups == ["**Managers", "**ICs", "**Viewers"]
    picker = at.sidebar.selectbox(key="who_sidebar")
    assert len(picker.options) >= 8
    picker.select_index(0).run()
    assert_no_exception(at)
    assert at.title[0].value == "Overview"


EMPTY_STATES = {
    "overview": "No general questions yet",
    "questions": "No general questions yet",
    "my_work": "Nothing is assigned to you yet",
    "reviews": "Nothing waits on you",
    "attention": "Nothing waits on you right now",
    "answers": "No general questions yet",
    "decisions": "No decision recorded yet",
    "one_on_ones": "No past one-on-ones yet",
    "progress": "Findings per week appear once ICs log findings on My work.",
    "team": "No open question is assigned to anyone yet",
    "admin": "No change matches these filters",
    "search": "Every word must occur",
    "settings": "every message so far reached its place",
}


@pytest.mark.parametrize(
    ("who", "page"),
    [(who, page) for who in ("manager", "ic") for page in page_names_for(Role(who))],
)
def test_empty_database_pages_say_what_to_do(
    app_engine: Engine, open_app: Callable[..., AppTest], page: str, who: str
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
    at = open_app(getattr(team, who), page)
    assert_no_exception(at)
    shown = [e.value for e in [*at.info, *at.success, *at.caption]]
    assert any(EMPTY_STATES[page] in text for text in shown), shown


def test_navigation_follows_roles() -> None:
    viewer = {"attention", "overview", "questions", "answers", "decisions", "search", "settings"}
    assert set(page_names_for(Role.VIEWER)) == viewer
    assert set(page_names_for(Role.IC)) == set(all_page_names()) - {"admin"}
    assert set(page_names_for(Role.MANAGER)) == set(all_page_names())


def test_nobody_on_the_team_yet(app_engine: Engine, open_app: Callable[..., AppTest]) -> None:
    at = open_app(None)
    assert_no_exception(at)
    assert any("team demo" in i.value for i in at.info)


def test_local_mode_refuses_a_public_address(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = open_app(None)
    finally:
        st_config.set_option("server.address", previous)
    assert any("serves only on 127.0.0.1" in e.value for e in at.error)
    assert not at.sidebar.selectbox
