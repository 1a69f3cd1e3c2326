"""Which tree and which node a page shows: kept in the URL (?root=…&node=…) so a link
to a question can be shared; used by Questions and Answers."""

from __future__ import annotations

import streamlit as st

from team.models import PersonPublic
from team.services.tree import Tree, TreeNode
from team.ui import resources, state


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
    roots = resources.roots()
    if not roots:
        return None
    titles = dict(roots)
    wanted = query_int("root")
    current = wanted if wanted in titles else roots[0][0]
    chosen = st.selectbox(
        "General question",
        list(titles),
        index=list(titles).index(current),
        format_func=lambda i: titles[i],
        key=f"q_root_{current}",
    )
    if chosen != wanted:
        if wanted is None and chosen == current:
            st.query_params["root"] = str(current)
        else:
            go(chosen)
    return chosen


def names_of(people: list[PersonPublic]) -> dict[int, str]:
    return {p.id: p.name + ("" if p.active else " (inactive)") for p in people}


def current_node(tree: Tree) -> TreeNode:
    """The node named by ?node=, or the root."""
    node_id = query_int("node")
    found = tree.nodes.get(node_id) if node_id is not None else None
    return found or tree.root
