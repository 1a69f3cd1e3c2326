"""The IC workflow pages with more than a page of everything: My work and Reviews show
10 at a time (Needs my attention 10 of the section on show) with the total and a page picker,
search narrows a long list, and a finding card shows its details and notes once opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import writes as notes
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.ui.finding_cards import card_key
from team.vocabulary import NoteKind
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

URL = "https://github.com/example-org/churn/pull/{}"


@dataclass
class Busy:
    team: Team
    questions: list[int]
    findings: list[int]  # by the IC, oldest first
    reviews: list[int]  # asked by the IC of the manager, oldest first


@pytest.fixture
def busy(app_engine: Engine) -> Busy:
    """The IC has 25 questions, 23 findings (shared, so awaiting the manager) and 22
    review requests waiting on the manager."""
    with Session(app_engine) as session:
        team = make_team(session)
        rid = root(session, team)
        subs = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion(f"Cut {n:02d} of churn", assignee_id=team.ic) for n in range(25)],
        )
        ids = [s.id for s in subs]
        found = [
            findings.log_finding(
                session,
                team.ic,
                question_id=ids[n],
                data=FindingInput(summary=f"Result {n:02d} on {'pricing' if n % 4 else 'plans'}"),
            ).id
            for n in range(23)
        ]
        asked = [
            reviews.request_review(
                session, team.ic, data=reviews.ReviewInput(ids[n], team.manager, URL.format(n))
            )
            for n in range(22)
        ]
    return Busy(team, ids, found, asked)


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_my_work_pages_the_queue_findings_and_requests(
    open_app: Callable[..., AppTest], busy: Busy
) -> None:
    at = open_app(busy.team.ic, "my_work")
    assert_no_exception(at)
    assert len(_rows(at, "work_row_")) == 10
    assert len(at.expander) == 10  # the 10 newest of 23 findings
    assert len(_rows(at, "review_row_mine_")) == 10
    captions = _captions(at)
    for text in ("of 25 questions", "of 23 findings", "of 22 review requests"):
        assert f"Showing 1 to 10 {text}" in captions
    at.number_input(key="mywork_queue_page").set_value(3).run()
    assert len(_rows(at, "work_row_")) == 5
    at.number_input(key="mywork_findings_page").set_value(3).run()
    assert [e.label.split(" · ")[0] for e in at.expander] == [
        "Result 02 on pricing",
        "Result 01 on pricing",
        "Result 00 on plans",
    ]
    # Every open question can still be picked for a finding or a review.
    assert len(at.selectbox(key="mywork_question").options) == 25


def test_my_findings_search(open_app: Callable[..., AppTest], busy: Busy) -> None:
    at = open_app(busy.team.ic, "my_work")
    at.number_input(key="mywork_findings_page").set_value(2).run()
    at.text_input(key="mywork_findings_search").set_value("PLANS result").run()
    assert_no_exception(at)
    assert [e.label.split(" · ")[0] for e in at.expander] == [
        f"Result {n:02d} on plans" for n in (20, 16, 12, 8, 4, 0)
    ]
    at.text_input(key="mywork_findings_search").set_value("nothing like this").run()
    assert "No finding of yours matches" in _captions(at)


def test_a_finding_card_shows_its_notes_once_opened(
    app_engine: Engine, open_app: Callable[..., AppTest], busy: Busy
) -> None:
    newest = busy.findings[-1]
    with Session(app_engine) as session:
        notes.add_note(
            session, busy.team.manager, target="finding", target_id=newest, body="Split by region"
        )
    at = open_app(busy.team.ic, "my_work")
    assert not [m for m in at.markdown if "Split by region" in m.value]
    at.session_state[card_key(newest)] = True
    at.run()
    assert_no_exception(at)
    assert [m for m in at.markdown if "Split by region" in m.value]
    assert at.text_area(key=f"note_body_finding_{newest}").value == ""  # a note can be added
    assert len(at.expander) == 10  # the others stay closed


def test_attention_sections_show_their_totals_and_page(
    app_engine: Engine, open_app: Callable[..., AppTest], busy: Busy
) -> None:
    with Session(app_engine) as session:
        for fid in busy.findings[:3]:
            notes.add_note(
                session,
                busy.team.manager,
                target="finding",
                target_id=fid,
                body="Fix",
                kind=NoteKind.MUST_FIX,
            )
    at = open_app(busy.team.manager, "attention")
    assert_no_exception(at)
    # Every section's total above its tab, after the inbox's unread count; the page
    # opens on the inbox (the 22 review requests are new there) and draws no section.
    assert "Inbox: **22** new · Reviews to do: **22** · Awaiting acceptance: **23**" in (
        _captions(at)
    )
    assert at.subheader == [] and len(_rows(at, "inbox_item_")) == 10
    at.session_state["attention_tab"] = "Reviews to do"  # as choosing the tab does
    at.run()
    # The tab on show is drawn, ten a page.
    assert [h.value for h in at.subheader] == ["Reviews to do (22)"]
    assert len(_rows(at, "review_row_attention_")) == 10
    assert len(at.expander) == 0  # the findings' tab is not drawn
    assert "Showing 1 to 10 of 22 reviews" in _captions(at)
    at.number_input(key="attention_reviews_to_do_page").set_value(3).run()
    shown = _rows(at, "review_row_attention_")
    assert shown == [f"review_row_attention_{r}" for r in busy.reviews[20:]]
    at.session_state["attention_tab"] = "Awaiting acceptance"  # as choosing the tab does
    at.run()
    assert [h.value for h in at.subheader] == ["Findings of your reports awaiting acceptance (23)"]
    assert _rows(at, "review_row_attention_") == []
    assert len(at.expander) == 10

    # The IC: the three must-fix notes the manager left on her findings.
    at = open_app(busy.team.ic, "attention")
    at.session_state["attention_tab"] = "Must-fix notes"
    at.run()
    assert "Must-fix notes still open on your work (3)" in [h.value for h in at.subheader]


def test_reviews_page_pages_each_list_and_searches_every_open_review(
    open_app: Callable[..., AppTest], busy: Busy
) -> None:
    at = open_app(busy.team.manager, "reviews")
    assert_no_exception(at)
    queue = _rows(at, "review_row_queue_")
    assert queue == [f"review_row_queue_{r}" for r in busy.reviews[:10]]  # oldest first
    assert _rows(at, "review_row_all_") == []  # only the tab on show is rendered
    at.number_input(key="reviews_queue_page").set_value(2).run()
    queue = _rows(at, "review_row_queue_")
    assert queue == [f"review_row_queue_{r}" for r in busy.reviews[10:20]]

    at.session_state["reviews_tab"] = "All open"  # as choosing the tab does
    at.run()
    assert _rows(at, "review_row_queue_") == []
    assert _rows(at, "review_row_all_") == [f"review_row_all_{r}" for r in busy.reviews[:10]]
    at.text_input(key="reviews_all_search").set_value("CUT 07").run()
    assert _rows(at, "review_row_all_") == [f"review_row_all_{busy.reviews[7]}"]
    at.text_input(key="reviews_all_search").set_value("no such words").run()
    assert "No open review matches" in _captions(at)


def _thread_title(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def test_a_review_row_opens_its_thread_from_every_list(
    open_app: Callable[..., AppTest], busy: Busy
) -> None:
    at = open_app(busy.team.manager, "attention")
    at.session_state["attention_tab"] = "Reviews to do"
    at.run()
    at.button(key=f"review_row_attention_{busy.reviews[3]}").click().run()
    assert_no_exception(at)
    assert at.query_params["review"] == str(busy.reviews[3])
    assert "Review of “Cut 03 of churn”" in _thread_title(at)

    at = open_app(busy.team.manager, "reviews")
    at.button(key=f"review_row_queue_{busy.reviews[5]}").click().run()
    assert at.query_params["review"] == str(busy.reviews[5])
    assert "Review of “Cut 05 of churn”" in _thread_title(at)
    at.button(key="reviews_back").click().run()  # back to the queue, rows and all
    assert len(_rows(at, "review_row_queue_")) == 10

    at = open_app(busy.team.ic, "my_work")
    at.button(key=f"review_row_mine_{busy.reviews[21]}").click().run()
    assert "Review of “Cut 21 of churn”" in _thread_title(at)


def _rows(at: AppTest, prefix: str) -> list[str]:
    """Keys of the rows (keyed containers) starting with ``prefix``, in page order."""
    keys: list[str] = []

    def walk(node: Any) -> None:
        key = getattr(node, "key", None)
        if isinstance(key, str) and key.startswith(prefix):
            keys.append(key)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return keys
