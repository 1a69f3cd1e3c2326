"""A walk over every page of the demo team, as a manager, an IC and a viewer see it, at
a desktop's 1440 px and a phone's 390 px: what the layout checks find on each page and
in each of its tabs, the words a person can read there, and a screenshot of every page
(test-artifacts/layout/<page>-<role>-<width>.png, one more per tab). A page that
shows little until asked (Search) is visited as a person uses it: see ``ARRIVALS``.

One server over the demo team serves the whole test session (``demo_server`` in
conftest.py); one browser serves a test module (``walk``), with one signed-in tab per
role that moves from page to page through the sidebar. A visit is remembered for the
session, so the layout test and the words test share one walk: whichever asks first
takes it."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from team.db import make_engine
from team.demo.load import load_demo
from team.models import Person
from team.ui.navigation import page_names_for, title_of
from team.vocabulary import Role
from tests.conftest import migrated_copy
from tests.e2e.conftest import (
    ARTIFACTS,
    EXPECT_TIMEOUT,
    IDLE_TIMEOUT,
    RUN_WATCHER,
    click_to_run,
    streamlit_server,
    wait_idle,
)

ROLES = (Role.MANAGER, Role.IC, Role.VIEWER)
WIDTHS = (1440, 390)
HEIGHTS = {1440: 900, 390: 844}  # a laptop's window; a phone's screen
DESKTOP = WIDTHS[0]
TALLEST = 12_000  # px: a screenshot of a longer page stops there
SHOTS = ARTIFACTS / "layout"
MIN_WIDTH = 40  # px: text narrower than this is squeezed...
MAX_CHARS = 3  # ...once it holds more than this many characters
LAYOUT_CHECKS = (Path(__file__).with_name("layout_checks.js")).read_text(encoding="utf-8")

# Every page each role may open, as (page, role): the parameters of the tests.
STOPS = [(name, role) for role in ROLES for name in page_names_for(role)]

# True once the page has drawn what its last run sent: no stale element, every grid,
# chart and diagram on screen drawn, fonts loaded, no transition (a sidebar sliding shut)
# half-way.
SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app?.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.fonts.status !== 'loaded') return false;
  const shown = (el) => el.getBoundingClientRect().width > 0 && el.checkVisibility();
  // A grid draws its canvas, then (a little later) its cells' table for screen readers.
  const drawn = [
    ['[data-testid="stDataFrame"]', 'canvas'],
    ['[data-testid="stDataFrame"]', 'table'],
    ['[data-testid="stVegaLiteChart"]', 'canvas, svg'],
    ['[data-testid="stGraphVizChart"]', 'svg'],
  ];
  for (const [outer, inner] of drawn) {
    for (const el of document.querySelectorAll(outer)) {
      if (shown(el) && !el.querySelector(inner)) return false;
    }
  }
  return document.getAnimations().every((a) => {
    const timing = a.effect?.getComputedTiming();
    return a.playState !== 'running' || !timing || timing.iterations === Infinity;
  });
}"""
FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# The words on screen: the page's text, the cells of every grid on screen (drawn on a
# canvas; Glide keeps them in a table for screen readers) and the text of diagrams.
VISIBLE_TEXT = """() => {
  const parts = [document.body.innerText];
  const shown = (el) => el.getBoundingClientRect().width > 0 && el.checkVisibility();
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!shown(grid)) continue;
    for (const row of grid.querySelectorAll('tr')) {
      parts.push([...row.children].map((cell) => cell.textContent).join(' | '));
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (shown(svg) && svg.querySelector('text')) parts.push(svg.textContent);
  }
  return parts.join('\\n');
}"""
# The labels of each tab list on screen, outermost first.
TAB_LISTS = """() => [...document.querySelectorAll('[data-testid="stMain"] [role="tablist"]')]
  .filter((list) => list.checkVisibility())
  .map((list) => [...list.querySelectorAll('[role="tab"]')].map((tab) => tab.innerText.trim()))"""


@dataclass(frozen=True)
class DemoServer:
    """The app over the demo team; ``people`` is who signs in for each role."""

    base_url: str
    people: dict[Role, str]
    log: Path
    visits: dict[tuple[str, Role, int], Visit] = field(default_factory=dict)


@dataclass(frozen=True)
class View:
    """A page as it stands, with one of its tabs open (``tab`` None: as it opened):
    what the layout checks found, the words on screen, the files its download buttons
    give (at the desktop width only: file name -> text) and its screenshot."""

    tab: str | None
    problems: list[str]
    text: str
    screenshot: Path
    downloads: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"tab “{self.tab}”" if self.tab else "as it opens"


