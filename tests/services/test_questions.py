"""Question services: permissions, transitions, tree moves, versions, events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from team.models import Event, Person, Question
from team.services.core.errors import (
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.status import BulkEdit
from team.services.questions.store import QuestionView
from team.services.questions.tree import load_subtree as load_tree
from team.services.questions.writes import QuestionCreate, QuestionUpdate, SubQuestion
from team.vocabulary import Priority, QuestionStatus, Role
from tests.factories import Team, root

S = QuestionStatus


def _q(session: Session, qid: int) -> Question:
    session.expire_all()
    q = session.get(Question, qid)
    assert q is not None
    return q


def _events(session: Session, qid: int) -> list[Event]:
    rows = session.scalars(
        select(Event)
        .where(col(Event.entity) == "question", col(Event.entity_id) == qid)
        .order_by(col(Event.id))
    )
    return list(rows)


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _split(
    session: Session, team: Team, parent: int, *titles: str, by: int | None = None
) -> list[QuestionView]:
    return questions.add_subquestions(
        session, by or team.manager, parent_id=parent, items=[SubQuestion(t) for t in titles]
    )


# --------------------------------------------------------------------------- create


def test_manager_creates_general_question_with_event(session: Session, team: Team) -> None:
    qid = root(session, team)
    q = _q(session, qid)
    assert q.root_id == qid and q.parent_id is None and q.owner_id == team.manager
    assert q.status == S.OPEN and q.version == 1
    [created] = _events(session, qid)
    assert (created.action, created.new_value, created.root_id) == ("created", q.title, qid)
    assert created.actor_id == team.manager


@pytest.mark.parametrize("who", ["ic", "viewer"])
def test_only_managers_create_general_questions(session: Session, team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied, match="Only a manager"):
        questions.create_question(
            session, getattr(team, who), data=QuestionCreate(title="Q", project_id=team.project)
        )
    assert _count(session, Question) == 0


def test_inactive_person_cannot_act(session: Session, team: Team) -> None:
    with pytest.raises(PermissionDenied, match="deactivated"):
        questions.create_question(
            session, team.inactive_ic, data=QuestionCreate(title="Q", project_id=team.project)
        )


@pytest.mark.parametrize(
    ("title", "message"),
    [("   ", "cannot be empty"), ("x" * 301, "under 300 characters")],
)
def test_bad_titles_are_refused(session: Session, team: Team, title: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        questions.create_question(
            session, team.manager, data=QuestionCreate(title=title, project_id=team.project)
        )
    assert caught.value.field == "title"
    assert _count(session, Question) == 0 and _count(session, Event) == 0


def test_archived_project_is_refused(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="archived"):
        questions.create_question(
            session, team.manager, data=QuestionCreate(title="Q", project_id=team.archived_project)
        )


# --------------------------------------------------------------------------- break down


def test_subquestions_from_pasted_lines(session: Session, team: Team) -> None:
    rid = root(session, team)
    text = "- Which segments churned?\n\n2. Did pricing change?\n  * Was it seasonal?  \n"
    added = questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text=text)
    assert [q.title for q in added] == [
        "Which segments churned?",
        "Did pricing change?",
        "Was it seasonal?",
    ]
    assert [q.position for q in added] == [0, 1, 2]
    assert all(q.parent_id == rid and q.root_id == rid for q in added)
    more = _split(session, team, rid, "Fourth")
    assert more[0].position == 3


def test_one_bad_line_adds_nothing(session: Session, team: Team) -> None:
    rid = root(session, team)
    with pytest.raises(InvalidInput):
        questions.add_subquestions_from_text(
            session, team.manager, parent_id=rid, text="ok\n" + "y" * 400
        )
    assert _count(session, Question) == 1


def test_empty_paste_is_refused(session: Session, team: Team) -> None:
    rid = root(session, team)
    with pytest.raises(InvalidInput, match="at least one"):
        questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text="  \n \n")


def test_lines_give_assignee_due_date_and_priority(session: Session, team: Team) -> None:
    rid = root(session, team)
    text = (
        "Which segments churned? @ines due:2026-12-20\n"
        "Did pricing change? priority:HIGH @RAVI\n"
        "Ask @ops about the feed, by email\n"
        "Was it seasonal? @ravi@example.com due:2027-01-05 priority:urgent\n"
    )
    added = questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text=text)
    assert [(q.title, q.assignee_id, q.due_date, q.priority) for q in added] == [
        ("Which segments churned?", team.ic, date(2026, 12, 20), Priority.MEDIUM),
        ("Did pricing change?", team.other_ic, None, Priority.HIGH),
        ("Ask @ops about the feed, by email", None, None, Priority.MEDIUM),
        ("Was it seasonal?", team.other_ic, date(2027, 1, 5), Priority.URGENT),
    ]


def test_a_name_matches_without_case_or_accents_and_by_the_start_of_a_first_name(
    session: Session, team: Team
) -> None:
    rid = root(session, team)
    text = "A @Ínes\nB @rav\nC @ravi\nD @ines"
    added = questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text=text)
    assert [q.assignee_id for q in added] == [team.ic, team.other_ic, team.other_ic, team.ic]


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        ("Which? @nobody", "Line 2: nobody on the team goes by @nobody"),
        ("Which? due:20-12-2026", "Line 2: “due:20-12-2026” is not a date; write it as"),
        ("Which? priority:soon", "Line 2: “priority:soon” is not a priority; use one of low"),
        ("Which? @maya", "Maya is a manager; questions are assigned to ICs"),
        ("Which? @ivan", "Ivan is deactivated"),
    ],
)
def test_a_line_that_cannot_be_read_names_itself_and_adds_nothing(
    session: Session, team: Team, line: str, sentence: str
) -> None:
    rid = root(session, team)
    with pytest.raises(InvalidInput, match=sentence):
        questions.add_subquestions_from_text(
            session, team.manager, parent_id=rid, text=f"Fine @ines\n{line}"
        )
    assert _count(session, Question) == 1


def test_a_name_that_fits_two_people_is_refused(session: Session, team: Team) -> None:
    rid = root(session, team)
    session.add(Person(name="Ingrid Holm", email="ingrid@example.com", role=Role.IC))
    session.commit()
    with pytest.raises(InvalidInput, match="Line 1: @in could be Ines, Ingrid Holm; write more"):
        questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text="A @in")
    [q] = questions.add_subquestions_from_text(
        session, team.manager, parent_id=rid, text="A @ingridholm"
    )
    assert q.assignee_id != team.ic


def test_an_ic_may_not_assign_a_line_to_someone_else(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine] = _split(session, team, rid, "Mine")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    with pytest.raises(PermissionDenied, match="Only a manager can assign"):
        questions.add_subquestions_from_text(
            session, team.ic, parent_id=mine.id, text="Cohorts @ravi"
        )
    [own] = questions.add_subquestions_from_text(
        session, team.ic, parent_id=mine.id, text="Cohorts @ines"
    )
    assert own.assignee_id == team.ic


def test_sub_questions_inherit_priority_and_due_date_unless_given(
    session: Session, team: Team
) -> None:
    rid = questions.create_question(
        session,
        team.manager,
        data=QuestionCreate(
            title="Urgent",
            project_id=team.project,
            priority=Priority.HIGH,
            due_date=date(2027, 2, 1),
        ),
    ).id
    plain, own = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[
            SubQuestion("Inherits"),
            SubQuestion("Its own", priority=Priority.LOW, due_date=date(2027, 1, 1)),
        ],
    )
    assert (plain.priority, plain.due_date) == (Priority.HIGH, date(2027, 2, 1))
    assert (own.priority, own.due_date) == (Priority.LOW, date(2027, 1, 1))
    [grandchild] = questions.add_subquestions_from_text(
        session, team.manager, parent_id=own.id, text="Deeper"
    )
    assert (grandchild.priority, grandchild.due_date) == (Priority.LOW, date(2027, 1, 1))


def test_ic_splits_only_own_assigned_question(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine, theirs] = _split(session, team, rid, "Mine", "Theirs")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    questions.assign(
        session, team.manager, question_id=theirs.id, version=1, assignee_id=team.other_ic
    )
    [child] = _split(session, team, mine.id, "Cohort view", by=team.ic)
    assert child.owner_id == team.ic and child.assignee_id == team.ic
    with pytest.raises(PermissionDenied, match="assigned to you"):
        _split(session, team, theirs.id, "Sneaky", by=team.ic)
    with pytest.raises(PermissionDenied, match="Only a manager can assign"):
        questions.add_subquestions(
            session,
            team.ic,
            parent_id=mine.id,
            items=[SubQuestion("For Ravi", assignee_id=team.other_ic)],
        )
    with pytest.raises(PermissionDenied, match="read-only"):
        _split(session, team, rid, "Viewer idea", by=team.viewer)


# --------------------------------------------------------------------------- edit & assign


def test_edit_writes_one_event_per_changed_field(session: Session, team: Team) -> None:
    rid = root(session, team)
    updated = questions.update_question(
        session,
        team.manager,
        question_id=rid,
        version=1,
        changes=QuestionUpdate(
            title="Why did Q3 retention drop?", priority=Priority.HIGH, context=""
        ),
    )
    assert updated.version == 2 and updated.priority == Priority.HIGH
    changes = {(e.field, e.old_value, e.new_value) for e in _events(session, rid)[1:]}
    assert changes == {
        ("title", "Why did retention drop in Q3?", "Why did Q3 retention drop?"),
        ("priority", "medium", "high"),
    }


def test_stale_edit_overwrites_nothing(session: Session, team: Team) -> None:
    rid = root(session, team)
    questions.update_question(
        session,
        team.manager,
        question_id=rid,
        version=1,
        changes=QuestionUpdate(title="First save"),
    )
    with pytest.raises(StaleEdit, match="version 1, it is now version 2"):
        questions.update_question(
            session,
            team.other_manager,
            question_id=rid,
            version=1,
            changes=QuestionUpdate(title="Second save"),
        )
    q = _q(session, rid)
    assert q.title == "First save" and q.version == 2
    assert len(_events(session, rid)) == 2


def test_stale_status_change_and_assign_are_refused(session: Session, team: Team) -> None:
    rid = root(session, team)
    [child] = _split(session, team, rid, "Child")
    questions.assign(session, team.manager, question_id=child.id, version=1, assignee_id=team.ic)
    with pytest.raises(StaleEdit):
        question_status.set_status(
            session, team.manager, question_id=child.id, version=1, status=S.IN_PROGRESS
        )
    with pytest.raises(StaleEdit):
        questions.assign(
            session, team.manager, question_id=child.id, version=1, assignee_id=team.other_ic
        )
    assert _q(session, child.id).assignee_id == team.ic


def test_ic_edits_only_questions_they_created(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine] = _split(session, team, rid, "Mine")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    [own] = _split(session, team, mine.id, "Own", by=team.ic)
    questions.update_question(
        session,
        team.ic,
        question_id=own.id,
        version=1,
        changes=QuestionUpdate(title="Own, renamed"),
    )
    with pytest.raises(PermissionDenied, match="only the questions you created"):
        questions.update_question(
            session, team.ic, question_id=mine.id, version=2, changes=QuestionUpdate(title="x")
        )


@pytest.mark.parametrize(
    ("who", "message"),
    [("inactive_ic", "deactivated"), ("viewer", "questions are assigned to ICs")],
)
def test_assignee_must_be_active_ic(session: Session, team: Team, who: str, message: str) -> None:
    rid = root(session, team)
    with pytest.raises(InvalidInput, match=message):
        questions.assign(
            session, team.manager, question_id=rid, version=1, assignee_id=getattr(team, who)
        )


def test_assign_and_unassign(session: Session, team: Team) -> None:
    rid = root(session, team)
    questions.assign(session, team.manager, question_id=rid, version=1, assignee_id=team.ic)
    questions.assign(session, team.manager, question_id=rid, version=2, assignee_id=None)
    assert _q(session, rid).assignee_id is None
    fields = [(e.field, e.old_value, e.new_value) for e in _events(session, rid)[1:]]
    assert fields == [("assignee_id", None, str(team.ic)), ("assignee_id", str(team.ic), None)]
    with pytest.raises(PermissionDenied, match="Only a manager can assign"):
        questions.assign(session, team.ic, question_id=rid, version=3, assignee_id=team.ic)


# --------------------------------------------------------------------------- status


ALLOWED = {
    (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.BLOCKED), (S.OPEN, S.ANSWERED), (S.OPEN, S.DROPPED),
    (S.IN_PROGRESS, S.OPEN), (S.IN_PROGRESS, S.BLOCKED), (S.IN_PROGRESS, S.ANSWERED),
    (S.IN_PROGRESS, S.DROPPED), (S.BLOCKED, S.OPEN), (S.BLOCKED, S.IN_PROGRESS),
    (S.BLOCKED, S.DROPPED), (S.ANSWERED, S.OPEN), (S.ANSWERED, S.IN_PROGRESS),
    (S.DROPPED, S.OPEN),
}  # fmt: skip


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("target", list(S))
def test_every_status_transition(
    session: Session, team: Team, start: QuestionStatus, target: QuestionStatus
) -> None:
    rid = root(session, team)
    q = _q(session, rid)
    q.status = start
    session.commit()
    if start == target:
        assert (
            question_status.set_status(
                session, team.manager, question_id=rid, version=1, status=target
            ).version
            == 1
        )
    elif (start, target) in ALLOWED:
        assert (
            question_status.set_status(
                session, team.manager, question_id=rid, version=1, status=target
            ).status
            == target
        )
    else:
        with pytest.raises(IllegalTransition, match=f"is {start.label}; from there"):
            question_status.set_status(
                session, team.manager, question_id=rid, version=1, status=target
            )
        assert _q(session, rid).status == start


def test_ic_moves_own_question_but_may_not_drop(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine, theirs] = _split(session, team, rid, "Mine", "Theirs")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    question_status.set_status(
        session, team.ic, question_id=mine.id, version=2, status=S.IN_PROGRESS
    )
    question_status.set_status(session, team.ic, question_id=mine.id, version=3, status=S.ANSWERED)
    with pytest.raises(PermissionDenied, match="Only a manager can drop"):
        question_status.set_status(
            session, team.ic, question_id=mine.id, version=4, status=S.DROPPED
        )
    with pytest.raises(PermissionDenied, match="assigned to you"):
        question_status.set_status(
            session, team.ic, question_id=theirs.id, version=1, status=S.IN_PROGRESS
        )
    with pytest.raises(PermissionDenied, match="read-only"):
        question_status.set_status(
            session, team.viewer, question_id=theirs.id, version=1, status=S.IN_PROGRESS
        )


def test_drop_cascades_to_unfinished_descendants(session: Session, team: Team) -> None:
    rid = root(session, team)
    [branch] = _split(session, team, rid, "Branch")
    [done, todo] = _split(session, team, branch.id, "Done", "Todo")
    question_status.set_status(
        session, team.manager, question_id=done.id, version=1, status=S.ANSWERED
    )
    question_status.set_status(
        session, team.manager, question_id=branch.id, version=1, status=S.DROPPED
    )
    assert _q(session, todo.id).status == S.DROPPED
    assert _q(session, done.id).status == S.ANSWERED
    assert _events(session, todo.id)[-1].new_value == "dropped"
    question_status.set_status(
        session, team.manager, question_id=branch.id, version=2, status=S.OPEN
    )
    assert _q(session, branch.id).status == S.OPEN
    assert _q(session, todo.id).status == S.DROPPED


# --------------------------------------------------------------------------- move & reorder


def test_move_under_own_descendant_is_refused(session: Session, team: Team) -> None:
    rid = root(session, team)
    [a] = _split(session, team, rid, "A")
    [a1] = _split(session, team, a.id, "A1")
    with pytest.raises(InvalidInput, match="one of its own sub-questions"):
        questions.move_question(
            session, team.manager, question_id=a.id, version=1, new_parent_id=a1.id
        )
    with pytest.raises(InvalidInput, match="under itself"):
        questions.move_question(
            session, team.manager, question_id=a.id, version=1, new_parent_id=a.id
        )
    assert _q(session, a.id).parent_id == rid


def test_move_subtree_into_another_tree(session: Session, team: Team) -> None:
    first = root(session, team, "First")
    second = root(session, team, "Second")
    [a] = _split(session, team, first, "A")
    [a1] = _split(session, team, a.id, "A1")
    [b] = _split(session, team, second, "B")
    moved = questions.move_question(
        session, team.manager, question_id=a.id, version=1, new_parent_id=b.id
    )
    assert moved.parent_id == b.id and moved.root_id == second
    assert _q(session, a1.id).root_id == second
    assert set(load_tree(session, node_id=second).nodes) == {second, b.id, a.id, a1.id}
    assert set(load_tree(session, node_id=first).nodes) == {first}
    last = _events(session, a.id)[-1]
    assert (last.action, last.old_value, last.new_value) == ("moved", str(first), str(b.id))


def test_move_to_top_level_makes_a_general_question(session: Session, team: Team) -> None:
    rid = root(session, team)
    [a] = _split(session, team, rid, "A")
    [a1] = _split(session, team, a.id, "A1")
    questions.move_question(session, team.manager, question_id=a.id, version=1, new_parent_id=None)
    assert _q(session, a.id).root_id == a.id and _q(session, a1.id).root_id == a.id


def test_only_managers_move(session: Session, team: Team) -> None:
    rid = root(session, team)
    [a, b] = _split(session, team, rid, "A", "B")
    with pytest.raises(PermissionDenied, match="Only a manager can move"):
        questions.move_question(session, team.ic, question_id=a.id, version=1, new_parent_id=b.id)


def test_reorder_siblings(session: Session, team: Team) -> None:
    rid = root(session, team)
    _a, _b, c = _split(session, team, rid, "A", "B", "C")
    questions.reorder(session, team.manager, question_id=c.id, version=1, new_index=0)
    tree = load_tree(session, node_id=rid)
    assert [tree.nodes[i].question.title for i in tree.root.children] == ["C", "A", "B"]
    questions.reorder(session, team.manager, question_id=c.id, version=2, new_index=99)
    tree = load_tree(session, node_id=rid)
    assert [tree.nodes[i].question.title for i in tree.root.children] == ["A", "B", "C"]


def test_assignee_priority_and_due_date_change_in_one_save(session: Session, team: Team) -> None:
    rid = root(session, team)
    [sub] = _split(session, team, rid, "Which plans churned?")
    changes = QuestionUpdate(assignee_id=team.ic, priority=Priority.HIGH, due_date=date(2027, 3, 1))
    saved = questions.update_question(
        session, team.manager, question_id=sub.id, version=sub.version, changes=changes
    )
    assert (saved.assignee_id, saved.priority, saved.due_date) == (
        team.ic,
        Priority.HIGH,
        date(2027, 3, 1),
    )
    assert saved.version == sub.version + 1
    fields = [e.field for e in _events(session, sub.id)][-3:]
    assert sorted(str(f) for f in fields) == ["assignee_id", "due_date", "priority"]


def test_only_a_manager_assigns_through_an_edit(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine] = _split(session, team, rid, "Mine")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    [own] = _split(session, team, mine.id, "Own", by=team.ic)
    with pytest.raises(PermissionDenied, match="assign"):
        questions.update_question(
            session,
            team.ic,
            question_id=own.id,
            version=own.version,
            changes=QuestionUpdate(priority=Priority.HIGH, assignee_id=team.other_ic),
        )
    assert _q(session, own.id).priority == Priority.MEDIUM


def test_ic_reorders_only_under_own_assigned_question(session: Session, team: Team) -> None:
    rid = root(session, team)
    [mine] = _split(session, team, rid, "Mine")
    _x, y = _split(session, team, rid, "X", "Y")
    questions.assign(session, team.manager, question_id=mine.id, version=1, assignee_id=team.ic)
    _p, q2 = _split(session, team, mine.id, "P", "Q", by=team.ic)
    questions.reorder(session, team.ic, question_id=q2.id, version=1, new_index=0)
    with pytest.raises(PermissionDenied, match="reorder"):
        questions.reorder(session, team.ic, question_id=y.id, version=1, new_index=0)


def test_missing_question(session: Session, team: Team) -> None:
    with pytest.raises(NotFound):
        question_status.set_status(session, team.manager, question_id=999, version=1, status=S.OPEN)


# --------------------------------------------------------------------------- bulk


def _edit(q: QuestionView | Question, **changes: Any) -> BulkEdit:
    base: dict[str, Any] = {
        "question_id": q.id,
        "version": q.version,
        "assignee_id": q.assignee_id,
        "status": q.status,
        "priority": q.priority,
        "due_date": q.due_date,
    }
    return BulkEdit(**{**base, **changes})


def test_bulk_update_saves_all_rows(session: Session, team: Team) -> None:
    rid = root(session, team)
    a, b = _split(session, team, rid, "A", "B")
    due = date(2027, 1, 15)
    changed = question_status.bulk_update(
        session,
        team.manager,
        edits=[_edit(a, assignee_id=team.ic, status=S.IN_PROGRESS), _edit(b, due_date=due)],
    )
    assert changed == 2
    assert _q(session, a.id).assignee_id == team.ic
    assert _q(session, a.id).status == S.IN_PROGRESS
    assert _q(session, b.id).due_date == due


def test_bulk_update_is_all_or_nothing(session: Session, team: Team) -> None:
    rid = root(session, team)
    a, b = _split(session, team, rid, "A", "B")
    refused = _answered_then_blocked(session, team, b)
    events_before = _count(session, Event)
    with pytest.raises(IllegalTransition, match="is answered; from there"):
        question_status.bulk_update(
            session, team.manager, edits=[_edit(a, assignee_id=team.ic), refused]
        )
    assert _q(session, a.id).assignee_id is None
    assert _count(session, Event) == events_before


def _answered_then_blocked(session: Session, team: Team, b: QuestionView) -> BulkEdit:
    answered = question_status.set_status(
        session, team.manager, question_id=b.id, version=1, status=S.ANSWERED
    )
    return _edit(answered, status=S.BLOCKED)


def test_bulk_update_refuses_stale_rows(session: Session, team: Team) -> None:
    rid = root(session, team)
    a, b = _split(session, team, rid, "A", "B")
    questions.assign(session, team.manager, question_id=b.id, version=1, assignee_id=team.other_ic)
    with pytest.raises(StaleEdit):
        question_status.bulk_update(
            session,
            team.manager,
            edits=[_edit(a, assignee_id=team.ic), _edit(b, assignee_id=team.ic)],
        )
    assert _q(session, a.id).assignee_id is None
    assert _q(session, b.id).assignee_id == team.other_ic


def test_ic_bulk_edit_cannot_assign(session: Session, team: Team) -> None:
    rid = root(session, team)
    [a] = _split(session, team, rid, "A")
    questions.assign(session, team.manager, question_id=a.id, version=1, assignee_id=team.ic)
    a2 = _q(session, a.id)
    question_status.bulk_update(session, team.ic, edits=[_edit(a2, status=S.IN_PROGRESS)])
    with pytest.raises(PermissionDenied, match="assign"):
        question_status.bulk_update(
            session, team.ic, edits=[_edit(_q(session, a.id), assignee_id=None)]
        )
