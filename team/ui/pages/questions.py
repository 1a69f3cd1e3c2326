"""Questions: explore one general question's tree, break it down, assign, edit."""

from __future__ import annotations

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.core.paging import Window
from team.services.findings.rules import may_log
from team.services.questions.tree import TreeNode
from team.services.questions.view import TreeView
from team.ui import auth, reads, state
from team.ui.finding_cards import finding_cards, log_finding_form
from team.ui.labels import COVERAGE_HELP, status_badge
from team.ui.paging import pager, requested_page
from team.ui.question_forms import bulk_editor, detail_actions, new_question_form
from team.ui.text import dot_label, plain, safe_markdown
from team.ui.tree_nav import go, names_of, pick_root, query_int
from team.vocabulary import QuestionStatus, Role

ROWS = 50  # rows of the tree list on one page
INDENT = "\u2003\u2003"  # em spaces before a deeper row's arrow (kept by Markdown)
STATUS_COLOURS = {
    QuestionStatus.OPEN: "#e5e7eb",
    QuestionStatus.IN_PROGRESS: "#bfdbfe",
    QuestionStatus.BLOCKED: "#fecaca",
    QuestionStatus.ANSWERED: "#bbf7d0",
    QuestionStatus.DROPPED: "#f3f4f6",
}


def _breadcrumbs(view: TreeView) -> None:
    if len(view.path) == 1:
        return
    cols = st.columns(len(view.path))
    for col, item in zip(cols, view.path, strict=True):
        title = item.question.title
        label = plain(title if len(title) <= 40 else title[:39] + "…")
        if item.question.id == view.node.question.id:
            col.markdown(f"**{label}**")
        elif col.button(label, key=f"crumb_{item.question.id}", icon=":material/chevron_right:"):
            go(view.root_id, item.question.id)


def _tree_list(view: TreeView, names: dict[int, str], key: str) -> None:
    """The node, then one page of the questions below it as indented rows: two levels
    down while they fit in a short list, else one; clicking a title drills down."""
    pager(view.rows, key, noun="questions below")
    _tree_row(view, view.node, names)
    for item in view.rows.items:
        _tree_row(view, item, names)
    if view.size > view.rows.total:
        levels = "one level" if view.depth == 1 else f"{view.depth} levels"
        st.caption(
            f"{view.size:,} questions below in all; the list goes {levels} down: open a "
            "question to see what lies below it."
        )


def _tree_row(view: TreeView, item: TreeNode, names: dict[int, str]) -> None:
    """One row: the title (a button that drills down) and its facts, side by side in
    one flex container, which costs a page of rows far less than columns would."""
    q = item.question
    indent = item.depth - view.node.depth
    label = INDENT * max(indent - 1, 0) + ("↳ " if indent else "") + plain(q.title)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False):
        if item.question.id == view.node.question.id:
            st.markdown(f"**{label}**", width="content")
        elif st.button(label, key=f"open_{q.id}", type="tertiary"):
            go(view.root_id, q.id)
        st.markdown(_row_facts(view, item, names), text_alignment="right")


def _row_facts(view: TreeView, item: TreeNode, names: dict[int, str]) -> str:
    q = item.question
    assignee = names.get(q.assignee_id, "unassigned") if q.assignee_id else "unassigned"
    facts = [f"{status_badge(q.status)} {plain(assignee)}"]
    if item.confidence:
        facts.append(f"{item.confidence.value} conf.")
    if item.coverage is None:
        facts.append(":gray-badge[out of scope]")
    else:
        done = item.answered_leaves == item.leaves
        colour = "green" if done else "blue" if item.answered_leaves else "gray"
        facts.append(f":{colour}-badge[{item.answered_leaves}/{item.leaves} answered]")
    if view.hidden.get(q.id):
        facts.append(f"+{view.hidden[q.id]:,} below")
    return " · ".join(facts)


def _rows_key(node_id: int) -> str:
    return f"tree_{node_id}"


