"""The app's few style rules, sent once per run (a style-only st.html takes no room):
user text wraps inside its box however long its words, so one 2,000-character word
cannot push a row's facts or a page's edge off screen."""

from __future__ import annotations

import streamlit as st

CSS = """<style>
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"],
[data-testid="stAlertContentError"], .stButton p, [data-testid="stPageLink"] p {
  overflow-wrap: anywhere;
}
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }
</style>"""


def apply() -> None:
    st.html(CSS)
