"""The decision log on screen: a decision as a card (what, by whom, when, the evidence at
the time, what changed since, its revisit), the form that records the decision an answer
version informed and the one that edits it, and "Mark revisited". Forms open from a
session-state flag set by a button, never from a button inside another. Every write goes
through the service, which checks the rules again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.answers import decisions
from team.services.answers.decision_reads import DecisionView
from team.services.answers.reads import AnswerVersion
from team.services.core.actors import Actor
from team.services.questions.rules import Assignable
from team.ui import reads, state
from team.ui.actions import attempt
from team.ui.labels import badge
from team.ui.navigation import PageFor
from team.ui.text import plain
from team.ui.tree_nav import query_int

RECORD = "Record the decision this version informed"
REVISIT_HELP = (
    "Optional. A date puts the decision back on the owner's Needs my attention page and "
    "the one-on-one agenda once it comes; a condition alone never falls due by date: mark "
    "it revisited when it happens."
)


def _open_key(kind: str, item_id: int) -> str:
    return f"decision_{kind}_open_{item_id}"


def _toggle(key: str, value: bool) -> None:
    st.session_state[key] = value


def _closing(flag: str, action: Callable[[Any], object]) -> Callable[[Any], object]:
    """``action``, then the form's flag cleared (only once the service succeeded)."""

    def run(session: Any) -> object:
        result = action(session)
        st.session_state.pop(flag, None)
        return result

    return run


# --------------------------------------------------------------------------- showing


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def revisit_words(d: DecisionView, today: date) -> str:
    """The revisit and its state, in words with a badge when due."""
    if not d.has_revisit:
        return "no revisit planned"
    said = plain(d.revisit)
    if d.revisited_at is not None:
        return f"{said} · revisited {d.revisited_at:%d %b %Y}"
    if d.due(today):
        return f"{said} · {badge('revisit due', 'red')}"
    return said


def decision_text(d: DecisionView, today: date, *, question: bool) -> str:
    """The decision as one Markdown block (user text escaped)."""
    on = (
        f"On “{plain(d.question_title)}”"
        + (f" (in “{plain(d.root_title)}”)" if d.root_id != d.question_id else "")
        + f" · {plain(d.project)}  \n"
        if question
        else ""
    )
    changed = (
        f":orange[:material/update: {d.changed_since}]"
        if d.changed_since
        else "evidence unchanged since"
    )
    return (
        f"{on}**Decision:** {plain(d.what)}  \n"
        f"Decided by **{plain(d.decided_by)}** on {d.decided_on:%d %b %Y}, on version "
        f"{d.answer_number} ({d.answer_state.label}, {d.answer_confidence.value} confidence)"
        f" · recorded by {plain(d.recorded_by)}  \n"
        f"Evidence at the time: {d.evidence_then} · {changed}  \n"
        f"{_capital(revisit_words(d, today))}"
    )


def decision_card(
    person: PersonView,
    d: DecisionView,
    today: date,
    *,
    key: str,
    page_for: PageFor | None = None,
) -> None:
    """A decision in a bordered box: its text, a link to its answer version, and (for
    whoever may) Mark revisited."""
    with st.container(border=True, key=f"decision_{key}_{d.id}"):
        st.markdown(decision_text(d, today, question=page_for is not None))
        row = st.container(horizontal=True, vertical_alignment="center")
        if page_for is not None:
            params = {"root": str(d.root_id), "version": str(d.answer_number)}
            if d.question_id != d.root_id:
                params["node"] = str(d.question_id)
            row.page_link(
                page_for("answers"),
                label=f"Open version {d.answer_number} of the answer",
                query_params=params,
            )
        if decisions.may_decide_on(Actor.of(person), d):
            revisit_button(person, d, row, key=key)


def revisit_button(person: PersonView, d: DecisionView, where: Any, *, key: str) -> None:
    """Mark the revisit done: offered while one is planned and not yet marked."""
    if not d.has_revisit or d.revisited_at is not None:
        return
    version = state.base_version("decision", d.id, d.version)
    if where.button("Mark revisited", key=f"decision_revisited_{key}_{d.id}"):
        attempt(
            lambda s: decisions.mark_revisited(s, person.id, decision_id=d.id, version=version),
            "Revisit marked done.",
            key=f"decision_revisited_{key}_{d.id}",
        )


def agenda_lines(items: list[DecisionView]) -> str:
    """Due revisits on a one-on-one agenda: one Markdown list (one element)."""
    return "\n".join(
        f"- **{plain(d.what)}** · on “{plain(d.question_title)}” · decided by "
        f"{plain(d.decided_by)} on {d.decided_on.isoformat()} · {plain(d.revisit)}"
        + (f" · :orange[{d.changed_since}]" if d.changed_since else "")
        for d in items
    )


# --------------------------------------------------------------------------- forms


