"""Progress: charts over time, filtered by project and person. Each section reads one
pre-aggregated frame (cached by the data version and the filters) and draws it, or says
what will appear there and how to get it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from team import charts
from team.services import history, history_people
from team.ui import auth, resources
from team.ui.filters import project_person_filters

FILTERED = " Nothing matches these filters yet; clear them to see the whole team."
EMPTY = {
    "progress": (
        "Answer progress appears once a manager creates a general question and breaks it "
        "into sub-questions on the Questions page."
    ),
    "deadlines": (
        "Deadline health appears once an unfinished general question has a due date; set "
        "one on the Questions page."
    ),
    "findings": "Findings per week appear once ICs log findings on My work.",
    "turnaround": (
        "Review turnaround appears once a reviewer responds to a review request on the "
        "Reviews page."
    ),
    "review_age": (
        "Open review age appears while review requests wait; ICs request them on My work."
    ),
    "workload": (
        "Workload appears once open sub-questions are assigned to people on the Questions page."
    ),
    "techniques": (
        "Technique breadth appears once ICs are assigned questions with a technique or log "
        "findings on them."
    ),
    "stale": (
        "Stale questions appear once open sub-questions exist; each shows the days since "
        "its newest finding."
    ),
}


def _read(
    name: str, project_id: int | None, person_id: int | None, stale_days: int
) -> pd.DataFrame:
    """One aggregated frame, in one session."""
    with resources.session() as s:
        if name == "progress":
            return history.answer_progress(s, project_id=project_id, person_id=person_id)
        if name == "deadlines":
            return history.deadline_health(s, project_id=project_id, person_id=person_id)
        if name == "stale":
            return history_people.stale_questions(
                s, stale_after_days=stale_days, project_id=project_id, person_id=person_id
            )
        readers: dict[str, Callable[..., pd.DataFrame]] = {
            "findings": history_people.findings_per_week,
            "turnaround": history_people.review_turnaround,
            "review_age": history_people.open_review_age,
            "workload": history_people.workload,
            "techniques": history_people.technique_breadth,
        }
        return readers[name](s, project_id=project_id, person_id=person_id)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _frame(
    url: str,
    version: int,
    day: str,
    name: str,
    project_id: int | None,
    person_id: int | None,
    stale_days: int,
) -> pd.DataFrame:
    """Keyed by the data version and the day: weeks and ages move on without writes."""
    return _read(name, project_id, person_id, stale_days)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _spec(
    url: str,
    version: int,
    day: str,
    name: str,
    project_id: int | None,
    person_id: int | None,
    stale_days: int,
    _draw: Callable[[pd.DataFrame], charts.AnyChart],
) -> dict[str, Any] | None:
    """The chart's Vega-Lite spec, built (and validated by Altair) once per data version:
    building an Altair chart costs far more than drawing its spec. None when empty."""
    data = _frame(url, version, day, name, project_id, person_id, stale_days)
    if data.empty:
        return None
    return _draw(data).to_dict()


def _section(
    name: str,
    heading: str,
    caption: str,
    draw: Callable[[pd.DataFrame], charts.AnyChart],
    filters: tuple[int | None, int | None],
    stale_days: int,
) -> None:
    st.subheader(heading)
    st.caption(caption)
    day = date.today().isoformat()
    spec = _spec(*resources.cache_key(), day, name, *filters, stale_days, draw)
    if spec is None:
        filtered = any(f is not None for f in filters)
        st.info(EMPTY[name] + (FILTERED if filtered else ""), icon=":material/insights:")
        return
    st.vega_lite_chart(spec, key=f"progress_chart_{name}")


def render() -> None:
    person = auth.current_person()
    st.title("Progress")
    if person is None:
        return
    filters = project_person_filters("progress", person_label="Person")
    stale_days = resources.settings().stale_after_days
    sections: list[tuple[str, str, str, Callable[[pd.DataFrame], charts.AnyChart]]] = [
        (
            "progress",
            "Answer progress",
            "Per general question and week: answered leaf sub-questions (green) against "
            "leaves in scope (dashed: growth is new sub-questions), with the answer's "
            "confidence (orange, right axis).",
            charts.answer_progress_chart,
        ),
        (
            "deadlines",
            "Deadline health",
            "Coverage today against the expected pace (black tick: linear from creation to "
            "the due date); red when more than 10 points behind.",
            charts.deadline_health_chart,
        ),
        (
            "findings",
            "Findings per week",
            "Findings logged per person and week, by kind (withdrawn ones left out).",
            charts.findings_chart,
        ),
        (
            "turnaround",
            "Review turnaround",
            "Median hours from request to first response and to resolution, per week.",
            charts.review_turnaround_chart,
        ),
        (
            "review_age",
            "Open reviews by age",
            "Reviews still open per reviewer, by how long they have waited.",
            charts.open_review_age_chart,
        ),
        (
            "workload",
            "Workload",
            "Open sub-questions per person, by project; overdue ones in red.",
            charts.workload_chart,
        ),
        (
            "techniques",
            "Technique breadth",
            "Per IC and technique: questions assigned plus findings logged.",
            charts.technique_chart,
        ),
        (
            "stale",
            "Stale questions",
            f"Open questions by days since their newest finding; stale after {stale_days} "
            "days (dashed line).",
            lambda frame: charts.stale_chart(frame, stale_days),
        ),
    ]
    for name, heading, caption, draw in sections:
        _section(name, heading, caption, draw, filters, stale_days)


if __name__ == "__main__":
    render()
