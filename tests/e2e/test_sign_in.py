"""Signing in with the company's identity provider, end to end: the app in ``oidc`` mode,
a local OpenID Connect provider (tests/e2e/oidc.py) and Chromium. A manager reaches the
manager pages; an IC and a viewer do not, not even by URL; someone not on the team and a
deactivated person see no team data; signing out ends the session for good."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _artifact, _failed, wait_idle
from tests.e2e.oidc import HOST, OidcApp, run_app, run_provider

# The mock provider runs in this process and uses Authlib APIs that Authlib now deprecates.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

STRANGER = "mallory@elsewhere.example"
# Only loopback is part of the test; anything else (the provider's page loads a stylesheet
# from a CDN) is refused at once instead of waiting on a network that may not be there.
NOT_LOOPBACK = re.compile(rf"^(?!https?://{re.escape(HOST)}[:/])")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcApp]:
    """One provider and one app server for every journey in this module."""
    with (
        run_provider() as provider_url,
        run_app(tmp_path_factory.mktemp("oidc"), provider_url) as a,
    ):
        yield a


@pytest.fixture
def tab(app: OidcApp, page: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser (from ``page``) that reaches loopback only; the server log is kept
    next to the screenshot when the test fails."""
    page.context.route(NOT_LOOPBACK, lambda route: route.abort())
    yield page
    if _failed(request):
        shutil.copyfile(app.log, _artifact(request, "-server.log"))


def _on_app(app: OidcApp, url: str) -> bool:
    return url.startswith(f"{app.base_url}/") and "oauth2callback" not in url


def _sign_in(tab: Any, app: OidcApp, email: str) -> None:
    """Sign in through the provider's form as ``email``, back to the app."""
    tab.goto(app.base_url)
    wait_idle(tab)
    expect(tab.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    tab.get_by_role("button", name="Sign in with your company account").click()
    expect(tab).to_have_url(re.compile(re.escape(f"{app.provider_url}/oauth2/authorize")))
    tab.locator("input[name=sub]").fill(email)
    tab.get_by_role("button", name="Authorize", exact=True).click()
    tab.wait_for_url(lambda url: _on_app(app, url))
    wait_idle(tab)


def _nav(tab: Any) -> Any:
    return tab.get_by_test_id("stSidebarNav")


def _signed_in_as(tab: Any, name: str) -> None:
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {name}")
    expect(tab.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


def _sees_no_team_data(tab: Any, app: OidcApp) -> None:
    """Nothing from the team: no navigation, no question, no project, no colleague."""
    expect(_nav(tab)).to_have_count(0)
    body = tab.locator("body")
    for text in (app.question, "Retention", "Maya", "Ines"):
        expect(body).not_to_contain_text(text)


def test_manager_signs_in_and_opens_admin(app: OidcApp, tab: Any) -> None:
    # The address is matched without regard to case.
    _sign_in(tab, app, "Maya@Example.com")
    _signed_in_as(tab, "Maya")
    expect(tab.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(tab.get_by_text(app.question, exact=True)).to_be_visible()

    _nav(tab).get_by_role("link", name="Admin", exact=True).click()
    wait_idle(tab)
    expect(tab.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    expect(tab).to_have_url(f"{app.base_url}/admin")


def test_ic_cannot_reach_manager_pages_even_by_url(app: OidcApp, tab: Any) -> None:
    _sign_in(tab, app, "ines@example.com")
    _signed_in_as(tab, "Ines")
    expect(tab.get_by_text(app.question, exact=True)).to_be_visible()
    expect(_nav(tab).get_by_role("link", name="My work", exact=True)).to_be_visible()
    expect(_nav(tab).get_by_role("link", name="Admin", exact=True)).to_have_count(0)

    tab.goto(f"{app.base_url}/admin")
    wait_idle(tab)
    _signed_in_as(tab, "Ines")  # still signed in, on a page she may see
    expect(tab.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(tab.get_by_role("heading", name="Audit log")).to_have_count(0)
    expect(tab.locator("body")).not_to_contain_text("Audit log")


def test_viewer_sees_only_the_read_pages(app: OidcApp, tab: Any) -> None:
    _sign_in(tab, app, "vera@example.com")
    _signed_in_as(tab, "Vera")
    links = _nav(tab).get_by_role("link")
    expect(links).to_have_count(7)
    read_pages = ("Needs my attention", "Overview", "Questions", "Answers", "Decisions", "Search")
    for title in (*read_pages, "My settings"):
        expect(_nav(tab).get_by_role("link", name=title, exact=True)).to_be_visible()

    tab.goto(f"{app.base_url}/team")
    wait_idle(tab)
    _signed_in_as(tab, "Vera")
    expect(tab.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(tab.get_by_role("heading", name="Team", exact=True)).to_have_count(0)


def test_someone_not_on_the_team_is_refused(app: OidcApp, tab: Any) -> None:
    _sign_in(tab, app, STRANGER)
    expect(tab.get_by_role("heading", name="Not on this team", exact=True)).to_be_visible()
    expect(tab.get_by_test_id("stMain")).to_contain_text(re.compile("ask a manager", re.I))
    expect(tab.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    _sees_no_team_data(tab, app)

    # A deep link does not get round it.
    tab.goto(f"{app.base_url}/questions")
    wait_idle(tab)
    expect(tab.get_by_role("heading", name="Not on this team", exact=True)).to_be_visible()
    _sees_no_team_data(tab, app)


def test_a_deactivated_person_is_refused(app: OidcApp, tab: Any) -> None:
    _sign_in(tab, app, "ivan@example.com")
    expect(tab.get_by_role("heading", name="Account deactivated", exact=True)).to_be_visible()
    expect(tab.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    _sees_no_team_data(tab, app)


def _auth_cookies(tab: Any) -> list[str]:
    return [c["name"] for c in tab.context.cookies() if c["name"].startswith("_streamlit_user")]


def _finish_sign_out(tab: Any, app: OidcApp) -> None:
    """Follow sign-out to its end. Streamlit ends the app's session and, when it has the
    provider's end-session address at hand, hands over to the provider (a page with an
    "End session" button) and comes back; under load it has come straight back instead,
    or shown the sign-in page a moment before the hand-over."""
    end_session = f"{app.provider_url}/oauth2/end_session"
    heading = tab.get_by_role("heading", name="Sign in", exact=True)
    deadline = time.monotonic() + 45
    while True:
        if tab.url.startswith(end_session):
            tab.get_by_role("button", name="End session", exact=True).click()
            return
        if _on_app(app, tab.url) and not _auth_cookies(tab) and heading.is_visible():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"sign-out did not finish: at {tab.url}, {_auth_cookies(tab)}")
        tab.wait_for_timeout(200)


def test_sign_out_ends_the_session(app: OidcApp, tab: Any) -> None:
    _sign_in(tab, app, "maya@example.com")
    _signed_in_as(tab, "Maya")
    assert _auth_cookies(tab), "signing in should leave the app's identity cookie"

    wait_idle(tab)
    tab.get_by_role("button", name="Sign out", exact=True).click()
    _finish_sign_out(tab, app)
    tab.wait_for_url(lambda url: _on_app(app, url))
    wait_idle(tab)
    expect(tab.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert _auth_cookies(tab) == []

    # Neither a reload nor a deep link brings the session back.
    for url in (app.base_url, f"{app.base_url}/admin"):
        tab.goto(url)
        wait_idle(tab)
        expect(tab.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        _sees_no_team_data(tab, app)
