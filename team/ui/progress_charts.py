"""The charts of the Progress page: what each reads, how few rows it draws (each says how
many it left out), and the Vega-Lite spec built from them. A spec is built once per data
version and day (chart_spec), and only the bounded rows reach the browser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session

from team import charts
from team.services.progress import history
from team.services.progress import people as progress_people
from team.ui.resources import TALK, cached

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


Bound = Callable[[pd.DataFrame], tuple[pd.DataFrame, str]]
Draw = Callable[[pd.DataFrame], dict[str, Any]]
DEADLINES = 15  # general questions in the deadline chart
PEOPLE = 9  # people in the findings chart (three rows of three panels)
ROWS = 20  # people or reviewers in a bar chart or heatmap
STALE = 20  # questions in the stale chart


def _read(
    s: Session,
    name: str,
    project_id: int | None,
    person_id: int | None,
    stale_days: int,
    chosen: tuple[int, ...],
) -> pd.DataFrame:
    """One aggregated frame."""
    if name == "progress":
        return history.answer_progress(s, project_id=project_id, person_id=person_id, chosen=chosen)
    if name == "deadlines":
        return history.deadline_health(s, project_id=project_id, person_id=person_id)
    if name == "stale":
        return progress_people.stale_questions(
            s, stale_after_days=stale_days, project_id=project_id, person_id=person_id, limit=STALE
        )
    readers: dict[str, Callable[..., pd.DataFrame]] = {
        "findings": progress_people.findings_per_week,
        "turnaround": progress_people.review_turnaround,
        "review_age": progress_people.open_review_age,
        "workload": progress_people.workload,
        "techniques": progress_people.technique_breadth,
    }
    return readers[name](s, project_id=project_id, person_id=person_id)


# --------------------------------------------------------------------------- bounds
# Each chart draws a few rows, however many the team has, and says how many it left out.


def _whole(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    return frame, ""


def _deadlines(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if len(frame) <= DEADLINES:
        return frame, ""
    at_risk = int(frame["at_risk"].sum())
    return frame.head(DEADLINES), (
        f"The {DEADLINES} most at risk of {len(frame):,} unfinished general questions with a "
        f"due date ({at_risk:,} at risk)."
    )


def _top(by: str, weights: list[str], n: int, noun: str) -> Bound:
    def bound(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        kept, left_out = charts.top_groups(frame, by, weights, n)
        return kept, (f"The {n} with the most; {left_out:,} more {noun}." if left_out else "")

    return bound


def _stale(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    total, stale = int(frame["open_total"].iloc[0]), int(frame["stale_total"].iloc[0])
    if total <= len(frame):
        return frame, ""
    return frame, (
        f"The {len(frame)} longest without evidence of {total:,} open questions ({stale:,} stale)."
    )


def _chart_spec(draw: Callable[[pd.DataFrame], charts.AnyChart]) -> Draw:
    """Altair's spec, unvalidated: tests/test_charts.py validates every chart."""
    return lambda frame: draw(frame).to_dict(validate=False)


@dataclass(frozen=True)
class Chart:
    name: str
    heading: str
    caption: str
    draw: Draw
    bound: Bound = _whole


# --------------------------------------------------------------------------- catalogue


def catalogue(stale_days: int) -> list[Chart]:
    """The charts under answer progress, in the order the page shows them."""
    return [
        Chart(
            "deadlines",
            "Deadline health",
            "Coverage today against the expected pace (black tick: linear from creation to "
            "the due date); red when more than 10 points behind.",
            _chart_spec(charts.deadline_health_chart),
            _deadlines,
        ),
        Chart(
            "findings",
            "Findings per week",
            "Findings logged per person and week, by kind (withdrawn ones left out).",
            _chart_spec(charts.findings_chart),
            _top("person", ["findings"], PEOPLE, "people logged findings in these weeks"),
        ),
        Chart(
            "turnaround",
            "Review turnaround",
            "Median hours from request to first response and to resolution, per week.",
            _chart_spec(charts.review_turnaround_chart),
        ),
        Chart(
            "review_age",
            "Open reviews by age",
            "Reviews still open per reviewer, by how long they have waited.",
            _chart_spec(charts.open_review_age_chart),
            _top("reviewer", ["reviews"], ROWS, "reviewers have open reviews"),
        ),
        Chart(
            "workload",
            "Workload",
            "Open sub-questions per person, by project; overdue ones in red.",
            _chart_spec(charts.workload_chart),
            _top("person", ["open"], ROWS, "people have open sub-questions (see Team)"),
        ),
        Chart(
            "techniques",
            "Technique breadth",
            "Per IC and technique: questions assigned plus findings logged.",
            _chart_spec(charts.technique_chart),
            _top("person", ["assigned", "findings"], ROWS, "ICs (see Team)"),
        ),
        Chart(
            "stale",
            "Stale questions",
            f"Open questions by days since their newest finding; stale after {stale_days} "
            "days (dashed line).",
            _chart_spec(lambda frame: charts.stale_chart(frame, stale_days, limit=STALE)),
            _stale,
        ),
    ]


PROGRESS = Chart(
    "progress",
    "Answer progress",
    "Per general question and week: answered leaf sub-questions (green) against leaves in "
    "scope (dashed: growth is new sub-questions), with the answer's confidence (orange, "
    "right axis).",
    charts.answer_progress_spec,
)


def by_name(name: str, stale_days: int) -> Chart:
    return (
        PROGRESS
        if name == PROGRESS.name
        else next(c for c in catalogue(stale_days) if c.name == name)
    )


def spec(
    session: Session,
    *,
    name: str,
    project_id: int | None,
    person_id: int | None,
    stale_days: int,
    chosen: tuple[int, ...],
) -> tuple[dict[str, Any] | None, str]:
    """The chart's Vega-Lite spec (None when there is nothing to draw) and what it left
    out."""
    data = _read(session, name, project_id, person_id, stale_days, chosen)
    if data.empty:
        return None, ""
    chart = by_name(name, stale_days)
    shown, note = chart.bound(data)
    return charts.with_label_limits(chart.draw(shown)), note


# Cached here, not in reads.py, so that only the Progress page imports pandas and Altair.
chart_spec = cached(spec, daily=True, max_entries=256, ignoring=TALK)