def _fields(prefix: str, d: DecisionView | None, today: date) -> decisions.DecisionInput:
    what = st.text_input(
        "What was decided",
        value=d.what if d else "",
        key=f"{prefix}_what",
        placeholder="e.g. Keep the pricing heuristic for Q4",
    )
    c1, c2 = st.columns(2)
    by = c1.text_input(
        "Decided by",
        value=d.decided_by if d else "",
        key=f"{prefix}_by",
        placeholder="A name, or a group such as “Pricing committee”",
    )
    on = c2.date_input(
        "Decided on",
        value=d.decided_on if d else today,
        max_value=today,
        key=f"{prefix}_on",
        format="YYYY-MM-DD",
    )
    c3, c4 = st.columns(2)
    revisit_on = c3.date_input(
        "Revisit by (optional)",
        value=d.revisit_on if d else None,
        key=f"{prefix}_revisit_on",
        format="YYYY-MM-DD",
        help=REVISIT_HELP,
    )
    condition = c4.text_input(
        "Or revisit when (optional)",
        value=d.revisit_condition if d else "",
        key=f"{prefix}_condition",
        placeholder="e.g. churn passes 5% for two weeks",
        help=REVISIT_HELP,
    )
    return decisions.DecisionInput(
        what=what,
        decided_by=by,
        decided_on=on if isinstance(on, date) else today,
        revisit_on=revisit_on if isinstance(revisit_on, date) else None,
        revisit_condition=condition,
    )


def record_form(person: PersonView, version: AnswerVersion, today: date) -> None:
    """The button that opens the form recording the version's decision, and the form."""
    flag = _open_key("record", version.id)
    if not st.session_state.get(flag):
        st.button(
            RECORD,
            key=f"decision_record_{version.id}",
            icon=":material/gavel:",
            on_click=_toggle,
            args=(flag, True),
        )
        return
    prefix = f"decision_new_{version.id}"
    with st.form(prefix):
        st.markdown(f"**{RECORD}** (version {version.number})")
        data = _fields(prefix, None, today)
        c1, c2 = st.columns(2)
        saved = c1.form_submit_button("Record the decision", type="primary")
        c2.form_submit_button("Cancel", on_click=_toggle, args=(flag, False))
    if saved:
        attempt(
            _closing(
                flag,
                lambda s: decisions.record_decision(s, person.id, answer_id=version.id, data=data),
            ),
            f"Decision recorded on version {version.number}.",
            key=prefix,
        )


def edit_form(person: PersonView, d: DecisionView, today: date) -> None:
    """The button that opens the form editing a decision, and the form."""
    flag = _open_key("edit", d.id)
    if not st.session_state.get(flag):
        st.button(
            "Edit the decision",
            key=f"decision_edit_{d.id}",
            icon=":material/edit:",
            type="tertiary",
            on_click=_toggle,
            args=(flag, True),
        )
        return
    version = state.base_version("decision", d.id, d.version)
    prefix = f"decision_form_{d.id}"
    with st.form(prefix):
        data = _fields(prefix, d, today)
        c1, c2 = st.columns(2)
        saved = c1.form_submit_button("Save the decision", type="primary")
        c2.form_submit_button("Cancel", on_click=_toggle, args=(flag, False))
    if saved:
        attempt(
            _closing(
                flag,
                lambda s: decisions.edit_decision(
                    s, person.id, decision_id=d.id, version=version, data=data
                ),
            ),
            "Decision saved.",
            key=prefix,
        )


def under_version(
    person: PersonView,
    version: AnswerVersion,
    decision: DecisionView | None,
    *,
    may: bool,
    today: date | None = None,
) -> None:
    """Under an answer version: its decision if any, with Edit and Mark revisited for
    whoever may; else, for them, the button that records it."""
    today = today or date.today()
    if decision is not None:
        decision_card(person, decision, today, key=f"v{version.id}")
        if may:
            edit_form(person, decision, today)
    elif may:
        record_form(person, version, today)


def for_answer(person: PersonView, question: Assignable, versions: list[AnswerVersion]) -> None:
    """On the Answers page, under the newest version: its decision (or, for whoever
    may, the button that records it); the decisions of earlier versions; and for a
    version opened by a link (?version=N), the button that records its decision."""
    if not versions:
        return
    decided = reads.answer_decisions(question_id=versions[-1].question_id)
    may = decisions.may_decide(Actor.of(person), question)
    today = date.today()
    latest = versions[-1]
    under_version(person, latest, decided.get(latest.id), may=may, today=today)
    wanted = query_int("version")
    earlier = [v for v in versions[:-1] if v.id in decided or (may and v.number == wanted)]
    if not earlier:
        return
    with st.expander(
        f"Decisions on earlier versions ({len(earlier)})", expanded=wanted is not None
    ):
        for v in reversed(earlier):
            st.caption(f"Version {v.number}")
            under_version(person, v, decided.get(v.id), may=may, today=today)
