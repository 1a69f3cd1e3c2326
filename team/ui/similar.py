""" "Have we asked this before?": while a new question's title or a finding's summary is
being written, the existing ones with the most telling words in common, from the search
index, so the team does not do the same work twice."""

from __future__ import annotations

import streamlit as st

from team.services.search.kinds import Kind
from team.ui import reads
from team.ui.navigation import pages_once
from team.ui.paging import words
from team.ui.text import plain

_INTRO = {
    Kind.QUESTION: "**Have we asked this before?** Questions with similar words:",
    Kind.FINDING: "**Have we found this before?** Findings with similar words:",
}


def asked_before(person_id: int, kind: Kind, text: str | None, *, key: str) -> None:
    """Up to five existing questions (or findings) like ``text``, each a link to it;
    nothing while ``text`` is empty or nothing is alike."""
    typed = words(text)
    found = reads.similar(person_id, kind=kind, text=typed) if typed else []
    if not found:
        return
    page_for = pages_once()
    with st.container(border=True, key=f"similar_{key}"):
        st.markdown(_INTRO[kind])
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
                st.caption(" \u203a ".join(plain(t) for t in where))
