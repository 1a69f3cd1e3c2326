"""The forms of the Questions page: new general question, actions on one node
(status, assign, edit, break down, move, reorder) and the bulk editor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.questions import rules
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.tree import TreeNode
from team.services.questions.view import TreeView
from team.services.questions.writes import QuestionCreate, QuestionUpdate
from team.ui import reads, resources, state
from team.ui.actions import attempt, bind
from team.ui.paging import words
from team.ui.text import plain
from team.ui.tree_nav import CHOICES, unique_labels
from team.vocabulary import Priority, QuestionStatus, Role

MOVE_DEPTH = 2  # levels of the tree the move picker lists before a search


def _ics(people: list[PersonView]) -> dict[int, str]:
    return {p.id: p.name for p in people if p.active and p.role == Role.IC}


def _technique_options() -> list[str]:
    return list(resources.settings().techniques)


# --------------------------------------------------------------------------- new question


def new_question_form(person: PersonView) -> None:
    projects = {p.id: p.name for p in reads.all_projects() if not p.archived}
    with st.expander("New general question", icon=":material/add:"):
        if not projects:
            st.info("Create a project first (Team page), then add its questions here.")
            return
        with st.form("new_question", clear_on_submit=False):
            title = st.text_input("Question", key="new_q_title")
            context = st.text_area(
                "Context: the decision it informs, who asked (Markdown)", key="new_q_context"
            )
            c1, c2, c3 = st.columns(3)
            project_id = c1.selectbox(
                "Project", list(projects), format_func=projects.__getitem__, key="new_q_project"
            )
            priority = c2.selectbox("Priority", list(Priority), index=1, key="new_q_priority")
            due = c3.date_input("Due", value=None, key="new_q_due")
            technique = st.selectbox(
                "Technique", _technique_options(), index=None, key="new_q_technique"
            )
            submitted = st.form_submit_button("Create question", type="primary")
        if submitted:
            data = QuestionCreate(
                title=title,
                context=context,
                project_id=project_id,
                priority=priority or Priority.MEDIUM,
                due_date=due if isinstance(due, date) else None,
                technique=technique,
            )
            created: list[int] = []

            def create(session: Any) -> None:
                created.append(questions.create_question(session, person.id, data=data).id)
                st.query_params["root"] = str(created[0])
                st.query_params.pop("node", None)
                for key in ("new_q_title", "new_q_context", "new_q_due", "new_q_technique"):
                    st.session_state.pop(key, None)

            attempt(create, f"Created “{plain(title)}”. Now break it down below.")


# --------------------------------------------------------------------------- one node


def detail_actions(person: PersonView, view: TreeView, people: list[PersonView]) -> None:
    """Only the actions this person may take on this node are shown (the rules say
    which); the services check again on every call."""
    node = view.node
    q = node.question
    parent = view.parent.question if view.parent is not None else None
    acts = rules.acts(Actor.of(person), q, parent)
    version = state.base_version("question", q.id, q.version)
    if acts.statuses:
        _status_form(person, node, version, acts.statuses)
    if acts.assign:
        _assign_form(person, node, version, people)
    if acts.split:
        _breakdown_form(person, node)
    if acts.edit:
        _edit_form(person, node, version)
    if acts.move:
        _move_form(person, view, version)
    if acts.reorder:
        _reorder_buttons(person, view, version)


def _status_form(
    person: PersonView, node: TreeNode, version: int, allowed: list[QuestionStatus]
) -> None:
    q = node.question
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    new = left.selectbox(
        "Move to status",
        allowed,
        format_func=lambda s: s.label,
        key=f"status_pick_{q.id}",
    )
    if right.button("Change status", key=f"status_save_{q.id}"):
        attempt(
            bind(
                question_status.set_status,
                person.id,
                question_id=q.id,
                version=version,
                status=new,
            ),
            f"“{plain(q.title)}” is now {new.label}.",
        )


def _assign_form(
    person: PersonView, node: TreeNode, version: int, people: list[PersonView]
) -> None:
    q = node.question
    ics = _ics(people)
    options: list[int | None] = [None, *ics]
    current = q.assignee_id if q.assignee_id in ics else None
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Assignee",
        options,
        index=options.index(current),
        format_func=lambda i: "nobody" if i is None else ics[i],
        key=f"assign_pick_{q.id}",
    )
    if right.button("Assign", key=f"assign_save_{q.id}"):
        who = "nobody" if chosen is None else ics[chosen]
        attempt(
            bind(
                questions.assign, person.id, question_id=q.id, version=version, assignee_id=chosen
            ),
            f"“{plain(q.title)}” is assigned to {plain(who)}.",
        )


def _breakdown_form(person: PersonView, node: TreeNode) -> None:
    q = node.question
    with st.form(f"breakdown_{q.id}", clear_on_submit=True):
        text = st.text_area(
            "Break down: one sub-question per line",
            key=f"breakdown_text_{q.id}",
            placeholder="Which customer segments churned more than usual?\n"
            "Did the pricing change coincide with the drop?",
        )
        submitted = st.form_submit_button("Add sub-questions")
    if submitted:
        count = len(questions.parse_lines(text))
        attempt(
            bind(questions.add_subquestions_from_text, person.id, parent_id=q.id, text=text),
            f"Added {count} sub-question{'s' if count != 1 else ''} under “{plain(q.title)}”.",
        )


def _edit_form(person: PersonView, node: TreeNode, version: int) -> None:
    q = node.question
    techniques = _technique_options()
    if q.technique and q.technique not in techniques:
        techniques.append(q.technique)
    with st.expander("Edit", icon=":material/edit:"), st.form(f"edit_{q.id}"):
        title = st.text_input("Question", value=q.title, key=f"edit_title_{q.id}")
        context = st.text_area("Context (Markdown)", value=q.context, key=f"edit_ctx_{q.id}")
        c1, c2, c3 = st.columns(3)
        technique = c1.selectbox(
            "Technique",
            techniques,
            index=techniques.index(q.technique) if q.technique else None,
            key=f"edit_tech_{q.id}",
        )
        priority = c2.selectbox(
            "Priority",
            list(Priority),
            index=list(Priority).index(q.priority),
            key=f"edit_prio_{q.id}",
        )
        due = c3.date_input("Due", value=q.due_date, key=f"edit_due_{q.id}")
        submitted = st.form_submit_button("Save")
    if submitted:
        changes = QuestionUpdate(
            title=title,
            context=context,
            technique=technique,
            clear_technique=technique is None,
            priority=priority,
            due_date=due if isinstance(due, date) else None,
            clear_due_date=due is None,
        )
        attempt(
            bind(
                questions.update_question,
                person.id,
                question_id=q.id,
                version=version,
                changes=changes,
            ),
            "Saved.",
        )


def _move_form(person: PersonView, view: TreeView, version: int) -> None:
    """A new parent: the top level, or another question of this tree outside the node's
    own branch. The picker lists the top levels; a search finds any other."""
    q = view.node.question
    with st.expander("Move", icon=":material/drive_file_move:"):
        search = words(
            st.text_input(
                "Find the new parent", key=f"move_find_{q.id}", placeholder="Words of its title"
            )
        )
        found = reads.tree_choices(
            root_id=view.root_id,
            search=search,
            limit=CHOICES,
            outside_of=q.id,
            exclude=frozenset({q.parent_id} if q.parent_id is not None else ()),
            depth=None if search else MOVE_DEPTH,
        )
        targets: list[int | None] = [None, *(c.id for c in found.items)]
        labels = unique_labels([(c.id, "  " * c.depth + c.title) for c in found.items])
        target = st.selectbox(
            "New parent",
            targets,
            format_func=lambda i: (
                "(top level: its own general question)" if i is None else labels[i]
            ),
            key=f"move_pick_{q.id}",
        )
        st.caption(_move_hint(found.total, len(found.items), search))
        if st.button("Move here", key=f"move_save_{q.id}"):
            attempt(
                bind(
                    questions.move_question,
                    person.id,
                    question_id=q.id,
                    version=version,
                    new_parent_id=target,
                ),
                f"Moved “{plain(q.title)}”.",
            )


def _move_hint(total: int, shown: int, search: str) -> str:
    if search and total > shown:
        return f"The first {shown:,} of {total:,} matches; add words to narrow them."
    if search:
        return f"{total:,} {'match' if total == 1 else 'matches'}."
    return (
        f"The top {MOVE_DEPTH} levels of this tree; type words of a title to find a "
        "question deeper down."
    )


def _reorder_buttons(person: PersonView, view: TreeView, version: int) -> None:
    q = view.node.question
    index = view.siblings.index(q.id)
    up, down = st.columns(2)
    if up.button("Move up", key=f"up_{q.id}", disabled=index == 0, icon=":material/arrow_upward:"):
        attempt(
            bind(
                questions.reorder, person.id, question_id=q.id, version=version, new_index=index - 1
            ),
            "Moved up.",
        )
    last = index == len(view.siblings) - 1
    if down.button(
        "Move down", key=f"down_{q.id}", disabled=last, icon=":material/arrow_downward:"
    ):
        attempt(
            bind(
                questions.reorder, person.id, question_id=q.id, version=version, new_index=index + 1
            ),
            "Moved down.",
        )


# --------------------------------------------------------------------------- bulk editor


def _bulk_frame(view: TreeView, names: dict[int, str]) -> pd.DataFrame:
    rows = []
    for item in [view.node, *view.rows.items]:
        q = item.question
        rows.append(
            {
                "id": q.id,
                "question": "  " * (item.depth - view.node.depth) + q.title,
                "assignee": names.get(q.assignee_id) if q.assignee_id else None,
                "status": q.status.value,
                "priority": Priority(q.priority).value,
                "due": q.due_date,
            }
        )
    return pd.DataFrame(rows).set_index("id")


def bulk_editor(person: PersonView, view: TreeView, people: list[PersonView]) -> None:
    """The node and the rows the Tree tab shows (one page of them) in one table."""
    ics = _ics(people)
    names = {p.id: p.name for p in people}
    frame = _bulk_frame(view, names)
    rows = view.rows
    if rows.total > len(rows.items):
        st.caption(
            f"This question and the {len(rows.items):,} rows on page {rows.window.page} of "
            f"{rows.pages} of the Tree tab; turn the page there to edit others."
        )
    if person.role == Role.VIEWER:
        st.dataframe(frame, key="bulk_view")
        return
    versions = {
        i: state.base_version("question", i, view.nodes[i].question.version) for i in frame.index
    }
    node_id = view.node.question.id
    st.caption("Edit many rows, then save: every row is saved, or none if one is refused.")
    edited = st.data_editor(
        frame,
        key=f"bulk_{node_id}_{rows.window.page}",
        disabled=["question"],
        column_config={
            "question": st.column_config.TextColumn("Question", width="large"),
            "assignee": st.column_config.SelectboxColumn("Assignee", options=sorted(ics.values())),
            "status": st.column_config.SelectboxColumn(
                "Status", options=[s.value for s in QuestionStatus], required=True
            ),
            "priority": st.column_config.SelectboxColumn(
                "Priority", options=[p.value for p in Priority], required=True
            ),
            "due": st.column_config.DateColumn("Due"),
        },
        num_rows="fixed",
    )
    if st.button("Save changes", key=f"bulk_save_{node_id}", type="primary"):
        by_name = {name: pid for pid, name in names.items()}
        edits = [
            _bulk_edit(int(str(i)), row, versions[int(str(i))], by_name)
            for i, row in edited.iterrows()
        ]
        attempt(
            bind(question_status.bulk_update, person.id, edits=edits),
            "Saved the table.",
        )


def _bulk_edit(
    question_id: Any, row: pd.Series, version: int, by_name: dict[str, int]
) -> question_status.BulkEdit:
    assignee = row["assignee"]
    due = row["due"]
    if isinstance(due, pd.Timestamp):
        due = due.date()
    return question_status.BulkEdit(
        question_id=int(question_id),
        version=version,
        assignee_id=by_name.get(assignee) if isinstance(assignee, str) and assignee else None,
        status=QuestionStatus(row["status"]),
        priority=Priority(row["priority"]),
        due_date=due if isinstance(due, date) else None,
    )
