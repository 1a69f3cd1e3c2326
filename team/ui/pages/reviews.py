"""Reviews: the queue of what waits on me, my requests, and the thread of one request."""

from __future__ import annotations

import streamlit as st

from team.models import PersonPublic, Role, utcnow
from team.services.reviews import ReviewView
from team.ui import auth, resources, state
from team.ui.text import plain, safe_markdown, web_link
from team.ui.workflow import (
    REVIEW_BADGES,
    ago,
    badge,
    hours_text,
    label,
    note_thread,
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
            icon="🛠️",
        )
    if person.role != Role.VIEWER:
        review_actions(person, review)
    st.markdown("**Notes**")
    note_thread(person, "review_request", review.id, key=f"review_{review.id}")


def _list(reviews: list[ReviewView], names: dict[int, str], key: str, empty: str) -> None:
    if not reviews:
        st.caption(empty)
    now, sla = utcnow(), resources.settings().review_sla_hours
    for review in reviews:
        review_row(review, names, now=now, sla_hours=sla, key=key, on_reviews_page=True)


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
    panes = st.tabs(tabs)
    with panes[0]:
        _list(resources.review_queue(person.id), names, "queue", "Nothing waits on you.")
    with panes[1]:
        _list(
            resources.my_review_requests(person.id),
            names,
            "mine",
            "You have not asked for a review yet; do it from My work.",
        )
    if person.role == Role.MANAGER:
        with panes[2]:
            _list(resources.open_reviews(), names, "all", "No review is open.")


if __name__ == "__main__":
    render()
