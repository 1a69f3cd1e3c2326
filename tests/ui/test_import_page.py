"""AppTest of the Questions page's import panel: a manager pastes an outline, sees the
tree it makes (titles indented, assignees named) and creates it under the open question
or as new general questions; a bad outline lists every problem by line and writes
nothing. A CSV upload shows the columns it guessed, a dry run previews the rows (or lists
their problems by row), the import makes them, and the same file again changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col
from streamlit.testing.v1 import AppTest

from team.models import Question, QuestionKey
from team.services.core.markdown import JOINER
from team.services.imports.columns import Column
from team.services.questions import writes as questions
from team.services.questions.writes import SubQuestion
from team.vocabulary import Priority
from tests.e2e.payloads import PAYLOADS, normalise
from tests.factories import Team, make_team, root
from tests.markdown_checks import shown as markdown_shown
from tests.markdown_checks import unsafe
from tests.ui.conftest import assert_no_exception

BULLETS = ("- ", "* ", "+ ", "• ")
WORDS = re.compile(r"^(@\S+|(due|priority|technique):\S*)$", re.IGNORECASE)  # read, not titles
OUTLINE = (
    "Which plans churned? @ines\n"
    "  - Monthly vs annual priority:high\n"
    "    - Annual renewals due:2027-03-01\n"
    "  - Did support tickets rise? @ravi\n"
)
JIRA = (
    "Summary,Issue key,Issue id,Status,Assignee,Priority,Due date,Parent\n"
    "Why did churn rise?,RET-1,10001,To Do,ines@example.com,High,2027-01-15,\n"
    "Which plans churned?,RET-2,10002,In Progress,Ravi,Medium,,10001\n"
    "Monthly vs annual,RET-3,10003,Done,,Low,,10002\n"
)


@dataclass
class Seeded:
    team: Team
    root_id: int


@pytest.fixture
def seeded(app_engine: Engine) -> Seeded:
    with Session(app_engine) as session:
        team = make_team(session)
        root_id = root(session, team, "Why did retention drop in Q3?")
    return Seeded(team, root_id)


def _questions(engine: Engine) -> list[Question]:
    with Session(engine) as session:
        return list(session.scalars(select(Question).order_by(col(Question.id))))


def _seen(markdown: str) -> str:
    """Markdown as a reader sees it: escapes and invisible joiners gone."""
    return re.sub(r"\\([!-/:-@[-`{-~])", r"\1", markdown.replace(JOINER, ""))


def _keys(engine: Engine) -> dict[str, int]:
    """The tracker key each imported question is known by."""
    with Session(engine) as session:
        rows = session.scalars(select(QuestionKey))
        return {r.key: r.question_id for r in rows}


def _texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.success, *at.error, *at.info]
    return _seen("\n".join(str(p.value) for p in parts))


def _preview(at: AppTest) -> str:
    """The preview's list (the markdown inside the preview box)."""
    found = [m.value for m in at.markdown if m.value.lstrip().startswith("- ")]
    assert found, "no preview shown"
    return _seen(str(found[-1]))


def _open(open_app: Callable[..., AppTest], seeded: Seeded) -> AppTest:
    at = open_app(seeded.team.manager, "questions", root=str(seeded.root_id))
    assert_no_exception(at)
    return at


