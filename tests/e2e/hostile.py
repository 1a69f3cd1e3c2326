"""Helpers of the hostile-input browser test (test_hostile_input.py): a watch on the
page for dialogs, requests outside loopback and injected elements, and small steps
through Streamlit forms that compare text as a reader sees it (see payloads.normalise)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from tests.e2e.conftest import EXPECT_TIMEOUT, Server, click_to_run, wait_idle
from tests.e2e.payloads import PAYLOADS, Payload, markdown_corpus, normalise

LOOPBACK = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)")
LOCAL_SCHEMES = ("data:", "blob:", "about:")
SUSPECT = (
    '[id^="pwned"], [class*="pwned"], form[action*="evil"], iframe, script[src*="evil"], '
    "object, embed, base, [onerror], [onload], [onclick], [onmouseover], "
    'a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]'
)
# Installed before the app loads: records every suspect element as it is added, and
# every element that points a src/srcset/poster/data attribute outside loopback.
OBSERVER = (
    """
(() => {
  const SUSPECT = __SUSPECT__;
  const outside = (v) => v && /^(https?:)?\\/\\//i.test(v)
      && !/^(https?:)?\\/\\/(127\\.0\\.0\\.1|localhost)([:\\/]|$)/i.test(v);
  window.__suspects = [];
  const check = (el) => {
    if (!(el instanceof Element) || el.closest('head')) return;
    const found = [...(el.matches(SUSPECT) ? [el] : []), ...el.querySelectorAll(SUSPECT)];
    for (const x of [el, ...el.querySelectorAll('[src], [srcset], [poster], [data]')]) {
      if (['src', 'srcset', 'poster', 'data'].some((a) => outside(x.getAttribute(a)))) {
        found.push(x);
      }
    }
    for (const x of found) window.__suspects.push(x.outerHTML.slice(0, 160));
  };
  window.__scan = () => check(document.body);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') check(r.target); else r.addedNodes.forEach(check);
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['src', 'srcset', 'href', 'action', 'data']});
})();
"""
).replace("__SUSPECT__", json.dumps(SUSPECT))


def local(url: str) -> bool:
    return bool(LOOPBACK.match(url)) or url.startswith(LOCAL_SCHEMES)


@dataclass
class Watch:
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def watch(page: Any) -> Watch:
    """Record dialogs and non-loopback requests (aborted) from before the app loads."""
    seen = Watch()

    def dialog(d: Any) -> None:
        seen.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def outside(route: Any) -> None:
        seen.outside.append(route.request.url)
        route.abort()

    page.on("dialog", dialog)
    page.on("websocket", lambda ws: None if LOOPBACK.match(ws.url) else seen.outside.append(ws.url))
    page.context.route(lambda url: not local(url), outside)
    page.context.add_init_script(OBSERVER)
    return seen


def assert_harmless(page: Any, seen: Watch) -> None:
    page.evaluate("() => window.__scan()")
    state = page.evaluate("() => ({suspects: window.__suspects, pwned: window.__pwned ?? null})")
    assert state == {"suspects": [], "pwned": None}
    assert seen.dialogs == []
    assert seen.outside == []


# --------------------------------------------------------------------------- the page


def pick(page: Any, label: str, option: str, *, within: Any = None, wait: bool = True) -> None:
    scope = within if within is not None else page
    box = scope.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    if wait:
        wait_idle(page)


def be(page: Any, who: str) -> None:
    pick(page, "Who are you?", who, within=page.get_by_test_id("stSidebar"))
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def nav(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)


def form(page: Any, key: str) -> Any:
    submit = page.locator(f'[class*="st-key-FormSubmitter-{key}-"]')
    return page.get_by_test_id("stForm").filter(has=submit)


def submit(page: Any, scope: Any, button: str) -> None:
    click_to_run(page, scope.get_by_role("button", name=button, exact=True))


def shows(page: Any, where: Any, text: str) -> None:
    """``where`` comes to show ``text`` (compared as the reader sees it: see normalise)."""
    expect(where).to_be_visible()
    deadline, wanted = time.monotonic() + EXPECT_TIMEOUT / 1000, normalise(text)
    while wanted not in (shown := normalise(where.inner_text())):
        if time.monotonic() > deadline:
            raise AssertionError(f"{wanted!r} is not shown in {shown!r}")
        page.wait_for_timeout(200)


def flash(page: Any, text: str) -> None:
    shows(page, page.get_by_test_id("stAlertContentSuccess"), text)


def error(page: Any, text: str) -> None:
    shows(page, page.get_by_test_id("stAlertContentError").first, text)


def framed(name: str, payloads: list[Payload] | None = None) -> str:
    """The corpus framed by markers that name the field, for :func:`rendered`."""
    return f"BEGIN-{name}\n\n{markdown_corpus(payloads)}\n\nEND-{name}"


RENDERED = """
(name) => {
  const all = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')];
  let el = all.find((e) => e.innerText.includes('BEGIN-' + name));
  while (el && !el.innerText.includes('END-' + name)) el = el.parentElement;
  return el ? el.innerText : null;
}
"""


def rendered(page: Any, name: str) -> str:
    """The text shown between a field's markers (see :func:`framed`)."""
    marker = page.get_by_test_id("stMarkdownContainer").filter(has_text=f"BEGIN-{name}")
    expect(marker.first).to_be_visible()
    text = page.evaluate(RENDERED, name)
    assert text is not None, f"{name}: its rendering was not found"
    return normalise(text)


