"""The panel "Gaps before calling this answered" of a general question, on Answers
(where the manager sets the answer's state): the sub-questions without a finding, with
only low-confidence findings or only caveats, and the answers with unsupported
paragraphs (team/services/questions/gaps.py), each a link to its question."""

from __future__ import annotations

import streamlit as st

from team.services.questions import gaps
from team.services.questions.gaps import Gap, GapList
from team.ui.actions import link_to
from team.ui.resources import cached
from team.ui.text import plain

read_gaps = cached(gaps.gaps)  # declared beside the one panel that shows it

TITLE = "Gaps before calling this answered"
# kind -> (page its links open, what the list says of N of them, what none says)
KINDS = {
    "no_finding": (
        "questions",
        "{n} sub-question{s} {have} no finding",
        "Every sub-question not broken down further has a finding.",
    ),
    "only_low": (
        "questions",
        "{n} sub-question{s} {have} only low-confidence findings",
        "No sub-question rests on low-confidence findings alone.",
    ),
    "only_caveats": (
        "questions",
        "{n} sub-question{s} {have} only caveats as findings",
        "No sub-question has caveats alone.",
    ),
    "unsupported": (
        "answers",
        "{n} answer{s} {have} paragraphs citing nothing",
        "Every paragraph of the latest answers cites a finding or an answer.",
    ),
}


def panel(root_id: int) -> None:
    """The gaps below general question ``root_id``, in an expander whose label counts
    them."""
    found = read_gaps(root_id=root_id)
    label = f"{TITLE} ({found.total:,})" if found.total else f"{TITLE}: none"
    icon = ":material/playlist_remove:" if found.total else ":material/task_alt:"
    with st.expander(label, icon=icon, key=f"gaps_{root_id}"):
        for kind, (page, some, none) in KINDS.items():
            _kind(getattr(found, kind), root_id, page, some, none)


def _kind(listed: GapList, root_id: int, page: str, some: str, none: str) -> None:
    if not listed.total:
        st.markdown(f":green[:material/check:] {none}")
        return
    n = listed.total
    head = some.format(n=f"{n:,}", s="s" if n != 1 else "", have="have" if n != 1 else "has")
    if n > len(listed.items):
        head += f"; showing {len(listed.items)}"
    lines = [f":orange[:material/warning:] **{head}**", ""]
    lines += [_item(g, root_id, page) for g in listed.items]
    st.markdown("\n".join(lines))


def _item(gap: Gap, root_id: int, page: str) -> str:
    node = gap.question_id if gap.question_id != root_id else None
    return f"- {link_to(page, gap.title, root=root_id, node=node)} · {plain(gap.detail)}"
