"""Importing an outline (team/services/imports/outline.py) on SQLite and PostgreSQL: every
way people indent a list becomes the same tree, each line read as a break-down line is
(@name, due:, priority:, technique:, the rest inherited from the question above), with
its events and the assignee told; who may import where; every problem listed by line
with nothing written; the hostile corpus stored as typed; a thousand lines at once."""

from __future__ import annotations

from datetime import date
from typing import Unpack

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from team.config import DEFAULT_TECHNIQUES
from team.models import Event, Notification, Question
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.imports.outline import import_outline, plan_outline
from team.services.imports.problems import ImportRefused
from team.services.questions import writes as questions
from team.services.questions.writes import QuestionCreate
from team.vocabulary import NotificationKind, Priority
from tests.e2e.payloads import PAYLOADS, as_line
from tests.factories import Team, root
from tests.services.imports.written import Where, by_title, children, counts, outline_of

TECHNIQUES = DEFAULT_TECHNIQUES
SHAPE = [(0, "A"), (1, "A.1"), (2, "A.1.a"), (1, "A.2"), (0, "B")]
OUTLINES = {
    "markdown bullets": "- A\n  - A.1\n    - A.1.a\n  - A.2\n- B\n",
    "mixed bullets": "* A\n    + A.1\n        • A.1.a\n    - A.2\n* B\n",
    "numbered": "1. A\n   1. A.1\n      1) A.1.a\n   2. A.2\n2. B\n",
    "task list": "- [ ] A\n  - [x] A.1\n    - [ ] A.1.a\n  - [X] A.2\n- [ ] B\n",
    "spaces": "A\n    A.1\n        A.1.a\n    A.2\nB\n",
    "tabs": "A\n\tA.1\n\t\tA.1.a\n\tA.2\nB\n",
    "first line indented": "   A\n      A.1\n         A.1.a\n      A.2\n   B\n",
    "blank lines": "\n\nA\n\n  A.1\n\n\n    A.1.a\n  \n  A.2\n\t\nB\n\n",
    "windows line ends": "- A\r\n  - A.1\r\n    - A.1.a\r\n  - A.2\r\n- B\r\n",
}


def imported(session: Session, actor: int, text: str, **where: Unpack[Where]) -> list[Question]:
    """Import ``text`` and return the questions it made, in the order of their ids."""
    before = {q.id for q in session.scalars(select(Question))}
    import_outline(session, actor, text=text, techniques=TECHNIQUES, **where)
    session.expire_all()
    made = session.scalars(select(Question).order_by(col(Question.id)))
    return [q for q in made if q.id not in before]


def refused(session: Session, actor: int, text: str, **where: Unpack[Where]) -> dict[int, str]:
    """The problems importing ``text`` meets, {line: sentence}, having checked that
    nothing was written."""
    before = counts(session)
    with pytest.raises(ImportRefused) as caught:
        import_outline(session, actor, text=text, techniques=TECHNIQUES, **where)
    assert counts(session) == before
    assert "Nothing was imported" in caught.value.message
    found: dict[int, str] = {}
    for problem in caught.value.problems:
        found[problem.where] = found.get(problem.where, "") + problem.text
    return found


# --------------------------------------------------------------------------- the tree


@pytest.mark.parametrize("text", OUTLINES.values(), ids=OUTLINES.keys())
def test_every_way_of_indenting_makes_the_same_tree_under_a_question(
    session: Session, team: Team, text: str
) -> None:
    rid = root(session, team)
    made = imported(session, team.manager, text, under_id=rid)
    assert outline_of(session, rid) == SHAPE
    assert len(made) == len(SHAPE)
    for q in made:
        assert (q.root_id, q.project_id, q.owner_id) == (rid, team.project, team.manager)
    titles = {q.id: q.title for q in made}
    parents = {q.title: titles.get(q.parent_id) if q.parent_id != rid else None for q in made}
    assert parents == {"A": None, "A.1": "A", "A.1.a": "A.1", "A.2": "A", "B": None}


