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
    """Import what app.py imports, and the emoji catalogue its page icon needs."""
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


def main() -> None:
    preload()
    from streamlit.web import cli

    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
