"""The project and person filters of Overview and Progress."""

from __future__ import annotations

import streamlit as st

from team.ui import reads


def project_person_filters(prefix: str, *, person_label: str) -> tuple[int | None, int | None]:
    """Two selectboxes side by side (keys ``{prefix}_project`` and ``{prefix}_person``);
    None means no filter."""
    projects = {p.id: p.name for p in reads.all_projects()}
    people = {p.id: p.name for p in reads.all_people() if p.active}
    left, right = st.columns(2)
    project_id = left.selectbox(
        "Project",
        list(projects),
        index=None,
        format_func=projects.__getitem__,
        placeholder="All projects",
        key=f"{prefix}_project",
    )
    person_id = right.selectbox(
        person_label,
        list(people),
        index=None,
        format_func=people.__getitem__,
        placeholder="Everyone",
        key=f"{prefix}_person",
    )
    return project_id, person_id
