"""Questions: explore one general question's tree, break it down, assign, edit."""

from __future__ import annotations

from datetime import date

import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.core.paging import Window
from team.services.findings.rules import may_log
from team.services.questions.rollup import HELP_TITLE as ROLLUP_TITLE
from team.services.questions.tree import TreeNode
from team.services.questions.view import TreeView
from team.ui import auth, evidence_health, import_panel, reads, state
from team.ui.finding_cards import finding_cards, log_finding_form
from team.ui.labels import COVERAGE_HELP, status_badge
from team.ui.list_exports import findings_csv_button, tree_csv_button
from team.ui.navigation import pages_once
from team.ui.paging import pager, requested_page
from team.ui.question_forms import bulk_editor, detail_actions, new_question_form
from team.ui.rollup_text import evidence_facts
from team.ui.text import dot_label, plain, safe_markdown
from team.ui.tree_nav import go, names_of, pick_root, query_int
from team.vocabulary import Priority, QuestionStatus, Role

ROWS = 50  # rows of the tree list on one page
INDENTS = 4  # outline levels drawn indented; deeper ones line up with the fourth
STATUS_COLOURS = {
    QuestionStatus.OPEN: "#e5e7eb",
    QuestionStatus.IN_PROGRESS: "#bfdbfe",
    QuestionStatus.BLOCKED: "#fecaca",
    QuestionStatus.ANSWERED: "#bbf7d0",
    QuestionStatus.DROPPED: "#f3f4f6",
}


def _breadcrumbs(view: TreeView) -> None:
    """The path from the general question down to the node, in one wrapping line."""
    if len(view.path) == 1:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="crumbs"):
        for item in view.path:
            title = item.question.title
            label = plain(title if len(title) <= 40 else title[:39] + "…")
            if item.question.id == view.node.question.id:
                st.markdown(f"**{label}**", width="content")
            elif st.button(
                label,
                key=f"crumb_{item.question.id}",
                type="tertiary",
                icon=":material/north_west:",
            ):
                go(view.root_id, item.question.id)


def _outline(view: TreeView, names: dict[int, str], key: str) -> None:
    """The node in its place in the breakdown, as an outline: its parent, the siblings
    around it, and one page of the questions below it (two levels down while they fit
    in a short list, else one). Clicking a title opens that question."""
    top = 0
    drawn: set[int] = set()  # a damaged tree may name a question twice: draw it once
    if view.parent is not None:
        _row(view, view.parent, 0, names, drawn)
        top = 1
        if view.earlier:
            _more(
                top,
                "earlier",
                f"{view.earlier:,} earlier sub-question{'s' if view.earlier != 1 else ''}",
            )
        for item in view.before:
            _row(view, item, top, names, drawn)
    _row(view, view.node, top, names, drawn, selected=True)
    pager(view.rows, key, noun="questions below")
    for item in view.rows.items:
        _row(view, item, top + item.depth - view.node.depth, names, drawn)
    if view.size > view.rows.total:
        levels = "one level" if view.depth == 1 else f"{view.depth} levels"
        _more(
            top + 1,
            "below",
            f"{view.size:,} questions below in all; the list goes {levels} down: open a "
            "question to see what lies below it.",
        )
    for item in view.after:
        _row(view, item, top, names, drawn)
    if view.later:
        _more(top, "later", f"{view.later:,} later sub-question{'s' if view.later != 1 else ''}")


def _row(
    view: TreeView,
    item: TreeNode,
    level: int,
    names: dict[int, str],
    drawn: set[int],
    *,
    selected: bool = False,
) -> None:
    """One question of the outline: its title (a link that opens it) above a line of its
    facts, indented by ``level`` (look.py draws the indent from the container's key)."""
    q = item.question
    if q.id in drawn:
        return
    drawn.add(q.id)
    kind = "sel" if selected else "q"
    with st.container(key=f"trow_l{min(level, INDENTS)}_{kind}_{q.id}", gap=None):
        if selected:
            st.markdown(f"**{plain(q.title)}**")
        elif st.button(plain(q.title), key=f"open_{q.id}", type="tertiary"):
            go(view.root_id, q.id)
        st.caption(_row_facts(view, item, names))


