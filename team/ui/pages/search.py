"""Search: everything the team wrote that this person may see, found by its words,
narrowed by facets, best or newest first. The words are in the address (?q=), so a
search can be shared."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from team.services.core.errors import TeamError
from team.services.core.paging import Window
from team.services.search.kinds import Kind, status_label
from team.services.search.reads import FacetValue, Hit, Results
from team.services.search.sql import Filters
from team.services.search.terms import MAX_QUERY
from team.ui import auth, reads
from team.ui.labels import badge
from team.ui.navigation import PageFor, pages_once
from team.ui.paging import pager, requested_page, words
from team.ui.text import highlighted, path_line, plain
from team.vocabulary import FindingKind

BOX = "search_q"
PAGE = "search_results"
PAGE_SIZE = 20
SORTS = {"relevance": "Best match", "date": "Newest first"}
HELP = (
    'Every word must occur (any case, any accent). `"two words"` finds the phrase, '
    "`-word` leaves out what holds it, `churn*` finds churned and churning too, and "
    "`OR` between two words takes either."
)
# facet -> (widget label, how a value reads)
FACETS = {
    "kind": "Kind",
    "project": "Project",
    "person": "Written by",
    "technique": "Technique",
    "finding_kind": "Finding kind",
    "status": "Status",
}


def _value_label(facet: str, value: FacetValue) -> str:
    if value.label is not None:
        return value.label
    if facet == "kind":
        return Kind(value.value).label.capitalize()
    if facet == "finding_kind":
        return FindingKind(value.value).label
    if facet == "status":
        kind, _, status = value.value.partition(":")
        return status_label(Kind(kind), status)
    return value.value


def _synced_box() -> str:
    """The words, from the address on arrival (or when the sidebar box changed them),
    from the box after; the address follows the box."""
    wanted = st.query_params.get("q", "")
    if st.session_state.get(f"{BOX}_from") != wanted:
        st.session_state[f"{BOX}_from"] = wanted
        st.session_state[BOX] = wanted
        st.session_state[f"{PAGE}_page"] = 1
    typed = st.text_input(
        "Search everything the team wrote",
        key=BOX,
        placeholder='churn eu, "price change", -draft, retent*',
        max_chars=MAX_QUERY,
        icon=":material/search:",
        help=HELP,
    )
    text = words(typed)
    if text != wanted:
        st.session_state[f"{BOX}_from"] = text
        if text:
            st.query_params["q"] = text
        else:
            st.query_params.pop("q", None)
    return text


def _selected(facet: str) -> list[str]:
    return list(st.session_state.get(f"search_f_{facet}") or [])


def _filters() -> tuple[Filters, bool]:
    """The filters as the widgets hold them (read before the widgets are drawn, so one
    search serves both the facets' counts and the hits)."""
    if "search_f_kind" not in st.session_state and st.query_params.get("kind"):
        wanted = [k for k in st.query_params.get_all("kind") for k in k.split(",")]
        st.session_state["search_f_kind"] = [k for k in wanted if k in set(Kind)]
    if "search_sort" not in st.session_state:
        st.session_state["search_sort"] = st.query_params.get("sort", "relevance")
    since, until = _dates()
    filters = Filters(
        kinds=tuple(Kind(k) for k in _selected("kind")),
        projects=tuple(int(v) for v in _selected("project")),
        people=tuple(int(v) for v in _selected("person")),
        techniques=tuple(_selected("technique")),
        finding_kinds=tuple(_selected("finding_kind")),
        statuses=tuple(_selected("status")),
        since=since,
        until=until,
        older_versions=bool(st.session_state.get("search_older")),
    )
    return filters, st.session_state.get("search_sort") == "date"


def _dates() -> tuple[datetime | None, datetime | None]:
    chosen = st.session_state.get("search_dates") or ()
    days = [d for d in chosen if isinstance(d, date)]
    since = datetime.combine(days[0], time(0), UTC) if days else None
    until = datetime.combine(days[-1], time(0), UTC) + timedelta(days=1) if days else None
    return since, until


def _option_label(facet: str, counts: dict[str, FacetValue]) -> Callable[[str], str]:
    """How a facet's option reads: its label and how many hits have it."""

    def label(value: str) -> str:
        found = counts.get(value)
        return f"{_value_label(facet, found)} ({found.count:,})" if found else f"{value} (0)"

    return label


def _facet_widgets(results: Results) -> None:
    with st.container(horizontal=True, key="search_sorting", vertical_alignment="bottom"):
        st.segmented_control(
            "Order",
            list(SORTS),
            format_func=SORTS.__getitem__,
            key="search_sort",
            width="content",
        )
        st.toggle("Older answer versions too", key="search_older")
    active = sum(bool(_selected(f)) for f in FACETS) + bool(st.session_state.get("search_dates"))
    label = f"Filters ({active} on)" if active else "Filters"
    with st.expander(label, icon=":material/filter_list:", expanded=bool(active)):
        columns = st.columns(3)
        for i, (facet, title) in enumerate(FACETS.items()):
            counts = {v.value: v for v in results.facets.get(facet, [])}
            chosen = _selected(facet)
            options = list(counts) + [v for v in chosen if v not in counts]
            columns[i % 3].multiselect(
                title,
                options,
                format_func=_option_label(facet, counts),
                key=f"search_f_{facet}",
                placeholder="Any",
            )
        st.date_input(
            "Written between", value=[], key="search_dates", format="YYYY-MM-DD", width=260
        )


def _hit(hit: Hit, page_for: PageFor) -> None:
    with st.container(border=True, key=f"hit_{hit.kind.value}_{hit.id}"):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(badge(hit.kind.label, "gray"), width="content")
            st.page_link(
                page_for(hit.link.page),
                label=highlighted(hit.title_marks) or hit.kind.label,
                query_params=dict(hit.link.params),
                width="stretch",
            )
        path = hit.path[:-1] if hit.kind == Kind.QUESTION else hit.path
        where = path_line(path)
        facts = [where or plain(hit.where)]
        if hit.status:
            facts.append(plain(status_label(hit.kind, hit.status)))
        facts.append(plain(hit.author or "someone"))
        if hit.at is not None:
            facts.append(f"{hit.at:%d %b %Y}")
        st.caption(" · ".join(f for f in facts if f))
        if hit.snippet:
            st.markdown(highlighted(hit.snippet))


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Search")
    text = _synced_box()
    if not text:
        st.caption(HELP)
        return
    filters, by_date = _filters()
    try:
        results = reads.search(
            person.id,
            text=text,
            filters=filters,
            window=Window(requested_page(PAGE), PAGE_SIZE),
            by_date=by_date,
        )
    except TeamError as exc:
        st.error(plain(exc.message), icon=":material/warning:")
        return
    if results.query.empty:
        st.info("Nothing to look for: add a word that is not left out with “-”.")
        return
    _facet_widgets(results)
    found = results.hits
    if not found.total:
        st.info(
            f"No matches for “{plain(text)}”" + (" with these filters." if _any(filters) else ".")
        )
        return
    st.caption(f"{found.total:,} match{'es' if found.total != 1 else ''}")
    page_for = pages_once()
    for hit in found.items:
        _hit(hit, page_for)
    pager(found, PAGE, noun="matches")


def _any(filters: Filters) -> bool:
    return filters != Filters(older_versions=filters.older_versions)


if __name__ == "__main__":
    render()
