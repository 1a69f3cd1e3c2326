"""Team: people and projects (managers add, edit, deactivate or archive; nothing is
deleted), each person's open work and each IC's technique breadth. ICs read only."""

from __future__ import annotations

import streamlit as st

from team.services.admin import people, projects
from team.services.admin.people import PersonInput
from team.services.admin.projects import ProjectInput
from team.services.admin.reads import PersonRow, PersonView, ProjectRow
from team.ui import auth, state, team_tables
from team.ui.actions import attempt, bind
from team.ui.team_tables import Tables, shown
from team.ui.text import plain
from team.vocabulary import Role

# --------------------------------------------------------------------------- people


def _managers(rows: list[PersonRow], keep: int | None, exclude: int | None) -> list[int | None]:
    """Reports-to choices: active managers, plus the current one even if inactive."""
    ids = [p.id for p in rows if p.role == Role.MANAGER and p.active and p.id != exclude]
    if keep is not None and keep not in ids:
        ids.append(keep)
    return [None, *ids]


def _person_fields(rows: list[PersonRow], key: str, current: PersonRow | None) -> PersonInput:
    names = {p.id: shown(p.name, p.active) for p in rows}
    roles = list(Role)
    boss_ids = _managers(
        rows, current.reports_to_id if current else None, current.id if current else None
    )
    name = st.text_input("Name", value=current.name if current else "", key=f"{key}name")
    email = st.text_input("Email", value=current.email if current else "", key=f"{key}email")
    role = st.selectbox(
        "Role",
        roles,
        index=roles.index(current.role) if current else roles.index(Role.IC),
        format_func=lambda r: Role(r).label,
        key=f"{key}role",
    )
    boss = st.selectbox(
        "Reports to",
        boss_ids,
        index=boss_ids.index(current.reports_to_id) if current else 0,
        format_func=lambda pid: "Nobody" if pid is None else names.get(pid, "?"),
        key=f"{key}reports_to",
    )
    return PersonInput(name=name, email=email, role=role, reports_to_id=boss)


def _add_person(me: PersonView, rows: list[PersonRow]) -> None:
    with st.expander("Add a person", expanded=False), st.form("tm_add_form"):
        data = _person_fields(rows, "tm_add_", None)
        if st.form_submit_button("Add person"):
            done = f"{plain(data.name)} joined the team."
            attempt(bind(people.add_person, me.id, data=data), done, key="tm_add")


def _edit_person(me: PersonView, rows: list[PersonRow]) -> None:
    by_id = {p.id: p for p in rows}
    picked = st.selectbox(
        "Edit a person",
        list(by_id),
        index=None,
        format_func=lambda pid: shown(by_id[pid].name, by_id[pid].active),
        placeholder="Pick a person to edit",
        key="tm_person",
    )
    if picked is None:
        return
    row = by_id[picked]
    version = state.base_version("person", row.id, row.version)
    with st.form(f"tm_edit_form_{row.id}"):
        data = _person_fields(rows, f"tm_edit_{row.id}_", row)
        if st.form_submit_button("Save"):
            action = bind(people.edit_person, me.id, person_id=row.id, version=version, data=data)
            attempt(action, f"{plain(data.name)} saved.", key=f"tm_edit_{row.id}")
    verb, active = ("Reactivate", True) if not row.active else ("Deactivate", False)
    if st.button(f"{verb} {plain(row.name)}", key=f"tm_toggle_{row.id}"):
        action = bind(
            people.set_person_active, me.id, person_id=row.id, version=version, active=active
        )
        attempt(action, f"{plain(row.name)} {verb.lower()}d.", key=f"tm_toggle_{row.id}")
    if row.active:
        st.caption(
            "Deactivating keeps their questions, findings and history; they can no longer "
            "sign in or make changes. Reactivate them any time."
        )


def _people_section(me: PersonView, tables: Tables, manager: bool) -> None:
    st.subheader("People")
    if not tables.people:
        st.info("Nobody is on the team yet; a manager adds people below.")
    else:
        st.dataframe(tables.people_table, hide_index=True, key="tm_people_table")
    if manager:
        _add_person(me, tables.people)
        _edit_person(me, tables.people)


