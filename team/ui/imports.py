"""What the two import forms (import_outline.py, import_csv.py) share: where the
questions go, the problems by line or row, the preview of the tree, the progress bar
and the note of what was made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import streamlit as st
from sqlmodel import Session

from team.services.core.errors import TeamError
from team.services.imports.plan import Plan
from team.services.imports.problems import ImportRefused
from team.services.imports.write import Imported, Progress
from team.ui import resources, state
from team.ui.actions import link_to
from team.ui.text import plain

PREVIEW_ROWS = 200  # items a preview lists; the count says how many more
SCROLL_AFTER = 12  # items a preview shows whole; more scroll in a box


@dataclass(frozen=True)
class Where:
    """Where an import goes: under ``under_id``, or new general questions of
    ``project_id``; ``label`` names it (plain text)."""

    under_id: int | None
    project_id: int | None
    label: str


def techniques() -> tuple[str, ...]:
    return tuple(resources.settings().techniques)


def upload_limit(largest: int) -> int:
    """The megabytes an uploader takes: what the import reads (``largest`` bytes,
    rounded up) or, if smaller, what the server accepts (``server.maxUploadSize``;
    a larger file would fail in the browser with no sentence of ours)."""
    server = int(st.get_option("server.maxUploadSize"))
    return max(1, min(-(-largest // 2**20), server))


def checked(plan: Callable[[Session], Plan]) -> Plan | None:
    """``plan(session)`` (what an import would do), or None with every problem shown."""
    try:
        with resources.session() as session:
            return plan(session)
    except ImportRefused as exc:
        refused(exc)
    except TeamError as exc:
        st.error(plain(exc.message), icon=":material/warning:")
    return None


def refused(exc: ImportRefused) -> None:
    """Every problem, by line or row, as text."""
    st.error(
        f"Nothing was imported: {len(exc.problems):,} problem"
        f"{'s' if len(exc.problems) != 1 else ''} to fix in the file.",
        icon=":material/warning:",
    )
    st.markdown("\n".join(f"- {plain(line)}" for line in exc.lines()))


def preview(plan: Plan, names: dict[int, str]) -> None:
    """The tree an import will make, indented, with what each line said of its assignee,
    technique, priority and due date."""
    noun = "question" if plan.new == 1 else "questions"
    where = (
        f"under “{plain(plan.target.title)}”"
        if plan.target.question_id
        else f"as new general questions of {plain(plan.target.title)}"
    )
    known = f", and update {plan.updated:,} imported before" if plan.updated else ""
    st.markdown(f"**This creates {plan.new:,} {noun}{known}, {where}:**")
    lines = []
    for item, depth in list(zip(plan.items, plan.depths, strict=True))[:PREVIEW_ROWS]:
        facts = [
            f"@{names.get(item.assignee_id, '?')}" if item.assignee_id else "",
            item.technique or "",
            f"{item.priority.label} priority" if item.priority else "",
            f"due {item.due_date.isoformat()}" if item.due_date else "",
            item.status.label if item.status else "",
            "updates an earlier import" if item.existing else "",
        ]
        said = " · ".join(plain(f) for f in facts if f)
        lines.append(
            f"{'    ' * min(depth, 8)}- {plain(item.title)}" + (f" — *{said}*" if said else "")
        )
    if len(plan.items) > PREVIEW_ROWS:
        lines.append(f"- … and {len(plan.items) - PREVIEW_ROWS:,} more")
    # A short list shows whole (a height by its line count cut it short where titles
    # wrap, at phone width); a long one scrolls in its box.
    height: int | Literal["content"] = 420 if len(lines) > SCROLL_AFTER else "content"
    with st.container(height=height, border=True, key="imp_preview_box"):
        st.markdown("\n".join(lines))


def run(
    write: Callable[[Session, Progress], Imported],
    *,
    total: int,
    key: str,
) -> Imported | None:
    """Carry out an import with a progress bar; on success the page reruns with what it
    made (the caller forgets its preview first)."""
    bar = st.progress(0.0, text=f"Importing 0 of {total:,} questions…")

    def tick(done: int, of: int) -> None:
        bar.progress(done / of if of else 1.0, text=f"Importing {done:,} of {of:,} questions…")

    try:
        with resources.session() as session:
            result = write(session, tick)
    except ImportRefused as exc:
        bar.empty()
        refused(exc)
        return None
    except TeamError as exc:
        bar.empty()
        st.error(plain(exc.message), icon=":material/warning:")
        return None
    state.forget_versions()
    return result


def finished(result: Imported, where: Where) -> None:
    made = f"Imported {result.created:,} new question{'s' if result.created != 1 else ''}"
    if result.updated or result.unchanged:
        made += f", updated {result.updated:,}, left {result.unchanged:,} unchanged"
    if where.under_id is not None:
        made += f" under “{plain(where.label)}”"
    elif result.top:
        made += "; the first: " + link_to("questions", "open it", root=result.top[0])
        st.query_params["root"] = str(result.top[0])
        st.query_params.pop("node", None)
    state.flash(made + ".")
