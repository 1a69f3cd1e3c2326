"""The tables of the Team page, built once per data version and day (tables):
the rows the forms pick from and the tables already pivoted (pivoting on every rerun cost
more than drawing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session

from team.services.admin import reads as team_reads
from team.services.admin.reads import PersonRow, ProjectRow, TeamView
from team.ui.resources import TALK, cached
from team.vocabulary import Role

INACTIVE = " (inactive)"


def shown(name: str | None, active: bool | None) -> str:
    if name is None:
        return ""
    return name if active in (True, None) else f"{name}{INACTIVE}"


@dataclass(frozen=True)
class Tables:
    people: list[PersonRow]
    projects: list[ProjectRow]
    people_table: pd.DataFrame
    projects_table: pd.DataFrame
    workload: pd.DataFrame | None
    breadth_questions: pd.DataFrame | None
    breadth_findings: pd.DataFrame | None


def build(session: Session, *, today: date | None = None) -> Tables:
    view = team_reads.team_view(session, today=today)
    return Tables(
        people=view.people,
        projects=view.projects,
        people_table=_people_frame(view.people),
        projects_table=_projects_frame(view.projects),
        workload=_workload_frame(view) if view.workload else None,
        breadth_questions=_breadth_frame(view, "questions") if view.breadth else None,
        breadth_findings=_breadth_frame(view, "findings") if view.breadth else None,
    )


def _people_frame(rows: list[PersonRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [shown(p.name, p.active) for p in rows],
            "Email": [p.email for p in rows],
            "Role": [Role(p.role).label for p in rows],
            "Reports to": [shown(p.manager, p.manager_active) for p in rows],
            "Active": [p.active for p in rows],
        }
    )


def _projects_frame(rows: list[ProjectRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Project": [p.name for p in rows],
            "Description": [p.description for p in rows],
            "Status": ["Archived" if p.archived else "Active" for p in rows],
            "General questions": [p.general_questions for p in rows],
            "Still open": [p.open_general_questions for p in rows],
        }
    )


def _workload_frame(view: TeamView) -> pd.DataFrame:
    long = pd.DataFrame(
        {
            "Person": [shown(r.person, r.active) for r in view.workload],
            "Project": [r.project for r in view.workload],
            "Open": [r.open_questions for r in view.workload],
            "Overdue": [r.overdue for r in view.workload],
        }
    )
    wide = long.pivot_table(index="Person", columns="Project", values="Open", fill_value=0)
    totals = long.groupby("Person")[["Open", "Overdue"]].sum()
    return wide.join(totals.rename(columns={"Open": "Total open"})).astype(int)


def _breadth_frame(view: TeamView, values: str) -> pd.DataFrame:
    long = pd.DataFrame(
        {
            "IC": [shown(r.person, r.active) for r in view.breadth],
            "Technique": [r.technique for r in view.breadth],
            "questions": [r.questions for r in view.breadth],
            "findings": [r.findings for r in view.breadth],
        }
    )
    wide = long.pivot_table(index="IC", columns="Technique", values=values, fill_value=0)
    return wide.astype(int)


# Cached here, not in reads.py, so that only the Team page imports pandas.
tables = cached(build, daily=True, max_entries=16, ignoring=TALK)