def tree_dot(view: TreeView, names: dict[int, str]) -> str:
    """Graphviz source of the node and two levels below it, nodes coloured by status; a
    grey box stands for the sub-questions left out."""
    lines = [
        "digraph tree {",
        "rankdir=LR; bgcolor=transparent;",
        'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
    ]
    diagram = view.diagram
    for node_id, parent_id in diagram.edges:
        q = view.nodes[node_id].question
        who = names.get(q.assignee_id, "") if q.assignee_id else "unassigned"
        status = QuestionStatus(q.status).label
        below = f" (+{diagram.below[node_id]:,} below)" if node_id in diagram.below else ""
        text = dot_label(f"{q.title} — {who} ({status}){below}")
        colour = STATUS_COLOURS[QuestionStatus(q.status)]
        lines.append(f'q{node_id} [label={text}, fillcolor="{colour}"];')
        if parent_id is not None:
            lines.append(f"q{parent_id} -> q{node_id};")
    for parent_id, left_out in diagram.more.items():
        lines.append(f'more{parent_id} [label="+{left_out:,} more", fillcolor="#ffffff"];')
        lines.append(f"q{parent_id} -> more{parent_id} [style=dashed];")
    lines.append("}")
    return "\n".join(lines)


def _detail(node: TreeNode, names: dict[int, str], projects: dict[int, str]) -> None:
    q = node.question
    st.markdown(f"#### {plain(q.title)}")
    facts = [
        status_badge(q.status),
        f"project {plain(projects.get(q.project_id, '?'))}",
        f"owner {plain(names.get(q.owner_id, '?'))}",
        "assigned to " + (plain(names.get(q.assignee_id, "?")) if q.assignee_id else "nobody"),
        f"{q.priority.label} priority",
        f"due {q.due_date:%d %b %Y}" if q.due_date else "no due date",
    ]
    if q.technique:
        facts.append(f"technique {plain(q.technique)}")
    st.markdown(" · ".join(facts))
    if q.context:
        st.markdown(safe_markdown(q.context))
    coverage = node.coverage
    st.progress(
        coverage or 0.0,
        text=(
            f"Coverage: {node.answered_leaves} of {node.leaves} leaf questions answered"
            if coverage is not None
            else "Dropped: outside the scope of the answer"
        ),
    )
    if node.confidence:
        st.markdown(f"Confidence (rolled up): **{node.confidence.value}**")
    with st.popover("How coverage and confidence roll up", icon=":material/help:"):
        st.markdown(COVERAGE_HELP)


def _findings(person: PersonView, node: TreeNode) -> None:
    """The findings logged on this question, 10 a page, each card showing its details
    and notes once opened; who works on it can log another here."""
    q = node.question
    key = f"findings_{q.id}"
    found = reads.findings_on_page(question_id=q.id, window=Window(requested_page(key)))
    st.markdown(f"**Findings ({found.total:,})**")
    if not found.total:
        st.caption("No findings on this question yet.")
    pager(found, key, noun="findings, newest first")
    finding_cards(person, found.items, linked=st.query_params.get("finding"))
    if may_log(Actor.of(person), q):
        with st.expander("Log a finding", icon=":material/add_notes:"):
            log_finding_form(person, q.id, key=f"q{q.id}")


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Questions")
    state.show_flash()
    if person.role == Role.MANAGER:
        new_question_form(person)
    root_id = pick_root()
    if root_id is None:
        st.info(
            "No general questions yet. "
            + (
                "Create one above, then break it down into sub-questions."
                if person.role == Role.MANAGER
                else "A manager creates them; they will appear here."
            )
        )
        return
    node_id = query_int("node") or root_id
    rows_key = _rows_key(node_id)
    view = reads.tree_view(
        root_id=root_id, node_id=node_id, window=Window(requested_page(rows_key), ROWS)
    )
    node = view.node
    people = reads.all_people()
    names = names_of(people)
    projects = {p.id: p.name for p in reads.all_projects()}
    _breadcrumbs(view)
    tab_tree, tab_diagram, tab_bulk = st.tabs(["Tree", "Diagram", "Bulk edit"])
    with tab_tree:
        left, right = st.columns([3, 2], gap="large")
        with left:
            _tree_list(view, names, rows_key)
        with right:
            _detail(node, names, projects)
            detail_actions(person, view, people)
            _findings(person, node)
    with tab_diagram:
        st.graphviz_chart(tree_dot(view, names), width="stretch")
    with tab_bulk:
        bulk_editor(person, view, people)


if __name__ == "__main__":
    render()
