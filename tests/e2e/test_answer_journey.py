"""The answer journey in a real browser, as the manager takes it: on Answers, Maya sees
the findings beneath a general question with their markers, writes an answer citing two
of them, saves it, edits it (one citation fewer, one unsupported paragraph more), saves
version 2, reads the diff, downloads the memo, and finds the answer's state on Overview.
The database agrees: two versions with the expected citations."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session

from team.services.answers import reads as answers_reads
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.e2e.conftest import Server, click_to_run, wait_idle
from tests.factories import root

ANSWER_LABEL = re.compile(r"^Answer \(Markdown\)")
SAVE = "Save as a new version"


def _choose(page: Any, scope: Any, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` inside ``scope``."""
    box = scope.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def _nav(page: Any, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    wait_idle(page)


def _form(page: Any, key: str) -> Any:
    """The ``st.form`` created with ``key`` (found by its submit button's key class)."""
    submit = page.locator(f'[class*="st-key-FormSubmitter-{key}-"]')
    return page.get_by_test_id("stForm").filter(has=submit)


def _download(page: Any, name: re.Pattern[str]) -> Any:
    """Click a download button and return the download. The file behind a deferred
    download is registered by the run that drew the button, so a click while a rerun
    replaces it can go unanswered: wait for the app to be idle, and click once more if
    nothing arrives (seen once under load)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = page.get_by_role("button", name=name)
    for attempt in range(2):
        wait_idle(page)
        expect(button).to_be_enabled(timeout=30_000)  # disabled while a download is fetched
        try:
            with page.expect_download(timeout=30_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _save(page: Any, rid: int, body: str) -> None:
    """Type ``body`` into the answer editor and submit the form."""
    form = _form(page, f"answer_form_{rid}")
    editor = form.get_by_label(ANSWER_LABEL)
    editor.fill(body)
    expect(editor).to_have_value(body)
    click_to_run(page, form.get_by_role("button", name=SAVE, exact=True))


def _flash(page: Any, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(text)


def _seed(server: Server, title: str, tag: str) -> tuple[int, int, int, int]:
    """A general question, a sub-question assigned to Ines and two findings she logged
    on it (shared, so citable); and another general question, first by title."""
    team = server.team
    with Session(server.engine, expire_on_commit=False) as session:
        root(session, team, f"A question asked first {tag}")
        rid = root(session, team, title)
        (sub,) = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion(f"Which plans churned? {tag}", assignee_id=team.ic)],
        )
        f1 = findings.log_finding(
            session,
            team.ic,
            question_id=sub.id,
            data=findings.FindingInput(summary=f"Monthly plans churn {tag}"),
        ).id
        f2 = findings.log_finding(
            session,
            team.ic,
            question_id=sub.id,
            data=findings.FindingInput(summary=f"Annual plans flat {tag}"),
        ).id
    return rid, sub.id, f1, f2


def test_manager_writes_cites_versions_and_exports_an_answer(
    server: Server, page: Any, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Why did retention drop in Q3? {tag}"
    rid, sub, f1, f2 = _seed(server, title, tag)
    first = f"Monthly plans drove the drop [F{f1}], annual plans did not [F{f2}]."
    kept = f"Monthly plans drove the drop [F{f1}]."
    extra = f"Pricing emails may have played a part {tag}."
    second = f"{kept}\n\n{extra}"

    # Sign in as Maya and open Answers.
    page.goto(server.base_url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    _choose(page, page.get_by_test_id("stSidebar"), "Who are you?", "Maya · manager")
    wait_idle(page)
    _nav(page, "Answers")
    expect(page.get_by_role("heading", name="Answers", exact=True)).to_be_visible()
    picker = page.get_by_role("combobox", name="General question")
    expect(picker).to_be_visible()
    if picker.input_value() != title:
        _choose(page, page, "General question", title)
        wait_idle(page)
    expect(picker).to_have_value(title)
    expect(page).to_have_url(re.compile(rf"[?&]root={rid}\b"))

    # The evidence list shows both findings with the markers that cite them.
    for fid, summary in ((f1, f"Monthly plans churn {tag}"), (f2, f"Annual plans flat {tag}")):
        card = page.locator(f".st-key-evidence_{fid}")
        expect(card).to_contain_text(f"[F{fid}]")
        expect(card).to_contain_text(summary)
    expect(page.get_by_text("No answer yet.", exact=True)).to_be_visible()

    # Version 1 cites both findings.
    _save(page, rid, first)
    _flash(page, "Saved version 1.")
    expect(page.get_by_text(re.compile(r"version 1 · Maya"))).to_be_visible()
    # Each citation says how strong its finding is: both are shared, not yet accepted.
    cites = rf"^Cites: \[F{f1}\]\s*shared only\s*·\s*\[F{f2}\]\s*shared only$"
    expect(page.get_by_text(re.compile(cites))).to_be_visible()
    expect(page.get_by_text("0 of 1 claim rests on reviewed evidence", exact=False)).to_be_visible()
    expect(page.get_by_text("Compare appears once there are two versions.")).to_be_visible()
    expect(page.get_by_text(re.compile("Unsupported"))).to_have_count(0)

    # Version 2 drops one citation and adds a paragraph that cites nothing.
    editor = _form(page, f"answer_form_{rid}").get_by_label(ANSWER_LABEL)
    expect(editor).to_have_value(first)  # the editor starts from the latest version
    _save(page, rid, second)
    _flash(page, "Saved version 2.")
    expect(page.get_by_text(re.compile(r"version 2 · Maya"))).to_be_visible()
    cites = rf"^Cites: \[F{f1}\]\s*shared only$"
    expect(page.get_by_text(re.compile(cites))).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text=extra)).to_be_visible()
    # A marker the version cites is a link to the finding's card on Questions.
    body = page.get_by_role("paragraph").filter(has_text="Monthly plans drove the drop")
    marker = body.get_by_role("link", name=f"[F{f1}]", exact=True)
    card_address = re.compile(rf"questions\?root={rid}&node={sub}&finding={f1}$")
    expect(marker).to_have_attribute("href", card_address)
    expect(page.get_by_text(re.compile(r"Unsupported: this paragraph cites no"))).to_have_count(1)

    # The Versions section compares 1 -> 2: the dropped citation and the text diff.
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    expect(page.get_by_role("combobox", name="From version")).to_have_value("1")
    expect(page.get_by_role("combobox", name="To version")).to_have_value("2")
    expect(page.get_by_text(f"Citations: removed [F{f2}]", exact=True)).to_be_visible()
    diff = page.get_by_test_id("stCode")
    expect(diff).to_contain_text(f"-{first}")
    expect(diff).to_contain_text(f"+{kept}")
    expect(diff).to_contain_text(f"+{extra}")

    # The memo download: answer first, then evidence with both markers, then gaps.
    download = _download(page, re.compile(r"Download the memo \(Markdown\)"))
    wait_idle(page)  # a download button may rerun the app
    assert download.suggested_filename == f"memo-question-{rid}.md"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    memo = saved.read_text(encoding="utf-8")
    assert memo.startswith(f"# {title}\n")
    assert "## Answer" in memo and "## Evidence" in memo and "## Gaps" in memo
    answer_part = memo.split("## Answer", 1)[1].split("## Supporting arguments", 1)[0]
    assert second in answer_part
    assert "version 2, Maya" in answer_part
    assert first not in memo
    evidence = memo.split("## Evidence", 1)[1].split("## Gaps", 1)[0]
    assert f"**\\[F{f1}\\]** Monthly plans churn {tag}" in evidence
    assert f"**\\[F{f2}\\]** Annual plans flat {tag}" in evidence
    gaps = memo.split("## Gaps", 1)[1]
    assert f"- Which plans churned? {tag} (open; Ines)" in gaps  # still open: a gap

    # Overview shows the answer's state (the default: a working hypothesis).
    _nav(page, "Overview")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    row = page.locator(f".st-key-overview_row_{rid}")
    expect(row.get_by_role("link", name=title)).to_be_visible()
    expect(
        row.get_by_text(re.compile(r"Answer: working hypothesis · confidence low"))
    ).to_be_visible()

    # Back on Answers from the sidebar (which drops ?root=), the same question opens,
    # not the first general question by title.
    _nav(page, "Answers")
    expect(page.get_by_role("combobox", name="General question")).to_have_value(title)
    expect(page).to_have_url(re.compile(rf"[?&]root={rid}\b"))

    # The citation opens (in a new tab, as Markdown links do) the finding's card.
    with page.context.expect_page() as opened:
        marker.click()
    card_tab = opened.value
    card_tab.wait_for_load_state()
    wait_idle(card_tab)
    expect(card_tab).to_have_url(card_address)
    _choose(card_tab, card_tab.get_by_test_id("stSidebar"), "Who are you?", "Maya · manager")
    wait_idle(card_tab)
    card = card_tab.get_by_test_id("stExpander").filter(has_text=f"Monthly plans churn {tag}")
    expect(card.get_by_text(re.compile(r"· by Ines · "))).to_be_visible()  # open: details

    # The database agrees: two versions, never overwritten, with their citations.
    with Session(server.engine) as session:
        history = answers_reads.versions(session, question_id=rid)
    assert [v.number for v in history] == [1, 2]
    assert [v.body for v in history] == [first, second]
    assert history[0].finding_ids == (f1, f2)
    assert history[1].finding_ids == (f1,)
    assert all(v.author_id == server.team.manager for v in history)
    assert all(v.state == "working_hypothesis" for v in history)
