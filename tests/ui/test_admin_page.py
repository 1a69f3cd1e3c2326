"""AppTest: the Admin page shows the audit log of the demo team, filters it, exports it,
and shows the configuration in force."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.demo.load import load_demo
from team.models import Person
from team.vocabulary import Role
from tests.ui.conftest import assert_no_exception


def _manager(engine: Engine) -> int:
    with Session(engine) as session:
        load_demo(session)
        person = session.scalars(select(Person).where(col(Person.role) == Role.MANAGER)).first()
        assert person is not None and person.id is not None
        return person.id


def test_audit_log_filters_and_exports(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    manager = _manager(app_engine)
    at = open_app(manager, "admin")
    assert_no_exception(at)
    everything = next(c.value for c in at.caption if "changes match" in c.value)
    at.selectbox(key="audit_entity").set_value("finding").run()
    findings_only = next(c.value for c in at.caption if "changes match" in c.value)
    assert findings_only != everything
    table = at.dataframe[0].value
    assert set(table["entity"]) == {"finding"}
    at.button(key="audit_csv_prepare").click().run()
    assert_no_exception(at)
    assert at.session_state["audit_csv"].startswith("id,at,who,entity")
    assert at.get("download_button")


def test_configuration_is_shown(app_engine: Engine, open_app: Callable[..., AppTest]) -> None:
    at = open_app(_manager(app_engine), "admin")
    text = "\n".join(m.value for m in at.markdown)
    assert "Sign-in: `local`" in text
    assert "sqlite:///" in text
