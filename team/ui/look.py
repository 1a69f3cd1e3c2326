"""The app's few style rules, sent once per run (a style-only st.html takes no room):
user text wraps inside its box however long its words, so one 2,000-character word
cannot push a row's facts or a page's edge off screen; the Questions outline is indented
by level; review rows read from the left."""

from __future__ import annotations

import streamlit as st

CSS = """<style>
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"],
[data-testid="stAlertContentError"], .stButton p, [data-testid="stPageLink"] p {
  overflow-wrap: anywhere;
}
/* A page link's label (a title) wraps like any text instead of running off the edge. */
[data-testid="stPageLink"] a, [data-testid="stPageLink"] span { white-space: normal; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }
/* The Questions outline (pages/questions.py): a row's key says its level. */
[class*="st-key-trow_"] {
  border-left: 2px solid rgba(128, 128, 128, 0.3); padding: 0.1rem 0 0.1rem 0.6rem;
}
[class*="st-key-trow_"][class*="_sel_"] {
  border-left-color: #1c83e1; background: rgba(28, 131, 225, 0.08);
}
[class*="st-key-trow_"] .stButton, [class*="st-key-trow_"] .stButton button { max-width: 100%; }
[class*="st-key-trow_"] .stButton button {
  justify-content: flex-start; text-align: left; min-height: 0; padding: 0;
}
[class*="st-key-trow_"] [data-testid="stCaptionContainer"] p { margin: 0; }
[class*="st-key-trow_l1_"] { margin-left: 1.25rem; width: calc(100% - 1.25rem) !important; }
[class*="st-key-trow_l2_"] { margin-left: 2.5rem; width: calc(100% - 2.5rem) !important; }
[class*="st-key-trow_l3_"] { margin-left: 3.75rem; width: calc(100% - 3.75rem) !important; }
[class*="st-key-trow_l4_"] { margin-left: 5rem; width: calc(100% - 5rem) !important; }
@media (max-width: 640px) {
  [class*="st-key-trow_l1_"] { margin-left: 0.6rem; width: calc(100% - 0.6rem) !important; }
  [class*="st-key-trow_l2_"] { margin-left: 1.2rem; width: calc(100% - 1.2rem) !important; }
  [class*="st-key-trow_l3_"] { margin-left: 1.8rem; width: calc(100% - 1.8rem) !important; }
  [class*="st-key-trow_l4_"] { margin-left: 2.4rem; width: calc(100% - 2.4rem) !important; }
}
/* Review rows (review_widgets.review_row): one button each, read from the left like a
   list, the chevron at the right end. */
[class*="st-key-review_row_"] button > div,
[class*="st-key-review_row_"] button > div > span {
  width: 100%; justify-content: space-between; text-align: left;
}
[class*="st-key-review_row_"] button [data-testid="stMarkdownContainer"] { text-align: left; }
</style>"""


def apply() -> None:
    st.html(CSS)
