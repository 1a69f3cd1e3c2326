"""Answers: write and version the synthesis of a question, cite its evidence, compare
versions, download the memo."""

from __future__ import annotations

import streamlit as st

from team.models import AnswerState, Confidence, FindingStatus, PersonPublic, Role
from team.services import answers
from team.services.answers import AnswerVersion
from team.services.memo import compare
from team.services.rollup import HELP
from team.services.tree import Tree, TreeNode
from team.ui import auth, resources, state
from team.ui.actions import attempt, bind
from team.ui.pages.overview import status_badge
from team.ui.text import plain, safe_markdown
from team.ui.tree_nav import current_node, go, pick_root
from team.ui.workflow import KIND_LABELS, badge, label

STATE_COLOURS = {
    AnswerState.WORKING_HYPOTHESIS: "orange",
    AnswerState.ANSWERED: "green",
    AnswerState.INCONCLUSIVE: "gray",
}
CITABLE = (FindingStatus.SHARED, FindingStatus.ACCEPTED)


def answer_badge(version: AnswerVersion | None) -> str:
    if version is None:
        return badge("no answer yet", "gray")
    return (
        f"{badge(label(version.state), STATE_COLOURS[version.state])} "
        f"{badge(version.confidence.value + ' confidence', 'blue')}"
    )


def _node_picker(tree: Tree, node: TreeNode) -> None:
    ids = list(tree.nodes)
    chosen = st.selectbox(
        "Question in this tree",
        ids,
        index=ids.index(node.question.id),
        format_func=lambda i: "    " * tree.nodes[i].depth + tree.nodes[i].question.title,
        key=f"answer_node_{tree.root_id}_{node.question.id}",
    )
    if chosen != node.question.id:
        go(tree.root_id, chosen)


def _evidence(tree: Tree, node: TreeNode) -> None:
    """Side by side with the editor: the sub-questions with their answers, and the
    findings beneath this question, each with the marker that cites it."""
    st.markdown("#### Sub-questions")
    if not node.children:
        st.caption("No sub-questions: the answer rests on this question's own findings.")
    for child_id in node.children:
        child = tree.nodes[child_id]
        latest = resources.answer_versions(child_id)
        newest = latest[-1] if latest else None
        with st.container(border=True, key=f"child_{child_id}"):
            st.markdown(
                f"`[Q{child_id}]` **{plain(child.question.title)}**  \n"
                f"{status_badge(child.question.status)} {answer_badge(newest)}"
            )
            if latest:
                with st.expander("Its answer"):
                    st.markdown(safe_markdown(latest[-1].body))
    st.markdown("#### Findings beneath")
    found = resources.findings_on(tree.subtree_ids(node.question.id))
    usable = [f for f in found if f.status in CITABLE]
    if not usable:
        st.caption("No shared or accepted findings below this question yet.")
    for f in usable:
        with st.container(border=True, key=f"evidence_{f.id}"):
            st.markdown(
                f"`[F{f.id}]` **{plain(f.summary)}**  \n"
                f"{badge(label(f.status), 'green' if f.status == 'accepted' else 'blue')} "
                f"{badge(KIND_LABELS[f.kind], 'violet')} {f.confidence.value} confidence · "
                f"{plain(f.author)} · on “{plain(f.question_title)}”"
            )


def _show_version(version: AnswerVersion) -> None:
    st.markdown(
        f"{answer_badge(version)} version {version.number} · {plain(version.author)} · "
        f"{version.created_at:%d %b %Y %H:%M}"
    )
    unsupported = set(answers.unsupported_paragraphs(version.body))
    for paragraph in answers.paragraphs(version.body):
        st.markdown(safe_markdown(paragraph))
        if paragraph in unsupported:
            st.caption(":orange[⚠ Unsupported: this paragraph cites no finding or answer.]")
    cites = [f"[F{i}]" for i in version.finding_ids] + [f"[Q{q}]" for q in version.cited_questions]
    st.caption("Cites: " + (", ".join(cites) if cites else "nothing"))


def _may_write(person: PersonPublic, node: TreeNode) -> bool:
    return person.role == Role.MANAGER or (
        person.role == Role.IC and node.question.assignee_id == person.id
    )