def test_an_outline_joins_after_the_children_already_there(session: Session, team: Team) -> None:
    rid = root(session, team)
    questions.add_subquestions_from_text(session, team.manager, parent_id=rid, text="Old one")
    imported(session, team.manager, "New one\nNew two", under_id=rid)
    assert [q.title for q in children(session, rid)] == ["Old one", "New one", "New two"]
    positions = [q.position for q in children(session, rid)]
    assert positions == sorted(set(positions))


def test_top_lines_become_new_general_questions_of_a_project(session: Session, team: Team) -> None:
    old = root(session, team, "Already here")
    made = imported(session, team.manager, OUTLINES["markdown bullets"], project_id=team.project)
    tops = [q for q in made if q.parent_id is None]
    assert [q.title for q in tops] == ["A", "B"]
    for top in tops:
        assert top.root_id == top.id
    by = {q.title: q for q in made}
    assert by["A.1.a"].root_id == by["A.1"].root_id == by["A.2"].root_id == by["A"].id
    assert [q.title for q in children(session, None, team.project)] == ["Already here", "A", "B"]
    assert old not in {q.id for q in made}
    assert {q.project_id for q in made} == {team.project}
    logged = session.scalars(
        select(Event).where(col(Event.entity_id).in_([q.id for q in made]))
    ).all()
    roots = {q.id: q.root_id for q in made}
    assert [(e.action, e.root_id) for e in logged] == [
        ("created", roots[e.entity_id]) for e in logged
    ]
    assert len(logged) == len(made)


def test_a_title_keeps_its_words_and_loses_stray_whitespace(session: Session, team: Team) -> None:
    rid = root(session, team)
    text = "- Why  did\tit   drop?  \n  - Which\u00a0one?\t@ines\tpriority:high"
    imported(session, team.manager, text, under_id=rid)
    assert outline_of(session, rid) == [(0, "Why did it drop?"), (1, "Which one?")]
    which = by_title(session)["Which one?"]
    assert (which.assignee_id, which.priority) == (team.ic, Priority.HIGH)


# --------------------------------------------------------------------------- per-line words


def test_each_line_reads_its_words_and_inherits_the_rest_from_above(
    session: Session, team: Team
) -> None:
    rid = questions.create_question(
        session,
        team.manager,
        data=QuestionCreate(
            title="Why did retention drop?",
            project_id=team.project,
            priority=Priority.HIGH,
            due_date=date(2026, 12, 20),
            technique="statistics",
        ),
    ).id
    text = (
        "- Segments @ines due:2027-01-15 priority:urgent technique:modeling\n"
        "  - Enterprise\n"
        "  - Self-serve @ravi priority:low technique:data-cleaning\n"
        "    - Trials due:2027-02-01\n"
        "- Pricing @INES@example.com\n"
    )
    imported(session, team.manager, text, under_id=rid)
    q = by_title(session)
    said = {
        title: (q[title].assignee_id, q[title].due_date, q[title].priority, q[title].technique)
        for title in ("Segments", "Enterprise", "Self-serve", "Trials", "Pricing")
    }
    assert said == {
        "Segments": (team.ic, date(2027, 1, 15), Priority.URGENT, "modeling"),
        "Enterprise": (None, date(2027, 1, 15), Priority.URGENT, "modeling"),
        "Self-serve": (team.other_ic, date(2027, 1, 15), Priority.LOW, "data cleaning"),
        "Trials": (None, date(2027, 2, 1), Priority.LOW, "data cleaning"),
        "Pricing": (team.ic, date(2026, 12, 20), Priority.HIGH, "statistics"),
    }


def test_general_questions_take_a_medium_priority_and_nothing_else(
    session: Session, team: Team
) -> None:
    [made] = imported(session, team.manager, "Alone", project_id=team.project)
    assert (made.priority, made.due_date, made.technique, made.assignee_id) == (
        Priority.MEDIUM,
        None,
        None,
        None,
    )