def shows_corpus(page: Any, name: str, payloads: list[Payload] | None = None) -> None:
    """Every payload shows as text in the field's rendering. Code blocks are drawn by a
    highlighter loaded on first use, so the text is read again until it is complete."""
    deadline = time.monotonic() + EXPECT_TIMEOUT / 1000
    while True:
        text = rendered(page, name)
        missing = [p.name for p in payloads or PAYLOADS if p.markdown_shows not in text]
        if not missing or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert missing == [], f"{name}: not shown as text: {missing}\n{text}"


def stored(payloads: list[Payload] | None = None) -> str:
    return "\n\n".join(p.body for p in payloads or PAYLOADS)


def framed_stored(name: str) -> str:
    return f"BEGIN-{name}\n\n{stored()}\n\nEND-{name}"


def count(server: Server, model: type[SQLModel], where: Any = None) -> int:
    query = select(func.count()).select_from(model)
    with Session(server.engine) as session:
        return int(session.scalar(query if where is None else query.where(where)) or 0)


def rows(server: Server, query: Any) -> list[Any]:
    with Session(server.engine) as session:
        return list(session.scalars(query).all())


def typed_line(p: Payload) -> str:
    """What is pasted on one line for ``p``: as typed, unless it spans lines."""
    return p.text if not re.search(r"[\r\n]", p.text) else p.line


def as_shown(text: str) -> re.Pattern[str]:
    """A pattern finding ``text`` as a page shows it: with the invisible characters the
    renderer adds (see payloads.normalise) anywhere in it, whitespace runs as one."""
    invisible = "[\u2060\u2068\u2069]*"
    parts = [r"\s+" if ch == " " else re.escape(ch) for ch in normalise(text)]
    return re.compile(invisible.join(parts))


def expanded(page: Any, label: str) -> Any:
    """The expander whose label shows ``label``, opened if a rerun closed it."""
    card = page.get_by_test_id("stExpander").filter(
        has=page.locator("summary").filter(has_text=as_shown(label))
    )
    if card.locator("details").get_attribute("open") is None:
        card.locator("summary").click()
    return card


def expanded_form(page: Any, label: str, key: str) -> Any:
    expanded(page, label)
    return form(page, key)


def pages_harmless(page: Any, seen: Watch, titles: list[str] | None = None) -> None:
    """Open the pages whose titles start with ``titles`` (default: every page in the
    navigation); each one renders the payloads harmlessly."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    for i in range(links.count()):
        if titles is not None and not links.nth(i).inner_text().startswith(tuple(titles)):
            continue
        links.nth(i).click()
        wait_idle(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert_harmless(page, seen)
