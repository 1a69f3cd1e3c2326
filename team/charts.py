"""Charts for the Progress page: pure functions from an aggregated DataFrame (as
team.services.progress.history and .people return them) to an Altair chart.

No streamlit, no database: pandas and altair, and the app's vocabulary and colours
(team.vocabulary, team.colours: plain constants), so a chart says a value by the label the
pages use and paints a state in the colour of its badge; red is a problem and nothing
else. Every chart has tooltips; an empty frame gives a valid (empty) chart, though pages
show an empty-state sentence instead.
"""

from __future__ import annotations

import copy
from typing import Any

import altair as alt
import pandas as pd

from team import colours
from team.vocabulary import FindingKind, QuestionStatus

# A problem (overdue, at risk, stale) is the problem red of the badges; nothing else is.
OVERDUE_COLOUR = AT_RISK_COLOUR = STALE_COLOUR = colours.PROBLEM.hex
ANSWERED_COLOUR = colours.QUESTION[QuestionStatus.ANSWERED].hex
ON_TRACK_COLOUR = colours.SERIES[0]
FRESH_COLOUR = colours.SERIES[8]
CONFIDENCE_COLOUR = "#f58518"
SCOPE_COLOUR = "#333333"
# Project colours: a categorical palette without red, which means "overdue".
PROJECT_COLOURS = list(colours.SERIES)
KIND_ORDER = [kind.label for kind in FindingKind]
KIND_COLOURS = [colours.KIND[kind] for kind in FindingKind]
AGE_ORDER = ["under 1 day", "1-3 days", "3-7 days", "over a week"]
# Waiting longer is worse; waiting over a week is a problem (red), nothing before it is.
AGE_COLOURS = ["#ffecb0", "#ffd16a", "#ff8700", colours.PROBLEM.hex]
MEASURE_COLOURS = list(colours.SERIES[:2])
CONFIDENCE_LABELS = (
    "datum.value == 1 ? 'low' : datum.value == 2 ? 'medium' : datum.value == 3 ? 'high' : ''"
)
WIDTH = 320
AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.ConcatChart
WEEK = alt.X("week_end:T", title="Week ending", axis=alt.Axis(format="%d %b"))


def top_groups(
    frame: pd.DataFrame, by: str, weights: list[str], n: int
) -> tuple[pd.DataFrame, int]:
    """The rows of the ``n`` groups of column ``by`` with the largest sum of ``weights``
    (ties by name), and how many groups were left out: a chart draws a few, not all."""
    if frame.empty:
        return frame, 0
    totals = frame.groupby(by)[weights].sum().sum(axis=1).rename("weight").reset_index()
    ranked = totals.sort_values(["weight", by], ascending=[False, True])
    keep = set(ranked[by].head(n))
    return frame[frame[by].isin(keep)], max(0, len(ranked) - n)