@dataclass(frozen=True)
class Visit:
    page: str
    role: Role
    width: int
    views: list[View]

    @property
    def name(self) -> str:
        return f"{self.page} as {self.role.value} at {self.width} px"

    def problems(self) -> list[str]:
        return [
            f"{self.name}, {view.where}: {problem}"
            for view in self.views
            for problem in view.problems
        ]


@contextlib.contextmanager
def serve_demo(template: Path, where: Path) -> Iterator[DemoServer]:
    """The app on a loopback port over a fresh copy of the demo team."""
    url = migrated_copy(template, where / "demo.db")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            load_demo(session)
            people = {role: _first(session, role) for role in ROLES}
    finally:
        engine.dispose()
    config = where / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    log = where / "server.log"
    with streamlit_server(config, log) as base_url:
        yield DemoServer(base_url=base_url, people=people, log=log)


def _first(session: Session, role: Role) -> str:
    """The first active person of ``role`` (by id): whom the walk signs in as."""
    query = (
        select(Person).where(col(Person.role) == role, col(Person.active)).order_by(col(Person.id))
    )
    person = session.exec(query).first()
    assert person is not None, f"the demo team has no active {role.value}"
    return person.name


class Walk:
    """One browser; one tab per role, signed in, moved from page to page."""

    def __init__(self, demo: DemoServer, browser: Any) -> None:
        self.demo, self.browser = demo, browser
        self.tabs: dict[Role, Any] = {}
        self.at: dict[Role, str] = {}

    def visit(self, page: str, role: Role, width: int) -> Visit:
        """``page`` as ``role`` sees it at ``width`` px (remembered for the session)."""
        key = (page, role, width)
        if key not in self.demo.visits:
            try:
                self.demo.visits[key] = self._visit(page, role, width)
            except Exception as exc:
                self._close(role)  # the next visit starts again from a fresh sign-in
                exc.add_note(
                    f"(visiting {page} as {role.value} at {width} px; server log: {self.demo.log})"
                )
                raise
        return self.demo.visits[key]

    def close(self) -> None:
        for role in list(self.tabs):
            self._close(role)

    # ------------------------------------------------------------------ the walk

    def _visit(self, page: str, role: Role, width: int) -> Visit:
        tab = self._tab(role)
        if self.at.get(role) != page:
            self._resize(tab, DESKTOP)
            link = re.compile(rf"^{re.escape(title_of(page))}( \(\d+\))?$")
            tab.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
            wait_idle(tab)
            self.at[role] = page
            if page in ARRIVALS:
                ARRIVALS[page](tab)
                _settle(tab)
        self._resize(tab, width)
        stem = f"{page}-{role.value}-{width}"
        views = [self._view(tab, None, SHOTS / f"{stem}.png")]
        for labels in tab.evaluate(TAB_LISTS):
            for label in labels[1:]:
                self._open_tab(tab, label)
                views.append(self._view(tab, label, SHOTS / f"{stem}-{_slug(label)}.png"))
            if len(labels) > 1:
                self._open_tab(tab, labels[0])  # as it opened, for the next visit
        return Visit(page=page, role=role, width=width, views=views)

    def _view(self, tab: Any, label: str | None, shot: Path) -> View:
        problems = tab.evaluate(LAYOUT_CHECKS, {"minWidth": MIN_WIDTH, "maxChars": MAX_CHARS})
        text = tab.evaluate(VISIBLE_TEXT)
        self._screenshot(tab, shot)
        wide = tab.viewport_size["width"] == DESKTOP
        return View(
            tab=label,
            problems=[f"{p['check']}: {p['what']}" for p in problems],
            text=text,
            screenshot=shot,
            downloads=self._downloads(tab) if wide else {},
        )

    def _downloads(self, tab: Any) -> dict[str, str]:
        """The file behind every download button on screen, as a person gets it: first
        the buttons that prepare one ("Prepare CSV of all matching changes") are
        clicked."""
        main = tab.get_by_test_id("stMain")
        for prepare in main.get_by_role("button", name=re.compile(r"^Prepare\b")).all():
            if prepare.is_visible():
                click_to_run(tab, prepare)
                _settle(tab)
        files = {}
        for button in main.get_by_test_id("stDownloadButton").get_by_role("button").all():
            if button.is_visible():
                download = _download(tab, button)
                files[download.suggested_filename] = Path(download.path()).read_text(
                    encoding="utf-8", errors="replace"
                )
        return files

    def _tab(self, role: Role) -> Any:
        """The tab signed in as ``role``'s person (signing in on first use)."""
        if role in self.tabs:
            return self.tabs[role]
        context = self.browser.new_context(
            viewport={"width": DESKTOP, "height": HEIGHTS[DESKTOP]}, accept_downloads=True
        )
        context.set_default_timeout(IDLE_TIMEOUT)
        context.add_init_script(RUN_WATCHER)
        tab = context.new_page()
        self.tabs[role] = tab
        tab.goto(self.demo.base_url)
        wait_idle(tab)
        sidebar = tab.get_by_test_id("stSidebar")
        sidebar.get_by_test_id("stSelectbox").get_by_role("combobox").click()
        name = f"{self.demo.people[role]} · "
        tab.get_by_role("option").filter(has_text=name).first.click()
        wait_idle(tab)
        tab.get_by_test_id("stSidebarNav").wait_for(timeout=EXPECT_TIMEOUT)
        self.at[role] = "overview"
        return tab

    def _close(self, role: Role) -> None:
        tab = self.tabs.pop(role, None)
        self.at.pop(role, None)
        if tab is not None:
            tab.context.close()

    def _open_tab(self, tab: Any, label: str) -> None:
        tab.get_by_test_id("stMain").get_by_role("tab", name=label, exact=True).first.click()
        # Most tabs switch in the browser; some (on_change="rerun") start a run at once.
        wait_idle(tab, started_within=1_000)
        _settle(tab)

    def _resize(self, tab: Any, width: int, height: int | None = None) -> None:
        size = {"width": width, "height": height or HEIGHTS[width]}
        if tab.viewport_size != size:
            tab.set_viewport_size(size)
        _settle(tab)

    def _screenshot(self, tab: Any, path: Path) -> None:
        """The whole page: Streamlit scrolls inside its main box, so the viewport is made
        as tall as the content for the picture, then put back."""
        width = tab.viewport_size["width"]
        content = tab.evaluate(
            """() => Math.max(
                document.querySelector('[data-testid="stMain"]')?.scrollHeight ?? 0,
                document.querySelector('[data-testid="stSidebarContent"]')?.scrollHeight ?? 0)"""
        )
        tall = min(max(int(content), HEIGHTS[width]), TALLEST)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._resize(tab, width, tall)
        tab.screenshot(path=str(path))
        self._resize(tab, width)


