"""Review requests on screen: the form to ask for a review, a review as one row of a list
(a button that opens its thread), and the moves the person may make on one. Every action
goes through a service, which checks the rules again."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.findings.reads import FindingView
from team.services.reviews import rules
from team.services.reviews import writes as reviews
from team.services.reviews.reads import ReviewView
from team.ui import navigation, resources, state
from team.ui.actions import attempt, bind, link_to, submit
from team.ui.chips import chip
from team.ui.labels import hours_text, review_badge
from team.ui.navigation import PageFor
from team.ui.review_checklist import checklist_preview, progress
from team.ui.text import plain
from team.vocabulary import ReviewKind, ReviewStatus

REVIEW_ACTIONS = {
    ReviewStatus.IN_REVIEW: "Start review",
    ReviewStatus.CHANGES_REQUESTED: "Request changes",
    ReviewStatus.APPROVED: "Approve",
    ReviewStatus.OPEN: "Ask again",
    ReviewStatus.WITHDRAWN: "Withdraw",
}


def request_review_form(
    person: PersonView,
    question_id: int,
    question_findings: list[FindingView],
    people: list[PersonView],
    key: str,
) -> None:
    """Ask for a review: its kind first (outside the form, so that the checklist the
    reviewer will use shows as soon as it is picked), then the form: cleared once asked
    (saying who was asked, with a link to the request's thread), kept as typed when
    refused."""
    reviewers = {p.id: p.name for p in people if rules.may_review(p, person.id)}
    usable = [f for f in question_findings if f.status.is_evidence]
    kind = _kind_picker(key)
    fields: dict[str, object] = {
        f"rr_url_{key}": "",
        f"rr_focus_{key}": "",
        f"rr_reviewer_{key}": None,
        f"rr_finding_{key}": None,
    }
    state.start_widgets(fields)
    with st.form(f"request_review_{key}", clear_on_submit=False):
        url = st.text_input(
            "Artifact link (PR, commit, notebook)", key=f"rr_url_{key}", placeholder="https://"
        )
        focus = st.text_area("What should the reviewer focus on?", key=f"rr_focus_{key}")
        c1, c2 = st.columns(2)
        reviewer = c1.selectbox(
            "Reviewer",
            list(reviewers),
            format_func=reviewers.__getitem__,
            placeholder="Pick who reviews it",
            key=f"rr_reviewer_{key}",
        )
        finding_id = c2.selectbox(
            "About the finding (optional)",
            [None, *[f.id for f in usable]],
            format_func=lambda i: (
                "none" if i is None else next(f.summary for f in usable if f.id == i)
            ),
            key=f"rr_finding_{key}",
        )
        submitted = st.form_submit_button("Request review", type="primary")
    if submitted:
        data = reviews.ReviewInput(
            question_id=question_id,
            reviewer_id=reviewer,
            artifact_url=url,
            focus=focus,
            finding_id=finding_id,
            kind=kind,
        )
        checklists = resources.settings().review_checklists

        def asked(review_id: int) -> str:
            name = plain(reviewers.get(reviewer or -1, "the reviewer"))
            thread = link_to("reviews", "open the request", review=review_id)
            return f"Review requested from {name}: {thread}."

        submit(
            lambda session: reviews.request_review(
                session, person.id, data=data, checklists=checklists
            ),
            asked,
            fields=fields,
            key=f"request_review_{key}",
        )


def _kind_picker(key: str) -> ReviewKind:
    """The kind of review asked for (analysis unless picked), and its checklist."""
    picked = f"rr_kind_{key}"
    state.start_widgets({picked: ReviewKind.ANALYSIS})
    kind = st.radio(
        "Kind of review",
        list(ReviewKind),
        format_func=lambda k: ReviewKind(k).label.capitalize(),
        horizontal=True,
        key=picked,
    )
    kind = ReviewKind(kind or ReviewKind.ANALYSIS)
    checklist_preview(kind, resources.settings().review_checklists.for_kind(kind))
    return kind


def review_row(
    review: ReviewView,
    names: dict[int, str],
    *,
    now: datetime,
    sla_hours: int,
    key: str,
    on_reviews_page: bool = False,
    page_for: PageFor = navigation.page,
) -> None:
    """One line of a review list: status, what (with the artifact's chip, "PR #418 ·
    acme/churn"), who, age and first response, drawn as a single button that opens the
    thread (a list costs what it draws: one element a row instead of a row of three)."""
    about = plain(reviewed_title(review))
    age = hours_text(review.age_hours(now))
    waiting = (
        f":red[waiting {age} · over the {sla_hours} h SLA]"
        if review.overdue(now, sla_hours)
        else f"age {age}"
    )
    must_fix = f" · {review.open_must_fix} must-fix open" if review.open_must_fix else ""
    checked = f", {progress(review)}" if review.checks_total else ""
    text = (
        f"{review_badge(review.status)} **{about}** {chip(review.artifact_url, linked=False)} · "
        f"{plain(names.get(review.requester_id, '?'))} → "
        f"{plain(names.get(review.reviewer_id, '?'))}{must_fix} · "
        f"{review.kind.label}{checked} · {waiting} · "
        f"first response: {hours_text(review.first_response_hours())}"
    )
    if not st.button(
        text,
        key=f"review_row_{key}_{review.id}",
        icon=":material/chevron_right:",
        icon_position="right",
        width="stretch",
    ):
        return
    if on_reviews_page:
        # Switching to the page you are on would not rerun it with the new address:
        # set the query parameter on the server instead, so later reruns keep the thread.
        st.query_params["review"] = str(review.id)
        state.forget_versions()
        st.rerun()
    st.switch_page(page_for("reviews"), query_params={"review": str(review.id)})


# What each move says once made, about the request's title (finding or question).
REVIEW_DONE = {
    ReviewStatus.IN_REVIEW: "You started reviewing “{}”.",
    ReviewStatus.CHANGES_REQUESTED: "You asked for changes on “{}”.",
    ReviewStatus.APPROVED: "You approved “{}”.",
    ReviewStatus.OPEN: "You asked again for a review of “{}”.",
    ReviewStatus.WITHDRAWN: "You withdrew your request for a review of “{}”.",
}


def reviewed_title(review: ReviewView) -> str:
    """What a request is about, as its row and its sentences name it: the finding, or
    else the question."""
    return review.finding_summary or review.question_title


def review_actions(person: PersonView, review: ReviewView) -> None:
    """The moves ``person`` may make, in a row. Approve is the primary button, but only
    while nothing holds it up: with a must-fix note open it is drawn disabled, saying
    why (the service's own rules: reviews.rules.approval_refused, and
    checklist_refused while a required checklist item is neither ticked nor waived)."""
    moves = rules.allowed_moves(Actor.of(person), review)
    if not moves:
        return
    version = state.base_version("review", review.id, review.version)
    refused = rules.approval_refused(review.open_must_fix) or review.checklist_refused()
    title = plain(reviewed_title(review))
    cols = st.columns(len(moves))
    for col, move in zip(cols, moves, strict=True):
        held = move == ReviewStatus.APPROVED and refused is not None
        if col.button(
            REVIEW_ACTIONS[move],
            key=f"review_{move.value}_{review.id}",
            type="primary" if move == ReviewStatus.APPROVED and not held else "secondary",
            disabled=held,
            help=refused if held else None,
        ):
            attempt(
                bind(
                    reviews.move_review,
                    person.id,
                    review_id=review.id,
                    version=version,
                    status=move,
                ),
                REVIEW_DONE[move].format(title),
                key=f"review_move_{review.id}",
            )