def _week_label(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``week`` as a readable label for tooltips."""
    out = frame.copy()
    out["week"] = pd.to_datetime(out["week_end"], utc=True).dt.strftime("%d %b %Y")
    return out


# --------------------------------------------------------------------------- questions


def _progress_layers() -> alt.LayerChart:
    """One answer-progress panel, without its data, filter or title."""
    tooltip = [
        alt.Tooltip("title:N", title="General question"),
        alt.Tooltip("week:N", title="Week ending"),
        alt.Tooltip("answered:Q", title="Answered leaves"),
        alt.Tooltip("scope:Q", title="Leaves in scope"),
        alt.Tooltip("coverage:Q", title="Coverage", format=".0%"),
        alt.Tooltip("confidence:N", title="Answer confidence"),
    ]
    base = alt.Chart().encode(x=WEEK, tooltip=tooltip)
    answered = base.mark_area(
        opacity=0.5, color=ANSWERED_COLOUR, line=alt.OverlayMarkDef(color=ANSWERED_COLOUR)
    ).encode(y=alt.Y("answered:Q", title="Leaf questions"))
    scope = base.mark_line(
        color=SCOPE_COLOUR, strokeDash=[4, 3], point=alt.OverlayMarkDef(color=SCOPE_COLOUR)
    ).encode(y=alt.Y("scope:Q", title="Leaf questions"))
    confidence = (
        base.mark_line(
            color=CONFIDENCE_COLOUR,
            point=alt.OverlayMarkDef(size=50, color=CONFIDENCE_COLOUR),
            interpolate="step-after",
        )
        .encode(
            y=alt.Y(
                "confidence_level:Q",
                title="Answer confidence",
                scale=alt.Scale(domain=[0, 3]),
                axis=alt.Axis(
                    orient="right", values=[1, 2, 3], labelExpr=CONFIDENCE_LABELS, grid=False
                ),
            )
        )
        .transform_filter("isValid(datum.confidence_level)")
    )
    layers = alt.layer(alt.layer(answered, scope), confidence)
    resolved: alt.LayerChart = layers.resolve_scale(y="independent")
    return resolved


def answer_progress_spec(frame: pd.DataFrame) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`answer_progress_chart`, built fast: Altair builds and
    validates the first panel; every other panel is a copy of it with its own filter
    and title (building each through Altair costs a few hundred ms a panel)."""
    data = _week_label(frame)
    roots = list(data[["root_id", "title"]].drop_duplicates().itertuples(index=False))
    if not roots:
        empty: dict[str, Any] = alt.concat(columns=2, data=data).to_dict()
        return empty
    first = _progress_layers().transform_filter(alt.datum.root_id == int(roots[0][0]))
    panel = first.properties(
        width=WIDTH,
        height=170,
        title=alt.TitleParams(str(roots[0][1]), fontSize=12, limit=WIDTH + 60),
    )
    # One panel per root (a concat: Vega-Lite facets do not render layers with an
    # independent axis in Streamlit).
    spec = alt.concat(panel, columns=2, data=data).to_dict()
    template = spec["concat"][0]
    spec["concat"] = [
        {
            **copy.deepcopy(template),
            "transform": [{"filter": f"(datum.root_id === {int(root_id)})"}],
            "title": {**template["title"], "text": str(title)},
        }
        for root_id, title in roots
    ]
    return spec


def answer_progress_chart(frame: pd.DataFrame) -> AnyChart:
    """Per general question (one panel each): scope (leaf questions in scope, a line) and
    answered leaves (an area) per week, with the root's answer confidence overlaid on a
    right-hand axis (low / medium / high)."""
    chart: AnyChart = alt.ConcatChart.from_dict(answer_progress_spec(frame))
    return chart


def deadline_health_chart(frame: pd.DataFrame) -> AnyChart:
    """Per general question with a due date: coverage today (a bar, red when at risk)
    against the expected pace to its due date (a black tick)."""
    data = frame.assign(
        health=frame["at_risk"].map({True: "at risk", False: "on track"}),
        due=frame["due_date"].astype(str),
    )
    tooltip = [
        alt.Tooltip("title:N", title="General question"),
        alt.Tooltip("due:N", title="Due"),
        alt.Tooltip("days_left:Q", title="Days left"),
        alt.Tooltip("coverage:Q", title="Coverage today", format=".0%"),
        alt.Tooltip("expected:Q", title="Expected by now", format=".0%"),
        alt.Tooltip("answered:Q", title="Answered leaves"),
        alt.Tooltip("scope:Q", title="Leaves in scope"),
        alt.Tooltip("health:N", title="Health"),
    ]
    y = alt.Y("title:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=14).encode(
        x=alt.X(
            "coverage:Q",
            title="Coverage",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        color=alt.Color(
            "health:N",
            title="Health",
            scale=alt.Scale(
                domain=["on track", "at risk"], range=[ON_TRACK_COLOUR, AT_RISK_COLOUR]
            ),
        ),
    )
    pace = base.mark_tick(color="black", thickness=3, size=22).encode(x="expected:Q")
    chart: AnyChart = alt.layer(bars, pace).properties(width=420)
    return chart


# --------------------------------------------------------------------------- people


def findings_chart(frame: pd.DataFrame) -> AnyChart:
    """Findings per week (stacked by kind, each kind by its label and in its colour), one
    small panel per person."""
    data = _week_label(frame)
    data["kind"] = data["kind"].map(lambda kind: FindingKind(kind).label)
    data["kind_order"] = data["kind"].map(KIND_ORDER.index)
    chart: AnyChart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonthdate(week_end):O", title="Week ending", axis=alt.Axis(format="%d %b")
            ),
            y=alt.Y("sum(findings):Q", title="Findings"),
            color=alt.Color(
                "kind:N",
                title="Kind",
                sort=KIND_ORDER,
                scale=alt.Scale(domain=KIND_ORDER, range=KIND_COLOURS),
            ),
            order=alt.Order("kind_order:Q"),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                alt.Tooltip("week:N", title="Week ending"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("findings:Q", title="Findings"),
            ],
        )
        .properties(width=220, height=120)
        .facet(facet=alt.Facet("person:N", title=None), columns=3)
    )
    return chart


def review_turnaround_chart(frame: pd.DataFrame) -> AnyChart:
    """Median hours to first response and to resolution, per week."""
    data = _week_label(frame)
    chart: AnyChart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=WEEK,
            y=alt.Y("median_hours:Q", title="Median hours"),
            color=alt.Color(
                "measure:N", title="From request to", scale=alt.Scale(range=MEASURE_COLOURS)
            ),
            tooltip=[
                alt.Tooltip("week:N", title="Week ending"),
                alt.Tooltip("measure:N", title="From request to"),
                alt.Tooltip("median_hours:Q", title="Median hours", format=".1f"),
                alt.Tooltip("reviews:Q", title="Reviews"),
            ],
        )
        .properties(width=520, height=220)
    )
    return chart


