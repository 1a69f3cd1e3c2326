"""Import journeys through the real app in a real browser, as a manager adopting the app
would take them: paste an outline under a general question, preview it, create it and
find the tree on the page; upload a Jira export, see which column the app guessed for
each field, check it, import it, and upload it again to find nothing duplicated."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from team.models import Question, QuestionKey
from team.services.core.markdown import JOINER
from tests.e2e.conftest import Server, click_to_run, wait_idle
from tests.e2e.test_journey import _pick
from tests.factories import root

PANEL = "Import an outline or a CSV"


def _said(text: str) -> re.Pattern[str]:
    """``text`` as the page shows it: an invisible joiner before each ``@`` (it stops
    Streamlit making a name an email link; team/ui/text.py)."""
    return re.compile(re.escape(text).replace("@", f"{JOINER}?@"))


def _questions_page(server: Server, page: Any, tag: str) -> int:
    """A general question to import under; Maya signed in, on Questions with it open."""
    with Session(server.engine) as session:
        rid = root(session, server.team, f"Why did retention drop in Q3? {tag}")
    page.goto(f"{server.base_url}/questions?root={rid}")
    wait_idle(page)
    _pick(page, "Who are you?", "Maya · manager", within=page.get_by_test_id("stSidebar"))
    expect(page.get_by_role("heading", name="Questions", exact=True)).to_be_visible()
    return rid


def _panel(page: Any) -> Any:
    """The import expander, opened."""
    panel = page.get_by_test_id("stExpander").filter(has=page.get_by_text(PANEL, exact=True))
    panel.get_by_text(PANEL, exact=True).click()
    expect(panel.get_by_role("radiogroup")).to_be_visible()
    return panel


def _children(server: Server, parent_id: int) -> list[Question]:
    with Session(server.engine) as session:
        query = select(Question).where(col(Question.parent_id) == parent_id)
        return list(session.exec(query.order_by(col(Question.position))))


def test_a_pasted_outline_is_previewed_and_created_as_a_tree(server: Server, page: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    top, middle, leaf, other = (
        f"Which plans churned? {tag}",
        f"Monthly vs annual {tag}",
        f"Annual renewals {tag}",
        f"Did support tickets rise? {tag}",
    )
    outline = (
        f"- {top} @ines\n  - {middle} priority:high\n    - {leaf} due:2027-03-01\n- {other} @ravi\n"
    )
    rid = _questions_page(server, page, tag)
    panel = _panel(page)
    expect(panel.get_by_role("radio", name=re.compile("^Under “Why did retention"))).to_be_checked()

    panel.get_by_role("textbox", name="Outline").fill(outline)
    click_to_run(page, panel.get_by_role("button", name="Preview"))
    preview = page.locator(".st-key-imp_preview_box")
    expect(panel.get_by_text(re.compile(r"^This creates 4 questions, under “"))).to_be_visible()
    for title in (top, middle, leaf, other):
        expect(preview.get_by_text(title)).to_be_visible()
    expect(preview).to_contain_text(_said(f"{top} — @Ines"))
    expect(preview).to_contain_text(_said(f"{other} — @Ravi"))
    # Indented as the outline was: each level sits further right than the one above.
    lefts = [preview.get_by_text(t).bounding_box()["x"] for t in (top, middle, leaf)]
    assert lefts[0] < lefts[1] < lefts[2], lefts
    assert _children(server, rid) == []  # a preview writes nothing

    click_to_run(page, panel.get_by_role("button", name="Create 4 questions"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Imported 4 new questions under “Why did retention drop in Q3? {tag}”."
    )
    # The tree shows them at once (two levels down); the third opens from the second.
    expect(panel.get_by_role("textbox", name="Outline")).to_have_value("")
    tree = page.get_by_role("tabpanel", name="Tree")
    for title in (top, middle, other):
        expect(tree.get_by_role("button", name=title, exact=True)).to_be_visible()
    click_to_run(page, tree.get_by_role("button", name=middle, exact=True))
    expect(tree.get_by_role("button", name=leaf, exact=True)).to_be_visible()

    children = _children(server, rid)
    assert [c.title for c in children] == [top, other]
    [grandchild] = _children(server, children[0].id or 0)
    assert grandchild.title == middle
    assert [c.title for c in _children(server, grandchild.id or 0)] == [leaf]
    assert (children[0].assignee_id, children[1].assignee_id) == (
        server.team.ic,
        server.team.other_ic,
    )


def _jira(tag: str) -> bytes:
    """A Jira Cloud export's shape: 'Parent' holds the parent's Issue id."""
    return (
        "Summary,Issue key,Issue id,Issue Type,Status,Assignee,Priority,Due date,Parent,"
        "Custom field (Technique),Description\n"
        f"Why did churn rise? {tag},RET-1,10001,Epic,To Do,ines@example.com,High,"
        "2027-01-15,,,Asked by the CFO\n"
        f"Which plans churned? {tag},RET-2,10002,Story,In Progress,Ravi,Medium,,10001,"
        'statistics,"Monthly, annual\nand trial plans"\n'
        f"Monthly vs annual {tag},RET-3,10003,Sub-task,Done,,Low,,10002,,\n"
    ).encode()


def _upload(page: Any, panel: Any, data: bytes) -> None:
    files = panel.locator(".st-key-imp_csv_file input[type=file]")
    files.set_input_files({"name": "jira-export.csv", "mimeType": "text/csv", "buffer": data})
    wait_idle(page)
    expect(panel.get_by_role("button", name="Check the file (dry run)")).to_be_visible()


def test_a_jira_csv_is_mapped_checked_imported_and_imported_again(
    server: Server, page: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    data = _jira(tag)
    rid = _questions_page(server, page, tag)
    panel = _panel(page)
    panel.get_by_role("tab", name="CSV from a tracker or sheet").click()
    _upload(page, panel, data)

    expect(panel.get_by_text("3 rows, 11 columns", exact=False)).to_be_visible()
    guesses = {
        "Title": "Summary",
        "External key": "Issue key",
        "Parent key": "Parent",
        "Assignee (email or name)": "Assignee",
        "Status": "Status",
        "Priority": "Priority",
        "Due date": "Due date",
        "Technique": "Custom field (Technique)",
        "Context": "Description",
    }
    for label, column in guesses.items():
        expect(panel.get_by_role("combobox", name=label, exact=True)).to_have_value(column)
    expect(panel.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    click_to_run(page, panel.get_by_role("button", name="Check the file (dry run)"))
    preview = page.locator(".st-key-imp_preview_box")
    expect(panel.get_by_text(re.compile(r"^This creates 3 questions, under “"))).to_be_visible()
    expect(preview).to_contain_text(
        _said(f"Why did churn rise? {tag} — @Ines · high priority · due 2027-01-15 · open")
    )
    expect(preview).to_contain_text(
        _said(f"Which plans churned? {tag} — @Ravi · statistics · medium priority · in progress")
    )
    assert _children(server, rid) == []

    click_to_run(page, panel.get_by_role("button", name="Import 3 rows"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Imported 3 new questions under “Why did retention drop in Q3? {tag}”."
    )
    [epic] = _children(server, rid)
    assert epic.title == f"Why did churn rise? {tag}"
    [story] = _children(server, epic.id or 0)
    assert story.context == "Monthly, annual\nand trial plans"
    tree = page.get_by_role("tabpanel", name="Tree")
    expect(
        tree.get_by_role("button", name=f"Why did churn rise? {tag}", exact=True)
    ).to_be_visible()

    # The same export again: its keys are known, so it updates (here: changes nothing).
    panel = _panel_again(page)
    panel.get_by_role("tab", name="CSV from a tracker or sheet").click()
    _upload(page, panel, data)
    # The pickers come back as the server holds them (they once came back on their first
    # option, "(not imported)", and the next click sent that for every field).
    for label, column in guesses.items():
        expect(panel.get_by_role("combobox", name=label, exact=True)).to_have_value(column)
    click_to_run(page, panel.get_by_role("button", name="Check the file (dry run)"))
    expect(panel.get_by_text(re.compile(r"and update 3 imported before"))).to_be_visible()
    click_to_run(page, panel.get_by_role("button", name="Import 3 rows"))
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Imported 0 new questions, updated 0, left 3 unchanged"
    )
    with Session(server.engine) as session:
        count = len(session.exec(select(Question.id)).all())
        keys = session.exec(select(QuestionKey.key, QuestionKey.question_id)).all()
    assert count == 4  # the general question and the three imported once
    assert {key: q for key, q in keys if key.startswith("RET-")} == {
        "RET-1": epic.id,
        "RET-2": story.id,
        "RET-3": _children(server, story.id or 0)[0].id,
    }


def _panel_again(page: Any) -> Any:
    """The import expander, opened if the rerun closed it."""
    panel = page.get_by_test_id("stExpander").filter(has=page.get_by_text(PANEL, exact=True))
    if not panel.get_by_role("radiogroup").is_visible():
        panel.get_by_text(PANEL, exact=True).click()
    expect(panel.get_by_role("radiogroup")).to_be_visible()
    return panel