def test_each_question_has_its_events_and_the_assignee_is_told(
    session: Session, team: Team
) -> None:
    rid = root(session, team)
    made = imported(
        session, team.manager, "- Mine @ines\n  - Nobody's\n- Ravi's @ravi", under_id=rid
    )
    ids = {q.title: q.id for q in made}
    logged = session.scalars(
        select(Event).where(col(Event.entity) == "question", col(Event.entity_id).in_(ids.values()))
    ).all()
    seen = sorted((e.entity_id, e.action, e.field, e.new_value) for e in logged)
    assert seen == sorted(
        [(i, "created", None, t) for t, i in ids.items()]
        + [
            (ids["Mine"], "updated", "assignee_id", str(team.ic)),
            (ids["Ravi's"], "updated", "assignee_id", str(team.other_ic)),
        ]
    )
    assert {(e.actor_id, e.root_id) for e in logged} == {(team.manager, rid)}
    told = session.scalars(select(Notification).order_by(col(Notification.person_id))).all()
    assert [(n.person_id, n.kind, n.entity_id, n.title) for n in told] == [
        (team.ic, NotificationKind.ASSIGNED, ids["Mine"], "Mine"),
        (team.other_ic, NotificationKind.ASSIGNED, ids["Ravi's"], "Ravi's"),
    ]


# --------------------------------------------------------------------------- who may


def test_an_ic_imports_under_their_own_question_and_keeps_the_work(
    session: Session, team: Team, qid: int
) -> None:
    told = counts(session).notifications
    made = imported(session, team.ic, "- Split one\n  - Deeper @ines\n- Split two", under_id=qid)
    assert {(q.assignee_id, q.owner_id) for q in made} == {(team.ic, team.ic)}
    assert counts(session).notifications == told  # nobody is told of their own act
    assert outline_of(session, qid) == [(0, "Split one"), (1, "Deeper"), (0, "Split two")]


def test_an_ic_cannot_hand_lines_to_someone_else(session: Session, team: Team, qid: int) -> None:
    problems = refused(session, team.ic, "Mine\nTheirs @ravi", under_id=qid)
    assert list(problems) == [2]
    assert "only a manager can assign" in problems[2]


def test_an_ic_is_refused_under_someone_elses_question_or_as_new_general_questions(
    session: Session, team: Team, qid: int
) -> None:
    before = counts(session)
    for where in (Where(under_id=qid), Where(project_id=team.project)):
        with pytest.raises(PermissionDenied):
            import_outline(session, team.other_ic, text="Sneaky", **where)
    with pytest.raises(PermissionDenied):
        import_outline(session, team.ic, text="Sneaky", project_id=team.project)
    assert counts(session) == before


def test_a_viewer_is_refused(session: Session, team: Team, qid: int) -> None:
    before = counts(session)
    for where in (Where(under_id=qid), Where(project_id=team.project)):
        with pytest.raises(PermissionDenied):
            plan_outline(session, team.viewer, text="Looking", **where)
        with pytest.raises(PermissionDenied):
            import_outline(session, team.viewer, text="Looking", **where)
    assert counts(session) == before


def test_an_archived_project_is_refused(session: Session, team: Team) -> None:
    with pytest.raises(InvalidInput, match="archived"):
        import_outline(session, team.manager, text="Old", project_id=team.archived_project)


# --------------------------------------------------------------------------- problems


def test_every_problem_is_listed_by_line_and_nothing_is_written(
    session: Session, team: Team
) -> None:
    rid = root(session, team)
    text = "\n".join(
        [
            "Fine",  # 1
            "    Four in",  # 2
            "  Two in: between the levels 0 and 4",  # 3
            "\tA tab where the lines use spaces",  # 4
            "Someone @nobody",  # 5
            "Due due:2026-13-45",  # 6
            "Method technique:astrology",  # 7
            "- ",  # 8: a bullet with no title
            "x" * 301,  # 9
            "Fine again",  # 10
            "    \t Mixed in one indent",  # 11
            "Ivan's @ivan",  # 12: deactivated
            "A manager's @maya",  # 13: not an IC
            "Urgency priority:whenever",  # 14
        ]
    )
    problems = refused(session, team.manager, text, under_id=rid)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert "matches no level above" in problems[3]
    assert "indented with tabs where the lines above use spaces" in problems[4]
    assert "nobody on the team goes by “nobody”" in problems[5]
    assert "due:2026-13-45" in problems[6] and "YYYY-MM-DD" in problems[6]
    assert "technique:astrology" in problems[7] and "data-cleaning" in problems[7]
    assert "no title" in problems[8]
    assert "301" in problems[9] and "300" in problems[9]
    assert "mixes tabs and spaces" in problems[11]
    assert "deactivated" in problems[12]
    assert "questions are assigned to ICs" in problems[13]
    assert "priority:whenever" in problems[14]


