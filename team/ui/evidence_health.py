"""Citation health on screen (the rules are in services/answers/health.py): the warning
"Evidence changed since this version" on a flagged answer with what changed and links
to compare, the "Mark reviewed" button, each version's changes in the history, and the
words that mark a flagged node on the tree and a general question on Overview."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.answers import health
from team.services.answers.health_reads import FlaggedAnswer, FlagView
from team.services.answers.reads import AnswerVersion
from team.services.core.actors import Actor
from team.services.questions.rules import works_on
from team.services.questions.store import QuestionView
from team.services.questions.tree import TreeNode
from team.ui.actions import attempt, bind, link_to
from team.ui.labels import ago
from team.ui.navigation import PageFor
from team.ui.text import plain

TITLE = "Evidence changed since this version"
EXPLAIN = (
    "Evidence this answer cites changed after the version was saved: a finding was "
    "edited, sent back or withdrawn, or a sub-question's answer became less sure or "
    "changed state. Check that the answer still holds, then mark the changes reviewed "
    "or save a new version."
)
INBOX_EXPLAIN = (
    "Evidence these answers cite changed after their latest version was saved. Open one "
    "to see what changed, then mark it reviewed or save a new version."
)
TREE_BADGE = ":orange-badge[:material/warning: evidence changed]"


LABEL = 50  # characters of a finding's summary or a question's title in a link


def _short(text: str) -> str:
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


def _changes(n: int) -> str:
    return f"{n} change{'s' if n != 1 else ''}"


def flag_line(flag: FlagView, root_id: int) -> str:
    """One change in words, with a link to compare: the finding's card on Questions, or
    the sub-question's answer on Answers with the version cited opened beside the new."""
    when = ago(flag.at)
    if flag.finding_id is not None:
        node = flag.finding_question_id
        target = link_to(
            "questions",
            f"[F{flag.finding_id}] {_short(flag.finding_summary or '')}".strip(),
            root=flag.finding_root_id,
            node=node if node != flag.finding_root_id else None,
            finding=flag.finding_id,
        )
        return f"**{flag.change.label}**: {target}: {plain(flag.detail)} · {when}"
    child = flag.child_question_id
    target = link_to(
        "answers", f"[Q{child}] {_short(flag.child_title or '')}".strip(), root=root_id, node=child
    )
    compare = link_to(
        "answers",
        f"compare version {flag.cited_number} with {flag.new_number}",
        root=root_id,
        node=child,
        version=flag.cited_number,
    )
    return f"**{flag.change.label}**: {target}: {plain(flag.detail)} · {compare} · {when}"


def warning(
    person: PersonView,
    question: QuestionView,
    latest: AnswerVersion,
    flags: dict[int, list[FlagView]],
    root_id: int,
) -> None:
    """On the latest version: the open changes of its evidence and, for whoever may
    write the answer, "Mark reviewed" (it marks the changes listed here, by id: one that
    arrives after the page was drawn stays open)."""
    shown = [f for f in flags.get(latest.id, []) if f.is_open]
    if not shown:
        return
    lines = "\n".join(f"- {flag_line(f, root_id)}" for f in shown)
    with st.container(key=f"evidence_changed_{latest.id}"):
        st.warning(
            f"**{TITLE}** (version {latest.number}, {_changes(len(shown))}). {EXPLAIN}\n\n{lines}",
            icon=":material/warning:",
        )
        if works_on(Actor.of(person), question) and st.button(
            "Mark reviewed",
            key=f"evidence_reviewed_{latest.id}",
            icon=":material/done_all:",
            help="You checked that the answer still holds with its evidence as it is now.",
        ):
            attempt(
                bind(
                    health.mark_evidence_reviewed,
                    person.id,
                    answer_id=latest.id,
                    flag_ids=tuple(f.id for f in shown),
                ),
                f"Marked {_changes(len(shown))} of the evidence reviewed.",
                key=f"evidence_{latest.id}",
            )


def _state(flag: FlagView, latest_id: int | None) -> str:
    if flag.cleared_at is not None:
        return f"reviewed by {plain(flag.cleared_by or 'someone')} {ago(flag.cleared_at)}"
    return "open" if flag.answer_id == latest_id else "left behind by a newer version"


def history(versions: list[AnswerVersion], flags: dict[int, list[FlagView]], root_id: int) -> None:
    """Each version's evidence changes, open, reviewed or left behind by a newer version."""
    flagged = [v for v in reversed(versions) if flags.get(v.id)]
    if not flagged:
        return
    total = sum(len(flags[v.id]) for v in flagged)
    latest_id = versions[-1].id if versions else None
    with st.expander(
        f"Evidence changes, version by version ({total:,})", icon=":material/history:"
    ):
        for v in flagged:
            st.markdown(
                f"**Version {v.number}**\n\n"
                + "\n".join(
                    f"- {flag_line(f, root_id)} · _{_state(f, latest_id)}_" for f in flags[v.id]
                )
            )


# --------------------------------------------------------------------------- tree, Overview


def tree_fact(node: TreeNode) -> str | None:
    """The badge a flagged node's row carries on the tree (None when not flagged)."""
    return TREE_BADGE if node.flagged else None


def tree_note(node: TreeNode, page_for: PageFor) -> None:
    """Under a flagged node's details: what the flag means, and a link to the answer."""
    if not node.flagged:
        return
    q = node.question
    st.warning(
        "Evidence changed since its answer was written: a finding it cites was edited, "
        "sent back or withdrawn, or a sub-question's answer became less sure or changed "
        "state.",
        icon=":material/warning:",
    )
    root = q.root_id or q.id
    params = {"root": str(root)} | ({"node": str(q.id)} if q.id != root else {})
    st.page_link(page_for("answers"), label="See what changed on Answers", query_params=params)


def overview_fact(flagged_answers: int) -> str:
    """Words for a general question on Overview ("" when no answer in it is flagged)."""
    if not flagged_answers:
        return ""
    many = flagged_answers != 1
    return (
        f":orange-badge[:material/warning: evidence changed under {flagged_answers} "
        f"answer{'s' if many else ''}]"
    )


def inbox_item(item: FlaggedAnswer, page_for: PageFor) -> None:
    """One flagged answer in Needs my attention."""
    with st.container(border=True, key=f"attention_flagged_{item.question_id}"):
        st.markdown(
            f"{TREE_BADGE} **{plain(item.title)}**, version {item.number}: "
            f"{_changes(item.changes)} · newest {ago(item.last_at)}  \n{plain(item.detail)}"
        )
        params = {"root": str(item.root_id)}
        if item.question_id != item.root_id:
            params["node"] = str(item.question_id)
        st.page_link(page_for("answers"), label="Review the answer", query_params=params)


def agenda_lines(items: list[FlaggedAnswer]) -> str:
    """Flagged answers on a one-on-one agenda: one Markdown list (one element), each a
    link to the answer."""
    return "\n".join(
        f"- {TREE_BADGE} "
        + link_to(
            "answers",
            a.title,
            root=a.root_id,
            node=a.question_id if a.question_id != a.root_id else None,
        )
        + f" · version {a.number}: {_changes(a.changes)} · newest: {plain(a.detail)}"
        for a in items
    )
