"""Importing questions from a CSV (team/services/imports/csv_plan.py and write.py) on
SQLite and PostgreSQL: a Jira export three levels deep, Linear's, a sheet in Latin-1 and
UTF-16 with semicolons, each mapped by the guess from its header; re-importing the same
file changes nothing and a changed file changes exactly what changed; every bad file
refused with its problems by row and nothing written; all or nothing at 10,000 rows,
whether a row or the write fails; the hostile corpus stored exactly; and statements
that grow with the rows only through batches."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Unpack

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from team.bench.statements import counting
from team.config import DEFAULT_TECHNIQUES
from team.models import Event, Notification, Project, Question, QuestionKey
from team.services.core.errors import InvalidInput, PermissionDenied
from team.services.imports import write
from team.services.imports.columns import Column, guess_mapping, id_column
from team.services.imports.csv_plan import ALIAS, Choices, import_csv, plan_csv
from team.services.imports.csv_read import read_table
from team.services.imports.problems import ImportRefused
from team.services.imports.write import Imported
from team.vocabulary import NotificationKind, Priority, QuestionStatus
from tests.e2e.payloads import PAYLOADS, as_body, as_line
from tests.factories import Team, make_team, root
from tests.services.imports.written import Where, children, counts, outline_of

TECHNIQUES = DEFAULT_TECHNIQUES
# A Jira Cloud export's columns, as many as the test needs and a few it does not.
JIRA = "Summary,Issue key,Issue id,Parent,Assignee,Status,Priority,Due Date,Description"
JIRA += ",Labels,Labels,Created"
DUE = "20/Dec/26 4:05 PM"
ASKED = 'Asked by the CFO.\nDecides the Q4 budget; see "Churn, 2026".'


def jira_row(
    key: int, title: str, parent: int | None, who: str, status: str, **more: str
) -> list[str]:
    """A row of a Jira Cloud export: its Parent holds the parent's Issue id."""
    return [
        title,
        f"DS-{key}",
        str(10_000 + key),
        str(10_000 + parent) if parent else "",
        who,
        status,
        more.get("priority", "Medium"),
        more.get("due", DUE),
        more.get("description", ASKED),
        "analytics",
        "",
        "01/Dec/26 9:00 AM",
    ]


