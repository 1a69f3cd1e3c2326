"""Overview at more general questions than fit one page: a page picker, a title search,
and headline numbers over everything that matches (not only the page shown)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.demo.load import load_demo
from team.models import Person
from team.vocabulary import Role
from tests.factories import make_team, root
from tests.ui.conftest import assert_no_exception


def _seed(engine: Engine, count: int) -> int:
    with Session(engine) as session:
        team = make_team(session)
        for n in range(count):
            root(session, team, f"Question {n:02d} about {'churn' if n % 3 else 'pricing'}")
        return team.manager


def _shown_titles(at: AppTest) -> list[str]:
    return [link.label for link in at.page_link]


def test_long_portfolio_is_paged(app_engine: Engine, open_app: Callable[..., AppTest]) -> None:
    manager = _seed(app_engine, 45)
    at = open_app(manager, "overview")
    assert_no_exception(at)
    assert len(_shown_titles(at)) == 10
    assert at.metric[0].value == "45"  # headline numbers cover every question
    assert "Showing 1 to 10 of 45" in at.caption[0].value
    at.number_input(key="overview_page").set_value(5).run()
    assert len(_shown_titles(at)) == 5
    assert "Showing 41 to 45 of 45" in " ".join(c.value for c in at.caption)


def test_search_narrows_the_list_and_the_page_follows(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager = _seed(app_engine, 45)
    at = open_app(manager, "overview")
    at.number_input(key="overview_page").set_value(4).run()
    at.text_input(key="overview_search").set_value("PRICING question").run()
    assert_no_exception(at)
    titles = _shown_titles(at)
    assert len(titles) == 5  # 0, 3, ..., 42: 15 match, two pages; page 4 moves to the last
    assert all("pricing" in t for t in titles)
    assert "Showing 11 to 15 of 15" in " ".join(c.value for c in at.caption)
    assert at.metric[0].value == "15"
    at.text_input(key="overview_search").set_value("nothing like this").run()
    assert "No general question matches" in at.info[0].value


def test_overview_and_team_agree_on_what_is_overdue_in_the_demo(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    """The demo's two late sub-questions (Team: two people, one each) are Overview's
    "Overdue" too; it counted late general questions only and read 0."""
    with Session(app_engine) as session:
        load_demo(session)
        manager = session.scalars(select(Person).where(col(Person.role) == Role.MANAGER)).first()
        assert manager is not None
    at = open_app(manager.id, "overview")
    assert_no_exception(at)
    overview = next(m for m in at.metric if m.label == "Overdue")
    at = open_app(manager.id, "team")
    assert_no_exception(at)
    [workload] = [d.value for d in at.dataframe if "Overdue" in d.value.columns]
    late_people = workload[workload["Overdue"] > 0]
    assert len(late_people) == 2
    assert overview.value == str(int(workload["Overdue"].sum())) == "2"
