"""Search in a real browser over the demo team, as its manager: words typed in the
sidebar's box and Enter open Search with the words in the address; Filters narrow the
hits to findings; a finding's link opens Questions with that finding's card open. The
address is worth sharing: opened in another browser (signed in there), it shows the
same first hit. And the hostile corpus, found by words next to its markup, shows as
text (the watch of tests/e2e/hostile.py)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import Session

from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.vocabulary import Role
from tests.e2e import hostile as h
from tests.e2e.conftest import IDLE_TIMEOUT, RUN_WATCHER, Server, wait_idle
from tests.e2e.payloads import BY_NAME, markdown_corpus, normalise
from tests.e2e.walk import DemoServer
from tests.factories import root

WORDS = "churn"
CARDS = """() => [...document.querySelectorAll('[class*="st-key-hit_"]')]
  .map((el) => [...el.classList].find((c) => c.startsWith('st-key-hit_')))
  .map((name) => name.slice('st-key-'.length))"""


def _sign_in(page: Any, demo: DemoServer, url: str) -> None:
    """Open ``url`` and pick the demo's manager in the sidebar's "Who are you?"."""
    page.goto(url)
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").get_by_role("combobox").click()
    page.get_by_role("option").filter(has_text=f"{demo.people[Role.MANAGER]} · ").first.click()
    wait_idle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def _cards(page: Any) -> list[str]:
    """The result cards' keys (``hit_<kind>_<id>``), top to bottom."""
    expect(page.locator('[class*="st-key-hit_"]').first).to_be_visible()
    keys: list[str] = page.evaluate(CARDS)
    return keys


def _choose_kind(page: Any, label: re.Pattern[str]) -> None:
    """Open Filters (if closed) and pick ``label`` in the Kind facet."""
    filters = page.get_by_test_id("stExpander").filter(has=page.locator(".st-key-search_f_kind"))
    if filters.locator("details").get_attribute("open") is None:
        filters.locator("summary").click()
    box = page.locator(".st-key-search_f_kind").get_by_role("combobox")
    # The list can be redrawn under the pointer as it opens (its option detached before
    # the click lands): open it again rather than wait for an option that is gone.
    for attempt in range(3):
        box.click()
        try:
            page.get_by_role("option", name=label).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wait_idle(page)
    page.keyboard.press("Escape")  # close the list of options


def test_search_from_the_sidebar_to_a_finding_and_a_shared_address(
    demo_server: DemoServer, page: Any
) -> None:
    _sign_in(page, demo_server, demo_server.base_url)
    box = page.get_by_test_id("stSidebar").get_by_placeholder("Search everything")
    box.fill(WORDS)
    box.press("Enter")
    wait_idle(page)

    # On Search, with the words in the address and in the page's own box.
    expect(page).to_have_url(re.compile(rf"/search\?(.*&)?q={WORDS}(&|$)"))
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    expect(page.locator(".st-key-search_q input")).to_have_value(WORDS)
    expect(box).to_have_value("")
    everything = _cards(page)
    shared, first = page.url, everything[0]
    assert len({key.rsplit("_", 1)[0] for key in everything}) > 1  # more than one kind

    # Filters: Kind = finding leaves findings only.
    _choose_kind(page, re.compile(r"^Finding \(\d+\)$"))
    expect(page.get_by_test_id("stExpander").locator("summary")).to_contain_text("Filters (1 on)")
    found = _cards(page)
    assert found and all(key.startswith("hit_finding_") for key in found), found
    assert found == [key for key in everything if key.startswith("hit_finding_")]
    expect(page.get_by_text(f"{len(found)} matches", exact=True)).to_be_visible()

    # A finding's link opens Questions with that finding's card open.
    fid = found[0].rsplit("_", 1)[-1]
    link = page.locator(f".st-key-{found[0]}").get_by_test_id("stPageLink").get_by_role("link")
    link.click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(rf"/questions\?(.*&)?finding={fid}(&|$)"))
    card = page.locator(f".st-key-finding_card_{fid}")
    expect(card.locator("details")).to_have_attribute("open", "")
    details = card.get_by_test_id("stExpanderDetails")
    expect(details).to_be_visible()
    expect(details).to_contain_text(re.compile(WORDS, re.IGNORECASE))

    # The address of the search, opened in another browser, shows the same first hit.
    other = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        other.set_default_timeout(IDLE_TIMEOUT)
        other.add_init_script(RUN_WATCHER)
        again = other.new_page()
        _sign_in(again, demo_server, shared)
        expect(again).to_have_url(re.compile(rf"/search\?(.*&)?q={WORDS}(&|$)"))
        assert _cards(again)[0] == first
    finally:
        other.close()


# Searched for: words of the corpus next to markup (a directive's name and its text, a
# tag, its handler and what it sets, a link's scheme, a LaTeX command), each with what
# its snippet must show as typed before it, if anything (compared as a reader sees it).
HOSTILE_WORDS = {
    "red": "",
    "alarm": ":red[alarm",
    "calm": ":blue-background[calm",
    "pwned": "",
    "onerror": "",
    "img": "",
    "javascript": "",
    "includegraphics": "\\includegraphics",
}


def test_hostile_text_found_by_search_is_shown_as_text(server: Server, page: Any) -> None:
    """A finding whose summary and body hold the hostile corpus, found by words next to
    its markup: nothing runs, loads or is created, the words found are marked, and the
    markup around them shows as typed."""
    with Session(server.engine) as session:
        question = root(session, server.team)
        made = findings.log_finding(
            session,
            server.team.manager,
            question_id=question,
            data=FindingInput(BY_NAME["img_onerror"].line, body=markdown_corpus()),
        )
    seen = h.watch(page)
    page.goto(server.base_url)
    wait_idle(page)
    h.be(page, "Maya · manager")
    box = page.get_by_test_id("stSidebar").get_by_placeholder("Search everything")
    for word in HOSTILE_WORDS:
        box.fill(word)
        box.press("Enter")
        wait_idle(page)
        expect(page).to_have_url(re.compile(rf"/search\?(.*&)?q={word}(&|$)"))
        card = page.locator(f".st-key-hit_finding_{made.id}")
        expect(card).to_be_visible()
        h.assert_harmless(page, seen)
        snippet = card.get_by_test_id("stMarkdownContainer").last
        marked = snippet.locator("strong").all_inner_texts()  # the highlighted words
        assert marked and {m.lower() for m in marked} == {word}, (word, marked)
        typed = HOSTILE_WORDS[word]
        assert typed in normalise(snippet.inner_text()), (word, snippet.inner_text())
