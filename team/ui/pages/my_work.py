"""My work: an IC's queue across projects; log a finding, ask for a review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from team import colours
from team.config import Settings
from team.models import utcnow
from team.services.admin.reads import PersonView
from team.services.core.paging import PAGE_SIZE, Window
from team.services.inbox.my_work import WorkItem
from team.ui import auth, reads, resources, state
from team.ui.finding_cards import finding_cards, log_finding_form
from team.ui.labels import status_badge
from team.ui.list_exports import my_work_csv_button
from team.ui.navigation import PageFor, pages_once
from team.ui.paging import requested_page, searched, window
from team.ui.review_widgets import request_review_form, review_row
from team.ui.text import plain
from team.vocabulary import Role


@dataclass(frozen=True)
class _Run:
    """What every part of the page uses, read once per run."""

    person: PersonView
    people: list[PersonView]
    settings: Settings
    page_for: PageFor
    now: datetime


def _queue_row(run: _Run, item: WorkItem) -> None:
    row = st.container(
        border=True,
        key=f"work_row_{item.question_id}",
        horizontal=True,
        vertical_alignment="center",
    )
    with row:
        params = {"root": str(item.root_id), "node": str(item.question_id)}
        link = run.page_for("questions")
        st.page_link(link, label=plain(item.title), query_params=params, width="stretch")
        due = f"due {item.due_date:%d %b}" if item.due_date else "no due date"
        reviews = f"{item.open_reviews} open review{'s' if item.open_reviews != 1 else ''}"
        facts = f"{status_badge(item.status)} {due} · {_evidence(item)} · {reviews}"
        st.markdown(f":gray[{plain(item.project)}]  \n{facts}", width=420)


def _evidence(item: WorkItem) -> str:
    """How long the question has gone without evidence: in the problem colour only once
    it is stale (a question just given to you has no evidence yet, and that is fine)."""
    if item.last_evidence_at is None:
        text = f"no evidence for {item.quiet_days} days" if item.stale else "no evidence yet"
    else:
        text = f"last evidence {item.quiet_days} days ago"
    colour = colours.PROBLEM if item.stale else colours.QUIET
    return f":{colour.badge}[{text}]"


def _queue(run: _Run) -> None:
    queue = reads.my_questions(
        person_id=run.person.id,
        window=Window(requested_page("mywork_queue")),
        stale_after_days=run.settings.stale_after_days,
    )
    st.subheader("Assigned to me")
    if not queue.total:
        st.info(
            "Nothing is assigned to you yet. A manager assigns questions on the Questions "
            "page; they will appear here with their due dates and evidence."
        )
    window(queue.total, "mywork_queue", noun="questions")
    for item in queue.items:
        _queue_row(run, item)
    if queue.total:
        my_work_csv_button(run.person)


def _forms(run: _Run) -> None:
    titles = dict(reads.open_assignments(person_id=run.person.id))
    if not titles:
        return
    st.subheader("Log a finding or ask for a review")
    chosen = st.selectbox(
        "Question", list(titles), format_func=titles.__getitem__, key="mywork_question"
    )
    # The forms' keys name the question: what was typed for one is not offered for another.
    log_tab, review_tab = st.tabs(["Log a finding", "Request a review"])
    with log_tab:
        log_finding_form(run.person, chosen, key=f"mywork_{chosen}")
    with review_tab:
        found = reads.findings_on(question_ids=[chosen])
        request_review_form(run.person, chosen, found, run.people, key=f"mywork_{chosen}")


def _findings(run: _Run) -> None:
    st.subheader("My findings")
    search = searched("mywork_findings_search")
    mine = reads.my_findings(
        author_id=run.person.id,
        window=Window(requested_page("mywork_findings")),
        search=search,
    )
    if mine.total > PAGE_SIZE or search:
        st.text_input(
            "Search my findings", placeholder="Words in the summary", key="mywork_findings_search"
        )
    if not mine.total:
        st.caption(
            "No finding of yours matches; clear the search to see all."
            if search
            else "Findings you log appear here with their status and notes."
        )
    window(mine.total, "mywork_findings", noun="findings")
    finding_cards(run.person, mine.items, questions=run.page_for("questions"))


def _requests(run: _Run) -> None:
    st.subheader("My review requests")
    requests = reads.my_review_requests(
        requester_id=run.person.id,
        window=Window(requested_page("mywork_requests")),
        newest_first=True,
    )
    if not requests.total:
        st.caption("Reviews you ask for appear here with their age and the reviewer's notes.")
    window(requests.total, "mywork_requests", noun="review requests")
    names = {p.id: p.name for p in run.people}
    sla = run.settings.review_sla_hours
    for review in requests.items:
        review_row(review, names, now=run.now, sla_hours=sla, key="mine", page_for=run.page_for)


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("My work")
    state.show_flash()
    run = _Run(person, reads.all_people(), resources.settings(), pages_once(), utcnow())
    _queue(run)
    _forms(run)
    _findings(run)
    _requests(run)
    if person.role == Role.VIEWER:
        st.stop()


if __name__ == "__main__":
    render()
