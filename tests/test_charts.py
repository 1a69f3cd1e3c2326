"""Chart functions on small frames: marks, encodings, tooltips and the aggregated numbers
the browser receives (chart.to_dict()), not pixels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
import pytest

from team import charts, colours
from team.vocabulary import FindingKind

WEEK1 = datetime(2026, 2, 22, 12, tzinfo=UTC)
WEEK2 = WEEK1 + timedelta(weeks=1)


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    datasets = list(spec["datasets"].values())
    assert len(datasets) == 1
    return list(datasets[0])


def _tooltips(encoding: dict[str, Any]) -> set[str]:
    return {t["field"] for t in encoding["tooltip"]}


def _progress() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "root_id": [1, 1, 2],
            "title": ["Why churn?", "Why churn?", "Price model?"],
            "week_end": pd.to_datetime([WEEK1, WEEK2, WEEK2], utc=True),
            "scope": [2, 3, 1],
            "answered": [0, 2, 1],
            "coverage": [0.0, 2 / 3, 1.0],
            "confidence": [None, "high", "low"],
            "confidence_level": [None, 3, 1],
        }
    )


def test_answer_progress_has_one_panel_per_question_with_confidence_overlaid() -> None:
    spec = charts.answer_progress_chart(_progress()).to_dict()
    panels = spec["concat"]
    assert [p["title"]["text"] for p in panels] == ["Why churn?", "Price model?"]
    counts, confidence = panels[0]["layer"]
    area, scope = counts["layer"]
    assert area["mark"]["type"] == "area" and area["encoding"]["y"]["field"] == "answered"
    assert scope["mark"]["type"] == "line" and scope["encoding"]["y"]["field"] == "scope"
    assert confidence["encoding"]["y"]["field"] == "confidence_level"
    assert confidence["encoding"]["y"]["axis"]["orient"] == "right"
    assert panels[0]["resolve"]["scale"]["y"] == "independent"
    assert {"answered", "scope", "coverage", "confidence"} <= _tooltips(area["encoding"])
    rows = _rows(spec)
    assert [(r["title"], r["answered"], r["scope"]) for r in rows] == [
        ("Why churn?", 0, 2),
        ("Why churn?", 2, 3),
        ("Price model?", 1, 1),
    ]


def test_the_fast_progress_spec_is_the_validated_chart_with_a_panel_per_question() -> None:
    spec = charts.answer_progress_spec(_progress())
    assert spec == charts.answer_progress_chart(_progress()).to_dict()  # valid Vega-Lite
    filters = [p["transform"] for p in spec["concat"]]
    assert filters == [
        [{"filter": "(datum.root_id === 1)"}],
        [{"filter": "(datum.root_id === 2)"}],
    ]
    assert spec["concat"][0]["layer"] == spec["concat"][1]["layer"]


def test_top_groups_keeps_the_heaviest_and_counts_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "person": ["Ines", "Ines", "Ravi", "Ana", "Bo"],
            "assigned": [1, 2, 1, 4, 0],
            "findings": [0, 1, 1, 0, 2],
        }
    )
    kept, left_out = charts.top_groups(frame, "person", ["assigned", "findings"], 2)
    assert list(kept["person"]) == ["Ines", "Ines", "Ana"] and left_out == 2
    tie, _ = charts.top_groups(frame, "person", ["findings"], 2)
    assert set(tie["person"]) == {"Ines", "Bo"}  # 2 each, then by name: Bo before Ravi
    everyone, none_left = charts.top_groups(frame, "person", ["assigned"], 9)
    assert everyone.equals(frame) and none_left == 0


def test_deadline_health_colours_at_risk_and_marks_the_pace() -> None:
    frame = pd.DataFrame(
        {
            "root_id": [1, 2],
            "title": ["Late", "Fine"],
            "due_date": [date(2026, 3, 1), date(2026, 4, 1)],
            "days_left": [-1, 30],
            "scope": [2, 4],
            "answered": [0, 2],
            "coverage": [0.0, 0.5],
            "expected": [1.0, 0.4],
            "gap": [1.0, -0.1],
            "at_risk": [True, False],
        }
    )
    spec = charts.deadline_health_chart(frame).to_dict()
    bars, pace = spec["layer"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["field"] == "coverage"
    assert pace["mark"]["type"] == "tick" and pace["encoding"]["x"]["field"] == "expected"
    colour = bars["encoding"]["color"]
    assert colour["scale"]["domain"] == ["on track", "at risk"]
    assert colour["scale"]["range"][1] == charts.AT_RISK_COLOUR
    assert {"coverage", "expected", "days_left"} <= _tooltips(bars["encoding"])
    assert _tooltips(pace["encoding"]) == _tooltips(bars["encoding"])
    assert [(r["title"], r["health"]) for r in _rows(spec)] == [
        ("Late", "at risk"),
        ("Fine", "on track"),
    ]


def test_findings_chart_stacks_kinds_per_person() -> None:
    frame = pd.DataFrame(
        {
            "week_end": pd.to_datetime([WEEK1, WEEK2, WEEK2], utc=True),
            "person_id": [1, 1, 2],
            "person": ["Ines", "Ines", "Ravi"],
            "kind": ["result", "caveat", "result"],
            "findings": [2, 1, 4],
        }
    )
    spec = charts.findings_chart(frame).to_dict()
    inner = spec["spec"]
    assert spec["facet"]["field"] == "person"
    assert inner["mark"]["type"] == "bar"
    assert inner["encoding"]["y"]["aggregate"] == "sum"
    assert inner["encoding"]["color"]["field"] == "kind"
    assert {"person", "kind", "findings"} <= _tooltips(inner["encoding"])
    assert sum(r["findings"] for r in _rows(spec)) == 7


def test_findings_chart_says_each_kind_by_its_label_in_a_colour_that_is_not_red() -> None:
    kinds = list(FindingKind)
    frame = pd.DataFrame(
        {
            "week_end": pd.to_datetime([WEEK1] * len(kinds), utc=True),
            "person_id": [1] * len(kinds),
            "person": ["Ines"] * len(kinds),
            "kind": [k.value for k in kinds],
            "findings": [1] * len(kinds),
        }
    )
    spec = charts.findings_chart(frame).to_dict()
    # The data the browser gets, its legend and its tooltips: labels, never raw values.
    assert {r["kind"] for r in _rows(spec)} == {
        "result",
        "negative result",
        "data-cleaning decision",
        "caveat",
    }
    assert "data_decision" not in str(spec) and "negative_result" not in str(spec)
    scale = spec["spec"]["encoding"]["color"]["scale"]
    assert scale["domain"] == [k.label for k in kinds]
    assert colours.PROBLEM.hex not in scale["range"]
    assert len(set(scale["range"])) == len(kinds)


def _colours_in(spec: Any) -> list[tuple[str, str]]:
    """Every (domain value, colour) a chart's colour scales pair, and every fixed mark
    colour (its domain value: "")."""
    found: list[tuple[str, str]] = []
    if isinstance(spec, dict):
        scale = spec.get("scale") if isinstance(spec.get("scale"), dict) else None
        if scale and "range" in scale and isinstance(scale["range"], list):
            domain = scale.get("domain") or [""] * len(scale["range"])
            found += [(str(d), str(c)) for d, c in zip(domain, scale["range"], strict=False)]
        mark = spec.get("mark")
        if isinstance(mark, dict) and isinstance(mark.get("color"), str):
            found.append(("", mark["color"]))
        for value in spec.values():
            found += _colours_in(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _colours_in(value)
    return found


def test_red_means_a_problem_on_every_chart() -> None:
    """The problem red paints overdue, at risk, stale and a week's wait, and nothing
    else; no other red is used (a finding kind was red on the findings chart)."""
    workload = pd.DataFrame(
        {"person": ["Ines"], "project": ["Retention"], "open": [3], "overdue": [1]}
    )
    stale = pd.DataFrame(
        {
            "title": ["old"],
            "general_question": ["R"],
            "assignee": ["Ines"],
            "last_evidence_at": pd.DatetimeIndex([WEEK1], tz="UTC"),
            "days_since": [20.0],
            "stale": [True],
        }
    )
    deadlines = pd.DataFrame(
        {
            "title": ["Late"],
            "due_date": [date(2026, 3, 1)],
            "days_left": [-1],
            "scope": [2],
            "answered": [0],
            "coverage": [0.0],
            "expected": [1.0],
            "at_risk": [True],
        }
    )
    findings = pd.DataFrame(
        {
            "week_end": pd.to_datetime([WEEK1], utc=True),
            "person": ["Ines"],
            "kind": ["caveat"],
            "findings": [1],
        }
    )
    turnaround = pd.DataFrame(
        {
            "week_end": pd.to_datetime([WEEK1], utc=True),
            "measure": ["first response"],
            "median_hours": [1.0],
            "reviews": [1],
        }
    )
    age = pd.DataFrame(
        {
            "reviewer": ["Maya"],
            "age_bucket": ["over a week"],
            "bucket_order": [3],
            "reviews": [1],
            "oldest_days": [9.0],
        }
    )
    specs = [
        charts.workload_chart(workload).to_dict(),
        charts.stale_chart(stale, 14).to_dict(),
        charts.deadline_health_chart(deadlines).to_dict(),
        charts.findings_chart(findings).to_dict(),
        charts.review_turnaround_chart(turnaround).to_dict(),
        charts.open_review_age_chart(age).to_dict(),
        charts.answer_progress_chart(_progress()).to_dict(),
    ]
    pairs = [pair for spec in specs for pair in _colours_in(spec)]
    reds = {value for value, colour in pairs if colour == colours.PROBLEM.hex}
    assert reds == {"overdue", "stale", "at risk", "over a week"}
    assert not {c for _v, c in pairs} & {"#d62728", "#e45756", "red"}


def test_answered_is_the_green_of_its_badge() -> None:
    from team.ui.labels import status_badge
    from team.vocabulary import QuestionStatus

    spec = charts.answer_progress_chart(_progress()).to_dict()
    area = spec["concat"][0]["layer"][0]["layer"][0]
    answered = colours.QUESTION[QuestionStatus.ANSWERED]
    assert area["mark"]["color"] == answered.hex
    assert status_badge(QuestionStatus.ANSWERED).startswith(f":{answered.badge}-badge[")


def test_review_turnaround_and_open_age() -> None:
    turnaround = pd.DataFrame(
        {
            "week_end": pd.to_datetime([WEEK2, WEEK2], utc=True),
            "measure": ["first response", "resolution"],
            "median_hours": [10.0, 50.0],
            "reviews": [5, 2],
        }
    )
    spec = charts.review_turnaround_chart(turnaround).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["color"]["field"] == "measure"
    assert {"median_hours", "reviews"} <= _tooltips(spec["encoding"])
    assert [r["median_hours"] for r in _rows(spec)] == [10.0, 50.0]
    age = pd.DataFrame(
        {
            "reviewer": ["Maya", "Maya"],
            "age_bucket": ["under 1 day", "over a week"],
            "bucket_order": [0, 3],
            "reviews": [1, 2],
            "oldest_days": [0.1, 10.0],
        }
    )
    spec = charts.open_review_age_chart(age).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["scale"]["domain"] == charts.AGE_ORDER
    assert "oldest_days" in _tooltips(spec["encoding"])


def test_workload_puts_overdue_in_its_own_colour() -> None:
    frame = pd.DataFrame(
        {
            "person_id": [1, 2],
            "person": ["Ines", "Ravi"],
            "project": ["Retention", "Pricing"],
            "open": [3, 1],
            "overdue": [1, 0],
        }
    )
    spec = charts.workload_chart(frame).to_dict()
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Pricing", "Retention", "overdue"]
    assert colour["scale"]["range"][-1] == charts.OVERDUE_COLOUR
    assert charts.OVERDUE_COLOUR not in colour["scale"]["range"][:-1]
    assert {"person", "project", "count"} <= _tooltips(spec["encoding"])
    segments = {(r["person"], r["segment"]): r["count"] for r in _rows(spec)}
    assert segments == {("Ines", "Retention"): 2, ("Ines", "overdue"): 1, ("Ravi", "Pricing"): 1}


def test_technique_heatmap_counts() -> None:
    frame = pd.DataFrame(
        {
            "person_id": [1, 1],
            "person": ["Ines", "Ines"],
            "technique": ["modeling", "data cleaning"],
            "assigned": [2, 0],
            "findings": [1, 3],
        }
    )
    spec = charts.technique_chart(frame).to_dict()
    cells, labels = spec["layer"]
    assert cells["mark"]["type"] == "rect" and labels["mark"]["type"] == "text"
    assert cells["encoding"]["x"]["field"] == "technique"
    assert cells["encoding"]["y"]["field"] == "person"
    assert cells["encoding"]["color"]["field"] == "total"
    assert {"assigned", "findings"} <= _tooltips(cells["encoding"])
    assert {r["technique"]: r["total"] for r in _rows(spec)} == {"modeling": 3, "data cleaning": 3}


def test_stale_chart_marks_the_threshold() -> None:
    frame = pd.DataFrame(
        {
            "question_id": [1, 2],
            "title": ["old", "new"],
            "general_question": ["R", "R"],
            "assignee": ["Ines", "unassigned"],
            "last_evidence_at": pd.DatetimeIndex([WEEK1, None], tz="UTC"),
            "days_since": [20.0, 3.0],
            "stale": [True, False],
        }
    )
    spec = charts.stale_chart(frame, 14).to_dict()
    bars, rule = spec["layer"]
    assert bars["mark"]["type"] == "bar" and rule["mark"]["type"] == "rule"
    assert bars["encoding"]["x"]["field"] == "days_since"
    assert {"title", "assignee", "evidence", "days_since"} <= _tooltips(bars["encoding"])
    data = {name: list(rows) for name, rows in spec["datasets"].items()}
    bar_rows = data[bars["data"]["name"]]
    assert [(r["title"], r["state"], r["evidence"]) for r in bar_rows] == [
        ("old", "stale", "22 Feb 2026"),
        ("new", "fresh", "none yet"),
    ]
    assert data[rule["data"]["name"]] == [{"days": 14}]


@pytest.mark.parametrize(
    ("draw", "columns"),
    [
        (charts.answer_progress_chart, list(_progress().columns)),
        (charts.deadline_health_chart, ["title", "due_date", "at_risk", "coverage", "expected"]),
        (charts.findings_chart, ["week_end", "person", "kind", "findings"]),
        (charts.review_turnaround_chart, ["week_end", "measure", "median_hours", "reviews"]),
        (charts.open_review_age_chart, ["reviewer", "age_bucket", "bucket_order", "reviews"]),
        (charts.workload_chart, ["person", "project", "open", "overdue"]),
        (charts.technique_chart, ["person", "technique", "assigned", "findings"]),
        (
            lambda f: charts.stale_chart(f, 14),
            ["title", "general_question", "assignee", "last_evidence_at", "days_since", "stale"],
        ),
    ],
)
def test_empty_frames_give_a_valid_chart(draw: Any, columns: list[str]) -> None:
    chart = draw(pd.DataFrame(columns=columns))
    assert isinstance(chart, alt.TopLevelMixin)
    assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite")
