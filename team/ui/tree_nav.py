"""Which tree and which node a page shows: kept in the URL (?root=…&node=…) so a link
to a question can be shared; used by Questions and Answers. The pickers list a bounded
number of questions and find the others by the words of their title."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from team.services.admin.reads import PersonView
from team.ui import reads, state
from team.ui.paging import searched
from team.ui.text import plain

ROOT_SEARCH = "q_root_search"
CHOICES = 50  # options of a picker before a search narrows them


def query_int(name: str) -> int | None:
    value = st.query_params.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def go(root_id: int, node_id: int | None = None) -> None:
    st.query_params["root"] = str(root_id)
    if node_id is None or node_id == root_id:
        st.query_params.pop("node", None)
    else:
        st.query_params["node"] = str(node_id)
    state.forget_versions()
    st.rerun()


def pick_root() -> int | None:
    """The general question chosen (kept in ?root=), or None when there is none. When
    there are more than fit the picker, a search box finds the others."""
    wanted = query_int("root")
    search = searched(ROOT_SEARCH)
    found = reads.root_choices(search=search, current=wanted, limit=CHOICES)
    if search or found.total > CHOICES:
        st.text_input("Find a general question", key=ROOT_SEARCH, placeholder="Words of its title")
    if search and not found.total:
        st.caption(f"No general question's title holds “{plain(search)}”.")
        if not found.items:
            found = reads.root_choices(search="", current=wanted, limit=CHOICES)
    if not found.items:
        return None
    titles = unique_labels(found.items)
    ids = list(titles)
    current = wanted if wanted in titles else ids[0]
    chosen = st.selectbox(
        "General question",
        ids,
        index=ids.index(current),
        format_func=lambda i: titles[i],
        key=f"q_root_{current}",
    )
    if found.total > CHOICES:
        st.caption(
            f"The picker lists the first {CHOICES} of {found.total:,} general "
            "questions by title; type words of a title above to find the others."
        )
    if chosen != wanted:
        if wanted is None and chosen == current:
            st.query_params["root"] = str(current)
        else:
            go(chosen)
    return chosen


def unique_labels(items: list[tuple[int, str]]) -> dict[int, str]:
    """{id: label} for a picker, a label shared by several ids told apart by the id: a
    picker keeps its choice by label, so two equal labels would swap one for the
    other."""
    seen = Counter(label for _, label in items)
    return {i: label if seen[label] == 1 else f"{label} · #{i}" for i, label in items}


def names_of(people: list[PersonView]) -> dict[int, str]:
    return {p.id: p.name + ("" if p.active else " (inactive)") for p in people}
