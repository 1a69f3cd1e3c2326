"""Progress: charts over time, filtered by project and person. Each section draws one
chart spec (cached by the data version, the day and the filters), or says what will
appear there and how to get it."""

from __future__ import annotations

import streamlit as st

from team.services.progress import roots
from team.ui import auth, progress_charts, reads, resources
from team.ui.filters import project_person_filters
from team.ui.paging import searched
from team.ui.progress_charts import EMPTY, FILTERED, PROGRESS, Chart, catalogue


def _root_picker(filters: tuple[int | None, int | None]) -> tuple[tuple[int, ...], str]:
    """Which general questions answer progress draws, and a sentence saying so."""
    chosen = tuple(int(i) for i in st.session_state.get("progress_roots") or ())
    search = searched("progress_root_search")
    project_id, person_id = filters
    choices = reads.progress_roots(
        project_id=project_id, person_id=person_id, search=search, chosen=chosen
    )
    if choices.total <= roots.PANELS and not chosen:
        return (), ""
    left, right = st.columns([1, 2])
    left.text_input(
        "Find general questions", key="progress_root_search", placeholder="Words of the title"
    )
    titles = dict(choices.options)
    picked = right.multiselect(
        "General questions to draw",
        list(titles),
        format_func=titles.__getitem__,
        max_selections=2 * roots.PANELS,
        placeholder=f"The {roots.PANELS} most urgent",
        key="progress_roots",
    )
    if picked:
        return tuple(picked), f"{len(picked)} picked of {choices.total:,} general questions."
    return (), (
        f"The {roots.PANELS} most urgent of {choices.total:,} general questions "
        "(unfinished first, by priority and due date); pick others above."
    )


def _section(
    chart: Chart, filters: tuple[int | None, int | None], stale_days: int, *, picker: bool = False
) -> None:
    st.subheader(chart.heading)
    st.caption(chart.caption)
    chosen, note = _root_picker(filters) if picker else ((), "")
    project_id, person_id = filters
    spec, left_out = progress_charts.chart_spec(
        name=chart.name,
        project_id=project_id,
        person_id=person_id,
        stale_days=stale_days,
        chosen=chosen,
    )
    if spec is None:
        filtered = any(f is not None for f in filters) or bool(chosen)
        st.info(EMPTY[chart.name] + (FILTERED if filtered else ""), icon=":material/insights:")
        return
    st.vega_lite_chart(spec, key=f"progress_chart_{chart.name}")
    if note or left_out:
        st.caption(note or left_out)


def render() -> None:
    person = auth.current_person()
    st.title("Progress")
    if person is None:
        return
    filters = project_person_filters("progress", person_label="Person")
    stale_days = resources.settings().stale_after_days
    _section(PROGRESS, filters, stale_days, picker=True)
    for chart in catalogue(stale_days):
        _section(chart, filters, stale_days)


if __name__ == "__main__":
    render()
