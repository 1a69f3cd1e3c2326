"""Reviews: the queue of what waits on me, my requests, and the thread of one request."""

from __future__ import annotations

import streamlit as st

from team.models import PersonPublic, Role, utcnow
from team.services.core.paging import Paged
from team.services.reviews.writes import ReviewView
from team.ui import auth, resources, state
from team.ui.paging import window
from team.ui.text import plain, safe_markdown, web_link
from team.ui.workflow import (
    REVIEW_BADGES,
    ago,
    badge,
    hours_text,
    label,
    note_thread,
    page_number,
    review_actions,
    review_row,
)


def _thread(person: PersonPublic, review: ReviewView, names: dict[int, str]) -> None:
    if st.button("All reviews", key="reviews_back", icon=":material/arrow_back:"):
        st.query_params.pop("review", None)
        state.forget_versions()
        st.rerun()
    status = badge(label(review.status), REVIEW_BADGES[review.status])
    st.markdown(f"### {status} Review of “{plain(review.question_title)}”")
    who = (
        f"**{plain(names.get(review.requester_id, '?'))}** asked "
        f"**{plain(names.get(review.reviewer_id, '?'))}** · requested "
        f"{ago(review.requested_at)} · first response "
        f"{hours_text(review.first_response_hours())}"
    )
    if review.resolved_at:
        who += f" · resolved {ago(review.resolved_at)}"
    st.markdown(who)
    st.markdown(f"Artifact: {web_link(review.artifact_url)}")
    if review.finding_summary:
        st.markdown(f"Finding: {plain(review.finding_summary)}")
    if review.focus:
        st.markdown("**Focus**")
        st.markdown(safe_markdown(review.focus))
    if review.open_must_fix:
        st.warning(
            f"{review.open_must_fix} must-fix note{'s' if review.open_must_fix > 1 else ''} "
            "still open: approval waits until they are resolved.",
            icon=":material/build:",
        )
    if person.role != Role.VIEWER:
        review_actions(person, review)
    st.markdown("**Notes**")
    note_thread(person, "review_request", review.id, key=f"review_{review.id}")


def _list(
    reviews: Paged[ReviewView], names: dict[int, str], key: str, empty: str, noun: str
) -> None:
    if not reviews.total:
        st.caption(empty)
    window(reviews.total, f"reviews_{key}", noun=noun)
    now, sla = utcnow(), resources.settings().review_sla_hours
    for review in reviews.items:
        review_row(review, names, now=now, sla_hours=sla, key=key, on_reviews_page=True)


def _all_open(names: dict[int, str]) -> None:
    search = st.text_input(
        "Search", placeholder="Words in the question or the finding", key="reviews_all_search"
    )
    found = resources.open_reviews(page_number("reviews_all"), search)
    empty = "No open review matches; clear the search to see all." if search.strip() else ""
    _list(found, names, "all", empty or "No review is open.", "open reviews")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    state.show_flash()
    names = {p.id: p.name for p in resources.all_people()}
    wanted = st.query_params.get("review")
    if wanted is not None and wanted.isdigit():
        review = resources.review(int(wanted))
        if review is None:
            st.error(f"Review request #{plain(wanted)} does not exist.")
        else:
            _thread(person, review, names)
            return
    st.title("Reviews")
    sla = resources.settings().review_sla_hours
    st.caption(f"Oldest first. A request waiting over {sla} h for a first response is overdue.")
    tabs = ["Waiting on me", "My requests"] + (["All open"] if person.role == Role.MANAGER else [])
    # Only the tab on show is read and rendered (choosing another reruns the page).
    panes = st.tabs(tabs, key="reviews_tab", on_change="rerun")
    if panes[0].open:
        with panes[0]:
            queue = resources.review_queue(person.id, page_number("reviews_queue"))
            _list(queue, names, "queue", "Nothing waits on you.", "reviews")
    if panes[1].open:
        with panes[1]:
            st.caption("Requests still open first, then closed ones, newest first.")
            mine = resources.my_review_requests(person.id, page_number("reviews_mine"))
            empty = "You have not asked for a review yet; do it from My work."
            _list(mine, names, "mine", empty, "review requests")
    if len(panes) > 2 and panes[2].open:
        with panes[2]:
            _all_open(names)


if __name__ == "__main__":
    render()
