"""Progress page: on the demo team every chart renders (for a manager and an IC) and the
filters narrow them; on an empty team every section says what will appear there."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from team.models import Person, Project, Question
from team.services.progress.roots import PANELS
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.ui.progress_charts import DEADLINES, EMPTY, FILTERED
from team.vocabulary import Priority, Role
from tests.factories import make_team
from tests.ui.conftest import assert_no_exception
from tests.ui.conftest import first_of as _first

CHART = "vega_lite_chart"


def _specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get(CHART)]


def _chart_rows(at: AppTest, index: int) -> pd.DataFrame:
    """The (pre-aggregated) rows the browser receives for chart ``index``."""
    chart = at.get(CHART)[index].proto
    assert len(chart.datasets) == 1
    return convert_arrow_bytes_to_pandas_df(chart.datasets[0].data.data)


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.IC])
def test_every_chart_renders_on_the_demo_team(
    demo_engine: Engine, open_app: Callable[..., AppTest], role: Role
) -> None:
    at = open_app(_first(demo_engine, role), "progress")
    assert_no_exception(at)
    assert at.title[0].value == "Progress"
    assert len(at.get(CHART)) == len(EMPTY)
    assert not _infos(at)
    assert [s.value for s in at.subheader] == [
        "Answer progress",
        "Deadline health",
        "Findings per week",
        "Review turnaround",
        "Open reviews by age",
        "Workload",
        "Technique breadth",
        "Stale questions",
    ]


def _titles_in_progress_chart(at: AppTest) -> set[str]:
    assert "concat" in _specs(at)[0]
    return set(_chart_rows(at, 0)["title"])


def test_project_filter_narrows_the_charts(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    at = open_app(_first(demo_engine, Role.MANAGER), "progress")
    everything = _titles_in_progress_chart(at)
    with Session(demo_engine) as session:
        retention = session.scalars(select(Project).where(col(Project.name) == "Retention")).one()
        roots = session.scalars(
            select(col(Question.title)).where(
                col(Question.project_id) == retention.id,
                col(Question.parent_id).is_(None),
            )
        ).all()
    at.selectbox(key="progress_project").set_value(retention.id).run()
    assert_no_exception(at)
    narrowed = _titles_in_progress_chart(at)
    assert narrowed == set(roots)
    assert "Why did 90-day retention drop in Q3?" in narrowed
    assert len(narrowed) < len(everything) == 6


def test_person_filter_keeps_their_work(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(demo_engine) as session:
        priya = session.scalars(select(Person).where(col(Person.name) == "Priya Raman")).one()
    at = open_app(_first(demo_engine, Role.MANAGER), "progress")
    at.selectbox(key="progress_person").set_value(priya.id).run()
    assert_no_exception(at)
    assert set(_chart_rows(at, 2)["person"]) == {"Priya Raman"}
    assert set(_chart_rows(at, 5)["person"]) == {"Priya Raman"}  # workload


@pytest.mark.parametrize("who", ["manager", "ic"])
def test_an_empty_team_sees_every_empty_state(
    app_engine: Engine, open_app: Callable[..., AppTest], who: str
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
    at = open_app(getattr(team, who), "progress")
    assert_no_exception(at)
    assert not at.get(CHART)
    assert _infos(at) == list(EMPTY.values())


def test_filters_without_matches_say_so(
    demo_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(demo_engine) as session:
        session.add(Project(name="Brand new"))
        session.commit()
        fresh = session.scalars(select(Project).where(col(Project.name) == "Brand new")).one()
    at = open_app(_first(demo_engine, Role.MANAGER), "progress")
    at.selectbox(key="progress_project").set_value(fresh.id).run()
    assert_no_exception(at)
    assert _infos(at) == [text + FILTERED for text in EMPTY.values()]


def _general_questions(engine: Engine, n: int, **fields: Any) -> tuple[int, dict[str, int]]:
    """A team with ``n`` general questions, each with one sub-question; the first one is
    low priority, so it is the least urgent."""
    with Session(engine) as session:
        team = make_team(session)
        ids = {}
        for i in range(n):
            priority = Priority.LOW if i == 0 else Priority.HIGH
            data = QuestionCreate(
                title=f"General question {i}", project_id=team.project, priority=priority, **fields
            )
            rid = questions.create_question(session, team.manager, data=data).id
            questions.add_subquestions(
                session, team.manager, parent_id=rid, items=[SubQuestion(f"Leaf {i}")]
            )
            ids[data.title] = rid
    return team.manager, ids


def test_answer_progress_draws_the_most_urgent_and_others_on_request(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager, ids = _general_questions(app_engine, PANELS + 2)
    at = open_app(manager, "progress")
    assert_no_exception(at)
    drawn = _titles_in_progress_chart(at)
    assert len(drawn) == PANELS and "General question 0" not in drawn  # low priority
    captions = [c.value for c in at.caption]
    assert f"The {PANELS} most urgent of {PANELS + 2} general questions" in "\n".join(captions)
    at.text_input(key="progress_root_search").set_value("question 0").run()
    assert at.multiselect(key="progress_roots").options == ["General question 0"]
    at.multiselect(key="progress_roots").set_value([ids["General question 0"]]).run()
    assert_no_exception(at)
    assert _titles_in_progress_chart(at) == {"General question 0"}
    assert f"1 picked of {PANELS + 2} general questions." in [c.value for c in at.caption]


def test_deadline_health_draws_the_most_at_risk_and_counts_the_rest(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    due = date.today() + timedelta(days=1)
    manager, _ = _general_questions(app_engine, DEADLINES + 2, due_date=due)
    at = open_app(manager, "progress")
    assert_no_exception(at)
    assert len(_chart_rows(at, 1)) == DEADLINES
    expected = f"The {DEADLINES} most at risk of {DEADLINES + 2} unfinished general questions"
    assert any(c.value.startswith(expected) for c in at.caption)
