"""AppTest: the Questions and Answers pages on trees and lists longer than one page. The
tree list, the bulk table and the evidence list show one page with a picker; the
pickers of general questions, of a new parent and of a question in the tree find the
others by the words of their title."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from team.models import Question
from team.services.findings import writes as findings
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from tests.factories import Team, make_team, root
from tests.ui.conftest import assert_no_exception

CHILDREN = 55  # more than the 50 rows of one page


@dataclass
class Wide:
    team: Team
    root: int
    children: list[int]
    grandchild: int
    deep: int


@pytest.fixture
def wide(app_engine: Engine) -> Wide:
    """A general question with 55 sub-questions; the first has a sub-question, which
    has one more (three levels down)."""
    with Session(app_engine) as session:
        team = make_team(session)
        rid = root(session, team)
        subs = [SubQuestion(f"Segment {i:02}", assignee_id=team.ic) for i in range(CHILDREN)]
        children = [
            q.id
            for q in questions.add_subquestions(session, team.manager, parent_id=rid, items=subs)
        ]
        [grand] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=children[0],
            items=[SubQuestion("Monthly plans", assignee_id=team.ic)],
        )
        [deep] = questions.add_subquestions(
            session,
            team.manager,
            parent_id=grand.id,
            items=[SubQuestion("Zebra cohort of week 3", assignee_id=team.ic)],
        )
    return Wide(team, rid, children, grand.id, deep.id)


def _opened(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key and b.key.startswith("open_")}


def test_tree_list_shows_fifty_rows_a_page_and_what_lies_deeper(
    open_app: Callable[..., AppTest], wide: Wide
) -> None:
    at = open_app(wide.team.manager, "questions", root=str(wide.root))
    assert_no_exception(at)
    # Two levels would not fit in a short list: one level, 50 rows a page.
    assert _opened(at) == {f"open_{i}" for i in wide.children[:50]}
    assert any(c.value.endswith("· +2 below") for c in at.caption)  # under the first
    assert any("Showing 1 to 50 of 55 questions below" in c.value for c in at.caption)
    assert any("57 questions below in all; the list goes one level" in c.value for c in at.caption)
    at.number_input(key=f"tree_{wide.root}_page").set_value(2).run()
    assert_no_exception(at)
    assert _opened(at) == {f"open_{i}" for i in wide.children[50:]}
    # Opening the first sub-question shows the two levels below it.
    at.number_input(key=f"tree_{wide.root}_page").set_value(1).run()
    at.button(key=f"open_{wide.children[0]}").click().run()
    # ... between its parent and the five siblings after it.
    nearby = {f"open_{i}" for i in [wide.root, *wide.children[1:6]]}
    assert _opened(at) == {f"open_{wide.grandchild}", f"open_{wide.deep}"} | nearby
    assert any("49 later sub-questions" in c.value for c in at.caption)


def test_bulk_table_holds_the_question_and_the_rows_of_the_page(
    open_app: Callable[..., AppTest], wide: Wide
) -> None:
    at = open_app(wide.team.manager, "questions", root=str(wide.root))
    assert_no_exception(at)
    [table] = [frame.value for frame in at.data_editor]
    assert len(table) == 51  # the question and the 50 rows of page 1
    assert table.index[0] == wide.root
    assert any("turn the page there" in c.value for c in at.caption)


def _root_picker_key(at: AppTest) -> str:
    """The key of the general-question picker (its key starts with ``q_root_``)."""
    keys = [s.key for s in at.selectbox]
    return next(k for k in keys if k is not None and k.startswith("q_root_"))


def test_general_question_picker_finds_the_ones_it_does_not_list(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
        for i in range(52):
            root(session, team, f"Question {i:02}")
        wanted = root(session, team, "Why did the zebra segment churn?")
    at = open_app(team.manager, "questions")
    assert_no_exception(at)
    picker = at.selectbox(key=_root_picker_key(at))
    assert picker.label == "General question"
    assert len(picker.options) == 50 and "Why did the zebra segment churn?" not in picker.options
    assert any("first 50 of 53 general questions" in c.value for c in at.caption)
    at.text_input(key="q_root_search").input("ZEBRA churn").run()
    picker = at.selectbox(key=_root_picker_key(at))
    assert "Why did the zebra segment churn?" in picker.options
    picker.set_value(wanted).run()
    assert_no_exception(at)
    assert at.query_params["root"] == str(wanted)
    at.text_input(key="q_root_search").input("no such words").run()
    assert any("No general question's title holds" in c.value for c in at.caption)


def test_move_finds_a_new_parent_deep_in_the_tree(
    app_engine: Engine, open_app: Callable[..., AppTest], wide: Wide
) -> None:
    moving = wide.children[10]
    at = open_app(wide.team.manager, "questions", root=str(wide.root), node=str(moving))
    assert_no_exception(at)
    pick = at.selectbox(key=f"move_pick_{moving}")
    assert "Zebra cohort of week 3" not in " ".join(pick.options)  # three levels down
    at.text_input(key=f"move_find_{moving}").input("zebra").run()
    at.selectbox(key=f"move_pick_{moving}").set_value(wide.deep).run()
    at.button(key=f"move_save_{moving}").click().run()
    assert_no_exception(at)
    with Session(app_engine) as session:
        moved = session.get(Question, moving)
        assert moved is not None and moved.parent_id == wide.deep


def test_answers_evidence_comes_a_page_at_a_time_with_a_search(
    app_engine: Engine, open_app: Callable[..., AppTest], wide: Wide
) -> None:
    with Session(app_engine) as session:
        logged = [
            findings.log_finding(
                session,
                wide.team.ic,
                question_id=wide.deep,
                data=findings.FindingInput(
                    summary=f"{'Annual' if i == 3 else 'Monthly'} result {i}"
                ),
            ).id
            for i in range(25)
        ]
    at = open_app(wide.team.manager, "answers", root=str(wide.root))
    assert_no_exception(at)

    def cited() -> set[int]:
        return {f for f in logged if any(f"`[F{f}]`" in m.value for m in at.markdown)}

    assert cited() == set(logged[15:])  # newest first: the 10 newest
    at.number_input(key=f"evidence_{wide.root}_page").set_value(3).run()
    assert cited() == set(logged[:5])
    at.text_input(key=f"evidence_{wide.root}_search").input("annual").run()
    assert_no_exception(at)
    assert cited() == {logged[3]}


def test_answers_sub_questions_are_paged_and_any_question_can_be_found(
    open_app: Callable[..., AppTest], wide: Wide
) -> None:
    at = open_app(wide.team.manager, "answers", root=str(wide.root))
    assert_no_exception(at)

    def listed() -> set[int]:
        return {c for c in wide.children if any(f"`[Q{c}]`" in m.value for m in at.markdown)}

    assert listed() == set(wide.children[:10])
    at.number_input(key=f"answer_children_{wide.root}_page").set_value(6).run()
    assert listed() == set(wide.children[50:])
    at.text_input(key=f"answer_find_{wide.root}").input("zebra").run()
    at.selectbox(key=f"answer_node_{wide.root}_{wide.root}").set_value(wide.deep).run()
    assert_no_exception(at)
    assert at.query_params["node"] == str(wide.deep)
    assert any("Zebra cohort of week 3" in m.value for m in at.markdown)


def test_findings_on_a_question_come_ten_a_page_and_open_with_their_notes(
    app_engine: Engine, open_app: Callable[..., AppTest], wide: Wide
) -> None:
    with Session(app_engine) as session:
        logged = [
            findings.log_finding(
                session,
                wide.team.ic,
                question_id=wide.deep,
                data=findings.FindingInput(summary=f"Cohort result {i}"),
            ).id
            for i in range(23)
        ]
    at = open_app(wide.team.manager, "questions", root=str(wide.root), node=str(wide.deep))
    assert_no_exception(at)
    assert any(m.value == "**Findings (23)**" for m in at.markdown)

    def cards() -> set[str]:
        return {e.label for e in at.expander if e.label.startswith("Cohort result")}

    assert cards() == {f"Cohort result {i} · shared" for i in range(13, 23)}
    at.number_input(key=f"findings_{wide.deep}_page").set_value(3).run()
    assert cards() == {f"Cohort result {i} · shared" for i in range(3)}
    # A link to a finding opens its card, with its actions and notes form.
    at = open_app(
        wide.team.manager,
        "questions",
        root=str(wide.root),
        node=str(wide.deep),
        finding=str(logged[20]),
    )
    assert_no_exception(at)
    notes = {t.key for t in at.text_area if t.key and t.key.startswith("note_body_finding_")}
    assert notes == {f"note_body_finding_{logged[20]}"}  # closed cards render nothing inside


def test_general_questions_with_the_same_title_stay_apart(
    app_engine: Engine, open_app: Callable[..., AppTest]
) -> None:
    with Session(app_engine) as session:
        team = make_team(session)
        first = root(session, team, "Why did churn rise?")
        second = root(session, team, "Why did churn rise?")
    at = open_app(team.manager, "questions", root=str(first))
    at.run()  # a picker keeps its choice by label: equal labels would swap
    assert_no_exception(at)
    assert at.query_params["root"] == str(first)
    picker = at.selectbox(key=f"q_root_{first}")
    assert picker.options == [f"Why did churn rise? · #{first}", f"Why did churn rise? · #{second}"]
    assert picker.value == first
