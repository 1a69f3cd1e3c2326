"""Running one user action: one session, one service call, a clear sentence on error;
and a create form's submit, which also clears the form and links to what it made."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import streamlit as st

from team.services.core.errors import StaleEdit, TeamError
from team.ui import resources, state
from team.ui.text import plain

T = TypeVar("T")


def attempt(action: Callable[[Any], object], done: str, *, key: str = "action") -> bool:
    """Run ``action(session)``; on success rerun with ``done`` (Markdown: escape user
    text in it with ``plain``) shown, on a user error show its sentence where the action
    is, literally, as it may quote what the user typed (a stale edit also offers a
    reload)."""
    return _run(action, lambda _: done, key=key, fields=None)


def submit(
    action: Callable[[Any], T],
    done: Callable[[T], str],
    *,
    fields: Mapping[str, object],
    key: str,
) -> bool:
    """A create form's submit: run ``action(session)``; on success put the form's
    ``fields`` (widget key -> the value it starts from, as given to
    ``state.start_widgets``) back and rerun with ``done(result)`` shown (Markdown: say
    what was made, with :func:`link_to` it). On a refusal show the sentence and keep
    every value, so nothing typed is lost and nothing is made twice."""
    return _run(action, done, key=key, fields=fields)


def _run(
    action: Callable[[Any], T],
    done: Callable[[T], str],
    *,
    key: str,
    fields: Mapping[str, object] | None,
) -> bool:
    try:
        with resources.session() as session:
            result = action(session)
    except StaleEdit as exc:
        st.error(plain(exc.message), icon=":material/sync_problem:")
        # A callback, not `if st.button(...)`: this button is drawn only in the run of
        # the refused save, so the run its click starts never draws it again (its `if`
        # would never be true). The callback runs first, then the page, from the latest.
        st.button("Reload the latest version", key=f"reload_{key}", on_click=state.forget_versions)
        return False
    except TeamError as exc:
        st.error(plain(exc.message), icon=":material/warning:")
        return False
    state.forget_versions()
    if fields:
        state.reset_widgets(fields)
    state.flash(done(result))
    return True


def link_to(page: str, label: str, **params: int | str | None) -> str:
    """A Markdown link labelled ``label`` (user text, escaped here) to the page of
    navigation name ``page`` with ``params`` in its address (None ones left out), e.g.
    ``link_to("questions", title, root=1, node=4, finding=9)``. The address is relative,
    so it holds under any base path; the browser opens it in a new tab."""
    query = urlencode({name: value for name, value in params.items() if value is not None})
    return f"[{plain(label, in_link=True) or page}]({page}{'?' + query if query else ''})"


def bind(fn: Callable[..., object], actor_id: int, **kwargs: Any) -> Callable[[Any], object]:
    """``fn(session, actor_id, **kwargs)`` (a service write) as an action for
    :func:`attempt`, with the arguments fixed now (safe inside loops)."""
    return lambda session: fn(session, actor_id, **kwargs)