def jira_file(*rows: Sequence[str], header: str = JIRA, sep: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return out.getvalue()


def small_jira(**changes: list[str]) -> bytes:
    """Five issues three levels deep (a child before its parent in the file)."""
    rows = {
        "DS-1": jira_row(
            1, "Why did retention drop in Q3?", None, "", "In Progress", priority="High"
        ),
        "DS-3": jira_row(
            3,
            "Enterprise vs self-serve",
            2,
            "Ravi",
            "Done",
            priority="Low",
            due="03/Jan/27 9:00 AM",
        ),
        "DS-2": jira_row(2, "Which segments churned?", 1, "Ines", "To Do", priority="Highest"),
        "DS-4": jira_row(4, "Did pricing coincide?", 1, "ravi@example.com", "On Hold", due=""),
        "DS-5": jira_row(5, "Discount cohorts", 4, "", "Won't Do", priority="Minor"),
    }
    rows.update(changes)
    return jira_file(*rows.values()).encode("utf-8-sig")


def run(
    session: Session,
    actor: int,
    data: bytes,
    progress: Callable[[int, int], None] | None = None,
    **where: Unpack[Where],
) -> Imported:
    table = read_table(data)
    mapping = guess_mapping(table.header)
    choices = Choices(mapping, None, id_column(table.header, mapping))
    return import_csv(
        session,
        actor,
        table=table,
        choices=choices,
        techniques=TECHNIQUES,
        progress=progress,
        **where,
    )


def refused(session: Session, data: bytes, actor: int, **where: Unpack[Where]) -> dict[int, str]:
    """The problems importing ``data`` meets, {row: sentence}, having checked that
    nothing was written."""
    before = counts(session)
    with pytest.raises(ImportRefused) as caught:
        run(session, actor, data, **where)
    assert counts(session) == before
    assert "Nothing was imported" in caught.value.message
    found: dict[int, str] = {}
    for problem in caught.value.problems:
        found[problem.where] = found.get(problem.where, "") + problem.text
    return found


def keyed(session: Session) -> dict[str, Question]:
    """The imported questions by their key (not by the Jira ids kept beside them)."""
    session.expire_all()
    query = (
        select(col(QuestionKey.key), Question)
        .join(Question, col(Question.id) == col(QuestionKey.question_id))
        .where(~col(QuestionKey.key).startswith(ALIAS))
    )
    return dict(session.execute(query).all())


# --------------------------------------------------------------------------- shapes


def test_the_header_of_a_jira_export_is_guessed(session: Session) -> None:
    table = read_table(small_jira())
    mapping = guess_mapping(table.header)
    assert {c: table.header[i] for c, i in mapping.items()} == {
        Column.TITLE: "Summary",
        Column.KEY: "Issue key",
        Column.PARENT_KEY: "Parent",
        Column.ASSIGNEE: "Assignee",
        Column.STATUS: "Status",
        Column.PRIORITY: "Priority",
        Column.DUE_DATE: "Due Date",
        Column.CONTEXT: "Description",
    }
    assert id_column(table.header, mapping) == JIRA.split(",").index("Issue id")


def test_a_jira_export_becomes_a_tree_three_levels_deep(session: Session, team: Team) -> None:
    done = run(session, team.manager, small_jira(), project_id=team.project)
    assert done == Imported(created=5, updated=0, unchanged=0, top=done.top)
    q = keyed(session)
    assert done.top == (q["DS-1"].id,)
    assert outline_of(session, q["DS-1"].id) == [
        (0, "Which segments churned?"),
        (1, "Enterprise vs self-serve"),
        (0, "Did pricing coincide?"),
        (1, "Discount cohorts"),
    ]
    assert {k: (v.root_id, v.project_id, v.owner_id) for k, v in q.items()} == dict.fromkeys(
        q, (q["DS-1"].id, team.project, team.manager)
    )
    said = {k: (v.assignee_id, v.status, v.priority, v.due_date) for k, v in q.items()}
    assert said == {
        "DS-1": (None, QuestionStatus.IN_PROGRESS, Priority.HIGH, date(2026, 12, 20)),
        "DS-2": (team.ic, QuestionStatus.OPEN, Priority.URGENT, date(2026, 12, 20)),
        "DS-3": (team.other_ic, QuestionStatus.ANSWERED, Priority.LOW, date(2027, 1, 3)),
        "DS-4": (team.other_ic, QuestionStatus.BLOCKED, Priority.MEDIUM, None),
        "DS-5": (None, QuestionStatus.DROPPED, Priority.LOW, date(2026, 12, 20)),
    }
    assert {v.context for v in q.values()} == {ASKED}
    assert {v.version for v in q.values()} == {1}


def test_an_imported_question_has_its_events_and_its_assignee_is_told(
    session: Session, team: Team
) -> None:
    run(session, team.manager, small_jira(), project_id=team.project)
    q = keyed(session)
    logged = session.scalars(select(Event).where(col(Event.entity) == "question")).all()
    key_of = {v.id: k for k, v in q.items()}
    seen = sorted((key_of[e.entity_id], e.action, e.field or "", e.new_value or "") for e in logged)
    assert seen == sorted(
        [(k, "created", "", v.title) for k, v in q.items()]
        + [
            ("DS-1", "updated", "status", "in_progress"),
            ("DS-2", "updated", "assignee_id", str(team.ic)),
            ("DS-3", "updated", "assignee_id", str(team.other_ic)),
            ("DS-3", "updated", "status", "answered"),
            ("DS-4", "updated", "assignee_id", str(team.other_ic)),
            ("DS-4", "updated", "status", "blocked"),
            ("DS-5", "updated", "status", "dropped"),
        ]
    )
    told = session.scalars(select(Notification)).all()
    assert sorted((n.person_id, n.kind, key_of[n.entity_id]) for n in told) == [
        (team.ic, NotificationKind.ASSIGNED, "DS-2"),
        (team.other_ic, NotificationKind.ASSIGNED, "DS-3"),
        (team.other_ic, NotificationKind.ASSIGNED, "DS-4"),
    ]


LINEAR = "ID,Team,Title,Description,Status,Estimate,Priority,Project,Creator,Assignee,Labels"
LINEAR += ",Created,Due Date,Parent issue"


def test_a_linear_export_becomes_a_tree(session: Session, team: Team) -> None:
    rows = [
        "ENG-10,Data,Churn drivers,,Backlog,,Urgent,Q3,Maya,,,2026-11-01T10:00:00.000Z,2026-12-20,",
        'ENG-11,Data,Usage drop,"Look at **DAU**",In Progress,3,No priority,Q3,Maya,Ines,,'
        "2026-11-02T10:00:00.000Z,,ENG-10",
        "ENG-12,Data,Feature usage,,Canceled,,Low,Q3,Maya,ravi@example.com,,"
        "2026-11-02T10:00:00.000Z,2027-01-31,ENG-11",
    ]
    data = "\n".join([LINEAR, *rows]).encode()
    run(session, team.manager, data, project_id=team.project)
    q = keyed(session)
    assert outline_of(session, q["ENG-10"].id) == [(0, "Usage drop"), (1, "Feature usage")]
    said = {k: (v.assignee_id, v.status, v.priority, v.due_date, v.context) for k, v in q.items()}
    assert said == {
        "ENG-10": (None, QuestionStatus.OPEN, Priority.URGENT, date(2026, 12, 20), ""),
        "ENG-11": (team.ic, QuestionStatus.IN_PROGRESS, Priority.MEDIUM, None, "Look at **DAU**"),
        "ENG-12": (team.other_ic, QuestionStatus.DROPPED, Priority.LOW, date(2027, 1, 31), ""),
    }


SHEET = "ID,Question,Parent,Owner email,Due,Status,Technique,Notes"
SHEET_ROWS = [
    [
        "1",
        "Pourquoi la rétention a-t-elle baissé ?",
        "",
        "",
        "20.12.2026",
        "open",
        "",
        "Demandé par Zoë",
    ],
    [
        "2",
        "Müller's Kohorten; „Q3“",
        "1",
        "ines@example.com",
        "03.01.2027",
        "in progress",
        "Data cleaning",
        "Café; crème",
    ],
    ["3", "Año fiscal", "2", "RAVI@example.com", "", "", "statistics", ""],
]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_a_sheet_with_semicolons_in_latin_1_or_utf_16_is_read(
    session: Session, team: Team, encoding: str
) -> None:
    rows = (  # Latin-1 proper has no curly quotes; Windows-1252 (Excel's) has
        [[c.replace("„", "").replace("“", "") for c in r] for r in SHEET_ROWS]
        if encoding == "latin-1"
        else SHEET_ROWS
    )
    data = jira_file(*rows, header=SHEET, sep=";").encode(encoding)
    rid = root(session, team)
    run(session, team.manager, data, under_id=rid)
    titles = [r[1] for r in rows]
    assert outline_of(session, rid) == [(0, titles[0]), (1, titles[1]), (2, titles[2])]
    q = keyed(session)
    said = {
        k: (v.assignee_id, v.due_date, v.status, v.technique, v.context, v.root_id)
        for k, v in q.items()
    }
    assert said == {
        "1": (None, date(2026, 12, 20), QuestionStatus.OPEN, None, "Demandé par Zoë", rid),
        "2": (
            team.ic,
            date(2027, 1, 3),
            QuestionStatus.IN_PROGRESS,
            "data cleaning",
            "Café; crème",
            rid,
        ),
        "3": (team.other_ic, None, QuestionStatus.OPEN, "statistics", "", rid),
    }


# --------------------------------------------------------------------------- again


def test_importing_the_same_file_again_changes_nothing(session: Session, team: Team) -> None:
    run(session, team.manager, small_jira(), project_id=team.project)
    before, versions = counts(session), {k: v.version for k, v in keyed(session).items()}
    done = run(session, team.manager, small_jira(), project_id=team.project)
    assert (done.created, done.updated, done.unchanged) == (0, 0, 5)
    assert done.top == (keyed(session)["DS-1"].id,)
    assert counts(session) == before
    assert {k: v.version for k, v in keyed(session).items()} == versions


def test_a_changed_file_changes_exactly_what_changed(session: Session, team: Team) -> None:
    run(session, team.manager, small_jira(), project_id=team.project)
    was = keyed(session)
    versions = {k: v.version for k, v in was.items()}
    before = counts(session)
    changed = small_jira(
        **{
            "DS-2": jira_row(
                2, "Which segments churned most?", 1, "Ines", "To Do", priority="Highest"
            ),
            "DS-3": jira_row(
                3,
                "Enterprise vs self-serve",
                2,
                "Ravi",
                "In Progress",
                priority="Low",
                due="03/Jan/27 9:00 AM",
            ),
            "DS-4": jira_row(4, "Did pricing coincide?", 1, "Ines", "On Hold", due=""),
        }
    )
    done = run(session, team.manager, changed, project_id=team.project)
    assert (done.created, done.updated, done.unchanged) == (0, 3, 2)
    now = keyed(session)
    assert {k: v.version - versions[k] for k, v in now.items()} == {
        "DS-1": 0,
        "DS-2": 1,
        "DS-3": 1,
        "DS-4": 1,
        "DS-5": 0,
    }
    assert (now["DS-2"].title, now["DS-3"].status, now["DS-4"].assignee_id) == (
        "Which segments churned most?",
        QuestionStatus.IN_PROGRESS,
        team.ic,
    )
    new_events = session.scalars(select(Event).order_by(col(Event.id)).offset(before.events)).all()
    key_of = {v.id: k for k, v in now.items()}
    assert sorted((key_of[e.entity_id], e.field, e.old_value, e.new_value) for e in new_events) == [
        ("DS-2", "title", "Which segments churned?", "Which segments churned most?"),
        ("DS-3", "status", "answered", "in_progress"),
        ("DS-4", "assignee_id", str(team.other_ic), str(team.ic)),
    ]
    assert {(e.action, e.actor_id) for e in new_events} == {("updated", team.manager)}
    told = session.scalars(
        select(Notification).order_by(col(Notification.id)).offset(before.notifications)
    ).all()
    assert sorted((n.person_id, n.kind) for n in told) == sorted(
        [(team.ic, NotificationKind.ASSIGNED), (team.other_ic, NotificationKind.UNASSIGNED)]
    )
    assert counts(session).questions == before.questions
    # Its place stays: a re-import updates what the file says of it, not where it is.
    assert outline_of(session, now["DS-1"].id) == [
        (0, "Which segments churned most?"),
        (1, "Enterprise vs self-serve"),
        (0, "Did pricing coincide?"),
        (1, "Discount cohorts"),
    ]


def test_a_new_row_joins_the_question_an_earlier_import_made(session: Session, team: Team) -> None:
    run(session, team.manager, small_jira(), project_id=team.project)
    grown = small_jira(**{"DS-6": jira_row(6, "Enterprise by region", 2, "Ines", "To Do")})
    done = run(session, team.manager, grown, project_id=team.project)
    assert (done.created, done.updated, done.unchanged) == (1, 0, 5)
    q = keyed(session)
    assert [c.title for c in children(session, q["DS-2"].id)] == [
        "Enterprise vs self-serve",
        "Enterprise by region",
    ]
    assert (q["DS-6"].root_id, q["DS-6"].assignee_id) == (q["DS-1"].id, team.ic)
    # A file of the new row alone names its parent by the key imported before.
    alone = jira_file(["Pricing by plan", "DS-7", "", "DS-4", "", "To Do", "", "", "", "", "", ""])
    done = run(session, team.manager, alone.encode(), project_id=team.project)
    assert (done.created, done.updated, done.unchanged, done.top) == (
        1,
        0,
        0,
        (keyed(session)["DS-7"].id,),
    )
    assert [c.title for c in children(session, q["DS-4"].id)] == [
        "Discount cohorts",
        "Pricing by plan",
    ]


def test_a_partial_jira_export_names_parents_imported_before_by_their_issue_id(
    session: Session, team: Team
) -> None:
    """Jira Cloud's Parent column holds the parent's Issue id: a later export of the new
    issues alone still finds the parents an earlier import made."""
    run(session, team.manager, small_jira(), project_id=team.project)
    later = jira_file(jira_row(8, "Pricing by region", 4, "", "To Do"))  # parent: 10004
    done = run(session, team.manager, later.encode(), project_id=team.project)
    assert (done.created, done.updated, done.unchanged) == (1, 0, 0)
    q = keyed(session)
    assert q["DS-8"].parent_id == q["DS-4"].id
    # An id nobody has is still a problem of its row.
    stray = jira_file(jira_row(9, "Orphan", 77, "", "To Do")).encode()
    problems = refused(session, stray, team.manager, project_id=team.project)
    assert list(problems) == [2] and "10077" in problems[2]


def test_issue_ids_held_already_or_twice_in_a_file_are_not_taken_again(
    session: Session, team: Team
) -> None:
    """Two sheets whose ID columns both count 10001, 10002...: the second still
    imports (its questions are found by their keys; the ids stay the first's), and a
    file giving one id twice imports too."""
    run(session, team.manager, small_jira(), project_id=team.project)
    other = [jira_row(n, f"Other {n}", None, "", "To Do") for n in (1, 2)]
    for row in other:
        row[1] = f"OPS-{row[1]}"  # other keys, the same Issue ids (10001, 10002)
    done = run(session, team.manager, jira_file(*other).encode(), project_id=team.project)
    assert (done.created, done.updated, done.unchanged) == (2, 0, 0)
    twice = [jira_row(n, f"Twice {n}", None, "", "To Do") for n in (3, 4)]
    twice[0][1], twice[1][1] = "TW-1", "TW-2"
    twice[0][2] = twice[1][2] = "77777"
    done = run(session, team.manager, jira_file(*twice).encode(), project_id=team.project)
    assert done.created == 2
    ids = [k.key for k in session.scalars(select(QuestionKey)) if k.key.startswith(ALIAS)]
    assert sorted(ids) == sorted({*ids})  # each id once
    assert ids.count("id:77777") == 1 and "id:10001" in ids
    assert keyed(session)["DS-1"].id == session.scalar(
        select(col(QuestionKey.question_id)).where(col(QuestionKey.key) == "id:10001")
    )


def test_a_key_is_known_only_in_its_own_project(session: Session, team: Team) -> None:
    other = Project(name="Pricing")
    session.add(other)
    session.commit()
    assert other.id is not None
    run(session, team.manager, small_jira(), project_id=team.project)
    done = run(session, team.manager, small_jira(), project_id=other.id)
    assert (done.created, done.updated) == (5, 0)


# --------------------------------------------------------------------------- bad files


def test_every_problem_of_the_rows_is_listed_by_row_and_nothing_is_written(
    session: Session, team: Team
) -> None:
    rows = [
        jira_row(1, "Fine", None, "", "To Do"),  # 2
        jira_row(2, "Who?", 1, "Zed Nobody", "To Do"),  # 3
        ["Orphan", "DS-3", "10003", "DS-99", "", "To Do", "", "", "", "", "", ""],  # 4
        ["Round A", "DS-4", "10004", "DS-5", "", "", "", "", "", "", "", ""],  # 5
        ["Round B", "DS-5", "10005", "DS-4", "", "", "", "", "", "", "", ""],  # 6
        ["Myself", "DS-6", "10006", "DS-6", "", "", "", "", "", "", "", ""],  # 7
        jira_row(7, "Someday", 1, "", "To Do", due="next Tuesday"),  # 8
        jira_row(8, "   ", 1, "", "To Do"),  # 9
        jira_row(1, "Twin", None, "", "To Do"),  # 10: DS-1 again
        jira_row(10, "Unsure", 1, "", "Pondering"),  # 11
        jira_row(11, "Important?", 1, "", "To Do", priority="Very"),  # 12
        jira_row(12, "x" * 301, 1, "", "To Do"),  # 13
        jira_row(13, "Maya's", 1, "Maya", "To Do"),  # 14: a manager
        jira_row(14, "Ivan's", 1, "Ivan", "To Do"),  # 15: deactivated
        jira_row(15, "Fine too", 1, "Ines", "To Do"),  # 16
    ]
    problems = refused(session, jira_file(*rows).encode(), team.manager, project_id=team.project)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    assert "nobody on the team goes by “Zed Nobody”" in problems[3]
    assert "“DS-99” is the key of no row" in problems[4]
    assert "circle (DS-4 → DS-5 → DS-4)" in problems[5]
    assert "circle (DS-5 → DS-4 → DS-5)" in problems[6]
    assert "circle (DS-6 → DS-6)" in problems[7]
    assert "next Tuesday" in problems[8] and "2026-12-20" in problems[8]
    assert "title" in problems[9] and "empty" in problems[9]
    assert "“DS-1” is also on row 2" in problems[10]
    assert "Pondering" in problems[11]
    assert "Very" in problems[12]
    assert "300" in problems[13]
    assert "questions are assigned to ICs" in problems[14]
    assert "deactivated" in problems[15]


def test_an_unknown_technique_and_a_key_too_long_are_problems_of_their_rows(
    session: Session, team: Team
) -> None:
    rows = [
        "1;Fine;;;;;statistics;",
        "2;Stars;;;;;astrology;",
        f"{'K' * 201};Long key;;;;;;",
        "4;Clean;;;;;DATA-CLEANING;",
    ]
    data = "\n".join([SHEET.replace(",", ";"), *rows]).encode()
    problems = refused(session, data, team.manager, project_id=team.project)
    assert sorted(problems) == [3, 4]
    assert "“astrology” is not one of the team's techniques" in problems[3]
    assert "data-cleaning" in problems[3] and "technique:" not in problems[3]
    assert "longer than 200" in problems[4]


def bad_file(name: str) -> tuple[bytes, list[int], str]:
    """A file that cannot be read as a table: its bytes, the rows its problems are on
    and words of the first problem."""
    good = jira_row(1, "Fine", None, "", "To Do")
    if name == "ragged":
        rows = [good, jira_row(2, "Pricing, again", 1, "", "To Do"), good[:5]]
        text = jira_file(*rows).replace('"Pricing, again"', "Pricing, again")
        return text.encode(), [3, 4], "cells"
    if name == "unterminated quote":
        text = jira_file(good, jira_row(2, "Fine too", 1, "", "To Do"))
        return (text + '"Never closed, DS-3\r\n').encode(), [4], "never ends"
    if name == "50 MB":
        return b"Summary\r\n" + b"A question\r\n" * (50 * 1024 * 1024 // 12), [0], "MB"
    if name == "binary":
        return bytes(range(256)) * 64, [0], "not text"
    if name == "excel":
        return b"PK\x03\x04" + b"\x00" * 30 + b"[Content_Types].xml xl/workbook.xml", [0], "Excel"
    if name == "empty":
        return b"", [0], "empty"
    assert name == "header only"
    return jira_file().encode(), [0], "no rows"


@pytest.mark.parametrize(
    "name", ["ragged", "unterminated quote", "50 MB", "binary", "excel", "empty", "header only"]
)
def test_a_file_that_is_not_a_good_table_is_refused_by_row(
    session: Session, team: Team, name: str
) -> None:
    data, rows, words = bad_file(name)
    problems = refused(session, data, team.manager, project_id=team.project)
    assert sorted(problems) == rows
    assert words in problems[rows[0]]


def test_a_column_of_dates_written_both_ways_is_refused_as_a_whole(
    session: Session, team: Team
) -> None:
    rows = [
        jira_row(1, "Day first", None, "", "", due="25/12/2026"),
        jira_row(2, "Month first", 1, "", "", due="12/25/2026"),
    ]
    problems = refused(session, jira_file(*rows).encode(), team.manager, project_id=team.project)
    assert list(problems) == [0, 3]  # the column, and the row its day-first reading cannot read
    assert "mix day-first" in problems[0] and "Choose the date order" in problems[0]
    assert "does not exist" in problems[3]


def test_a_file_without_a_title_column_asks_for_one(session: Session, team: Team) -> None:
    table = read_table(b"Issue key,Assignee\nDS-1,Ines\n")
    mapping = guess_mapping(table.header)
    before = counts(session)
    with pytest.raises(InvalidInput, match="title"):
        import_csv(
            session, team.manager, table=table, choices=Choices(mapping), project_id=team.project
        )
    assert counts(session) == before


def test_a_status_its_question_cannot_move_to_is_refused_on_re_import(
    session: Session, team: Team
) -> None:
    run(session, team.manager, small_jira(), project_id=team.project)
    moved = small_jira(
        **{
            "DS-3": jira_row(
                3,
                "Enterprise vs self-serve",
                2,
                "Ravi",
                "Blocked",
                priority="Low",
                due="03/Jan/27 9:00 AM",
            )
        }
    )
    problems = refused(session, moved, team.manager, project_id=team.project)
    assert list(problems) == [3]
    assert "is answered and cannot become blocked" in problems[3]


def test_a_tree_deeper_than_allowed_is_refused(session: Session, team: Team) -> None:
    rows = [jira_row(n, f"Level {n}", n - 1 if n > 1 else None, "", "") for n in range(1, 53)]
    problems = refused(session, jira_file(*rows).encode(), team.manager, project_id=team.project)
    assert list(problems) == [53]
    assert "at most 50 levels" in problems[53]


def test_a_row_under_the_deepest_question_imported_before_is_too_deep(
    session: Session, team: Team
) -> None:
    """The depth counts from where a row really goes, even under an earlier import."""
    rows = [jira_row(n, f"Level {n}", n - 1 if n > 1 else None, "", "") for n in range(1, 52)]
    run(session, team.manager, jira_file(*rows).encode(), project_id=team.project)  # 0..50
    before = counts(session)
    deeper = jira_file(jira_row(60, "Level 52", 51, "", "")).encode()
    problems = refused(session, deeper, team.manager, project_id=team.project)
    assert list(problems) == [2] and "51 levels" in problems[2]
    assert counts(session) == before
    beside = jira_file(jira_row(61, "Beside level 51", 50, "", "")).encode()
    assert run(session, team.manager, beside, project_id=team.project).created == 1


# --------------------------------------------------------------------------- who may


def test_an_ic_and_a_viewer_are_refused(session: Session, team: Team, qid: int) -> None:
    before = counts(session)
    table = read_table(small_jira())
    mapping = guess_mapping(table.header)
    choices = Choices(mapping, None, id_column(table.header, mapping))
    for who in (team.ic, team.viewer):
        for where in (Where(under_id=qid), Where(project_id=team.project)):
            with pytest.raises(PermissionDenied):
                plan_csv(session, who, table=table, choices=choices, **where)
            with pytest.raises(PermissionDenied):
                import_csv(session, who, table=table, choices=choices, **where)
    assert counts(session) == before


# --------------------------------------------------------------------------- hostile text


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1-1", "-2+3"]


def test_the_hostile_corpus_is_stored_exactly(session: Session, team: Team) -> None:
    titles = [as_line(p.text)[:300] for p in PAYLOADS if as_line(p.text)] + FORMULAS
    bodies = [p.text for p in PAYLOADS] + FORMULAS
    rows = [
        [title, f"H-{n}", "", "", "", "", "", "", bodies[n % len(bodies)], "", "", ""]
        for n, title in enumerate(titles)
    ]
    run(session, team.manager, jira_file(*rows).encode(), project_id=team.project)
    q = keyed(session)
    assert {k: (v.title, v.context) for k, v in q.items()} == {
        f"H-{n}": (title, as_body(bodies[n % len(bodies)])) for n, title in enumerate(titles)
    }


# --------------------------------------------------------------------------- all or nothing


def jira_export(count: int, *, bad_row: int | None = None) -> bytes:
    """A Jira export of ``count`` issues three levels deep (in blocks of ten: an epic, three
    stories under it, six sub-tasks under the stories), assigned by name; the row
    numbered ``bad_row`` (the header is row 1) names nobody on the team."""
    rows = []
    for n in range(1, count + 1):
        at = (n - 1) % 10
        epic = n - at
        parent = None if at == 0 else epic if at <= 3 else epic + 1 + (at - 4) % 3
        who = ("Ines", "ravi@example.com", "")[n % 3]
        status = ("To Do", "In Progress", "Done", "On Hold")[n % 4]
        rows.append(
            jira_row(n, f"Question {n}", parent, who, status, priority=("High", "Low")[n % 2])
        )
    if bad_row is not None:
        rows[bad_row - 2][JIRA.split(",").index("Assignee")] = "Nobody Known"
    return jira_file(*rows).encode()


def test_one_bad_row_of_ten_thousand_writes_nothing(session: Session, team: Team) -> None:
    problems = refused(
        session, jira_export(10_000, bad_row=9_999), team.manager, project_id=team.project
    )
    assert list(problems) == [9_999]
    assert "Nobody Known" in problems[9_999]


class Broke(Exception):
    pass


def _fail_at_the_end(done: int, total: int) -> None:
    if done >= 9_998:
        raise Broke(f"the line went down after {done:,} of {total:,}")


@pytest.mark.parametrize("where", ["progress", "keys", "notifications"])
def test_a_failure_late_in_the_write_leaves_nothing(
    session: Session, team: Team, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    data = jira_export(10_000)
    before = counts(session)
    progress = None
    if where == "progress":  # every question and its events written, the keys not yet
        progress = _fail_at_the_end
    elif where == "keys":  # the last step of the write
        monkeypatch.setattr(write, "_keys", lambda *_: _fail_at_the_end(10_000, 10_000))
    else:  # at the commit, which writes the notifications
        from team.services.core import events

        monkeypatch.setattr(
            events, "write_notifications", lambda *_: _fail_at_the_end(10_000, 10_000)
        )
    with pytest.raises(Broke):
        run(session, team.manager, data, progress=progress, project_id=team.project)
    assert counts(session) == before
    monkeypatch.undo()
    # The database is whole: the same file goes in afterwards, numbered afresh.
    done = run(session, team.manager, jira_export(30), project_id=team.project)
    assert done.created == 30
    assert counts(session).keys == 60  # each issue's key and its Jira Issue id


def test_ten_thousand_rows_arrive_and_arrive_once(session: Session, team: Team) -> None:
    data = jira_export(10_000)
    ticks: list[tuple[int, int]] = []
    done = run(
        session,
        team.manager,
        data,
        progress=lambda d, t: ticks.append((d, t)),
        project_id=team.project,
    )
    assert (done.created, len(done.top)) == (10_000, 1_000)
    assert ticks[-1] == (10_000, 10_000) and len(ticks) >= 20
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)
    q = keyed(session)
    assert len(q) == 10_000
    assert q["DS-10"].parent_id == q["DS-4"].id and q["DS-10"].root_id == q["DS-1"].id
    before = counts(session)
    again = run(session, team.manager, data, project_id=team.project)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10_000)
    assert counts(session) == before


# --------------------------------------------------------------------------- statements


def changed_export(count: int) -> bytes:
    """``jira_export(count)`` edited in its tracker: every title reworded, and every row
    that had no assignee given to Ines (so rows change different sets of fields)."""
    text = jira_export(count).decode()
    return (
        text.replace("Question ", "Reworded question ").replace(",,To Do,", ",Ines,To Do,").encode()
    )


def test_statements_grow_with_the_rows_only_through_batches(session: Session, team: Team) -> None:
    sent: dict[str, int] = {}
    for count in (100, 10_000):
        project = Project(name=f"Imported {count}")  # a project each: the keys are new
        session.add(project)
        session.commit()
        assert project.id is not None
        with counting(session) as seen:
            done = run(session, team.manager, jira_export(count), project_id=project.id)
        assert done.created == count
        sent[f"{count:,} new"] = len(seen)
        with counting(session) as seen:
            done = run(session, team.manager, changed_export(count), project_id=project.id)
        assert (done.created, done.updated) == (0, count)
        sent[f"{count:,} changed"] = len(seen)
    said = ", ".join(f"{rows} rows {n}" for rows, n in sent.items())
    print(f"\nstatements on {session.get_bind().dialect.name}: {said}")
    # What grows is one multi-row INSERT per chunk and table (questions, events,
    # notifications, keys) and one id read per chunk, not a query per row; an update
    # is one executemany per set of fields changed, and a read per thousand keys.
    assert sent["10,000 new"] < 400
    assert sent["10,000 new"] - sent["100 new"] <= (10_000 // write.CHUNK) * 6
    assert sent["10,000 changed"] < 400
    assert sent["10,000 changed"] - sent["100 changed"] <= (10_000 // write.IDS) * 6


def test_two_imports_of_one_file_at_once_take_turns(engine: Engine) -> None:
    """Two managers import the same file into one project at the same moment: one makes
    the questions, the other then finds every key and changes nothing (no error, no
    question twice)."""
    with Session(engine, expire_on_commit=False) as s:
        team = make_team(s)
    data = jira_export(40)
    writing, release = threading.Event(), threading.Event()
    results: dict[str, Imported | BaseException] = {}

    def first_waits(done: int, total: int) -> None:
        writing.set()  # the first is mid-write, holding the project
        release.wait(timeout=30)

    def importer(name: str, progress: Callable[[int, int], None] | None) -> None:
        try:
            with Session(engine) as s:
                results[name] = run(s, team.manager, data, progress, project_id=team.project)
        except BaseException as exc:
            results[name] = exc

    first = threading.Thread(target=importer, args=("first", first_waits))
    first.start()
    assert writing.wait(timeout=30)
    second = threading.Thread(target=importer, args=("second", None))
    second.start()
    second.join(timeout=0.5)  # it waits on the first (it has not finished)
    waited = second.is_alive()
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    done = [results["first"], results["second"]]
    assert all(isinstance(r, Imported) for r in done), done
    made = [r for r in done if isinstance(r, Imported)]
    assert sorted((r.created, r.unchanged) for r in made) == [(0, 40), (40, 0)]
    assert waited
    with Session(engine) as s:
        assert counts(s).questions == 40