def _search_with_hits(tab: Any) -> None:
    """Search for words the demo holds (every role finds some), with Filters open: the
    page as it is used, its hits and facets on screen, not its empty box."""
    box = tab.get_by_test_id("stMain").locator(".st-key-search_q input")
    box.fill(SEARCH_WORDS)
    box.press("Enter")
    wait_idle(tab)
    tab.locator('[class*="st-key-hit_"]').first.wait_for(timeout=EXPECT_TIMEOUT)
    filters = tab.get_by_test_id("stExpander").filter(has=tab.locator(".st-key-search_f_kind"))
    if filters.locator("details").get_attribute("open") is None:
        filters.locator("summary").click()
    filters.locator(".st-key-search_f_kind").wait_for(timeout=EXPECT_TIMEOUT)


SEARCH_WORDS = "churn"
# What is done on a page once it is open, before it is looked at (page -> action).
ARRIVALS: dict[str, Callable[[Any], None]] = {"search": _search_with_hits}


def _download(tab: Any, button: Any) -> Any:
    """Click a download button and return the download (click once more if nothing
    arrives). The app's download buttons do not rerun it: a deferred file is registered
    by the run that drew the button, and a rerun started by the click itself could drop
    it, leaving the button spinning (seen once in CI on Answers)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        wait_idle(tab, started_within=1)
        try:
            with tab.expect_download(timeout=IDLE_TIMEOUT // 2) as info:
                button.click()
            download = info.value
            break
        except PlaywrightTimeout:
            if attempt:
                raise
    _settle(tab)
    return download


def _settle(tab: Any) -> None:
    """Wait until the page stands still. A resize starts the sidebar's slide a frame
    or two later, so look twice, a couple of frames apart."""
    for _ in range(2):
        tab.evaluate(FRAMES)
        tab.wait_for_function(SETTLED, timeout=IDLE_TIMEOUT, polling=50)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tab"


@contextlib.contextmanager
def open_walk(demo: DemoServer, chromium_path: str) -> Iterator[Walk]:
    from playwright.sync_api import sync_playwright

    from team.bench.browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        walk = Walk(demo, browser)
        try:
            yield walk
        finally:
            walk.close()
            browser.close()
