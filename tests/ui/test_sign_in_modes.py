"""Sign-in through the app's gate in oidc and proxy modes (AppTest seeds ``st.user``):
the email decides the person and the role; strangers and deactivated people see no data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from team.db import make_engine
from tests.conftest import migrated_copy
from tests.factories import Team, make_team, root
from tests.ui.conftest import APP, TIMEOUT, assert_no_exception

SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "c" * 64,
        "client_id": "team",
        "client_secret": "s3cret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> Iterator[Callable[[str], tuple[Engine, Team]]]:
    """deployment(mode) -> (engine, team) with config.yaml pointing the app at them."""
    engines: list[Engine] = []

    def _make(mode: str) -> tuple[Engine, Team]:
        url = migrated_copy(sqlite_template, tmp_path / "app.db")
        config = tmp_path / "config.yaml"
        config.write_text(
            f"database:\n  url: {url}\nauth:\n  mode: {mode}\n  header: X-Auth-Email\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("TEAM_CONFIG", str(config))
        monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
        engine = make_engine(url)
        engines.append(engine)
        with Session(engine) as session:
            team = make_team(session)
            root(session, team, "Why did churn rise in Q3?")
        return engine, team

    yield _make
    for engine in engines:
        engine.dispose()


def _run(user: dict[str, Any], *, secrets: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.user = user
    if secrets is not None:
        at.secrets = secrets
    return at.run()


def _texts(at: AppTest) -> str:
    """Everything the page shows, as text (values and labels of every element)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for attr in ("label", "value", "body"):
            found = getattr(node, attr, None)
            if isinstance(found, str):
                parts.append(found)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    # The invisible word joiners that keep user text as typed (team/ui/text.py) go.
    return "\n".join(parts).replace("\u2060", "")


def test_oidc_signed_out_sees_only_the_sign_in_button(deployment: Any) -> None:
    deployment("oidc")
    at = _run({"is_logged_in": False}, secrets=SECRETS)
    assert_no_exception(at)
    assert at.title[0].value == "Sign in"
    assert at.button(key="sign_in").label == "Sign in with your company account"
    assert "churn" not in _texts(at)


def test_oidc_manager_is_recognised_by_email_case_insensitively(deployment: Any) -> None:
    _engine, team = deployment("oidc")
    at = _run({"is_logged_in": True, "email": "MAYA@example.com"}, secrets=SECRETS)
    assert_no_exception(at)
    assert at.session_state["person_id"] == team.manager
    assert "Signed in as **Maya** · manager" in _texts(at)
    assert at.button(key="sign_out")
    assert "churn" in _texts(at).lower()


@pytest.mark.parametrize(
    ("email", "title", "fragment"),
    [
        ("stranger@elsewhere.com", "Not on this team", "stranger@elsewhere"),
        ("ivan@example.com", "Account deactivated", "deactivated"),
    ],
)
def test_oidc_refuses_strangers_and_deactivated_people(
    deployment: Any, email: str, title: str, fragment: str
) -> None:
    deployment("oidc")
    at = _run({"is_logged_in": True, "email": email}, secrets=SECRETS)
    assert_no_exception(at)
    assert at.title[0].value == title
    assert fragment in _texts(at)
    assert "churn" not in _texts(at).lower()
    assert "person_id" not in at.session_state
    assert at.button(key="sign_out")


def test_oidc_sign_out_forgets_the_person(deployment: Any) -> None:
    deployment("oidc")
    at = _run({"is_logged_in": True, "email": "ines@example.com"}, secrets=SECRETS)
    at.button(key="sign_out").click().run()
    assert_no_exception(at)
    assert at.title[0].value == "Sign in"
    assert "person_id" not in at.session_state


def test_oidc_without_secrets_explains_what_to_add(deployment: Any) -> None:
    deployment("oidc")
    at = _run({"is_logged_in": True, "email": "maya@example.com"})
    assert "no [auth] section" in at.error[0].value
    assert "churn" not in _texts(at).lower()


def test_oidc_with_a_short_cookie_secret_is_refused(deployment: Any) -> None:
    deployment("oidc")
    weak = {"auth": {**SECRETS["auth"], "cookie_secret": "short"}}
    at = _run({"is_logged_in": True, "email": "maya@example.com"}, secrets=weak)
    assert "cookie_secret must be at least 32" in at.error[0].value


def test_oidc_hides_error_details_from_users(deployment: Any) -> None:
    deployment("oidc")
    try:
        _run({"is_logged_in": True, "email": "maya@example.com"}, secrets=SECRETS)
        assert st_config.get_option("client.showErrorDetails") == "none"
    finally:
        st_config.set_option("client.showErrorDetails", "full")


@pytest.fixture
def proxy_header() -> Iterator[None]:
    st_config.set_option("server.trustedUserHeaders", {"X-Auth-Email": "email"})
    yield
    st_config.set_option("server.trustedUserHeaders", {})
    st_config.set_option("client.showErrorDetails", "full")


@pytest.mark.usefixtures("proxy_header")
def test_proxy_mode_takes_the_person_from_the_header(deployment: Any) -> None:
    _engine, team = deployment("proxy")
    at = _run({"email": "ines@example.com"})
    assert_no_exception(at)
    assert at.session_state["person_id"] == team.ic
    assert "Signed in as **Ines** · IC" in _texts(at)
    assert not at.button  # signing out is the proxy's business: no button


@pytest.mark.usefixtures("proxy_header")
def test_proxy_mode_without_the_header_shows_no_data(deployment: Any) -> None:
    deployment("proxy")
    at = _run({})
    assert at.title[0].value == "Not signed in"
    assert "X-Auth-Email" in _texts(at)
    assert "churn" not in _texts(at).lower()


def test_proxy_mode_refuses_when_streamlit_does_not_pass_the_header(deployment: Any) -> None:
    deployment("proxy")
    at = _run({"email": "maya@example.com"})
    assert "does not pass the X-Auth-Email header" in at.error[0].value


def test_admin_page_names_the_mode_but_never_a_secret(deployment: Any) -> None:
    deployment("oidc")
    at = _run({"is_logged_in": True, "email": "maya@example.com"}, secrets=SECRETS)
    at.switch_page("team/ui/pages/admin.py").run()
    assert_no_exception(at)
    shown = _texts(at)
    assert "`oidc`, through the identity provider" in shown
    assert SECRETS["auth"]["cookie_secret"] not in shown
    assert SECRETS["auth"]["client_secret"] not in shown
