"""AppTest: the CSV buttons of the lists (Reviews, My work, the audit log, and the tree and
findings buttons the Questions page calls) give, when clicked, the list the person sees
on that page in words, UTF-8 with a byte order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from tests.factories import Team, make_team, root
from tests.ui.conftest import APP, TIMEOUT, assert_no_exception

SUB = "Which plans churned?"
PR = "https://github.com/acme/churn/pull/7"


@dataclass(frozen=True)
class Setup:
    team: Team
    root: int
    sub: int


@pytest.fixture
def setup(app_engine: Engine) -> Setup:
    with Session(app_engine) as session:
        team = make_team(session)
        rid = root(session, team)
        [sub] = questions.add_subquestions(
            session, team.manager, parent_id=rid, items=[SubQuestion(SUB, assignee_id=team.ic)]
        )
        findings.log_finding(session, team.ic, question_id=sub.id, data=FindingInput("Monthly"))
        reviews.request_review(session, team.ic, data=ReviewInput(sub.id, team.manager, PR))
    return Setup(team, rid, sub.id)


Made = dict[str, Callable[[], bytes]]


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Made:
    """{file name: the callable its download button would run when clicked}, for the
    buttons the runs draw."""
    found: Made = {}
    original = MediaFileManager.add_deferred

    def record(
        self: MediaFileManager, data: Callable[[], bytes], *args: object, **kw: object
    ) -> str:
        name = kw.get("file_name")
        assert isinstance(name, str)
        found[name] = data
        return original(self, data, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def _read(made: Made, name: str) -> list[dict[str, str]]:
    data = made[name]()
    assert data.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads the accents right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _open(person: int, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["person_id"] = person
    at.run()
    at.switch_page(f"team/ui/pages/{page}.py").run()
    assert_no_exception(at)
    return at


def test_reviews_waiting_on_me_download_as_the_tab_lists_them(setup: Setup, deferred: Made) -> None:
    _open(setup.team.manager, "reviews")
    [row] = _read(deferred, "reviews-waiting-on-me.csv")
    assert (row["Question"], row["Requester"], row["Status"]) == (SUB, "Ines", "Open")
    assert row["Link"].endswith(f"/reviews?review={row['Id']}")


def test_my_requests_tab_downloads_the_ics_requests(setup: Setup, deferred: Made) -> None:
    at = _open(setup.team.ic, "reviews")
    assert "reviews-waiting-on-me.csv" not in deferred  # nothing waits on Ines: no button
    at.session_state["reviews_tab"] = "My requests"
    at.run()
    assert_no_exception(at)
    [row] = _read(deferred, "my-review-requests.csv")
    assert row["Reviewer"] == "Maya"


def test_all_open_downloads_the_requests_the_search_keeps(setup: Setup, deferred: Made) -> None:
    at = _open(setup.team.manager, "reviews")
    at.session_state["reviews_tab"] = "All open"
    at.run()
    at.text_input(key="reviews_all_search").input("PLANS churned").run()
    assert_no_exception(at)
    [row] = _read(deferred, "open-reviews.csv")
    assert row["Question"] == SUB
    deferred.clear()
    at.text_input(key="reviews_all_search").input("pricing").run()
    assert "open-reviews.csv" not in deferred  # nothing matches: no file to give


def test_my_work_downloads_the_ics_queue(setup: Setup, deferred: Made) -> None:
    _open(setup.team.ic, "my_work")
    [row] = _read(deferred, "my-work.csv")
    assert (row["Question"], row["Status"], row["Open reviews"]) == (SUB, "Open", "1")


def test_the_audit_log_downloads_the_changes_its_filters_match(
    setup: Setup, deferred: Made
) -> None:
    at = _open(setup.team.manager, "admin")
    at.selectbox(key="audit_entity").set_value("finding").run()
    assert_no_exception(at)
    data = deferred["audit-log.csv"]().decode("utf-8-sig")
    assert data.startswith("When (UTC),Who,Kind,Id,Title,Change,Field,Before,After")
    rows = _read(deferred, "audit-log.csv")
    assert rows and {r["Kind"] for r in rows} == {"finding"}  # of the filters chosen


def _buttons(person: int, root_id: int, sub: int) -> None:
    """The tree and findings buttons as the Questions page draws them."""
    from team.ui import auth
    from team.ui.list_exports import findings_csv_button, tree_csv_button

    me = auth.current_person()
    assert me is not None and me.id == person
    tree_csv_button(me, root_id)
    findings_csv_button(me, sub)


def test_the_tree_and_findings_buttons_give_every_row(setup: Setup, deferred: Made) -> None:
    at = AppTest.from_function(
        _buttons, args=(setup.team.viewer, setup.root, setup.sub), default_timeout=TIMEOUT
    )
    at.session_state["person_id"] = setup.team.viewer
    at.run()
    assert_no_exception(at)
    tree = _read(deferred, f"questions-{setup.root}.csv")
    assert [r["Question"] for r in tree][1:] == [SUB]
    [finding] = _read(deferred, f"findings-{setup.sub}.csv")
    assert (finding["Finding"], finding["Question"]) == ("Monthly", SUB)
