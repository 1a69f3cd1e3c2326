"""Import an outline: paste or upload an indented list, preview the tree, create it."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.imports.csv_read import read_text
from team.services.imports.outline import MAX_CHARS, import_outline, plan_outline
from team.services.imports.plan import Plan
from team.services.imports.problems import ImportRefused
from team.ui import imports, reads, state
from team.ui.imports import Where

PLAN = "imp_outline_plan"  # session key: (the text and place previewed, its plan)
EXAMPLE = (
    "Why did retention drop in Q3?\n"
    "  - Which segments churned more than usual? @priya due:2026-12-20\n"
    "    - Enterprise vs self-serve technique:statistics\n"
    "  - Did the pricing change coincide with the drop? priority:high"
)
HELP = (
    "One question a line; indent a line (spaces or tabs, Markdown bullets or numbers) to "
    "put it under the line above. End a line with `@name` to assign it to an IC (first "
    "name, or the start of their email), `due:2026-12-20` for its due date, "
    "`priority:high` (low, medium, high, urgent) and `technique:modeling`, in any order. "
    "What a line leaves out of priority, due date and technique it takes from the "
    "question it goes under."
)


def form(person: PersonView, where: Where) -> None:
    text = st.text_area(
        "Outline", key="imp_outline_text", height=200, placeholder=EXAMPLE, help=HELP
    )
    upload = st.file_uploader(
        "…or upload a text or Markdown file",
        type=["txt", "md", "markdown"],
        key="imp_outline_file",
        max_upload_size=imports.upload_limit(MAX_CHARS),
    )
    if upload is not None:
        if upload.size > MAX_CHARS:
            st.error(f"The file is larger than {MAX_CHARS:,} bytes; split it.")
            return
        if text.strip():
            st.caption("The file is imported, not the text above; remove the file to use it.")
        try:
            text = read_text(upload.getvalue())
        except ImportRefused as exc:
            imports.refused(exc)
            return
    asked = (text, where)
    if st.button("Preview", key="imp_outline_preview", icon=":material/visibility:"):
        st.session_state[PLAN] = (asked, _plan(person, text, where))
    shown = st.session_state.get(PLAN)
    if shown is None or shown[0] != asked:
        return  # nothing previewed, or not this text and place
    plan = shown[1]
    if not isinstance(plan, Plan):
        return
    imports.preview(plan, {p.id: p.name for p in reads.all_people()})
    if st.button(
        f"Create {plan.new:,} question{'s' if plan.new != 1 else ''}",
        type="primary",
        key="imp_outline_create",
    ):
        _create(person, text, where, len(plan.items))


def _plan(person: PersonView, text: str, where: Where) -> Plan | None:
    """The plan of ``text``, or None with every problem shown."""
    return imports.checked(
        lambda session: plan_outline(
            session,
            person.id,
            text=text,
            under_id=where.under_id,
            project_id=where.project_id,
            techniques=imports.techniques(),
        )
    )


def _create(person: PersonView, text: str, where: Where, total: int) -> None:
    result = imports.run(
        lambda session, tick: import_outline(
            session,
            person.id,
            text=text,
            under_id=where.under_id,
            project_id=where.project_id,
            techniques=imports.techniques(),
            progress=tick,
        ),
        total=total,
        key="imp_outline",
    )
    if result is not None:
        st.session_state.pop(PLAN, None)
        state.reset_widgets({"imp_outline_text": ""})
        imports.finished(result, where)
