"""CSV downloads of the lists pages show. The file is made only when the button is
clicked (Streamlit runs the callable then, on a thread of its own, outside the script),
so a page that offers a download pays nothing for it on its other runs. The callable
gets a session of its own on the engine the page uses; the CSV is UTF-8 with a byte
order mark, so a spreadsheet opens accented names correctly."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from team import db
from team.ui import resources


def csv_download(label: str, make: Callable[[Session], str], *, file_name: str, key: str) -> None:
    """A button that downloads ``make(session)`` (a CSV text) as ``file_name``."""
    engine = resources.engine()  # read here: the callable runs without the script's state

    def data() -> bytes:
        with db.session_scope(engine) as session:
            return make(session).encode("utf-8-sig")

    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",  # no rerun: the page stays as it is
        icon=":material/download:",
    )
