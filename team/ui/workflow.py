"""Pieces of the IC workflow shared by My work, Reviews, Needs my attention and the
Questions tree: a finding card, a note thread, and the log-finding and request-review
forms. Every action goes through a service; the services check the rules again."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from team.models import (
    Confidence,
    FindingKind,
    FindingStatus,
    NoteKind,
    PersonPublic,
    ReviewStatus,
    Role,
    utcnow,
)
from team.services.core.actors import Actor
from team.services.findings import writes as findings
from team.services.inbox.my_work import FindingView
from team.services.notes import writes as notes
from team.services.notes.writes import NoteView, TargetKind
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewView
from team.ui import navigation, resources, state
from team.ui.actions import attempt, bind
from team.ui.text import plain, safe_markdown, web_link

KIND_LABELS = {
    FindingKind.RESULT: "result",
    FindingKind.NEGATIVE_RESULT: "negative result",
    FindingKind.DATA_DECISION: "data-cleaning decision",
    FindingKind.CAVEAT: "caveat",
}
FINDING_BADGES = {
    FindingStatus.DRAFT: "gray",
    FindingStatus.SHARED: "blue",
    FindingStatus.ACCEPTED: "green",
    FindingStatus.NEEDS_WORK: "orange",
    FindingStatus.WITHDRAWN: "gray",
}
REVIEW_BADGES = {
    ReviewStatus.OPEN: "blue",
    ReviewStatus.IN_REVIEW: "violet",
    ReviewStatus.CHANGES_REQUESTED: "orange",
    ReviewStatus.APPROVED: "green",
    ReviewStatus.WITHDRAWN: "gray",
}
NOTE_BADGES = {
    NoteKind.COMMENT: ("comment", "gray"),
    NoteKind.SUGGESTION: ("suggestion", "blue"),
    NoteKind.MUST_FIX: ("must fix", "red"),
    NoteKind.PRAISE: ("praise", "green"),
}
FINDING_ACTIONS = {
    FindingStatus.SHARED: "Share",
    FindingStatus.ACCEPTED: "Accept",
    FindingStatus.NEEDS_WORK: "Send back",
    FindingStatus.WITHDRAWN: "Withdraw",
    FindingStatus.DRAFT: "Restore as draft",
}
REVIEW_ACTIONS = {
    ReviewStatus.IN_REVIEW: "Start review",
    ReviewStatus.CHANGES_REQUESTED: "Request changes",
    ReviewStatus.APPROVED: "Approve",
    ReviewStatus.OPEN: "Ask again",
    ReviewStatus.WITHDRAWN: "Withdraw",
}


def label(value: str) -> str:
    return value.replace("_", " ")


def badge(text: str, colour: str) -> str:
    return f":{colour}-badge[{plain(text)}]"


def actor_of(person: PersonPublic) -> Actor:
    return Actor(id=person.id, name=person.name, role=Role(person.role))


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "no response yet"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


PageFor = Callable[[str], StreamlitPage]


def pages_once() -> PageFor:
    """``navigation.page`` remembered for one run: building a page resolves its file on
    disk, which a list of links would otherwise do for every row."""
    return functools.cache(navigation.page)


def page_number(key: str) -> int:
    """The page of the list ``key`` asked for (its picker, drawn by ``paging.window``)."""
    return int(st.session_state.get(f"{key}_page") or 1)


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never"
    return hours_text(((now or utcnow()) - moment).total_seconds() / 3600) + " ago"


# --------------------------------------------------------------------------- notes


def note_thread(
    person: PersonPublic,
    target: TargetKind,
    target_id: int,
    key: str,
    thread: list[NoteView] | None = None,
) -> None:
    """The notes on one thing (``thread`` when already read), with resolve buttons and a
    form to add one."""
    if thread is None:
        thread = resources.notes_on(target, target_id)
    for note in thread:
        text, colour = NOTE_BADGES[note.kind]
        resolved = " · :green[resolved]" if note.resolved else ""
        with st.container(border=True, key=f"note_{note.id}"):
            st.markdown(
                f"{badge(text, colour)} **{plain(note.author)}** · {ago(note.created_at)}{resolved}"
            )
            st.markdown(safe_markdown(note.body))
            if person.role != Role.VIEWER and note.kind == NoteKind.MUST_FIX:
                version = state.base_version("note", note.id, note.version)
                verb = "Reopen" if note.resolved else "Resolve"
                if st.button(verb, key=f"resolve_{note.id}"):
                    attempt(
                        bind(notes.set_resolved, person.id, note.id, version, not note.resolved),
                        f"Note {'reopened' if note.resolved else 'resolved'}.",
                        key=f"resolve_{note.id}",
                    )
    if person.role == Role.VIEWER:
        return
    with st.form(f"add_note_{key}", clear_on_submit=True):
        body = st.text_area("Add a note (Markdown)", key=f"note_body_{key}", height=90)
        kind = st.selectbox(
            "Kind",
            list(NoteKind),
            format_func=lambda k: NOTE_BADGES[k][0],
            key=f"note_kind_{key}",
        )
        submitted = st.form_submit_button("Add note")
    if submitted:
        attempt(
            lambda s: notes.add_note(
                s, person.id, target, target_id, body, kind or NoteKind.COMMENT
            ),
            "Note added.",
            key=f"add_note_{key}",
        )


# --------------------------------------------------------------------------- findings


def card_key(finding_id: int) -> str:
    """The widget key of a lazy finding card (True in session state while it is open)."""
    return f"finding_card_{finding_id}"


def finding_cards(person: PersonPublic, shown: list[FindingView], *, lazy: bool = True) -> None:
    """Finding cards. A lazy card renders its details, actions and notes only while it
    is open (opening it reruns the page), so a page of closed cards costs little; the
    notes of the cards that are open are read in one query."""
    opened = [f.id for f in shown if not lazy or st.session_state.get(card_key(f.id))]
    threads = resources.notes_for("finding", opened)
    for finding in shown:
        finding_card(person, finding, thread=threads.get(finding.id, []), lazy=lazy)


def finding_card(
    person: PersonPublic,
    finding: FindingView,
    *,
    expanded: bool = False,
    thread: list[NoteView] | None = None,
    lazy: bool = False,
) -> None:
    """One finding; its notes are ``thread`` when already read (see ``finding_cards``)."""
    header = f"{plain(finding.summary)} · {label(finding.status)}"
    if not lazy:
        with st.expander(header, expanded=expanded):
            _finding_details(person, finding, thread)
        return
    card = st.expander(header, expanded=expanded, key=card_key(finding.id), on_change="rerun")
    if card.open:
        with card:
            _finding_details(person, finding, thread)


def _finding_details(
    person: PersonPublic, finding: FindingView, thread: list[NoteView] | None
) -> None:
    status = badge(label(finding.status), FINDING_BADGES[finding.status])
    st.markdown(
        f"{status} {badge(KIND_LABELS[finding.kind], 'violet')} "
        f"{badge(finding.confidence.value + ' confidence', 'gray')} · by "
        f"**{plain(finding.author)}** · {ago(finding.created_at)} · on "
        f"“{plain(finding.question_title)}”"
    )
    if finding.body:
        st.markdown(safe_markdown(finding.body))
    for link in finding.links:
        st.markdown(f"- {web_link(link)}")
    _finding_actions(person, finding)
    st.markdown("**Notes**")
    note_thread(person, "finding", finding.id, key=f"finding_{finding.id}", thread=thread)


def _finding_actions(person: PersonPublic, finding: FindingView) -> None:
    moves = findings.allowed_moves(actor_of(person), finding)  # type: ignore[arg-type]
    if not moves:
        return
    version = state.base_version("finding", finding.id, finding.version)
    reason = ""
    if FindingStatus.NEEDS_WORK in moves:
        reason = st.text_input(
            "Reason for sending back", key=f"reason_{finding.id}", placeholder="What to fix"
        )
    cols = st.columns(len(moves))
    for col, move in zip(cols, moves, strict=True):
        if col.button(FINDING_ACTIONS[move], key=f"finding_{move.value}_{finding.id}"):
            attempt(
                bind(findings.move_finding, person.id, finding.id, version, move, reason=reason),
                f"Finding {label(move)}.",
                key=f"finding_move_{finding.id}",
            )


def log_finding_form(person: PersonPublic, question_id: int, key: str) -> None:
    with st.form(f"log_finding_{key}", clear_on_submit=False):
        summary = st.text_input("Summary: the finding in one line", key=f"lf_summary_{key}")
        body = st.text_area("Details (Markdown)", key=f"lf_body_{key}")
        links = st.text_area(
            "Evidence links, one per line (notebook, PR, dashboard, query)",
            key=f"lf_links_{key}",
            height=80,
        )
        c1, c2 = st.columns(2)
        kind = c1.selectbox(
            "Kind", list(FindingKind), format_func=KIND_LABELS.__getitem__, key=f"lf_kind_{key}"
        )
        confidence = c2.selectbox("Confidence", list(Confidence), index=1, key=f"lf_conf_{key}")
        draft = st.checkbox("Keep as a draft (not shared yet)", key=f"lf_draft_{key}")
        submitted = st.form_submit_button("Log finding", type="primary")
    if submitted:
        data = findings.FindingInput(
            summary=summary,
            body=body,
            links=findings.parse_links(links),
            kind=kind or FindingKind.RESULT,
            confidence=confidence or Confidence.MEDIUM,
        )

        def log(session: Any) -> None:
            findings.log_finding(session, person.id, question_id, data, share=not draft)
            for field in ("summary", "body", "links", "draft"):
                st.session_state.pop(f"lf_{field}_{key}", None)

        attempt(log, "Finding logged.", key=f"log_finding_{key}")


# --------------------------------------------------------------------------- reviews


def request_review_form(
    person: PersonPublic,
    question_id: int,
    question_findings: list[FindingView],
    people: list[PersonPublic],
    key: str,
) -> None:
    reviewers = {
        p.id: p.name for p in people if p.active and p.role != Role.VIEWER and p.id != person.id
    }
    usable = [f for f in question_findings if f.status != FindingStatus.WITHDRAWN]
    with st.form(f"request_review_{key}", clear_on_submit=False):
        url = st.text_input(
            "Artifact link (PR, commit, notebook)", key=f"rr_url_{key}", placeholder="https://"
        )
        focus = st.text_area("What should the reviewer focus on?", key=f"rr_focus_{key}")
        c1, c2 = st.columns(2)
        reviewer = c1.selectbox(
            "Reviewer",
            list(reviewers),
            index=None,
            format_func=reviewers.__getitem__,
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
        )

        def ask(session: Any) -> None:
            reviews.request_review(session, person.id, data)
            for field in ("url", "focus"):
                st.session_state.pop(f"rr_{field}_{key}", None)

        attempt(ask, "Review requested.", key=f"request_review_{key}")


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
    """One line of a review list: status, what, who, age and first response, drawn as a
    single button that opens the thread (a list costs what it draws: one element a row
    instead of a row of three)."""
    status = badge(label(review.status), REVIEW_BADGES[review.status])
    about = plain(review.finding_summary or review.question_title)
    age = hours_text(review.age_hours(now))
    waiting = (
        f":red[waiting {age} · over the {sla_hours} h SLA]"
        if review.overdue(now, sla_hours)
        else f"age {age}"
    )
    must_fix = f" · {review.open_must_fix} must-fix open" if review.open_must_fix else ""
    text = (
        f"{status} **{about}** · {plain(names.get(review.requester_id, '?'))} → "
        f"{plain(names.get(review.reviewer_id, '?'))}{must_fix} · {waiting} · "
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


def review_actions(person: PersonPublic, review: ReviewView) -> None:
    moves = reviews.allowed_moves(person.id, review)
    if (
        person.role == Role.MANAGER
        and ReviewStatus.WITHDRAWN in reviews.TRANSITIONS[review.status]
        and ReviewStatus.WITHDRAWN not in moves
    ):
        moves.append(ReviewStatus.WITHDRAWN)
    if not moves:
        return
    version = state.base_version("review", review.id, review.version)
    cols = st.columns(len(moves))
    for col, move in zip(cols, moves, strict=True):
        primary = move == ReviewStatus.APPROVED
        if col.button(
            REVIEW_ACTIONS[move],
            key=f"review_{move.value}_{review.id}",
            type="primary" if primary else "secondary",
        ):
            attempt(
                bind(reviews.move_review, person.id, review.id, version, move),
                f"Review: {REVIEW_ACTIONS[move].lower()} done.",
                key=f"review_move_{review.id}",
            )
