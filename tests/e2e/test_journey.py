"""One journey through the real app in a real browser, as a manager would take it:
sign in, create a general question, break it down, assign a sub-question, and find
it all on the Overview."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from team.models import Question
from tests.e2e.conftest import Server, click_to_run, wait_idle


def _pick(page: Any, label: str, option: str, *, within: Any = None) -> None:
    """Choose ``option`` in the Streamlit selectbox labelled ``label``."""
    scope = within if within is not None else page
    box = scope.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    # A rerun that ends just after the click redraws the box and closes its list (seen on
    # a loaded CI machine): open it again rather than wait for an option that is gone.
    for attempt in range(3):
        wait_idle(page)
        box.get_by_role("combobox").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wait_idle(page)


def _nav(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def test_manager_creates_breaks_down_and_assigns(server: Server, page: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Why did churn rise in March? {tag}"
    subs = [f"Which segments churned more? {tag}", f"Did the price change matter? {tag}"]

    # Sign in as Maya.
    page.goto(server.base_url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    _pick(page, "Who are you?", "Maya · manager", within=page.get_by_test_id("stSidebar"))
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()

    # Create a general question.
    _nav(page, "Questions")
    expect(page.get_by_role("heading", name="Questions")).to_be_visible()
    page.get_by_text("New general question", exact=True).click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_text("Create question"))
    form.get_by_label("Question", exact=True).fill(title)
    click_to_run(page, form.get_by_role("button", name="Create question"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Created “{title}”")
    expect(page).to_have_url(re.compile(r"[?&]root=\d+"))

    # Break it down into two sub-questions.
    page.get_by_label("Break down: one sub-question per line").fill("\n".join(subs))
    click_to_run(page, page.get_by_role("button", name="Add sub-questions"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Added 2 sub-questions")
    tree_buttons = [page.get_by_role("button", name=f"↳ {sub}", exact=True) for sub in subs]
    for button in tree_buttons:
        expect(button).to_be_visible()

    # Drill down into the first one and assign it to Ines.
    tree_buttons[0].click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]node=\d+"))
    expect(page.get_by_role("heading", name=subs[0])).to_be_visible()
    _pick(page, "Assignee", "Ines")
    click_to_run(page, page.get_by_role("button", name="Assign", exact=True))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"“{subs[0]}” is assigned to Ines."
    )
    expect(page.get_by_text("assigned to Ines", exact=False).first).to_be_visible()

    # The Overview shows the new general question, its coverage and its people.
    _nav(page, "Overview")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    with Session(server.engine) as session:
        root = session.exec(select(Question).where(col(Question.title) == title)).one()
        children = session.exec(
            select(Question)
            .where(col(Question.parent_id) == root.id)
            .order_by(col(Question.position))
        ).all()
    row = page.locator(f".st-key-overview_row_{root.id}")
    expect(row.get_by_role("link", name=title)).to_be_visible()
    expect(row.get_by_text(re.compile(r"0 of 2 answered"))).to_be_visible()
    expect(row.get_by_text(re.compile(r"People: .*\bInes\b"))).to_be_visible()

    # And the database agrees.
    assert [c.title for c in children] == subs
    assert children[0].assignee_id == server.team.ic
    assert children[1].assignee_id is None
