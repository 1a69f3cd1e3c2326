"""The Questions page's import panel: an outline (pasted or uploaded) or a CSV export of
another tracker becomes question trees, under the question open on the page or as new
general questions of a project. Each shows what it will do first (a preview, a dry run
listing every problem by line or row), then creates it all at once or nothing."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.questions.rules import works_on
from team.services.questions.store import QuestionView
from team.ui import import_csv, import_outline, reads
from team.ui.imports import Where
from team.ui.text import plain
from team.vocabulary import Role


def panel(person: PersonView, open_question: QuestionView | None) -> None:
    """The import expander: a manager's (an outline or a CSV, under the question open
    on the page or as new general questions), or an IC's when the question open is
    assigned to them (an outline under it, as their break-down)."""
    node = (open_question.id, open_question.title) if open_question else None
    if person.role == Role.IC and open_question and works_on(Actor.of(person), open_question):
        with st.expander("Import an outline under this question", icon=":material/upload:"):
            import_outline.form(person, Where(open_question.id, None, open_question.title))
        return
    if person.role != Role.MANAGER:
        return
    with st.expander("Import an outline or a CSV", icon=":material/upload:"):
        where = _where(node)
        if where is None:
            return
        outline, csv_tab = st.tabs(["Outline", "CSV from a tracker or sheet"])
        with outline:
            import_outline.form(person, where)
        with csv_tab:
            import_csv.form(person, where)


def _where(node: tuple[int, str] | None) -> Where | None:
    projects = {p.id: p.name for p in reads.all_projects() if not p.archived}
    choices = ["under", "new"] if node is not None else ["new"]
    labels = {
        "under": f"Under “{node[1]}”" if node else "",
        "new": "As new general questions",
    }
    picked = st.radio(
        "Where the questions go",
        choices,
        format_func=lambda c: plain(labels[c]),
        horizontal=True,
        key="imp_where",
    )
    if picked == "under" and node is not None:
        return Where(node[0], None, node[1])
    if not projects:
        st.info("Create a project first (Team page); new general questions belong to one.")
        return None
    project_id = st.selectbox(
        "Project", list(projects), format_func=projects.__getitem__, key="imp_project"
    )
    return Where(None, project_id, projects[project_id]) if project_id is not None else None
