"""Managing projects: added, edited, archived and reopened by managers; never deleted, so
their questions and history stay."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Project
from team.services.admin.reads import ProjectView, project_view
from team.services.admin.rules import clash, clean_name, just_added, manager
from team.services.core.errors import InvalidInput
from team.services.core.text import multi_line
from team.services.core.tx import atomic
from team.services.core.writes import commit, insert, load, save_fields

DESCRIPTION_MAX = 20_000
CLASH = clash("name")


@dataclass(frozen=True)
class ProjectInput:
    name: str
    description: str = ""


def _load(session: Session, project_id: int) -> Project:
    return load(session, Project, project_id, f"Project #{project_id} does not exist.")


def _check_name_free(session: Session, name: str, project_id: int | None) -> None:
    query = select(Project).where(func.lower(col(Project.name)) == name.lower())
    other = session.scalars(query).first()
    if other is not None and other.id != project_id:
        raise InvalidInput(
            f"A project named '{other.name}' already exists; pick another name.", field="name"
        )


def _clean(session: Session, data: ProjectInput, project_id: int | None) -> dict[str, object]:
    name = clean_name(data.name, "project")
    description = multi_line(
        data.description, what="description", limit=DESCRIPTION_MAX, field="description"
    )
    _check_name_free(session, name, project_id)
    return {"name": name, "description": description}


@atomic
def add_project(session: Session, actor_id: int, *, data: ProjectInput) -> ProjectView:
    actor = manager(session, actor_id, "add projects")
    project = Project(**_clean(session, data, None))  # type: ignore[arg-type]
    added = just_added(project.name)
    insert(session, actor, project, new=project.name, clash=added, clash_field="name")
    commit(session, clash=CLASH)
    return project_view(project)


@atomic
def edit_project(
    session: Session, actor_id: int, *, project_id: int, version: int, data: ProjectInput
) -> ProjectView:
    actor = manager(session, actor_id, "edit projects")
    project = _load(session, project_id)
    wanted = _clean(session, data, project_id)
    if save_fields(
        session, actor, project, version=version, wanted=wanted, what=f"'{project.name}'"
    ):
        commit(session, clash=CLASH)
    return project_view(project)


@atomic
def set_project_archived(
    session: Session, actor_id: int, *, project_id: int, version: int, archived: bool
) -> ProjectView:
    """Archive a project (its questions stay, read-only history) or reopen it."""
    actor = manager(session, actor_id, "archive or reopen projects")
    project = _load(session, project_id)
    wanted: dict[str, object] = {"archived": archived}
    if save_fields(
        session, actor, project, version=version, wanted=wanted, what=f"'{project.name}'"
    ):
        session.commit()
    return project_view(project)
