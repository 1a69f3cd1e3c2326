"""The notes on one thing (a finding, a review request...), with the buttons to resolve
a must-fix note and the form to add a note. Every action goes through a service."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from team.services.admin.reads import PersonView
from team.services.notes import writes as notes
from team.services.notes.reads import NoteView
from team.services.notes.rules import TargetKind
from team.ui import reads, state
from team.ui.actions import attempt, bind, submit
from team.ui.labels import ago, note_badge
from team.ui.text import plain, safe_markdown
from team.vocabulary import NoteKind, Role


def note_thread(
    person: PersonView,
    target: TargetKind,
    target_id: int,
    key: str,
    thread: list[NoteView] | None = None,
) -> None:
    """The notes on one thing (``thread`` when already read), with resolve buttons and a
    form to add one."""
    if thread is None:
        thread = reads.notes_on(target=target, target_id=target_id)
    for note in thread:
        resolved = " · :green[resolved]" if note.resolved else ""
        with st.container(border=True, key=f"note_{note.id}"):
            st.markdown(
                f"{note_badge(note.kind)} **{plain(note.author)}** · "
                f"{ago(note.created_at)}{resolved}"
            )
            st.markdown(safe_markdown(note.body))
            if person.role != Role.VIEWER and note.kind == NoteKind.MUST_FIX:
                version = state.base_version("note", note.id, note.version)
                verb = "Reopen" if note.resolved else "Resolve"
                if st.button(verb, key=f"resolve_{note.id}"):
                    attempt(
                        bind(
                            notes.set_resolved,
                            person.id,
                            note_id=note.id,
                            version=version,
                            resolved=not note.resolved,
                        ),
                        f"Note {'reopened' if note.resolved else 'resolved'}.",
                        key=f"resolve_{note.id}",
                    )
    if person.role == Role.VIEWER:
        return
    _add_note_form(person, target, target_id, key)


MUST_FIX_HELP = (
    "A must-fix note holds up approval until it is resolved. The reviewer's must-fix note "
    "also asks for changes: the review reads “changes requested” at once."
)


def _add_note_form(person: PersonView, target: TargetKind, target_id: int, key: str) -> None:
    """Add a note: cleared once added (the note shows above), kept when refused."""
    fields = {f"note_body_{key}": "", f"note_kind_{key}": NoteKind.COMMENT}
    state.start_widgets(fields)
    with st.form(f"add_note_{key}", clear_on_submit=False):
        body = st.text_area("Add a note (Markdown)", key=f"note_body_{key}", height=90)
        kind = st.selectbox(
            "Kind",
            list(NoteKind),
            format_func=lambda k: k.label,
            key=f"note_kind_{key}",
            help=MUST_FIX_HELP if target == "review_request" else None,
        )
        submitted = st.form_submit_button("Add note")
    if submitted:

        def write(session: Session) -> notes.NoteAdded:
            return notes.write_note(
                session,
                person.id,
                target=target,
                target_id=target_id,
                body=body,
                kind=kind or NoteKind.COMMENT,
            )

        submit(
            write,
            _added,
            fields=fields,
            key=f"add_note_{key}",
        )


def _added(added: notes.NoteAdded) -> str:
    if added.asked_for_changes:
        return (
            "Must-fix note added. You asked for changes: the review reads “changes "
            "requested” until the note is resolved and its requester asks again."
        )
    return "Note added."
