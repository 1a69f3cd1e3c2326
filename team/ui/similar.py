""" "Have we asked this before?": the first time a new question or a finding is saved,
the existing ones with the most telling words in common (from the search index) are
listed and the save waits; saving the same words again saves it. So the team sees the
work it may be about to do twice before it does it, and nothing typed is lost.

(The words are checked on saving, not while typing: the title would have to live outside
its form to be read while typing, and a submit sent while the field's own run is going
can be lost.)"""

from __future__ import annotations

import streamlit as st

from team.services.search.kinds import Kind
from team.ui import reads
from team.ui.navigation import pages_once
from team.ui.paging import words
from team.ui.text import path_line, plain

_INTRO = {
    Kind.QUESTION: ("**Have we asked this before?**", "Questions with similar words"),
    Kind.FINDING: ("**Have we found this before?**", "Findings with similar words"),
}


def asked_before(person_id: int, kind: Kind, text: str | None, *, key: str, save: str) -> bool:
    """On the first save of ``text``: list up to five existing questions (or findings)
    like it, each a link, and return True (the save waits; pressing ``save`` again with
    the same words saves). False when nothing is alike or the person saw the list."""
    typed = words(text)
    seen = f"asked_before_{key}"
    if not typed or st.session_state.pop(seen, None) == typed:
        return False
    found = reads.similar(person_id, kind=kind, text=typed)
    if not found:
        return False
    st.session_state[seen] = typed
    page_for = pages_once()
    with st.container(border=True, key=f"similar_{key}"):
        ask, listed = _INTRO[kind]
        st.markdown(
            f"{ask} Nothing is saved yet. {listed} are below; press “{save}” again to "
            "save it anyway."
        )
        for hit in found:
            st.page_link(
                page_for(hit.link.page),
                label=plain(hit.title),
                query_params=dict(hit.link.params),
                icon=":material/history:",
                width="stretch",
            )
            where = hit.path[:-1] if kind == Kind.QUESTION else hit.path
            if where:
                st.caption(path_line(where))
    return True
