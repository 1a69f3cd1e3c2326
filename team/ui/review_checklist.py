"""A review's checklist on screen: in the request form, the list the reviewer will use
for the kind picked; in the thread, each item with its state (required ones marked, a
waived one with its reason) and, for the reviewer while the review is open, a tick box
and "Not applicable" with a reason. Every change goes through
reviews.checklist.set_check, which checks the rules again."""

from __future__ import annotations

import streamlit as st

from team.config_checklists import ChecklistItem
from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.reviews import rules
from team.services.reviews.checklist import CheckView, set_check
from team.services.reviews.reads import ReviewView
from team.ui import state
from team.ui.actions import attempt, bind
from team.ui.text import plain
from team.vocabulary import CheckState, ReviewKind

_WANTED = "review_check_wanted"  # (review id, position, ticked) the tick box asked for
ICONS = {
    CheckState.OPEN: ":material/check_box_outline_blank:",
    CheckState.TICKED: ":material/check_box:",
    CheckState.WAIVED: ":material/do_not_disturb_on:",
}


def _required(required: bool) -> str:
    return " · **required**" if required else " · :gray[optional]"


def checklist_preview(kind: ReviewKind, items: tuple[ChecklistItem, ...]) -> None:
    """What the reviewer of a ``kind`` review will check (from config.yaml)."""
    if not items:
        st.caption(f"A {kind.label} review has no checklist.")
        return
    lines = [f"- {plain(i.text)}{_required(i.required)}" for i in items]
    st.markdown(f"The reviewer will check:\n{chr(10).join(lines)}")


def progress(review: ReviewView) -> str:
    """ "3 of 5 checked" (ticked or not applicable); empty without a checklist."""
    if not review.checks_total:
        return ""
    return f"{review.checks_done} of {review.checks_total} checked"


def review_checklist(person: PersonView, review: ReviewView) -> None:
    """The checklist of the review shown, editable by its reviewer while it is open."""
    if not review.checks:
        return
    st.markdown(f"**Checklist** ({plain(review.kind.label)}) · {progress(review)}")
    actor = Actor.of(person)
    if rules.checklist_refused_to(actor, review) or rules.checklist_closed(review):
        st.markdown("  \n".join(_line(c) for c in review.checks))
        return
    version = state.base_version("review", review.id, review.version)
    _apply_tick(person, review, version)
    for check in review.checks:
        _editable(person, review, check, version)


def _line(check: CheckView) -> str:
    text = plain(check.text)
    if check.state == CheckState.WAIVED:
        return f"{ICONS[check.state]} {text} · not applicable: {plain(check.reason)}"
    return f"{ICONS[check.state]} {text}{_required(check.required)}"


def _want(review_id: int, position: int, key: str) -> None:
    """The tick box changed: do it in the run that follows (where errors can show)."""
    st.session_state[_WANTED] = (review_id, position, bool(st.session_state[key]))


def _apply_tick(person: PersonView, review: ReviewView, version: int) -> None:
    wanted = st.session_state.pop(_WANTED, None)
    if wanted is None or wanted[0] != review.id:
        return
    _, position, ticked = wanted
    check = next((c for c in review.checks if c.position == position), None)
    if check is None:
        return
    new = CheckState.TICKED if ticked else CheckState.OPEN
    done = f"{'Ticked' if ticked else 'Un-ticked'} “{plain(check.text)}”."
    _set(person, review, check, version, new, "", done)


def _set(
    person: PersonView,
    review: ReviewView,
    check: CheckView,
    version: int,
    new: CheckState,
    reason: str,
    done: str,
) -> None:
    attempt(
        bind(
            set_check,
            person.id,
            review_id=review.id,
            position=check.position,
            version=version,
            state=new,
            reason=reason,
        ),
        done,
        key=f"check_{review.id}_{check.position}",
    )


def _editable(person: PersonView, review: ReviewView, check: CheckView, version: int) -> None:
    rid, pos = review.id, check.position
    box = f"check_{rid}_{pos}"
    st.session_state[box] = check.state == CheckState.TICKED  # what is saved, always
    waive = undo = False
    reason = ""
    with st.container(
        horizontal=True, vertical_alignment="center", key=f"check_row_{rid}_{pos}", gap="small"
    ):
        st.checkbox(
            # No Markdown marks: a screen reader reads the box's label as written.
            f"{plain(check.text)} · {'required' if check.required else 'optional'}",
            key=box,
            on_change=_want,
            args=(rid, pos, box),
            width="stretch",
            wrap=True,
        )
        if check.state == CheckState.WAIVED:
            st.caption(f"not applicable: {plain(check.reason)}")
            undo = st.button("Undo", key=f"check_undo_{rid}_{pos}", type="tertiary")
        else:
            with (
                st.popover("Not applicable", type="tertiary", key=f"check_na_{rid}_{pos}"),
                st.form(f"check_na_form_{rid}_{pos}", border=False),
            ):
                reason = st.text_input("Why does it not apply?", key=f"check_reason_{rid}_{pos}")
                waive = st.form_submit_button("Mark not applicable")
    if waive:
        text = plain(check.text)
        _set(
            person,
            review,
            check,
            version,
            CheckState.WAIVED,
            reason,
            f"“{text}” marked not applicable.",
        )
    if undo:
        text = plain(check.text)
        _set(person, review, check, version, CheckState.OPEN, "", f"“{text}” is to check again.")
