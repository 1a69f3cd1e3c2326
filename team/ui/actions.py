"""Running one user action: one session, one service call, a clear sentence on error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from team.services.core.errors import StaleEdit, TeamError
from team.ui import resources, state
from team.ui.text import plain


def attempt(action: Callable[[Any], object], done: str, *, key: str = "action") -> bool:
    """Run ``action(session)``; on success rerun with ``done`` (Markdown: escape user
    text in it with ``plain``) shown, on a user error show its sentence where the action
    is, literally, as it may quote what the user typed (a stale edit also offers a
    reload)."""
    try:
        with resources.session() as session:
            action(session)
    except StaleEdit as exc:
        st.error(plain(exc.message), icon=":material/sync_problem:")
        if st.button("Reload the latest version", key=f"reload_{key}"):
            state.forget_versions()
            st.rerun()
        return False
    except TeamError as exc:
        st.error(plain(exc.message), icon=":material/warning:")
        return False
    state.forget_versions()
    state.flash(done)
    return True


def bind(fn: Callable[..., object], actor_id: int, **kwargs: Any) -> Callable[[Any], object]:
    """``fn(session, actor_id, **kwargs)`` (a service write) as an action for
    :func:`attempt`, with the arguments fixed now (safe inside loops)."""
    return lambda session: fn(session, actor_id, **kwargs)
