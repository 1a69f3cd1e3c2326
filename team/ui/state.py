"""The few session_state keys of the app, declared once."""

from __future__ import annotations

import streamlit as st

PERSON_ID = "person_id"  # who the user said they are (local mode)
FLASH = "flash"  # a message to show once after the next rerun
DATA_VERSION = "data_version"  # the database's change counter, read once per run
RUN_MEMO = "run_memo"  # reads made once per run: {name: value}, emptied as each run begins
_BASE_VERSIONS = "base_versions"  # {(kind, id): version the user started editing from}


def person_id() -> int | None:
    value = st.session_state.get(PERSON_ID)
    return int(value) if value is not None else None


def flash(message: str) -> None:
    """Show ``message`` as a success note on the next run, then rerun now."""
    st.session_state[FLASH] = message
    st.rerun()


def show_flash() -> None:
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
