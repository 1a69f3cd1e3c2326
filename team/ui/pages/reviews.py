"""Reviews: the queue of what waits on me, my requests, and the thread of one request."""

from __future__ import annotations

import streamlit as st

from team.models import utcnow
from team.services.admin.reads import PersonView
from team.services.core.errors import NotFound
from team.services.core.paging import Paged, Window
from team.services.reviews import rules
from team.services.reviews.reads import ReviewView
from team.ui import auth, reads, resources, state
from team.ui.chips import chip
from team.ui.labels import ago, hours_text, review_badge
from team.ui.list_exports import reviews_csv_button
from team.ui.note_thread import note_thread
from team.ui.paging import requested_page, window, words
from team.ui.review_checklist import review_checklist
from team.ui.review_widgets import review_actions, review_row
from team.ui.text import plain, safe_markdown
from team.vocabulary import Role


def _thread(person: PersonView, review: ReviewView, names: dict[int, str]) -> None:
    if st.button("All reviews", key="reviews_back", icon=":material/arrow_back:"):
        st.query_params.pop("review", None)
        state.forget_versions()
        st.rerun()
    st.markdown(f"### {review_badge(review.status)} Review of “{plain(review.question_title)}”")
    who = (
        f"**{plain(names.get(review.requester_id, '?'))}** asked "
        f"**{plain(names.get(review.reviewer_id, '?'))}** for a review ({review.kind.label}) · "
        f"requested {ago(review.requested_at)} · first response "
        f"{hours_text(review.first_response_hours())}"
    )
    if review.resolved_at:
        who += f" · resolved {ago(review.resolved_at)}"
    st.markdown(who)
    st.markdown(f"Artifact: {chip(review.artifact_url)}")
    if review.finding_summary:
        st.markdown(f"Finding: {plain(review.finding_summary)}")
    if review.focus:
        st.markdown("**Focus**")
        st.markdown(safe_markdown(review.focus))
    review_checklist(person, review)
    if refused := rules.approval_refused(review.open_must_fix):
        st.warning(refused, icon=":material/build:")
    elif review.status.is_waiting and (unchecked := review.checklist_refused()):
        st.warning(unchecked, icon=":material/checklist:")
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


def _all_open(person: PersonView, names: dict[int, str]) -> None:
    search = words(
        st.text_input(
            "Search", placeholder="Words in the question or the finding", key="reviews_all_search"
        )
    )
    found = reads.open_reviews(window=Window(requested_page("reviews_all")), search=search)
    empty = "No open review matches; clear the search to see all." if search else ""
    _list(found, names, "all", empty or "No review is open.", "open reviews")
    if found.total:
        reviews_csv_button(person, "open", search=search)


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    state.show_flash()
    names = {p.id: p.name for p in reads.all_people()}
    wanted = st.query_params.get("review")
    if wanted is not None and wanted.isdigit():
        try:
            review = reads.review(review_id=int(wanted))
        except NotFound:
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
            queue = reads.review_queue(
                reviewer_id=person.id, window=Window(requested_page("reviews_queue"))
            )
            _list(queue, names, "queue", "Nothing waits on you.", "reviews")
            if queue.total:
                reviews_csv_button(person, "queue")
    if panes[1].open:
        with panes[1]:
            st.caption("Requests still open first, then closed ones, newest first.")
            mine = reads.my_review_requests(
                requester_id=person.id, window=Window(requested_page("reviews_mine"))
            )
            empty = "You have not asked for a review yet; do it from My work."
            _list(mine, names, "mine", empty, "review requests")
            if mine.total:
                reviews_csv_button(person, "mine")
    if len(panes) > 2 and panes[2].open:
        with panes[2]:
            _all_open(person, names)


if __name__ == "__main__":
    render()
