"""The database failing in the middle of a run (stopped, unreachable, refusing
connections): one sentence on the page with a "Try again" button, and one line in the
server log; never a traceback with SQL in it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
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
        _stop(db.unreachable(resources.settings().database_url, exc))
    except db.DatabaseError as exc:
        _stop(str(exc))


def _stop(message: str) -> None:
    LOG.warning("%s", message)
    st.error(message, icon=":material/cloud_off:")
    st.button("Try again", key="database_try_again", icon=":material/refresh:")
    st.stop()
