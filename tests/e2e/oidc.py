"""The app in ``oidc`` mode against a local OpenID Connect provider, for the sign-in tests.

The provider is ``oidc-provider-mock`` on a loopback port in a thread of the test process:
its authorization form signs in whoever's address is typed into it (the ``sub`` field, which
it also sends as the ``email`` claim). The app is a real ``streamlit run app.py`` whose
``[auth]`` secrets point at that provider. Everything is addressed as 127.0.0.1 (never
``localhost``): the redirect URI, the cookies and the issuer must all agree on the host."""

from __future__ import annotations

import secrets
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from team.db import make_engine, upgrade
from tests.conftest import skip_or_fail
from tests.e2e.conftest import _free_port, streamlit_server
from tests.factories import Team, make_team, root

HOST = "127.0.0.1"
CLIENT_ID = "team-dashboard"
SEED_QUESTION = "Why did retention drop in Q3?"


@dataclass(frozen=True)
class OidcApp:
    base_url: str
    provider_url: str
    engine: Engine
    team: Team
    question: str  # the title of a question in the seeded database
    log: Path


@contextmanager
def run_provider() -> Iterator[str]:
    """Serve the mock provider on a free loopback port; yield its base URL."""
    try:
        # Authlib deprecates APIs the mock uses and, on import, puts its warnings first
        # as "always"; import it under a filter that silences them, then drop both.
        with warnings.catch_warnings():
            # (adds the "always" filter in here; authlib ships no type information)
            import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401

            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock  # type: ignore[import-untyped]
        from werkzeug.serving import make_server
    except ImportError:
        skip_or_fail("oidc-provider-mock is not installed (pip install -e '.[dev]')")
    server = make_server(HOST, 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def _write_secrets(path: Path, app_port: int, provider_url: str) -> None:
    values = {
        "redirect_uri": f"http://{HOST}:{app_port}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": CLIENT_ID,
        "client_secret": secrets.token_hex(16),
        "server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
    }
    lines = ["[auth]", *(f'{key} = "{value}"' for key, value in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _seed(url: str) -> tuple[Engine, Team]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        team = make_team(session)
        root(session, team, SEED_QUESTION)
    return engine, team


@contextmanager
def run_app(directory: Path, provider_url: str) -> Iterator[OidcApp]:
    """Serve app.py in oidc mode over a freshly seeded SQLite database."""
    url = f"sqlite:///{directory / 'sign-in.db'}"
    config = directory / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nauth:\n  mode: oidc\n", encoding="utf-8")
    engine, team = _seed(url)
    port = _free_port()
    secrets_file = directory / "secrets.toml"
    _write_secrets(secrets_file, port, provider_url)
    log = directory / "server.log"
    try:
        with streamlit_server(
            config, log, port=port, extra=("--secrets.files", str(secrets_file))
        ) as base_url:
            yield OidcApp(base_url, provider_url, engine, team, SEED_QUESTION, log)
    finally:
        engine.dispose()
