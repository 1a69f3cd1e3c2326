"""Browser fixtures: the real Streamlit server over a seeded SQLite database, driven by
Debian's Chromium through Playwright. Every test here is marked ``browser``; one that
cannot run skips on a laptop and fails in CI (see ``tests.conftest.skip_or_fail``)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

# One definition of how Chromium runs here, shared with `team bench --browser`.
from team.bench.browser import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from team.db import make_engine
from team.ui import serve
from tests.conftest import migrated_copy, skip_or_fail
from tests.factories import Team, make_team

if TYPE_CHECKING:
    from tests.e2e.walk import DemoServer, Walk

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_TIMEOUT = 60.0  # seconds for the server to answer its health check
IDLE_TIMEOUT = 30_000  # milliseconds for one script run to finish
EXPECT_TIMEOUT = 15_000  # milliseconds for an expect() to come true (slow CI machines)
APP_SELECTOR = '[data-testid="stApp"]'
# Installed in every page before the app loads: counts the app's script runs and notes
# when its run state last changed (see wait_idle).
RUN_WATCHER = """
(() => {
  window.__teamRuns = 0;
  window.__teamSeen = 0;
  window.__teamChanged = Date.now();
  new MutationObserver((records) => {
    for (const r of records) {
      const now = r.target.getAttribute("data-test-script-state");
      if (now === r.oldValue) continue;
      window.__teamChanged = Date.now();
      if (now === "running") window.__teamRuns += 1;
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so ``page`` can tell that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass(frozen=True)
class Server:
    base_url: str
    url: str
    engine: Engine
    team: Team
    log: Path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("TEAM_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(path).is_file():
        skip_or_fail(
            f"Chromium not found at {path}; install Debian's chromium or set TEAM_CHROMIUM"
        )
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"The server exited with code {process.returncode}; log tail:\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"The server did not answer {base_url}/_stcore/health within {STARTUP_TIMEOUT:.0f} s; "
        f"log tail:\n{_tail(log)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is not None and bool(report.failed)


def _artifact(request: pytest.FixtureRequest, suffix: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    return ARTIFACTS / f"{name}{suffix}"


@pytest.fixture
def server(
    tmp_path: Path, request: pytest.FixtureRequest, sqlite_template: Path
) -> Iterator[Server]:
    """A real ``streamlit run app.py`` on a free loopback port over a seeded database."""
    url = migrated_copy(sqlite_template, tmp_path / "e2e.db")
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: local\n", encoding="utf-8")
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        team = make_team(session)

    log = tmp_path / "server.log"
    try:
        with streamlit_server(config, log) as base_url:
            yield Server(base_url=base_url, url=url, engine=engine, team=team, log=log)
    finally:
        engine.dispose()
        if _failed(request):
            shutil.copyfile(log, _artifact(request, "-server.log"))


@contextlib.contextmanager
def streamlit_server(
    config: Path, log: Path, *, port: int | None = None, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """The app, served as `team run` serves it, with ``config`` on a loopback port (free
    unless given), until the block ends; yields its base URL once it answers its health
    check."""
    port = port or _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TEAM_CONFIG": str(config)}
    for name in ("TEAM_DATABASE_URL", "STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS"):
        env.pop(name, None)
    command = serve.command(
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Source edits made while the test runs must not unload the app's modules:
        # Streamlit would re-import team.models and SQLModel would refuse the tables.
        "--server.fileWatcherType",
        "none",
        *extra,
    )
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(base_url, process, log)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def demo_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    """The app over the demo team, for the whole session (tests/e2e/walk.py)."""
    from tests.e2e.walk import serve_demo

    with serve_demo(sqlite_template, tmp_path_factory.mktemp("demo")) as demo:
        yield demo


@pytest.fixture(scope="module")
def walk(demo_server: DemoServer, chromium_path: str) -> Iterator[Walk]:
    """Every page of the demo team per role and width, one browser per module."""
    from tests.e2e.walk import open_walk

    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("Playwright is not installed (pip install -e '.[dev]')")
    with open_walk(demo_server, chromium_path) as walker:
        yield walker


@pytest.fixture
def page(chromium_path: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh Playwright page in headless Chromium; a screenshot is kept on failure."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -e '.[dev]')")
    expect.set_options(timeout=EXPECT_TIMEOUT)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(IDLE_TIMEOUT)
        context.add_init_script(RUN_WATCHER)
        tab = context.new_page()
        try:
            yield tab
        finally:
            if _failed(request):
                try:
                    tab.screenshot(path=str(_artifact(request, ".png")), full_page=True)
                except Exception as exc:  # a failed screenshot must not hide the failure
                    print(f"could not save a screenshot: {exc}", file=sys.stderr)
            context.close()
            browser.close()


def click_to_run(page: Any, target: Any, *, started_within: int = 20_000) -> None:
    """Click ``target`` (a button that must start a script run) and wait until that run
    is over. If no run starts in ``started_within`` ms the click was lost (seen once on a
    loaded CI machine: a form submit that never reached the server), so click once more.
    The wait is long: a click whose run was only slow to show (seen once with 10 s: the
    form was submitted twice, and the second refused) must not be sent again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate("() => window.__teamRuns ?? 0")
    target.click()
    try:
        page.wait_for_function(
            f"() => (window.__teamRuns ?? 0) > {before}", timeout=started_within, polling=50
        )
    except PlaywrightTimeout:
        target.click()
    wait_idle(page)


def wait_idle(
    page: Any,
    *,
    started_within: int = 3_000,
    settle: int = 300,
    timeout: int = IDLE_TIMEOUT,
) -> None:
    """Wait until the script runs that the last action triggered are over.

    ``RUN_WATCHER`` counts every switch of the app to ``running``, so a run is seen even
    if it ends between two polls. First wait (briefly) for a run newer than the last
    wait, as the click that triggers it may not have reached the server yet; then for
    ``notRunning`` to hold for ``settle`` ms, so a script's own ``st.rerun()`` (a second
    run right after the first) is waited for too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # No new run in time: the action needed none, or the server has not started it yet
    # (then the state is still "running" or flips to it within the settle time).
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "() => (window.__teamRuns ?? 0) > (window.__teamSeen ?? 0)",
            timeout=started_within,
            polling=50,
        )
    page.wait_for_function(
        f"""() => {{
            const app = document.querySelector('{APP_SELECTOR}');
            return app?.getAttribute('data-test-script-state') === 'notRunning'
                && Date.now() - (window.__teamChanged ?? 0) >= {settle};
        }}""",
        timeout=timeout,
        polling=50,
    )
    page.evaluate("() => { window.__teamSeen = window.__teamRuns ?? 0; }")


# --------------------------------------------------------------------------- pickers


def choose(page: Any, scope: Any, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` inside ``scope`` (no wait:
    inside a form a choice does not rerun the app). A list that closes before its option
    is clicked (a rerun that ends just then redraws the box; seen about one run in five
    on My work) is opened again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = scope.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    for attempt in range(3):
        box.get_by_role("combobox").click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)


def be(page: Any, who: str) -> None:
    """Switch person with the sidebar's "Who are you?" picker."""
    from playwright.sync_api import expect

    choose(page, page.get_by_test_id("stSidebar"), "Who are you?", who)
    wait_idle(page)
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Who are you?")
    expect(picker).to_have_value(who)
