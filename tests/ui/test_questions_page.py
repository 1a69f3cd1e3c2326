"""AppTest: create a general question, break it down, assign, through the real app."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Question
from tests.factories import Team, make_team
from tests.ui.conftest import assert_no_exception


def _team(engine: Engine) -> Team:
    with Session(engine) as session:
        return make_team(session)


def _questions(engine: Engine) -> list[Question]:
    with Session(engine) as session:
        return list(session.scalars(select(Question).order_by(col(Question.id))))


def test_manager_creates_breaks_down_and_assigns(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    at = open_app(team.manager, "questions")
    assert_no_exception(at)
    at.text_input(key="new_q_title").input("Should we replace the pricing heuristic?")
    at.text_area(key="new_q_context").input("Asked by the CFO for the Q1 plan.")
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert_no_exception(at)
    [root] = _questions(app_engine)
    assert root.title == "Should we replace the pricing heuristic?"
    assert any("Created" in s.value for s in at.success)
    assert at.text_input(key="new_q_title").value == ""  # ready for the next one

    at.text_area(key=f"breakdown_text_{root.id}").input(
        "What does the heuristic get wrong?\n- How good is a simple model?"
    )
    at.button(key=f"FormSubmitter:breakdown_{root.id}-Add sub-questions").click().run()
    assert_no_exception(at)
    children = _questions(app_engine)[1:]
    assert [c.title for c in children] == [
        "What does the heuristic get wrong?",
        "How good is a simple model?",
    ]
    assert any("Added 2 sub-questions" in s.value for s in at.success)

    # Drill down into the first sub-question and assign it.
    at.button(key=f"open_{children[0].id}").click().run()
    assert at.query_params["node"] == str(children[0].id)
    at.selectbox(key=f"assign_pick_{children[0].id}").set_value(team.ic).run()
    at.button(key=f"assign_save_{children[0].id}").click().run()
    assert_no_exception(at)
    assert _questions(app_engine)[1].assignee_id == team.ic
    assert any("assigned to Ines" in s.value for s in at.success)


def test_empty_title_shows_a_sentence_and_saves_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    at = open_app(team.manager, "questions")
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert any("cannot be empty" in e.value for e in at.error)
    assert _questions(app_engine) == []


def test_viewer_sees_no_editing_controls(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        from tests.factories import root

        rid = root(session, team)
    at = open_app(team.viewer, "questions")
    assert_no_exception(at)
    keys = {getattr(w, "key", None) for w in at.button} | {w.key for w in at.text_area}
    assert f"breakdown_text_{rid}" not in keys
    assert f"status_save_{rid}" not in keys
    assert "new_q_title" not in {w.key for w in at.text_input}
