"""The forms of the Questions page: new general question, actions on one node
(status, assign, edit, break down, move, reorder) and the bulk editor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from team.services.admin.reads import PersonView
from team.services.core.actors import Actor
from team.services.questions import breakdown, rules
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.store import QuestionView
from team.services.questions.tree import TreeNode
from team.services.questions.view import TreeView
from team.services.questions.writes import QuestionCreate, QuestionUpdate
from team.services.search.kinds import Kind
from team.ui import reads, resources, state
from team.ui.actions import attempt, bind, link_to, submit
from team.ui.paging import words
from team.ui.similar import asked_before
from team.ui.text import plain
from team.ui.tree_nav import CHOICES, unique_labels
from team.vocabulary import Priority, QuestionStatus, Role

MOVE_DEPTH = 2  # levels of the tree the move picker lists before a search


def _ics(people: list[PersonView]) -> dict[int, str]:
    return {p.id: p.name for p in people if p.active and p.role == Role.IC}


def _technique_options() -> list[str]:
    return list(resources.settings().techniques)


# --------------------------------------------------------------------------- new question


NEW_QUESTION = {
    "new_q_title": "",
    "new_q_context": "",
    "new_q_priority": Priority.MEDIUM,
    "new_q_due": None,
    "new_q_technique": None,
}


def new_question_form(person: PersonView) -> None:
    projects = {p.id: p.name for p in reads.all_projects() if not p.archived}
    with st.expander("New general question", icon=":material/add:"):
        if not projects:
            st.info("Create a project first (Team page), then add its questions here.")
            return
        state.start_widgets(NEW_QUESTION)
        with st.form("new_question"):
            title = st.text_input("Question", key="new_q_title")
            context = st.text_area(
                "Context: the decision it informs, who asked (Markdown)", key="new_q_context"
            )
            c1, c2, c3 = st.columns(3)
            project_id = c1.selectbox(
                "Project", list(projects), format_func=projects.__getitem__, key="new_q_project"
            )
            priority = c2.selectbox(
                "Priority", list(Priority), format_func=lambda p: p.label, key="new_q_priority"
            )
            due = c3.date_input("Due", key="new_q_due", format="YYYY-MM-DD")
            technique = st.selectbox("Technique", _technique_options(), key="new_q_technique")
            submitted = st.form_submit_button("Create question", type="primary")
        if submitted and not asked_before(
            person.id, Kind.QUESTION, title, key="new_question", save="Create question"
        ):
            data = QuestionCreate(
                title=title,
                context=context,
                project_id=project_id,
                priority=priority or Priority.MEDIUM,
                due_date=due if isinstance(due, date) else None,
                technique=technique,
            )

            def create(session: Any) -> QuestionView:
                created = questions.create_question(session, person.id, data=data)
                st.query_params["root"] = str(created.id)
                st.query_params.pop("node", None)
                return created

            submit(
                create,
                lambda q: (
                    f"Created {link_to('questions', q.title, root=q.id)}; it is open "
                    "below: break it down into sub-questions."
                ),
                fields=NEW_QUESTION,
                key="new_question",
            )


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
    if acts.assign or acts.edit:
        _plan_form(person, node, version, people, assign=acts.assign, edit=acts.edit)
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


def _plan_form(
    person: PersonView,
    node: TreeNode,
    version: int,
    people: list[PersonView],
    *,
    assign: bool,
    edit: bool,
) -> None:
    """Who does it, how urgent it is and when it is due, side by side, saved at once (a
    manager sets all three; who created a question sets its priority and due date)."""
    q = node.question
    ics = _ics(people)
    options: list[int | None] = [None, *ics]
    current = q.assignee_id if q.assignee_id in ics else None
    with st.form(f"plan_{q.id}", border=False):
        c1, c2, c3 = st.columns([5, 3, 4], vertical_alignment="bottom")
        chosen = c1.selectbox(
            "Assignee",
            options,
            index=options.index(current),
            format_func=lambda i: "nobody" if i is None else ics[i],
            key=f"plan_who_{q.id}",
            disabled=not assign,
        )
        priority = c2.selectbox(
            "Priority",
            list(Priority),
            index=list(Priority).index(Priority(q.priority)),
            format_func=lambda p: p.label,
            key=f"plan_prio_{q.id}",
            disabled=not edit,
        )
        due = c3.date_input(
            "Due", value=q.due_date, key=f"plan_due_{q.id}", disabled=not edit, format="YYYY-MM-DD"
        )
        submitted = st.form_submit_button("Save plan", icon=":material/event_available:")
    if submitted:
        priority = priority or Priority(q.priority)
        due_date = due if isinstance(due, date) else None
        changes = QuestionUpdate(
            assignee_id=chosen if assign else None,
            clear_assignee=assign and chosen is None,
            priority=Priority(priority) if edit else None,
            due_date=due_date if edit else None,
            clear_due_date=edit and due_date is None,
        )
        who = "nobody" if chosen is None else ics[chosen]
        when = f"due {due_date:%d %b %Y}" if due_date else "no due date"
        attempt(
            bind(
                questions.update_question,
                person.id,
                question_id=q.id,
                version=version,
                changes=changes,
            ),
            f"“{plain(q.title)}”: "
            + (f"assigned to {plain(who)}, " if assign else "")
            + f"{Priority(priority).label} priority, {when}.",
        )


def _breakdown_form(person: PersonView, node: TreeNode) -> None:
    q = node.question
    key = f"breakdown_text_{q.id}"
    state.start_widgets({key: ""})
    with st.form(f"breakdown_{q.id}"):
        text = st.text_area(
            "Break down: one sub-question per line",
            key=key,
            placeholder="Which customer segments churned more than usual? @priya due:2026-12-20\n"
            "Did the pricing change coincide with the drop? priority:high",
            help=breakdown.HELP,
        )
        submitted = st.form_submit_button("Add sub-questions")
    if submitted:
        submit(
            lambda session: questions.add_subquestions_from_text(
                session, person.id, parent_id=q.id, text=text, techniques=_technique_options()
            ),
            lambda added: _added(q, added),
            fields={key: ""},
            key=f"breakdown_{q.id}",
        )


def _added(parent: QuestionView, added: list[QuestionView]) -> str:
    """What a breakdown made: how many, under what, each a link."""
    count = len(added)
    links = ", ".join(link_to("questions", a.title, root=a.root_id, node=a.id) for a in added)
    noun = "sub-question" if count == 1 else "sub-questions"
    return f"Added {count} {noun} under “{plain(parent.title)}”: {links}."


def _edit_form(person: PersonView, node: TreeNode, version: int) -> None:
    q = node.question
    techniques = _technique_options()
    if q.technique and q.technique not in techniques:
        techniques.append(q.technique)
    with (
        st.expander("Edit title, context and technique", icon=":material/edit:"),
        st.form(f"edit_{q.id}"),
    ):
        title = st.text_input("Question", value=q.title, key=f"edit_title_{q.id}")
        context = st.text_area("Context (Markdown)", value=q.context, key=f"edit_ctx_{q.id}")
        technique = st.selectbox(
            "Technique",
            techniques,
            index=techniques.index(q.technique) if q.technique else None,
            key=f"edit_tech_{q.id}",
        )
        submitted = st.form_submit_button("Save")
    if submitted:
        changes = QuestionUpdate(
            title=title,
            context=context,
            technique=technique,
            clear_technique=technique is None,
        )
        attempt(
            bind(
                questions.update_question,
                person.id,
                question_id=q.id,
                version=version,
                changes=changes,
            ),
            f"Saved “{plain(title)}”.",
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


BULK_COLUMNS = {"assignee": "Assignee", "status": "Status", "priority": "Priority", "due": "Due"}
CHANGED = "background-color: #fef3c7"  # a changed cell of the bulk editor's preview


def _bulk_frame(view: TreeView, names: dict[int, str]) -> pd.DataFrame:
    """The rows as the editor shows them: statuses and priorities by their labels."""
    rows = []
    for item in [view.node, *view.rows.items]:
        q = item.question
        rows.append(
            {
                "id": q.id,
                "question": "  " * (item.depth - view.node.depth) + q.title,
                "assignee": names.get(q.assignee_id) if q.assignee_id else None,
                "status": QuestionStatus(q.status).label,
                "priority": Priority(q.priority).label,
                "due": q.due_date,
            }
        )
    return pd.DataFrame(rows).set_index("id")


def _changed(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """{row: {column: changed?}} of the editable columns, as a frame of booleans."""
    columns = list(BULK_COLUMNS)

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, date) or isinstance(b, date):
            return _as_date(a) == _as_date(b)
        return bool((pd.isna(a) and pd.isna(b)) or a == b)

    return pd.DataFrame(
        {c: [not same(before.at[i, c], after.at[i, c]) for i in before.index] for c in columns},
        index=before.index,
    )


def bulk_editor(person: PersonView, view: TreeView, people: list[PersonView]) -> None:
    """The node and the rows the Tree tab shows (one page of them) in one table; the
    rows changed are shown again with the changed cells marked before they are saved."""
    ics = _ics(people)
    names = {p.id: p.name for p in people}
    frame = _bulk_frame(view, names)
    rows = view.rows
    if rows.total > len(rows.items):
        st.caption(
            f"This question and the {len(rows.items):,} rows on page {rows.window.page} of "
            f"{rows.pages} of the Tree tab; turn the page there to edit others."
        )
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
                "Status", options=[s.label for s in QuestionStatus], required=True
            ),
            "priority": st.column_config.SelectboxColumn(
                "Priority", options=[p.label for p in Priority], required=True
            ),
            "due": st.column_config.DateColumn("Due"),
        },
        num_rows="fixed",
    )
    changed = _changed(frame, edited)
    touched = [i for i in frame.index if changed.loc[i].any()]
    if not touched:
        st.caption("No changes yet.")
        return
    cells = int(changed.to_numpy().sum())
    st.markdown(
        f"**{len(touched)} row{'s' if len(touched) != 1 else ''} changed** "
        f"({cells} value{'s' if cells != 1 else ''}, marked):"
    )
    preview = edited.loc[touched, ["question", *BULK_COLUMNS]]
    marks = changed.loc[touched].reindex(columns=preview.columns, fill_value=False)
    st.dataframe(
        preview.style.apply(lambda _: marks.map(lambda c: CHANGED if c else ""), axis=None),
        column_config={"question": "Question", **BULK_COLUMNS},
        key=f"bulk_preview_{node_id}",
    )
    noun = "question" if len(touched) == 1 else "questions"
    if st.button(f"Save {len(touched)} changed {noun}", key=f"bulk_save_{node_id}", type="primary"):
        by_name = {name: pid for pid, name in names.items()}
        edits = [_bulk_edit(i, edited.loc[i], versions[int(str(i))], by_name) for i in touched]
        attempt(
            bind(question_status.bulk_update, person.id, edits=edits),
            f"{len(touched)} {noun} updated.",
        )


def _bulk_edit(
    question_id: Any, row: pd.Series, version: int, by_name: dict[str, int]
) -> question_status.BulkEdit:
    assignee = row["assignee"]
    return question_status.BulkEdit(
        question_id=int(question_id),
        version=version,
        assignee_id=by_name.get(assignee) if isinstance(assignee, str) and assignee else None,
        status=QuestionStatus.of_label(row["status"]),
        priority=Priority.of_label(row["priority"]),
        due_date=_as_date(row["due"]),
    )


def _as_date(value: Any) -> date | None:
    """A due date as the editor hands it back: a date, a timestamp, an ISO string (a
    column with no date in it yet) or nothing."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None