def open_review_age_chart(frame: pd.DataFrame) -> AnyChart:
    """Open reviews per reviewer, stacked by how long ago they were requested."""
    chart: AnyChart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("reviewer:N", title="Reviewer"),
            x=alt.X("sum(reviews):Q", title="Open reviews", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "age_bucket:N",
                title="Waiting",
                sort=AGE_ORDER,
                scale=alt.Scale(domain=AGE_ORDER, range=AGE_COLOURS),
            ),
            order=alt.Order("bucket_order:Q"),
            tooltip=[
                alt.Tooltip("reviewer:N", title="Reviewer"),
                alt.Tooltip("age_bucket:N", title="Waiting"),
                alt.Tooltip("reviews:Q", title="Open reviews"),
                alt.Tooltip("oldest_days:Q", title="Oldest (days)", format=".1f"),
            ],
        )
        .properties(width=420)
    )
    return chart


def workload_segments(frame: pd.DataFrame) -> pd.DataFrame:
    """One segment per (person, project, on time / overdue): on-time sub-questions are
    coloured by project, overdue ones all in OVERDUE_COLOUR."""
    on_time = frame.assign(count=frame["open"] - frame["overdue"], segment=frame["project"])
    late = frame.assign(count=frame["overdue"], segment="overdue")
    both = pd.concat([on_time, late], ignore_index=True)
    both["overdue_segment"] = both["segment"] == "overdue"
    return both[both["count"] > 0][["person", "project", "segment", "overdue_segment", "count"]]


def workload_chart(frame: pd.DataFrame) -> AnyChart:
    """Open sub-questions per person, by project; overdue ones in a distinct red."""
    data = workload_segments(frame)
    projects = sorted(str(p) for p in frame["project"].unique())
    palette = [PROJECT_COLOURS[i % len(PROJECT_COLOURS)] for i in range(len(projects))]
    chart: AnyChart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("person:N", title=None),
            x=alt.X("sum(count):Q", title="Open sub-questions", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "segment:N",
                title="Project (red: overdue)",
                scale=alt.Scale(domain=[*projects, "overdue"], range=[*palette, OVERDUE_COLOUR]),
            ),
            order=alt.Order("overdue_segment:N"),
            tooltip=[
                alt.Tooltip("person:N", title="Person"),
                alt.Tooltip("project:N", title="Project"),
                alt.Tooltip("segment:N", title="Segment"),
                alt.Tooltip("count:Q", title="Sub-questions"),
            ],
        )
        .properties(width=420)
    )
    return chart


def technique_chart(frame: pd.DataFrame) -> AnyChart:
    """IC x technique: colour = questions assigned + findings logged, numbers in cells."""
    data = frame.assign(total=frame["assigned"] + frame["findings"])
    tooltip = [
        alt.Tooltip("person:N", title="Person"),
        alt.Tooltip("technique:N", title="Technique"),
        alt.Tooltip("assigned:Q", title="Questions assigned"),
        alt.Tooltip("findings:Q", title="Findings logged"),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("technique:N", title="Technique", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("person:N", title=None),
        tooltip=tooltip,
    )
    cells = base.mark_rect().encode(
        color=alt.Color("total:Q", title="Questions + findings", scale=alt.Scale(scheme="blues"))
    )
    labels = base.mark_text(baseline="middle").encode(
        text="total:Q",
        color=alt.condition("datum.total > 6", alt.value("white"), alt.value("black")),
    )
    chart: AnyChart = alt.layer(cells, labels)
    return chart


def stale_chart(frame: pd.DataFrame, stale_after_days: int, limit: int = 20) -> AnyChart:
    """Days since the last evidence for the ``limit`` most stale open questions, with
    the stale threshold as a rule; stale ones in red."""
    top = frame.sort_values("days_since", ascending=False).head(limit)
    data = top.assign(
        state=top["stale"].map({True: "stale", False: "fresh"}),
        evidence=top["last_evidence_at"].map(
            lambda t: "none yet" if pd.isna(t) else pd.Timestamp(t).strftime("%d %b %Y")
        ),
    )
    tooltip = [
        alt.Tooltip("title:N", title="Question"),
        alt.Tooltip("general_question:N", title="General question"),
        alt.Tooltip("assignee:N", title="Assignee"),
        alt.Tooltip("evidence:N", title="Last evidence"),
        alt.Tooltip("days_since:Q", title="Days since evidence", format=".0f"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("title:N", title=None, sort="-x", axis=alt.Axis(labelLimit=300)),
            x=alt.X("days_since:Q", title="Days since last evidence"),
            color=alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(domain=["fresh", "stale"], range=[FRESH_COLOUR, STALE_COLOUR]),
            ),
            tooltip=tooltip,
        )
    )
    threshold = (
        alt.Chart(pd.DataFrame({"days": [stale_after_days]}))
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(x="days:Q", tooltip=[alt.Tooltip("days:Q", title="Stale after (days)")])
    )
    chart: AnyChart = alt.layer(bars, threshold).properties(width=420)
    return chart


LABEL_LIMITS = {"axis": 240, "legend": 200, "header": 200}  # pixels a label may take


def with_label_limits(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with every axis, legend and facet label cut (with an ellipsis) past its
    limit, so one very long title or name cannot widen a chart past the page."""
    config = spec.setdefault("config", {})
    for part, limit in LABEL_LIMITS.items():
        config.setdefault(part, {}).setdefault("labelLimit", limit)
    return spec
