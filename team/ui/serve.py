"""`python -m team.ui.serve run app.py [flags]`: Streamlit's own command line, after
importing what the first run of every session needs (the models, the services, the
sign-in gate). Streamlit imports an app's modules only when the first visitor arrives,
so without this the first person after a start waits about a second longer.

It also makes every response carry the browser security headers (no framing by another
site, no content sniffing, no referrer to other sites), so a deployment without a proxy
in front has them too; and error boxes offer no links to outside sites (they would
carry the error's text, user data included, off the machine)."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Any

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
# Imported before Streamlit's runtime exists, each cached read would log "No runtime
# found" once; the caches themselves are made later, inside the runtime.
_CACHE_LOGGER = "streamlit.runtime.caching.cache_data_api"


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
SAFE_FLAGS = ("--client.showErrorLinks", "false")
# Streamlit runs a full garbage collection after every script run. With the app's
# modules loaded that took about three quarters of the server's CPU under load
# (`team bench --load`): 25 people at S already queued behind it. Python's own
# collector still runs as objects pile up; the imports made before serving are frozen
# out of its sweeps (``preload``).
FAST_FLAGS = ("--runner.postScriptGC", "false")


def command(*flags: str) -> list[str]:
    """The command that serves the app with ``flags`` (``--server.port`` and so on)."""
    app = [sys.executable, "-m", "team.ui.serve", "run", str(APP_FILE)]
    return [*app, *SAFE_FLAGS, *FAST_FLAGS, *flags]


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response."""

    def __init__(self, app: Any) -> None:
        from starlette.datastructures import MutableHeaders

        self.app, self.headers = app, MutableHeaders

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = self.headers(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)


def _install_headers() -> None:
    """Put SecurityHeaders first in the stack of Streamlit's HTTP server."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    streamlit_middleware = starlette_app.create_streamlit_middleware

    def with_headers() -> list[Middleware]:
        return [Middleware(SecurityHeaders), *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = with_headers


def preload() -> None:
    """Import what app.py imports, the emoji catalogue its page icon needs, and the
    driver of the configured database (psycopg takes a sixth of a second)."""
    import streamlit  # first: it sets its loggers' levels when it loads

    logger = logging.getLogger(_CACHE_LOGGER)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        import streamlit.emojis  # noqa: F401

        import team.ui.auth
        import team.ui.navigation
        import team.ui.resources  # noqa: F401
    finally:
        logger.setLevel(level)
    _import_driver()
    # What is imported lives as long as the server: no collection needs to walk it.
    gc.collect()
    gc.freeze()


def _import_driver() -> None:
    """Nothing is connected; a bad config is left for the app to explain on its page."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from team.config import ConfigError, load_config

    try:
        make_url(load_config().database_url).get_dialect().import_dbapi()
    except (ConfigError, ArgumentError, NoSuchModuleError, ImportError):
        return


def main() -> None:
    preload()
    _install_headers()
    from streamlit.web import cli

    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
