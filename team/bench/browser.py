"""--browser: the app served as `team run` serves it, over the largest database, and a
bare Streamlit server, both loaded in Debian's Chromium (Playwright). Time to idle: from
the start of the navigation (or the click) until the app's script state is back to
``notRunning``; peak memory: the server's VmHWM (children included)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from team.bench.databases import BenchError
from team.bench.measure import APP, BARE_PAGE
from team.config import CONFIG_ENV
from team.ui.serve import command as app_command

ROOT = APP.parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 120.0  # seconds
IDLE_TIMEOUT = 600_000  # ms: a slow page at L is a result, not an error
FIND_TIMEOUT = 60_000  # ms for the person picker to show the person
SETTLE_MS = 500  # notRunning must hold this long (a script's own st.rerun follows)
# Notes when the app's run state last changed (the page's Date.now() clock).
RUN_WATCHER = """
(() => {
  window.__benchChanged = 0;
  window.__benchRuns = 0;
  new MutationObserver((records) => {
    for (const r of records) {
      const now = r.target.getAttribute("data-test-script-state");
      if (now === r.oldValue) continue;
      window.__benchChanged = Date.now();
      if (now === "running") window.__benchRuns += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ["data-test-script-state"]});
})();
"""
IDLE = f"""(since) => {{
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__benchRuns > 0 && window.__benchChanged >= since
    && app?.getAttribute('data-test-script-state') === 'notRunning'
    && Date.now() - window.__benchChanged >= {SETTLE_MS};
}}"""


@dataclass(frozen=True)
class Load:
    """One fresh session: ms from navigation to idle, then (app only) from picking the
    person to idle on Overview."""

    open_ms: float
    pick_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.open_ms + self.pick_ms


@dataclass(frozen=True)
class BrowserResult:
    app: list[Load]  # the first after the server started (cold caches), then the others
    bare: list[Load]
    app_peak_kb: int
    bare_peak_kb: int

    def lines(self, size: str) -> list[str]:
        def ratio(a: float, b: float) -> str:
            return f"{a / b:.2f}x" if b > 0 else "-"

        def line(name: str, app: list[Load], bare: list[Load]) -> str:
            a = statistics.median(x.total_ms for x in app)
            b = statistics.median(x.total_ms for x in bare)
            opened = statistics.median(x.open_ms for x in app)
            picked = statistics.median(x.pick_ms for x in app)
            return (
                f"  {name:<12} {a:8.0f} ms (open {opened:.0f} + pick {picked:.0f}) vs "
                f"{b:6.0f} ms  {ratio(a, b)}"
            )

        return [
            f"browser: Overview at {size} (open the app, pick the person in the sidebar, "
            "until the script is idle) against a bare Streamlit page",
            line("first load", self.app[:1], self.bare[:1]),
            line("later loads", self.app[1:], self.bare[1:]) + " (medians)",
            f"  server peak memory (VmHWM) {self.app_peak_kb / 1024:.0f} MiB vs "
            f"{self.bare_peak_kb / 1024:.0f} MiB  {ratio(self.app_peak_kb, self.bare_peak_kb)}",
        ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(c) for c in text.split()]
    return found + [g for c in found for g in _children(c)]


def peak_kb(pid: int) -> int:
    """The peak resident memory (VmHWM) of ``pid`` and its children, in KiB."""
    total = 0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise BenchError(f"The Streamlit server exited at start; its log ends:\n{tail}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise BenchError(
        f"The Streamlit server at {base} did not start within {STARTUP_TIMEOUT:.0f} s."
    )


@contextmanager
def serve(config: Path | None, log: Path) -> Iterator[tuple[str, int]]:
    """On a free loopback port, the app as `team run` serves it (``config`` given), or
    ``streamlit run`` of a bare page (None): yields (base URL, pid)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "TEAM_"))}
    flags = ["--server.address", "127.0.0.1", "--server.port", str(port)]
    flags += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    flags += ["--server.fileWatcherType", "none"]
    if config is not None:
        env[CONFIG_ENV] = str(config)
        command = app_command(*flags)
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(BARE_PAGE), *flags]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, process, log)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _idle_since(page: Any, since: float) -> float:
    """Wait until idle after ``since`` (page clock, ms); ms from ``since`` to idle."""
    page.wait_for_function(IDLE, arg=since, timeout=IDLE_TIMEOUT, polling=50)
    return float(page.evaluate("() => window.__benchChanged")) - since


def _load(browser: Any, base: str) -> tuple[Any, Any, float]:
    """A fresh session on ``base``: (context, page, ms from navigation start to idle)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RUN_WATCHER)
    page = context.new_page()
    page.goto(base, timeout=IDLE_TIMEOUT)
    start = float(page.evaluate("() => performance.timeOrigin"))
    return context, page, _idle_since(page, start)


def _pick_person(page: Any, option: str) -> float:
    """Pick ``option`` in the sidebar's "Who are you?"; ms from the click to idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    box.get_by_role("combobox").click()
    box.get_by_role("combobox").fill(option.split(" · ")[0])
    choice = page.get_by_role("option", name=option, exact=True)
    try:
        choice.wait_for(timeout=FIND_TIMEOUT)
    except PlaywrightTimeout:
        raise BenchError(
            f"The sidebar's person picker does not offer {option!r}; is the app in local mode?"
        ) from None
    since = float(page.evaluate("() => Date.now()"))
    choice.click()
    took = _idle_since(page, since)
    if not page.get_by_role("heading", name="Overview").first.is_visible():
        raise BenchError(f"After picking {option!r} the app did not show the Overview.")
    return took


def _launch(pw: Any) -> Any:
    path = os.environ.get("TEAM_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(path).is_file():
        raise BenchError(
            f"Chromium not found at {path}; install Debian's chromium or set TEAM_CHROMIUM."
        )
    return pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


def _times(browser: Any, base: str, repeat: int, person: str | None) -> list[Load]:
    found = []
    for _ in range(repeat + 1):
        context, page, opened = _load(browser, base)
        try:
            picked = _pick_person(page, person) if person is not None else 0.0
        finally:
            context.close()
        found.append(Load(opened, picked))
    return found


def measure_browser(config: Path, person: str, folder: Path, repeat: int) -> BrowserResult:
    """Load Overview as ``person`` (their picker label, e.g. "Maya · manager") from the
    app configured by ``config``, and a bare page, ``repeat`` + 1 times each."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BenchError(
            "Playwright is not installed; run `pip install -e '.[dev]'` or drop --browser."
        ) from None
    with sync_playwright() as pw:
        browser = _launch(pw)
        try:
            with serve(config, folder / "app-server.log") as (base, pid):
                app = _times(browser, base, repeat, person)
                app_peak = peak_kb(pid)
            with serve(None, folder / "bare-server.log") as (base, pid):
                bare = _times(browser, base, repeat, None)
                bare_peak = peak_kb(pid)
        finally:
            browser.close()
    return BrowserResult(app, bare, app_peak, bare_peak)
