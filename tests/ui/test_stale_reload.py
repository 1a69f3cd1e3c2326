"""A save refused as stale offers "Reload the latest version", and the click reloads:
the next save starts from the version now stored and goes through. (The button is drawn
only in the run of the refused save, so its click must act through a callback: an
``if st.button(...)`` there is never true in the run the click starts.)"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.models import Question
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionUpdate
from tests.factories import make_team, root
from tests.ui.conftest import assert_no_exception


def _stored(engine: Engine, qid: int) -> tuple[str, int]:
    with Session(engine) as session:
        q = session.get(Question, qid)
        assert q is not None
        return q.title, q.version


def test_reload_after_a_stale_save_lets_the_next_save_through(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
        qid = root(session, team, "Why did retention drop in Q3?")
    at = open_app(team.manager, "questions", root=str(qid))
    _, version = _stored(app_engine, qid)
    with Session(app_engine) as session:  # the other manager saves first, elsewhere
        changes = QuestionUpdate(title="Theirs")
        questions.update_question(
            session, team.other_manager, question_id=qid, version=version, changes=changes
        )

    save = f"FormSubmitter:edit_{qid}-Save"
    at.text_input(key=f"edit_title_{qid}").input("Mine")
    at.button(key=save).click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    assert _stored(app_engine, qid) == ("Theirs", version + 1)

    at.button(key="reload_action").click().run()
    assert_no_exception(at)
    assert not at.error
    at.text_input(key=f"edit_title_{qid}").input("Mine")
    at.button(key=save).click().run()
    assert_no_exception(at)
    assert not at.error
    assert _stored(app_engine, qid) == ("Mine", version + 2)