# --------------------------------------------------------------------------- projects


def _add_project(me: PersonView) -> None:
    with st.expander("Add a project", expanded=False), st.form("tm_proj_add_form"):
        name = st.text_input("Name", key="tm_proj_add_name")
        description = st.text_area("Description", key="tm_proj_add_description")
        if st.form_submit_button("Add project"):
            action = bind(projects.add_project, me.id, data=ProjectInput(name, description))
            attempt(action, f"Project {plain(name)} added.", key="tm_proj_add")


def _edit_project(me: PersonView, rows: list[ProjectRow]) -> None:
    by_id = {p.id: p for p in rows}
    picked = st.selectbox(
        "Edit a project",
        list(by_id),
        index=None,
        format_func=lambda pid: by_id[pid].name + (" (archived)" if by_id[pid].archived else ""),
        placeholder="Pick a project to edit",
        key="tm_project",
    )
    if picked is None:
        return
    row = by_id[picked]
    version = state.base_version("project", row.id, row.version)
    with st.form(f"tm_proj_edit_form_{row.id}"):
        name = st.text_input("Name", value=row.name, key=f"tm_proj_name_{row.id}")
        text = st.text_area(
            "Description", value=row.description, key=f"tm_proj_description_{row.id}"
        )
        if st.form_submit_button("Save"):
            data = ProjectInput(name, text)
            action = bind(
                projects.edit_project, me.id, project_id=row.id, version=version, data=data
            )
            attempt(action, f"Project {plain(name)} saved.", key=f"tm_proj_edit_{row.id}")
    verb = "Reopen" if row.archived else "Archive"
    if st.button(f"{verb} {plain(row.name)}", key=f"tm_proj_archive_{row.id}"):
        action = bind(
            projects.set_project_archived,
            me.id,
            project_id=row.id,
            version=version,
            archived=not row.archived,
        )
        done = f"Project {plain(row.name)} {'reopened' if row.archived else 'archived'}."
        attempt(action, done, key=f"tm_proj_archive_{row.id}")


def _projects_section(me: PersonView, tables: Tables, manager: bool) -> None:
    st.subheader("Projects")
    if not tables.projects:
        st.info("No project yet. Questions belong to a project; a manager adds one here.")
    else:
        st.dataframe(tables.projects_table, hide_index=True, key="tm_projects_table")
    if manager:
        _add_project(me)
        if tables.projects:
            _edit_project(me, tables.projects)


# --------------------------------------------------------------------------- workload


def _workload_section(tables: Tables) -> None:
    st.subheader("Workload")
    if tables.workload is None:
        st.info(
            "No open question is assigned to anyone yet. Assign sub-questions on the "
            "Questions page and each person's open work shows here, by project."
        )
        return
    st.caption(
        "Open sub-questions assigned to each person, per project. Overdue: still open after "
        "their due date (the rule Overview's Overdue counts)."
    )
    st.dataframe(tables.workload, key="tm_workload")


# --------------------------------------------------------------------------- breadth


def _breadth_section(tables: Tables) -> None:
    st.subheader("Technique breadth")
    if tables.breadth_questions is None or tables.breadth_findings is None:
        st.info(
            "No IC has work with a technique yet. Give sub-questions a technique "
            "(statistics, modeling, data cleaning...) and who works in which shows here."
        )
        return
    st.caption("Per IC and technique: questions assigned, and findings they logged.")
    assigned, logged = st.tabs(["Questions assigned", "Findings logged"])
    with assigned:
        st.dataframe(tables.breadth_questions, key="tm_breadth_questions")
    with logged:
        st.dataframe(tables.breadth_findings, key="tm_breadth_findings")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    state.show_flash()
    st.title("Team")
    manager = person.role == Role.MANAGER
    if not manager:
        st.caption("You see the team read-only; a manager adds and edits people and projects.")
    tables = team_tables.tables()
    _people_section(person, tables, manager)
    _projects_section(person, tables, manager)
    _workload_section(tables)
    _breadth_section(tables)


if __name__ == "__main__":
    render()
