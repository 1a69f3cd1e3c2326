"""The few session_state keys of the app, declared once."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

PERSON_ID = "person_id"  # who the user said they are (local mode)
FLASH = "flash"  # a message to show once after the next rerun
DATA_VERSION = "data_versions"  # the newest event id of each kind, read once per run
RUN_MEMO = "run_memo"  # reads made once per run: {name: value}, emptied as each run begins
_BASE_VERSIONS = "base_versions"  # {(kind, id): version the user started editing from}
_RESETS = "widget_resets"  # {widget key: value} to put back as the next run begins
_LAST_QUESTION = "last_question"  # (root id, node id) last shown on Questions or Answers


def person_id() -> int | None:
    value = st.session_state.get(PERSON_ID)
    return int(value) if value is not None else None


def flash(message: str) -> None:
    """Show ``message`` as a success note on the next run, then rerun now."""
    st.session_state[FLASH] = message
    st.rerun()


def show_flash() -> None:
    """The message of :func:`flash`, once; first, the widgets :func:`reset_widgets` put
    back (every page calls this before it draws its forms)."""
    _apply_resets()
    # The slot is there on every run, shown or not, so the elements after it keep their
    # place: otherwise the run after a flash moves them all, and every open expander
    # (with the form and the error the user is looking at) closes.
    slot = st.empty()
    message = st.session_state.pop(FLASH, None)
    if message:
        slot.success(message, icon=":material/check_circle:")


def base_version(kind: str, item_id: int, current: int) -> int:
    """The version of an item as it was when the user started editing it. Saves pass it
    to the service, so a change someone else made in between is refused, not lost."""
    versions: dict[tuple[str, int], int] = st.session_state.setdefault(_BASE_VERSIONS, {})
    return versions.setdefault((kind, item_id), current)


def forget_versions() -> None:
    """Start editing from the current versions (after a save, a reload or navigation)."""
    st.session_state[_BASE_VERSIONS] = {}


def start_widgets(values: Mapping[str, object]) -> None:
    """Draw the widgets named in ``values`` (widget key -> value) from these values the
    first time. Call it before drawing them, and draw them without ``value=`` or
    ``index=`` (Streamlit warns about a widget given both); :func:`reset_widgets` with
    the same mapping puts them back."""
    for key, value in values.items():
        st.session_state.setdefault(key, value)


def reset_widgets(values: Mapping[str, object]) -> None:
    """Put the widgets named in ``values`` back to these values as the next run begins
    (in :func:`show_flash`). Only a value set before its widget is drawn reaches the
    browser: a key deleted instead leaves the old text on screen, and the next submit
    sends it again."""
    st.session_state.setdefault(_RESETS, {}).update(values)


def _apply_resets() -> None:
    for key, value in st.session_state.pop(_RESETS, {}).items():
        st.session_state[key] = value


def keep_question() -> None:
    """Questions and Answers open on the question last shown on either: with ?root= in
    the address, remember it and its ?node=; without (a click in the sidebar drops the
    address's parameters), put the remembered ones back. Call before
    ``tree_nav.pick_root``."""
    root = st.query_params.get("root")
    if root is not None:
        st.session_state[_LAST_QUESTION] = (root, st.query_params.get("node"))
        return
    last = st.session_state.get(_LAST_QUESTION)
    if last is None:
        return
    root, node = last
    st.query_params["root"] = root
    if node is not None:
        st.query_params["node"] = node
