"""`python -m team.ui.serve run app.py [flags]`: Streamlit's own command line, after
importing what the first run of every session needs (the models, the services, the
sign-in gate). Streamlit imports an app's modules only when the first visitor arrives,
so without this the first person after a start waits about a second longer."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
# Imported before Streamlit's runtime exists, each cached read would log "No runtime
# found" once; the caches themselves are made later, inside the runtime.
_CACHE_LOGGER = "streamlit.runtime.caching.cache_data_api"


def command(*flags: str) -> list[str]:
    """The command that serves the app with ``flags`` (``--server.port`` and so on)."""
    return [sys.executable, "-m", "team.ui.serve", "run", str(APP_FILE), *flags]


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
    from streamlit.web import cli

    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