def _more(level: int, name: str, text: str) -> None:
    """A line of the outline that stands for questions it leaves out."""
    with st.container(key=f"trow_l{min(level, INDENTS)}_more_{name}", gap=None):
        st.caption(text)


def _row_facts(view: TreeView, item: TreeNode, names: dict[int, str]) -> str:
    q = item.question
    assignee = names.get(q.assignee_id, "unassigned") if q.assignee_id else "unassigned"
    facts = [status_badge(q.status), plain(assignee)]
    if (flag := evidence_health.tree_fact(item)) is not None:
        facts.append(flag)
    if q.due_date:
        same_year = q.due_date.year == date.today().year
        facts.append(f"due {q.due_date:%d %b}" if same_year else f"due {q.due_date:%d %b %Y}")
    if q.priority != Priority.MEDIUM:
        facts.append(f"{Priority(q.priority).label} priority")
    if item.confidence:
        facts.append(f"{item.confidence.label} confidence")
    if item.coverage is None:
        facts.append(":gray-badge[out of scope]")
    else:
        done = item.answered_leaves == item.leaves
        colour = "green" if done else "blue" if item.answered_leaves else "gray"
        facts.append(f":{colour}-badge[{item.answered_leaves}/{item.leaves} answered]")
    facts += evidence_facts(item.evidence)
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
        changed = " · evidence changed" if view.nodes[node_id].flagged else ""
        text = dot_label(q.title, f"{who} · {status}{changed}{below}")
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
    if node.evidence:
        st.markdown(f"Evidence (rolled up): **{node.evidence.text}**")
    with st.popover(ROLLUP_TITLE, icon=":material/help:"):
        st.markdown(COVERAGE_HELP)


def _findings(person: PersonView, node: TreeNode) -> None:
    """The findings logged on this question, 10 a page, each card showing its details
    and notes once opened; who works on it can log another here."""
    q = node.question
    key = f"findings_{q.id}"
    linked = query_int("finding")
    _turn_to(key, q.id, linked)
    found = reads.findings_on_page(question_id=q.id, window=Window(requested_page(key)))
    st.markdown(f"**Findings ({found.total:,})**")
    if not found.total:
        st.caption("No findings on this question yet.")
    pager(found, key, noun="findings, newest first")
    finding_cards(person, found.items, linked=str(linked) if linked else None)
    if found.total or node.children:  # the file holds the findings below it too
        findings_csv_button(person, q.id)
    if may_log(Actor.of(person), q):
        with st.expander("Log a finding", icon=":material/add_notes:"):
            log_finding_form(person, q.id, key=f"q{q.id}")


def _turn_to(key: str, question_id: int, finding_id: int | None) -> None:
    """Open the findings list on the page that holds the finding a link names (once per
    link, so the reader may turn the pages after)."""
    if finding_id is None or st.session_state.get(f"{key}_for") == finding_id:
        return
    st.session_state[f"{key}_for"] = finding_id
    page = reads.page_of_finding(question_id=question_id, finding_id=finding_id, size=Window().size)
    if page is not None:
        st.session_state[f"{key}_page"] = page


def render() -> None:
    person = auth.current_person()
    if person is None:
        st.stop()
    st.title("Questions")
    state.show_flash()
    if person.role == Role.MANAGER:
        new_question_form(person)
    importing = st.container()  # filled once the question open below is known
    state.keep_question()
    root_id = pick_root()
    if root_id is None:
        with importing:
            import_panel.panel(person, None)
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
    with importing:
        import_panel.panel(person, node.question)
    people = reads.all_people()
    names = names_of(people)
    projects = {p.id: p.name for p in reads.all_projects()}
    _breadcrumbs(view)
    viewer = person.role == Role.VIEWER
    tabs = st.tabs(["Tree", "Diagram"] if viewer else ["Tree", "Diagram", "Bulk edit"])
    with tabs[0]:
        left, right = st.columns([1, 1], gap="large")
        with left:
            _outline(view, names, rows_key)
            tree_csv_button(person, root_id)
        with right:
            _detail(node, names, projects)
            evidence_health.tree_note(node, pages_once())
            detail_actions(person, view, people)
            _findings(person, node)
    with tabs[1]:
        st.graphviz_chart(tree_dot(view, names), width="stretch")
    if not viewer:
        with tabs[2]:
            bulk_editor(person, view, people)


if __name__ == "__main__":
    render()
