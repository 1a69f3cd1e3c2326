"""Answers: write and version the synthesis of a question, cite its evidence, compare
versions, download the memo."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.answers import rules
from team.services.answers import writes as answers
from team.services.answers.memo import compare
from team.services.answers.reads import AnswerVersion
from team.services.core.actors import Actor
from team.services.core.paging import PAGE_SIZE, Window
from team.services.notify import follows
from team.services.questions.rollup import HELP_TITLE as ROLLUP_TITLE
from team.services.questions.rules import works_on
from team.services.questions.tree import TreeNode
from team.services.questions.view import TreeView
from team.ui import auth, evidence_health, gaps_panel, reads, state
from team.ui.actions import attempt, bind
from team.ui.chips import evidence_chips
from team.ui.citations import citation_links, linked
from team.ui.decision_forms import for_answer as decision_log
from team.ui.labels import (
    COVERAGE_HELP,
    answer_state_badge,
    badge,
    finding_badge,
    status_badge,
    strength_badge,
)
from team.ui.paging import pager, requested_page, searched, words
from team.ui.rollup_text import evidence_line
from team.ui.text import plain, safe_markdown
from team.ui.tree_nav import CHOICES, go, pick_root, query_int, unique_labels
from team.vocabulary import AnswerState, Confidence, EvidenceStrength

EVIDENCE = 10  # citable findings on one page (a search finds the others)
# A Material icon, not the emoji, which shows as a box where no emoji font is installed.
UNSUPPORTED = ":orange[:material/warning: Unsupported: this paragraph cites no finding or answer.]"


def answer_badge(version: AnswerVersion | None) -> str:
    if version is None:
        return badge("no answer yet", "gray")
    return (
        f"{answer_state_badge(version.state)} "
        f"{badge(version.confidence.value + ' confidence', 'blue')}"
    )


def _node_picker(view: TreeView) -> None:
    """The node's path and its sub-questions on this page, or the questions of the tree
    whose title holds the words searched."""
    node = view.node
    search = words(
        st.text_input(
            "Find a question in this tree",
            key=f"answer_find_{view.root_id}",
            placeholder="Words of its title",
        )
    )
    if search:
        found = reads.tree_choices(root_id=view.root_id, search=search, limit=CHOICES)
        options = [(c.id, c.depth, c.title) for c in found.items]
        if found.total > len(found.items):
            st.caption(f"The first {len(found.items):,} of {found.total:,} matches.")
    else:
        nearby = [*view.path, *view.rows.items]
        options = [(n.question.id, n.depth, n.question.title) for n in nearby]
    if node.question.id not in {i for i, _, _ in options}:
        options.insert(0, (node.question.id, node.depth, node.question.title))
    labels = unique_labels([(i, "    " * depth + title) for i, depth, title in options])
    ids = list(labels)
    chosen = st.selectbox(
        "Question in this tree",
        ids,
        index=ids.index(node.question.id),
        format_func=labels.__getitem__,
        key=f"answer_node_{view.root_id}_{node.question.id}",
    )
    if chosen != node.question.id:
        go(view.root_id, chosen)


def _evidence(view: TreeView) -> None:
    """Side by side with the editor: the sub-questions with their answers (20 a page),
    and the findings beneath this question (10 a page, with a search), each with the
    marker that cites it."""
    st.markdown("#### Sub-questions")
    node = view.node
    if not node.children:
        st.caption("No sub-questions: the answer rests on this question's own findings.")
    pager(view.rows, _children_key(node.question.id), noun="sub-questions")
    latest = reads.latest_answers(question_ids=[c.question.id for c in view.rows.items])
    for child in view.rows.items:
        child_id = child.question.id
        newest = latest.get(child_id)
        with st.container(border=True, key=f"child_{child_id}"):
            st.markdown(
                f"`[Q{child_id}]` **{plain(child.question.title)}**  \n"
                f"{status_badge(child.question.status)} {answer_badge(newest)}"
            )
            if newest:
                with st.expander("Its answer"):
                    st.markdown(safe_markdown(newest.body))
    _findings_beneath(node.question.id)


def _findings_beneath(node_id: int) -> None:
    st.markdown("#### Findings beneath")
    key = f"evidence_{node_id}"
    search = searched(f"{key}_search")
    found = reads.citable_findings(
        node_id=node_id, window=Window(requested_page(key), EVIDENCE), search=search
    )
    if search or found.total > found.window.size:
        st.text_input(
            "Search the findings", key=f"{key}_search", placeholder="Words of the summary, or F12"
        )
    if not found.total:
        st.caption(
            f"No shared or accepted finding below this question matches “{plain(search)}”."
            if search
            else "No shared or accepted findings below this question yet."
        )
    pager(found, key, noun="findings, newest first")
    for f in found.items:
        with st.container(border=True, key=f"evidence_{f.id}"):
            st.markdown(
                f"`[F{f.id}]` **{plain(f.summary)}**  \n"
                f"{finding_badge(f.status)} "
                f"{badge(f.kind.label, 'violet')} {f.confidence.value} confidence · "
                f"{plain(f.author)} · on “{plain(f.question_title)}”"
            )
            evidence_chips(f.links)


def _children_key(node_id: int) -> str:
    return f"answer_children_{node_id}"


def _show_version(version: AnswerVersion, root_id: int) -> None:
    """The version's text, each citation marker a link to what it cites, each paragraph
    that cites nothing flagged."""
    st.markdown(
        f"{answer_badge(version)} version {version.number} · {plain(version.author)} · "
        f"{version.created_at:%d %b %Y %H:%M}"
    )
    links = citation_links(version, root_id)
    unsupported = set(rules.unsupported_paragraphs(version.body))
    for paragraph in rules.paragraphs(version.body):
        st.markdown(linked(safe_markdown(paragraph), links))
        if paragraph in unsupported:
            st.caption(UNSUPPORTED)
    strengths = {f"F{f.id}": strength_badge(f.strength) for f in version.cited_findings}
    cites = [f"F{i}" for i in version.finding_ids] + [f"Q{q}" for q in version.cited_questions]
    shown = [
        links.get(c, f"\\[{c}\\]") + (f" {strengths[c]}" if c in strengths else "") for c in cites
    ]
    st.caption("Cites: " + (" · ".join(shown) if shown else "nothing"))
    reviewed = {f.id for f in version.cited_findings if f.strength == EvidenceStrength.REVIEWED}
    said = rules.on_reviewed(version.body, reviewed)
    if said:
        st.caption(f"{said} (an accepted finding whose review was approved).")


def _linked_version(versions: list[AnswerVersion], root_id: int) -> None:
    """An older version a link named (?version=N, e.g. from a search), shown open above
    the current one."""
    wanted = query_int("version")
    older = [v for v in versions[:-1] if v.number == wanted]
    if older:
        with st.container(border=True, key=f"older_version_{older[0].number}"):
            st.caption(
                f"Version {older[0].number}, an older one, opened by the link you followed; "
                f"the current one, version {versions[-1].number}, is below."
            )
            _show_version(older[0], root_id)


def _editor(person: PersonView, node: TreeNode, latest: AnswerVersion | None) -> None:
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
            format_func=lambda state: state.label,
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
            bind(
                answers.save_answer,
                person.id,
                question_id=qid,
                based_on=based_on or None,
                data=data,
            ),
            f"Saved version {number}.",
            key=f"answer_{qid}",
        )


def _compare(versions: list[AnswerVersion], qid: int) -> None:
    if len(versions) < 2:
        st.caption("Compare appears once there are two versions.")
        return
    numbers = [v.number for v in versions]
    linked = query_int("version")  # a link to compare (evidence_health) names the older one
    start = numbers.index(linked) if linked in numbers[:-1] else len(numbers) - 2
    c1, c2 = st.columns(2)
    old = c1.selectbox("From version", numbers, index=start, key=f"diff_from_{qid}")
    new = c2.selectbox("To version", numbers, index=len(numbers) - 1, key=f"diff_to_{qid}")
    by_number = {v.number: v for v in versions}
    diff = compare(by_number[old], by_number[new])
    if diff.state_changed or diff.confidence_changed:
        st.markdown(
            f"State {diff.old.state.label} → {diff.new.state.label}; confidence "
            f"{diff.old.confidence.value} → {diff.new.confidence.value}."
        )
    changes = [f"added [F{i}]" for i in diff.findings_added]
    changes += [f"removed [F{i}]" for i in diff.findings_removed]
    changes += [f"added [Q{i}]" for i in diff.answers_added]
    changes += [f"removed [Q{i}]" for i in diff.answers_removed]
    st.markdown("Citations: " + (", ".join(changes) if changes else "unchanged"))
    st.code("\n".join(diff.text) or "(the text is the same)", language="diff")


def _follow(person: PersonView, question_id: int) -> None:
    """Follow this answer (anyone, viewers too): its changes of state or confidence come
    to the inbox, and for a general question, the week's "what we now believe"."""
    following = reads.is_following(person.id, question_id)
    label = "Following" if following else "Follow this answer"
    icon = ":material/notifications_active:" if following else ":material/notifications:"
    help_ = (
        "You hear when this answer changes state or confidence. Click to stop."
        if following
        else "Hear when this answer changes state or confidence."
    )
    if st.button(label, key=f"follow_{question_id}", icon=icon, help=help_):
        if following:
            action, done = follows.unfollow, "You no longer follow this answer."
        else:
            action, done = follows.follow, "You follow this answer now."
        attempt(bind(action, person.id, question_id=question_id), done, key="follow")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Answers")
    state.show_flash()
    state.keep_question()
    root_id = pick_root()
    if root_id is None:
        st.info("No general questions yet; answers appear once a manager creates one.")
        return
    node_id = query_int("node") or root_id
    window = Window(requested_page(_children_key(node_id)), PAGE_SIZE)
    view = reads.tree_view(root_id=root_id, node_id=node_id, window=window, depth=1)
    node = view.node
    _node_picker(view)
    q = node.question
    coverage = node.coverage
    st.markdown(
        f"Coverage {node.answered_leaves}/{node.leaves}"
        + (f" ({coverage:.0%})" if coverage is not None else "")
        + " · rolled-up confidence "
        + (node.confidence.value if node.confidence else "none yet")
        + (f" · {evidence_line(node.evidence)}" if node.evidence else "")
    )
    with st.popover(ROLLUP_TITLE, icon=":material/help:"):
        st.markdown(COVERAGE_HELP)
    if q.id == view.root_id:
        gaps_panel.panel(view.root_id)
    versions = reads.answer_versions(question_id=q.id)
    latest = versions[-1] if versions else None
    flags = reads.answer_flags(question_id=q.id)
    left, right = st.columns([2, 3], gap="large")
    with left:
        _evidence(view)
    with right:
        st.markdown(f"#### Answer to “{plain(q.title)}”")
        _follow(person, q.id)
        _linked_version(versions, view.root_id)
        if latest:
            evidence_health.warning(person, q, latest, flags, view.root_id)
            _show_version(latest, view.root_id)
            decision_log(person, node.question, versions)
        else:
            st.caption("No answer yet.")
        if works_on(Actor.of(person), node.question):
            _editor(person, node, latest)
        st.download_button(
            "Download the memo (Markdown)",
            data=reads.memo_builder(q.id),
            file_name=f"memo-question-{q.id}.md",
            mime="text/markdown",
            key=f"memo_{q.id}",
            on_click="ignore",  # no rerun: it could drop the file the click asks for
            icon=":material/download:",
        )
    st.markdown("#### Versions")
    _compare(versions, q.id)
    evidence_health.history(versions, flags, view.root_id)


if __name__ == "__main__":
    render()
