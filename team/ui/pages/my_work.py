"""My work: an IC's queue across projects; log a finding, ask for a review."""

from __future__ import annotations

import streamlit as st

from team.models import QuestionStatus, Role, utcnow
from team.services.work import WorkItem
from team.ui import auth, navigation, resources, state
from team.ui.pages.overview import status_badge
from team.ui.text import plain
from team.ui.workflow import (
    finding_card,
    log_finding_form,
    request_review_form,
    review_row,
)


def _queue_row(item: WorkItem) -> None:
    now = utcnow()
    with st.container(border=True, key=f"work_row_{item.question_id}"):
        main, facts = st.columns([6, 4], vertical_alignment="center")
        params = {"root": str(item.root_id), "node": str(item.question_id)}
        main.page_link(navigation.page("questions"), label=plain(item.title), query_params=params)
        main.caption(plain(item.project))
        days = item.days_since_evidence(now)
        evidence = "no evidence yet" if days is None else f"last evidence {days} days ago"
        stale = days is None or days >= resources.settings().stale_after_days
        open_now = item.status not in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED)
        if stale and open_now:
            evidence = f":orange[{evidence}]"
        due = f"due {item.due_date:%d %b}" if item.due_date else "no due date"
        reviews = f"{item.open_reviews} open review{'s' if item.open_reviews != 1 else ''}"
        facts.markdown(f"{status_badge(item.status)} {due} · {evidence} · {reviews}")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("My work")
    state.show_flash()
    queue = resources.my_questions(person.id)
    st.subheader("Assigned to me")
    if not queue:
        st.info(
            "Nothing is assigned to you yet. A manager assigns questions on the Questions "
            "page; they will appear here with their due dates and evidence."
        )
    for item in queue:
        _queue_row(item)

    open_items = [i for i in queue if i.status != QuestionStatus.ANSWERED]
    if open_items:
        st.subheader("Log a finding or ask for a review")
        titles = {i.question_id: i.title for i in open_items}
        chosen = st.selectbox(
            "Question", list(titles), format_func=titles.__getitem__, key="mywork_question"
        )
        log_tab, review_tab = st.tabs(["Log a finding", "Request a review"])
        with log_tab:
            log_finding_form(person, chosen, key="mywork")
        with review_tab:
            request_review_form(
                person,
                chosen,
                resources.findings_on([chosen]),
                resources.all_people(),
                key="mywork",
            )

    st.subheader("My findings")
    mine = resources.findings_by(person.id)
    if not mine:
        st.caption("Findings you log appear here with their status and notes.")
    for finding in mine:
        finding_card(person, finding)

    st.subheader("My review requests")
    requests = resources.my_review_requests(person.id)
    if not requests:
        st.caption("Reviews you ask for appear here with their age and the reviewer's notes.")
    names = {p.id: p.name for p in resources.all_people()}
    sla = resources.settings().review_sla_hours
    for review in reversed(requests):
        review_row(review, names, now=utcnow(), sla_hours=sla, key="mine")
    if person.role == Role.VIEWER:
        st.stop()


if __name__ == "__main__":
    render()
