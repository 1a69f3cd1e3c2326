"""Finding cards (details, evidence links, the moves the person may make, the notes) and
the form to log a finding. Every action goes through a service, which checks the rules
again."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.findings import rules
from team.services.findings import writes as findings
from team.services.findings.reads import FindingView
from team.services.notes.reads import NoteView
from team.services.search.kinds import Kind
from team.ui import reads, state
from team.ui.actions import attempt, bind, link_to, submit
from team.ui.chips import evidence_chips
from team.ui.finding_edit import edit_finding_form, may_edit
from team.ui.finding_fields import FIELDS, finding_inputs, start_values
from team.ui.labels import ago, badge, finding_badge
from team.ui.note_thread import note_thread
from team.ui.similar import asked_before
from team.ui.text import plain, safe_markdown
from team.vocabulary import FindingStatus

FINDING_ACTIONS = {
    FindingStatus.SHARED: "Share",
    FindingStatus.ACCEPTED: "Accept",
    FindingStatus.NEEDS_WORK: "Send back",
    FindingStatus.WITHDRAWN: "Withdraw",
    FindingStatus.DRAFT: "Restore as draft",
}


def card_key(finding_id: int) -> str:
    """The widget key of a finding card (True in session state while it is open)."""
    return f"finding_card_{finding_id}"


def finding_cards(
    person: PersonView,
    shown: list[FindingView],
    *,
    linked: str | None = None,
    questions: StreamlitPage | None = None,
) -> None:
    """Finding cards. A card renders its details, actions and notes only while it is
    open (opening it reruns the page), so a page of closed cards costs little; the notes
    of the cards that are open are read in one query. The card of finding ``linked`` (an
    id from the address) starts open. Given the ``questions`` page (for a list of
    findings on many questions), each card says its question, a link that opens the
    finding there."""
    opened = [f.id for f in shown if str(f.id) == linked or st.session_state.get(card_key(f.id))]
    threads = reads.notes_on_many(target="finding", target_ids=opened)
    for finding in shown:
        thread = threads.get(finding.id, [])
        if questions is None:
            _card(person, finding, thread, linked)
            continue
        with st.container(gap=None, key=f"finding_row_{finding.id}"):
            _card(person, finding, thread, linked)
            st.page_link(
                questions,
                label=f"On: {plain(finding.question_title)}",
                query_params=finding_params(finding),
                icon=":material/subdirectory_arrow_right:",
            )


def _card(
    person: PersonView, finding: FindingView, thread: list[NoteView], linked: str | None
) -> None:
    header = f"{plain(finding.summary)} · {finding.status.label}"
    expanded = str(finding.id) == linked
    card = st.expander(header, expanded=expanded, key=card_key(finding.id), on_change="rerun")
    if card.open:
        with card:
            _finding_details(person, finding, thread)


def _finding_details(person: PersonView, finding: FindingView, thread: list[NoteView]) -> None:
    st.markdown(
        f"{finding_badge(finding.status)} {badge(finding.kind.label, 'violet')} "
        f"{badge(finding.confidence.value + ' confidence', 'gray')} · by "
        f"**{plain(finding.author)}** · {ago(finding.created_at)} · on "
        f"“{plain(finding.question_title)}”"
    )
    if finding.body:
        st.markdown(safe_markdown(finding.body))
    evidence_chips(finding.links)
    if may_edit(person, finding):
        edit_finding_form(person, finding)
    _finding_actions(person, finding)
    st.markdown("**Notes**")
    note_thread(person, "finding", finding.id, key=f"finding_{finding.id}", thread=thread)


def _finding_actions(person: PersonView, finding: FindingView) -> None:
    moves = rules.allowed_moves(Actor.of(person), finding)
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
                bind(
                    findings.move_finding,
                    person.id,
                    finding_id=finding.id,
                    version=version,
                    status=move,
                    reason=reason,
                ),
                f"Finding {move.label}.",
                key=f"finding_move_{finding.id}",
            )


def finding_params(finding: FindingView) -> dict[str, str]:
    """The address of ``finding``'s card on Questions: its tree, its question, itself."""
    root = finding.root_id or finding.question_id
    params = {"root": str(root)}
    if finding.question_id != root:
        params["node"] = str(finding.question_id)
    return params | {"finding": str(finding.id)}


def finding_link(finding: FindingView, label: str) -> str:
    """A Markdown link labelled ``label`` to ``finding``'s card, opened on Questions."""
    return link_to("questions", label, **finding_params(finding))


def _log_keys(key: str) -> dict[str, str]:
    """The log form's widget keys, by field."""
    short = {"confidence": "conf"}
    return {name: f"lf_{short.get(name, name)}_{key}" for name in FIELDS}


def log_finding_form(person: PersonView, question_id: int, key: str) -> None:
    """The form to log a finding on ``question_id``. ``key`` names its widgets and must
    name the question too (a form of one question must not keep its text for another).
    A logged finding clears the form and is linked in the message; a refused one keeps
    every value."""
    keys = _log_keys(key)
    fields: dict[str, object] = {keys[n]: v for n, v in start_values().items()}
    fields[f"lf_draft_{key}"] = False
    state.start_widgets(fields)
    with st.form(f"log_finding_{key}", clear_on_submit=False):
        data = finding_inputs(keys)
        draft = st.checkbox("Keep as a draft (not shared yet)", key=f"lf_draft_{key}")
        submitted = st.form_submit_button("Log finding", type="primary")
    if submitted and not asked_before(
        person.id, Kind.FINDING, data.summary, key=f"finding_{key}", save="Log finding"
    ):
        submit(
            lambda session: findings.log_finding(
                session, person.id, question_id=question_id, data=data, share=not draft
            ),
            lambda made: (
                f"{'Draft' if draft else 'Finding'} logged: {finding_link(made, made.summary)} "
                f"on “{plain(made.question_title)}”."
            ),
            fields=fields,
            key=f"log_finding_{key}",
        )