def _editor(person: PersonPublic, node: TreeNode, latest: AnswerVersion | None) -> None:
    qid = node.question.id
    based_on = state.base_version("answer", qid, latest.number if latest else 0)
    with st.form(f"answer_form_{qid}"):
        body = st.text_area(
            "Answer (Markdown). Cite with [F12] for finding 12 and [Q34] for the answer of "
            "sub-question 34, after the claim they support.",
            value=latest.body if latest else "",
            height=260,
            key=f"answer_body_{qid}",
        )
        c1, c2 = st.columns(2)
        states = list(AnswerState)
        state_value = c1.selectbox(
            "State",
            states,
            index=states.index(latest.state) if latest else 0,
            format_func=label,
            key=f"answer_state_{qid}",
        )
        levels = list(Confidence)
        confidence = c2.selectbox(
            "Confidence",
            levels,
            index=levels.index(latest.confidence) if latest else 0,
            key=f"answer_confidence_{qid}",
        )
        submitted = st.form_submit_button("Save as a new version", type="primary")
    if submitted:
        data = answers.AnswerInput(
            body=body,
            state=state_value or AnswerState.WORKING_HYPOTHESIS,
            confidence=confidence or Confidence.LOW,
        )
        number = (latest.number if latest else 0) + 1
        attempt(
            bind(answers.save_answer, person.id, qid, based_on or None, data),
            f"Saved version {number}.",
            key=f"answer_{qid}",
        )


def _compare(versions: list[AnswerVersion], qid: int) -> None:
    if len(versions) < 2:
        st.caption("Compare appears once there are two versions.")
        return
    numbers = [v.number for v in versions]
    c1, c2 = st.columns(2)
    old = c1.selectbox("From version", numbers, index=len(numbers) - 2, key=f"diff_from_{qid}")
    new = c2.selectbox("To version", numbers, index=len(numbers) - 1, key=f"diff_to_{qid}")
    by_number = {v.number: v for v in versions}
    diff = compare(by_number[old], by_number[new])
    if diff.state_changed or diff.confidence_changed:
        st.markdown(
            f"State {label(diff.old.state)} → {label(diff.new.state)}; confidence "
            f"{diff.old.confidence.value} → {diff.new.confidence.value}."
        )
    changes = [f"added [F{i}]" for i in diff.findings_added]
    changes += [f"removed [F{i}]" for i in diff.findings_removed]
    changes += [f"added [Q{i}]" for i in diff.answers_added]
    changes += [f"removed [Q{i}]" for i in diff.answers_removed]
    st.markdown("Citations: " + (", ".join(changes) if changes else "unchanged"))
    st.code("\n".join(diff.text) or "(the text is the same)", language="diff")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Answers")
    state.show_flash()
    root_id = pick_root()
    if root_id is None:
        st.info("No general questions yet; answers appear once a manager creates one.")
        return
    tree = resources.question_tree(root_id)
    node = current_node(tree)
    _node_picker(tree, node)
    q = node.question
    coverage = node.coverage
    st.markdown(
        f"Coverage {node.answered_leaves}/{node.leaves}"
        + (f" ({coverage:.0%})" if coverage is not None else "")
        + " · rolled-up confidence "
        + (node.confidence.value if node.confidence else "none yet")
    )
    with st.popover("How coverage and confidence roll up", icon=":material/help:"):
        st.markdown(HELP)
    versions = resources.answer_versions(q.id)
    latest = versions[-1] if versions else None
    left, right = st.columns([2, 3], gap="large")
    with left:
        _evidence(tree, node)
    with right:
        st.markdown(f"#### Answer to “{plain(q.title)}”")
        if latest:
            _show_version(latest)
        else:
            st.caption("No answer yet.")
        if _may_write(person, node):
            _editor(person, node, latest)
        st.download_button(
            "Download the memo (Markdown)",
            data=resources.memo_text(q.id),
            file_name=f"memo-question-{q.id}.md",
            mime="text/markdown",
            key=f"memo_{q.id}",
            icon=":material/download:",
        )
    st.markdown("#### Versions")
    _compare(versions, q.id)


if __name__ == "__main__":
    render()
