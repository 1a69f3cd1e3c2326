"""AppTest: the Admin page shows the audit log of the demo team, filters it, exports it,
and shows the configuration in force."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.demo.load import load_demo
from team.models import Person
from team.vocabulary import FindingStatus, QuestionStatus, Role
from team.vocabulary import ReviewStatus as R
from tests.services.test_audit import RAW
from tests.ui.conftest import APP, TIMEOUT, assert_no_exception


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
    assert "Times are in UTC (your browser did not say its zone)" in everything
    picker = at.selectbox(key="audit_entity")
    assert "review request" in picker.options and "review_request" not in picker.options
    picker.set_value("finding").run()
    findings_only = next(c.value for c in at.caption if "changes match" in c.value)
    assert findings_only != everything
    table = at.dataframe[0].value
    assert set(table["Kind"]) == {"finding"}
    # One click downloads the CSV of these filters (tests/ui/test_list_export_buttons.py
    # reads the file it gives).
    [button] = at.get("download_button")
    assert button.proto.label == "Download CSV of all matching changes"


def test_audit_log_reads_in_words_in_the_viewers_time_zone(app_engine: Engine) -> None:
    """Names and titles, labels, and the browser's zone in the time column's header
    (the demo's log once showed entity names, ids, raw statuses and ISO timestamps)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["person_id"] = _manager(app_engine)
    at.context = {"timezone": "Asia/Tokyo", "timezone_offset": -540}
    at.run()
    at.switch_page("team/ui/pages/admin.py").run()
    assert_no_exception(at)
    caption = next(c.value for c in at.caption if "changes match" in c.value)
    assert "Times are in Asia/Tokyo (your browser's zone)" in caption
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "When (Asia/Tokyo)",
        "Who",
        "Kind",
        "Id",
        "Title",
        "Change",
        "Field",
        "Before",
        "After",
    ]
    words = {str(v) for v in table.to_numpy().ravel()}
    assert not words & RAW
    statuses = set(table[table["Field"] == "status"]["After"])
    assert statuses and statuses <= {s.label for s in [*QuestionStatus, *FindingStatus, *R]}
    assert not (table["Title"] == "").any()


def test_configuration_is_shown(app_engine: Engine, open_app: Callable[..., AppTest]) -> None:
    at = open_app(_manager(app_engine), "admin")
    text = "\n".join(m.value for m in at.markdown)
    assert "Sign-in: `local`" in text
    assert "sqlite:///" in text
