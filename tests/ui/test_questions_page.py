"""AppTest: create a general question, break it down, assign, through the real app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Question
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate, SubQuestion
from team.vocabulary import Priority, QuestionStatus
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception


def _team(engine: Engine) -> Team:
    with Session(engine) as session:
        return make_team(session)


def _opened(at: AppTest) -> set[str]:
    """The keys of the outline's title buttons (the open question has none)."""
    return {b.key for b in at.button if b.key and b.key.startswith("open_")}


def _questions(engine: Engine) -> list[Question]:
    with Session(engine) as session:
        return list(session.scalars(select(Question).order_by(col(Question.id))))


def test_manager_creates_breaks_down_and_assigns(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    at = open_app(team.manager, "questions")
    assert_no_exception(at)
    at.text_input(key="new_q_title").input("Should we replace the pricing heuristic?")
    at.text_area(key="new_q_context").input("Asked by the CFO for the Q1 plan.")
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert_no_exception(at)
    [root] = _questions(app_engine)
    assert root.title == "Should we replace the pricing heuristic?"
    assert any("Created" in s.value for s in at.success)
    assert at.text_input(key="new_q_title").value == ""  # ready for the next one

    at.text_area(key=f"breakdown_text_{root.id}").input(
        "What does the heuristic get wrong?\n- How good is a simple model?"
    )
    at.button(key=f"FormSubmitter:breakdown_{root.id}-Add sub-questions").click().run()
    assert_no_exception(at)
    children = _questions(app_engine)[1:]
    assert [c.title for c in children] == [
        "What does the heuristic get wrong?",
        "How good is a simple model?",
    ]
    assert any("Added 2 sub-questions" in s.value for s in at.success)

    assert at.text_area(key=f"breakdown_text_{root.id}").value == ""  # not added twice

    # Open the first sub-question and plan it: assignee, priority and due date at once.
    first = children[0]
    at.button(key=f"open_{first.id}").click().run()
    assert at.query_params["node"] == str(first.id)
    at.selectbox(key=f"plan_who_{first.id}").set_value(team.ic)
    at.selectbox(key=f"plan_prio_{first.id}").set_value(Priority.HIGH)
    at.date_input(key=f"plan_due_{first.id}").set_value(date(2027, 1, 15))
    at.button(key=f"FormSubmitter:plan_{first.id}-Save plan").click().run()
    assert_no_exception(at)
    saved = _questions(app_engine)[1]
    assert (saved.assignee_id, saved.priority, saved.due_date) == (
        team.ic,
        Priority.HIGH,
        date(2027, 1, 15),
    )
    assert saved.version == first.version + 1
    assert any("assigned to Ines, high priority, due 15 Jan 2027" in s.value for s in at.success)


def test_a_breakdown_line_assigns_dates_and_inherits(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = questions.create_question(
            session,
            team.manager,
            data=QuestionCreate(
                title="Why did churn rise?",
                project_id=team.project,
                priority=Priority.HIGH,
                due_date=date(2027, 2, 1),
            ),
        ).id
    at = open_app(team.manager, "questions", root=str(rid))
    box = at.text_area(key=f"breakdown_text_{rid}")
    assert "@" in (box.help or "") and "due:" in (box.help or "")
    box.input("Which plans? @ines due:2027-01-10\nWhich regions? @rav priority:low\nPricing?")
    at.button(key=f"FormSubmitter:breakdown_{rid}-Add sub-questions").click().run()
    assert_no_exception(at)
    made = [(q.title, q.assignee_id, q.priority, q.due_date) for q in _questions(app_engine)[1:]]
    assert made == [
        ("Which plans?", team.ic, Priority.HIGH, date(2027, 1, 10)),
        ("Which regions?", team.other_ic, Priority.LOW, date(2027, 2, 1)),
        ("Pricing?", None, Priority.HIGH, date(2027, 2, 1)),
    ]


def test_a_refused_breakdown_keeps_the_lines(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = root(session, team)
    at = open_app(team.manager, "questions", root=str(rid))
    lines = "Which plans? @ines\nWhich regions? @nobody"
    at.text_area(key=f"breakdown_text_{rid}").input(lines)
    at.button(key=f"FormSubmitter:breakdown_{rid}-Add sub-questions").click().run()
    assert any("nobody on the team goes by" in e.value for e in at.error)
    assert at.text_area(key=f"breakdown_text_{rid}").value == lines
    assert len(_questions(app_engine)) == 1


def test_siblings_stay_in_view_around_the_open_sub_question(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = root(session, team)
        subs = questions.add_subquestions(
            session,
            team.manager,
            parent_id=rid,
            items=[SubQuestion(f"Cut {i:02d}") for i in range(9)],
        )
        [below] = questions.add_subquestions(
            session, team.manager, parent_id=subs[4].id, items=[SubQuestion("Deeper")]
        )
    at = open_app(team.manager, "questions", root=str(rid), node=str(subs[7].id))
    assert_no_exception(at)
    shown = _opened(at)
    # The parent, the five siblings before and the one after; the open one is not a link.
    expected = {rid, *(s.id for s in subs[2:7]), subs[8].id}
    assert shown == {f"open_{i}" for i in expected}
    assert any("2 earlier sub-questions" in c.value for c in at.caption)
    at.button(key=f"open_{subs[4].id}").click().run()
    shown = _opened(at)
    assert f"open_{below.id}" in shown and f"open_{subs[3].id}" in shown


def test_bulk_edit_shows_the_changed_cells_and_says_how_many_it_saved(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = root(session, team)
        subs = questions.add_subquestions(
            session, team.manager, parent_id=rid, items=[SubQuestion(t) for t in "ABC"]
        )
    at = open_app(team.manager, "questions", root=str(rid))
    [editor] = at.data_editor
    assert not any((b.key or "").startswith("bulk_save_") for b in at.button)  # nothing yet
    shown = editor.value.to_string()
    assert "open" in shown and "medium" in shown and "in_progress" not in shown
    assert editor.key is not None
    at.session_state[editor.key] = {
        "edited_rows": {1: {"status": "in progress"}, 3: {"priority": "high", "due": "2027-01-04"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any("2 rows changed" in m.value and "3 values" in m.value for m in at.markdown)
    [preview] = [d for d in at.dataframe if d.editing_mode == "read_only"]
    assert list(preview.value.index) == [subs[0].id, subs[2].id]
    save = at.button(key=f"bulk_save_{rid}")
    assert save.label == "Save 2 changed questions"
    save.click().run()
    assert_no_exception(at)
    assert any("2 questions updated." in s.value for s in at.success)
    rows = {q.id: q for q in _questions(app_engine)}
    assert rows[subs[0].id].status == QuestionStatus.IN_PROGRESS
    assert (rows[subs[2].id].priority, rows[subs[2].id].due_date) == (
        Priority.HIGH,
        date(2027, 1, 4),
    )
    assert rows[subs[1].id].version == subs[1].version  # an unchanged row is not saved


def test_empty_title_shows_a_sentence_and_saves_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    at = open_app(team.manager, "questions")
    at.button(key="FormSubmitter:new_question-Create question").click().run()
    assert any("cannot be empty" in e.value for e in at.error)
    assert _questions(app_engine) == []


def test_viewer_sees_no_editing_controls(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = root(session, team)
    at = open_app(team.viewer, "questions")
    assert_no_exception(at)
    keys = {getattr(w, "key", None) for w in at.button} | {w.key for w in at.text_area}
    assert f"breakdown_text_{rid}" not in keys
    assert f"status_save_{rid}" not in keys
    assert "new_q_title" not in {w.key for w in at.text_input}
    assert not any((w.key or "").startswith("plan_") for w in at.selectbox)
    assert [t.label for t in at.tabs] == ["Tree", "Diagram"]  # no Bulk edit tab


def test_a_link_to_an_older_finding_opens_its_card_on_the_page_that_holds_it(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    team = _team(app_engine)
    with Session(app_engine) as session:
        rid = root(session, team)
        made = [
            findings.log_finding(
                session, team.manager, question_id=rid, data=FindingInput(f"Finding {i:02d}")
            )
            for i in range(12)
        ]
    oldest = made[0]
    at = open_app(team.manager, "questions", root=str(rid), finding=str(oldest.id))
    assert_no_exception(at)
    assert at.number_input(key=f"findings_{rid}_page").value == 2  # newest first, 10 a page
    [card] = [e for e in at.expander if e.label.startswith("Finding 00")]
    assert card.proto.expanded
    # The reader may turn back to the first page after.
    at.number_input(key=f"findings_{rid}_page").set_value(1).run()
    assert not [e for e in at.expander if e.label.startswith("Finding 00")]
