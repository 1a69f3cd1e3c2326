"""The database failing at the start or in the middle of a run (stopped, unreachable,
refusing connections, a bad URL, an old schema): one sentence on the page with a "Try
again" button, and one line in the server log; never a traceback with SQL in it. An
error from a database that still answers is a fault in a query, and is raised as one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError

from team import db
from team.ui import resources

LOG = logging.getLogger("team.ui")


@contextmanager
def database_failures() -> Iterator[None]:
    """Run the block; if the database fails, say so and stop the run."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        if _answers():
            raise
        _stop(db.unreachable(resources.settings().database_url, exc))
    except db.DatabaseError as exc:
        _stop(str(exc))


def _answers() -> bool:
    """Whether the database answers a trivial query now."""
    try:
        with resources.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError, db.DatabaseError):
        return False
    return True


def _stop(message: str) -> None:
    LOG.warning("%s", message)
    st.error(message, icon=":material/cloud_off:")
    st.button("Try again", key="database_try_again", icon=":material/refresh:")
    st.stop()