def test_a_dedent_to_between_two_levels_names_the_levels(session: Session, team: Team) -> None:
    text = "A\n  B\n      C\n    D\n"
    problems = refused(session, team.manager, text, project_id=team.project)
    assert list(problems) == [4]
    assert "indented 4 spaces" in problems[4] and "0, 2, 6" in problems[4]


def test_tabs_after_spaces_are_refused_whichever_came_first(session: Session, team: Team) -> None:
    problems = refused(session, team.manager, "A\n\tB\n  C\n", project_id=team.project)
    assert list(problems) == [3]
    assert "indented with spaces where the lines above use tabs" in problems[3]


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "empty"), ("\n  \n\t\n", "empty"), ("- \n1.\n", "no title")],
    ids=["nothing", "blank lines", "bullets only"],
)
def test_an_outline_with_no_question_is_refused(
    session: Session, team: Team, text: str, said: str
) -> None:
    problems = refused(session, team.manager, text, project_id=team.project)
    assert said in " ".join(problems.values())


def test_an_outline_too_long_to_import_at_once_is_refused(session: Session, team: Team) -> None:
    text = "\n".join(f"Question {n}" for n in range(5_001))
    problems = refused(session, team.manager, text, project_id=team.project)
    assert list(problems) == [0]
    assert "5,001 lines" in problems[0] and "at most 5,000" in problems[0]


def test_a_tree_deeper_than_allowed_is_refused(session: Session, team: Team) -> None:
    text = "\n".join(" " * level + f"Level {level}" for level in range(52))
    problems = refused(session, team.manager, text, project_id=team.project)
    assert list(problems) == [52]
    assert "at most 50 levels" in problems[52]


# --------------------------------------------------------------------------- hostile text


@pytest.mark.parametrize("bullet", ["- ", ""], ids=["bullets", "plain"])
def test_the_hostile_corpus_arrives_as_typed(session: Session, team: Team, bullet: str) -> None:
    """With bullets or without: a title's own dashes are no bullet ('<!-- x -->')."""
    rid = root(session, team)
    titles = [as_line(p.text)[:300].strip() for p in PAYLOADS]
    titles = [t for t in titles if t and not (bullet == "" and t[:2] in ("- ", "* ", "+ "))]
    text = "\n".join(f"{bullet}{t}\n  {bullet}under: {t}" for t in titles)
    imported(session, team.manager, text, under_id=rid)
    expected = [row for t in titles for row in ((0, t), (1, f"under: {t}"))]
    assert outline_of(session, rid) == expected


# --------------------------------------------------------------------------- size


def test_a_thousand_lines_arrive_in_order(session: Session, team: Team) -> None:
    lines = []
    for a in range(10):
        lines.append(f"- Area {a}")
        for b in range(9):
            lines.append(f"  - Area {a} question {b}")
            lines += [f"    - Area {a} question {b} part {c} @ines" for c in range(10)]
    assert len(lines) == 1000
    rid = root(session, team)
    before = counts(session)
    import_outline(session, team.manager, text="\n".join(lines), under_id=rid)
    after = counts(session)
    assert after.questions - before.questions == 1000
    assert after.events - before.events == 1000 + 900  # created, and assigned for 900
    assert [title for _, title in outline_of(session, rid)] == [
        line.strip().removeprefix("- ").removesuffix(" @ines") for line in lines
    ]