def test_an_outline_is_previewed_then_created_under_the_open_question(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    assert at.radio(key="imp_where").value == "under"
    at.text_area(key="imp_outline_text").input(OUTLINE)
    at.button(key="imp_outline_preview").click().run()
    assert_no_exception(at)
    assert "This creates 4 questions, under “Why did retention drop in Q3?”" in _texts(at)
    assert _preview(at).splitlines() == [
        "- Which plans churned? — *@Ines*",
        "    - Monthly vs annual — *high priority*",
        "        - Annual renewals — *due 2027-03-01*",
        "    - Did support tickets rise? — *@Ravi*",
    ]
    assert len(_questions(app_engine)) == 1  # a preview writes nothing
    create = at.button(key="imp_outline_create")
    assert create.label == "Create 4 questions"

    create.click().run()
    assert_no_exception(at)
    made = {q.title: q for q in _questions(app_engine)[1:]}
    assert sorted(made) == [
        "Annual renewals",
        "Did support tickets rise?",
        "Monthly vs annual",
        "Which plans churned?",
    ]
    team = seeded.team
    assert made["Which plans churned?"].parent_id == seeded.root_id
    assert made["Monthly vs annual"].parent_id == made["Which plans churned?"].id
    assert made["Annual renewals"].parent_id == made["Monthly vs annual"].id
    assert made["Did support tickets rise?"].parent_id == made["Which plans churned?"].id
    assert made["Which plans churned?"].assignee_id == team.ic
    assert made["Did support tickets rise?"].assignee_id == team.other_ic
    assert made["Monthly vs annual"].priority == Priority.HIGH
    assert [s.value for s in at.success] == [
        "Imported 4 new questions under “Why did retention drop in Q3?”."
    ]
    # The form is ready for the next outline: no text, no preview, no create button.
    assert at.text_area(key="imp_outline_text").value == ""
    assert not [b for b in at.button if b.key == "imp_outline_create"]
    # The tree on the page shows the new sub-questions.
    opened = {b.label for b in at.button if b.key and b.key.startswith("open_")}
    assert {"Which plans churned?", "Did support tickets rise?"} <= opened


def test_a_bad_outline_lists_every_problem_by_line_and_writes_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    at.text_area(key="imp_outline_text").input(
        "Which plans churned? @nobody\n"
        "    - Monthly vs annual\n"
        "  - Between two levels\n"
        "- Due when? due:someday\n"
    )
    at.button(key="imp_outline_preview").click().run()
    assert_no_exception(at)
    [error] = at.error
    assert error.value.startswith("Nothing was imported: 3 problems to fix in the file.")
    listed = _texts(at)
    assert "- Line 1: nobody on the team goes by “nobody”" in listed
    assert "- Line 3: the line is indented 2 spaces, which matches no level above" in listed
    assert "- Line 4: " in listed
    assert "Line 2" not in listed
    assert not [b for b in at.button if b.key == "imp_outline_create"]
    assert len(_questions(app_engine)) == 1


def test_an_outline_changed_after_its_preview_must_be_previewed_again(
    open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    at.text_area(key="imp_outline_text").input("One\n  - Two\n")
    at.button(key="imp_outline_preview").click().run()
    assert at.button(key="imp_outline_create").label == "Create 2 questions"
    at.text_area(key="imp_outline_text").input("One\n  - Two\n  - Three\n").run()
    assert not [b for b in at.button if b.key == "imp_outline_create"]


def test_an_uploaded_outline_file_is_imported_in_place_of_the_text(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    at.text_area(key="imp_outline_text").input("Typed, not imported\n").run()
    plan = "\ufeff# not a heading: a title\n   1. By region @ines\n   2. By plan\n"
    at.file_uploader(key="imp_outline_file").set_value(("plan.md", plan.encode(), "text/markdown"))
    at.run()
    assert "The file is imported, not the text above" in _texts(at)
    at.button(key="imp_outline_preview").click().run()
    assert _preview(at).splitlines() == [
        "- # not a heading: a title",
        "    - By region — *@Ines*",
        "    - By plan",
    ]
    at.button(key="imp_outline_create").click().run()
    assert_no_exception(at)
    assert [q.title for q in _questions(app_engine)[1:]] == [
        "# not a heading: a title",
        "By region",
        "By plan",
    ]


def test_an_outline_becomes_new_general_questions_of_a_project(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    at.radio(key="imp_where").set_value("new").run()
    project = at.selectbox(key="imp_project")
    assert project.options == ["Retention"]  # the archived project is not offered
    at.text_area(key="imp_outline_text").input("Should we reprice?\n  - What do rivals charge?\n")
    at.button(key="imp_outline_preview").click().run()
    assert "as new general questions of Retention" in _texts(at)
    button = at.button(key="imp_outline_create")
    assert button.label == "Create 2 questions"
    button.click().run()
    assert_no_exception(at)
    new_root, child = _questions(app_engine)[1:]
    assert (new_root.title, new_root.parent_id, new_root.project_id) == (
        "Should we reprice?",
        None,
        seeded.team.project,
    )
    assert child.parent_id == new_root.id
    [note] = at.success
    assert note.value.startswith("Imported 2 new questions; the first: ")
    assert at.query_params["root"] == str(new_root.id)  # the page opens the new tree


def test_an_ic_or_viewer_has_no_import_panel(
    open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    for person in (seeded.team.ic, seeded.team.viewer):
        at = open_app(person, "questions", root=str(seeded.root_id))
        assert_no_exception(at)
        assert not [e for e in at.expander if e.label == "Import an outline or a CSV"]
        assert not [t for t in at.text_area if t.key == "imp_outline_text"]


def test_hostile_titles_in_an_outline_preview_as_text(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    """The preview draws each title as typed: no element, image or unsafe link."""
    titles = [
        p.line for p in PAYLOADS if p.line and not p.line[0].isspace() and p.line[:2] not in BULLETS
    ][:40]
    at = _open(open_app, seeded)
    at.text_area(key="imp_outline_text").input("\n".join(titles))
    at.button(key="imp_outline_preview").click().run()
    assert_no_exception(at)
    [preview] = [m.value for m in at.markdown if m.value.lstrip().startswith("- ")]
    assert unsafe(str(preview)) == []
    seen = markdown_shown(str(preview))
    for title in titles:
        made = title.rsplit(" ", 1)[0] if WORDS.search(title.rsplit(" ", 1)[-1]) else title
        assert normalise(made) in seen, title


def test_an_ic_imports_an_outline_under_a_question_assigned_to_them(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    team = seeded.team
    with Session(app_engine) as session:
        mine = questions.add_subquestions(
            session,
            team.manager,
            parent_id=seeded.root_id,
            items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
        )[0]
    at = open_app(team.ic, "questions", root=str(seeded.root_id), node=str(mine.id))
    assert_no_exception(at)
    assert [e.label for e in at.expander if "Import" in e.label] == [
        "Import an outline under this question"
    ]
    assert not [r for r in at.radio if r.key == "imp_where"]  # only under their own
    at.text_area(key="imp_outline_text").input("Monthly vs annual\n  - Annual renewals\n")
    at.button(key="imp_outline_preview").click().run()
    at.button(key="imp_outline_create").click().run()
    assert_no_exception(at)
    made = {q.title: q for q in _questions(app_engine)[2:]}
    assert sorted(made) == ["Annual renewals", "Monthly vs annual"]
    assert {q.assignee_id for q in made.values()} == {team.ic}  # theirs to work on
    assert made["Monthly vs annual"].parent_id == mine.id


def _upload(at: AppTest, data: bytes, name: str = "jira.csv") -> None:
    at.file_uploader(key="imp_csv_file").set_value((name, data, "text/csv")).run()
    assert_no_exception(at)


def _picker(at: AppTest, column: Column) -> str | None:
    [box] = [s for s in at.selectbox if s.key and s.key.startswith(f"imp_map_{column.value}_")]
    return None if box.value is None else str(box.format_func(box.value))


def test_a_jira_csv_is_mapped_checked_imported_and_imported_again_unchanged(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    at = _open(open_app, seeded)
    _upload(at, JIRA.encode())
    assert "3 rows, 8 columns" in _texts(at)
    guessed = {c: _picker(at, c) for c in Column}
    assert guessed == {
        Column.TITLE: "Summary",
        Column.KEY: "Issue key",
        Column.PARENT_KEY: "Parent",
        Column.ASSIGNEE: "Assignee",
        Column.STATUS: "Status",
        Column.PRIORITY: "Priority",
        Column.DUE_DATE: "Due date",
        Column.TECHNIQUE: "(not imported)",
        Column.CONTEXT: "(not imported)",
    }
    assert not [b for b in at.button if b.key == "imp_csv_import"]
    at.button(key="imp_csv_check").click().run()
    assert_no_exception(at)
    assert "This creates 3 questions, under “Why did retention drop in Q3?”" in _texts(at)
    assert _preview(at).splitlines() == [
        "- Why did churn rise? — *@Ines · high priority · due 2027-01-15 · open*",
        "    - Which plans churned? — *@Ravi · medium priority · in progress*",
        "        - Monthly vs annual — *low priority · answered*",
    ]
    assert len(_questions(app_engine)) == 1
    button = at.button(key="imp_csv_import")
    assert button.label == "Import 3 rows"
    button.click().run()
    assert_no_exception(at)
    made = _questions(app_engine)[1:]
    assert [q.title for q in made] == [
        "Why did churn rise?",
        "Which plans churned?",
        "Monthly vs annual",
    ]
    assert [q.parent_id for q in made] == [seeded.root_id, made[0].id, made[1].id]
    keys = {k: q for k, q in _keys(app_engine).items() if k.startswith("RET-")}
    assert keys == {"RET-1": made[0].id, "RET-2": made[1].id, "RET-3": made[2].id}
    assert [s.value for s in at.success] == [
        "Imported 3 new questions under “Why did retention drop in Q3?”."
    ]

    # The same file again: every row is known by its key, nothing new is made.
    at.button(key="imp_csv_check").click().run()
    assert "and update 3 imported before" in _texts(at)
    at.button(key="imp_csv_import").click().run()
    assert_no_exception(at)
    assert len(_questions(app_engine)) == 4
    [note] = at.success
    assert "left 3 unchanged" in note.value


def test_a_csv_mapping_can_be_changed_by_hand(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    sheet = b"Question;Who;Notes\nHow big is the drop?;Ines;From the Q3 board deck\n"
    at = _open(open_app, seeded)
    _upload(at, sheet, "sheet.csv")
    assert "separated by semicolons" in _texts(at)
    assert _picker(at, Column.TITLE) == "Question"
    assert _picker(at, Column.ASSIGNEE) == "(not imported)"
    [who] = [s for s in at.selectbox if s.key and s.key.startswith("imp_map_assignee_")]
    who.set_value(1).run()
    at.button(key="imp_csv_check").click().run()
    assert "- How big is the drop? — *@Ines*" in _preview(at)
    at.button(key="imp_csv_import").click().run()
    [made] = _questions(app_engine)[1:]
    assert (made.title, made.assignee_id, made.context) == (
        "How big is the drop?",
        seeded.team.ic,
        "From the Q3 board deck",
    )


def test_a_bad_csv_lists_every_problem_by_row_and_writes_nothing(
    app_engine: Engine, open_app: Callable[..., AppTest], seeded: Seeded
) -> None:
    bad = (
        "Summary,Issue key,Assignee,Due date,Parent\n"
        ",RET-1,,,\n"
        "Who churned?,RET-2,nobody@example.com,,\n"
        "When?,RET-3,,someday,\n"
        "Orphan,RET-4,,,RET-9\n"
    )
    at = _open(open_app, seeded)
    _upload(at, bad.encode())
    at.button(key="imp_csv_check").click().run()
    assert_no_exception(at)
    [error] = at.error
    assert error.value.startswith("Nothing was imported: 4 problems to fix in the file.")
    listed = _texts(at)
    for row in (2, 3, 4, 5):
        assert f"- Row {row}: " in listed
    assert not [b for b in at.button if b.key == "imp_csv_import"]
    assert len(_questions(app_engine)) == 1
