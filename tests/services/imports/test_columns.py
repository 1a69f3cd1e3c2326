"""The columns of a CSV import (team/services/imports/columns.py): the guess of which
column holds each field from the header names real exports use (Jira, Linear, GitHub
issues, spreadsheets), and the readers that make a tracker's status, priority and date
words ours, refusing what they cannot read with a sentence naming the value."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from team.services.imports.columns import (
    Column,
    Mapping,
    date_of,
    date_order,
    guess_mapping,
    id_column,
    priority_of,
    status_of,
)
from team.vocabulary import Priority, QuestionStatus


def header_of(line: str) -> list[str]:
    """A header line as an export writes it."""
    return next(csv.reader([line]))


JIRA = header_of(
    "Summary,Issue key,Issue id,Issue Type,Status,Project key,Project name,Priority,"
    "Resolution,Assignee,Assignee Id,Reporter,Reporter Id,Created,Updated,Resolved,Due date,"
    "Labels,Labels,Description,Watchers,Watchers,Sprint,Custom field (Story Points),"
    "Custom field (Technique),Parent,Parent summary,Status Category,Component/s"
)
LINEAR = header_of(
    "ID,Team,Title,Description,Status,Estimate,Priority,Project ID,Project,Creator,Assignee,"
    "Labels,Cycle Number,Cycle Name,Created,Updated,Started,Completed,Canceled,Due Date,"
    "Parent issue,Project Milestone,SLA Status"
)
GITHUB = header_of("number,title,body,state,assignees,milestone,labels,url,createdAt")


def named(header: list[str], mapping: Mapping) -> dict[Column, str]:
    return {field: header[index] for field, index in mapping.items()}


def test_every_field_has_a_label_people_read() -> None:
    assert [c.label for c in Column] == [
        "Title",
        "External key",
        "Parent key",
        "Assignee (email or name)",
        "Status",
        "Priority",
        "Due date",
        "Technique",
        "Context",
    ]
    assert Column("parent_key") is Column.PARENT_KEY


# --- guesses


def test_a_jira_export_is_mapped() -> None:
    assert named(JIRA, guess_mapping(JIRA)) == {
        Column.TITLE: "Summary",
        Column.KEY: "Issue key",
        Column.PARENT_KEY: "Parent",
        Column.ASSIGNEE: "Assignee",
        Column.STATUS: "Status",
        Column.PRIORITY: "Priority",
        Column.DUE_DATE: "Due date",
        Column.TECHNIQUE: "Custom field (Technique)",
        Column.CONTEXT: "Description",
    }


def test_jira_parent_ids_can_be_looked_up_in_the_issue_id_column() -> None:
    mapping = guess_mapping(JIRA)
    assert id_column(JIRA, mapping) == JIRA.index("Issue id")
    assert id_column(LINEAR, guess_mapping(LINEAR)) is None  # Linear's ID is the key


def test_a_linear_export_is_mapped() -> None:
    assert named(LINEAR, guess_mapping(LINEAR)) == {
        Column.TITLE: "Title",
        Column.KEY: "ID",
        Column.PARENT_KEY: "Parent issue",
        Column.ASSIGNEE: "Assignee",
        Column.STATUS: "Status",
        Column.PRIORITY: "Priority",
        Column.DUE_DATE: "Due Date",
        Column.CONTEXT: "Description",
    }


def test_a_github_issues_export_is_mapped() -> None:
    assert named(GITHUB, guess_mapping(GITHUB)) == {
        Column.TITLE: "title",
        Column.KEY: "number",
        Column.ASSIGNEE: "assignees",
        Column.STATUS: "state",
        Column.CONTEXT: "body",
    }
    single = ["number", "title", "assignee", "state"]
    assert named(single, guess_mapping(single))[Column.ASSIGNEE] == "assignee"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Key", "Question", "Parent", "Owner", "Deadline", "Method", "Notes"],
            ["key", "title", "parent_key", "assignee", "due_date", "technique", "context"],
        ),
        (
            ["ID", "Sub-question", "Parent", "Assigned to", "Deadline", "Technique", "Notes"],
            ["key", "title", "parent_key", "assignee", "due_date", "technique", "context"],
        ),
        (
            ["  QUESTION ", "due_date", "Assignee e-mail:", "TECHNIQUE(S)", "context."],
            ["title", "due_date", "assignee", "technique", "context"],
        ),
    ],
)
def test_spreadsheet_headers_are_mapped_whatever_their_case_and_punctuation(
    header: list[str], expected: list[str]
) -> None:
    mapping = guess_mapping(header)
    assert [mapping.get(Column(field)) for field in expected] == list(range(len(header)))


def test_a_key_column_beats_an_id_column_whatever_their_order() -> None:
    for header in (["Issue id", "Issue key", "Summary"], ["Issue key", "Issue id", "Summary"]):
        assert named(header, guess_mapping(header))[Column.KEY] == "Issue key"
    spreadsheet = ["ID", "Key", "Question"]
    assert named(spreadsheet, guess_mapping(spreadsheet))[Column.KEY] == "Key"


def test_the_parent_column_holding_keys_is_preferred() -> None:
    for header, parent in (
        (["Summary", "Parent id", "Parent"], "Parent"),
        (["Summary", "Parent", "Parent id", "Parent key"], "Parent key"),
        (["Summary", "Issue key", "Parent id"], "Parent id"),
    ):
        assert named(header, guess_mapping(header))[Column.PARENT_KEY] == parent


def test_a_parent_summary_or_an_account_id_is_never_guessed() -> None:
    header = ["Summary", "Parent summary", "Assignee Id"]
    assert guess_mapping(header) == {Column.TITLE: 0}


def test_an_email_assignee_column_beats_a_name_one_whatever_their_order() -> None:
    for header in (["Title", "Assignee", "Assignee email"], ["Title", "Assignee Email", "Owner"]):
        assert "mail" in named(header, guess_mapping(header))[Column.ASSIGNEE].lower()


@pytest.mark.parametrize("header", [JIRA, LINEAR, GITHUB, ["Title", "Summary", "Question"]])
def test_each_column_is_guessed_for_one_field_at_most(header: list[str]) -> None:
    mapping = guess_mapping(header)
    assert len(set(mapping.values())) == len(mapping)
    assert min(mapping.values()) >= 0
    assert max(mapping.values()) < len(header)


def test_the_first_of_equally_good_columns_wins() -> None:
    header = ["Notes", "Title", "Summary", "Description"]
    assert guess_mapping(header) == {Column.TITLE: 1, Column.CONTEXT: 3}


def test_unknown_names_guess_nothing() -> None:
    assert guess_mapping(["Foo", "Bar", "", "Labels", "Component/s", "milestone"]) == {}


# --- statuses

STATUS_WORDS = {
    QuestionStatus.OPEN: [
        "To Do", "TODO", "to-do", "Backlog", "Open", "New", "Selected for Development",
        "Triage", "open",
    ],
    QuestionStatus.IN_PROGRESS: [
        "In Progress", "in_progress", "IN PROGRESS", "In Review", "Doing", "Started",
        "In Development",
    ],
    QuestionStatus.BLOCKED: ["Blocked", "On Hold", "on-hold", "Waiting", "Paused"],
    QuestionStatus.ANSWERED: [
        "Done", "Closed", "closed", "Resolved", "Complete", "Completed", "Answered", "Fixed",
    ],
    QuestionStatus.DROPPED: [
        "Cancelled", "Canceled", "Won't Do", "Won\u2019t do", "Wont Do", "Duplicate",
        "Dropped", "Rejected", "Invalid", "Not planned",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("word", "status"),
    [(word, status) for status, words in STATUS_WORDS.items() for word in words],
)
def test_tracker_status_words_are_read(word: str, status: QuestionStatus) -> None:
    assert status_of(f"  {word} ") == status


@pytest.mark.parametrize("status", list(QuestionStatus))
def test_our_own_status_codes_and_labels_are_read(status: QuestionStatus) -> None:
    assert status_of(status.value) == status
    assert status_of(status.label) == status
    assert status_of(status.label.title()) == status


def test_an_empty_status_is_none() -> None:
    assert status_of("") is None
    assert status_of("   ") is None


def test_an_unknown_status_is_refused_with_the_words_accepted() -> None:
    with pytest.raises(ValueError, match="status") as caught:
        status_of("Someday maybe")
    said = str(caught.value)
    assert '"Someday maybe" is not one we know' in said
    assert "open, in progress, blocked, answered or dropped" in said
    assert "To Do" in said


# --- priorities

PRIORITY_WORDS = {
    Priority.URGENT: ["Highest", "Blocker", "Critical", "Urgent", "P0", "p0", "1"],
    Priority.HIGH: ["High", "Major", "P1", "2", "HIGH"],
    Priority.MEDIUM: ["Medium", "Normal", "P2", "3"],
    Priority.LOW: ["Low", "Lowest", "Minor", "Trivial", "P3", "P4", "4"],
}


@pytest.mark.parametrize(
    ("word", "priority"),
    [(word, priority) for priority, words in PRIORITY_WORDS.items() for word in words],
)
def test_tracker_priority_words_and_linear_numbers_are_read(word: str, priority: Priority) -> None:
    assert priority_of(f" {word} ") == priority


@pytest.mark.parametrize("priority", list(Priority))
def test_our_own_priorities_are_read(priority: Priority) -> None:
    assert priority_of(priority.value) == priority
    assert priority_of(priority.label.upper()) == priority


@pytest.mark.parametrize("word", ["", "  ", "No priority", "None", "0"])
def test_no_priority_is_none(word: str) -> None:
    assert priority_of(word) is None


def test_an_unknown_priority_is_refused_with_the_words_accepted() -> None:
    with pytest.raises(ValueError, match="priority") as caught:
        priority_of("5")
    said = str(caught.value)
    assert '"5" is not one we know' in said
    assert "low, medium, high or urgent" in said
    assert "1 urgent to 4 low" in said


# --- dates


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-12-20", "dmy", date(2026, 12, 20)),
        ("2026-1-5", "mdy", date(2026, 1, 5)),
        ("2026-12-20T16:05:00Z", "dmy", date(2026, 12, 20)),
        ("2026-12-20T23:30:00-08:00", "dmy", date(2026, 12, 20)),  # the date as written
        ("2026-12-20 00:30:00+02:00", "dmy", date(2026, 12, 20)),
        ("2026-12-20T16:05:00.123456", "dmy", date(2026, 12, 20)),
        ("2026/12/20", "mdy", date(2026, 12, 20)),
        ("2026.12.20", "dmy", date(2026, 12, 20)),
        ("20/Dec/26 4:05 PM", "mdy", date(2026, 12, 20)),
        ("20/Dec/26", "dmy", date(2026, 12, 20)),
        ("5/jan/2027 11:00 am", "dmy", date(2027, 1, 5)),
        ("Dec 20, 2026", "dmy", date(2026, 12, 20)),
        ("dec 20 2026", "dmy", date(2026, 12, 20)),
        ("December 20 2026", "dmy", date(2026, 12, 20)),
        ("Sept 3, 2026", "dmy", date(2026, 9, 3)),
        ("20 Dec 2026", "mdy", date(2026, 12, 20)),
        ("20 DECEMBER 2026", "dmy", date(2026, 12, 20)),
        ("20-Dec-26", "dmy", date(2026, 12, 20)),
        ("3rd March 2026", "dmy", date(2026, 3, 3)),
        ("03/04/2026", "dmy", date(2026, 4, 3)),
        ("03/04/2026", "mdy", date(2026, 3, 4)),
        ("3.4.26", "dmy", date(2026, 4, 3)),
        ("3-4-2026", "mdy", date(2026, 3, 4)),
        ("20/12/2026 16:05", "dmy", date(2026, 12, 20)),
        ("12/20/26", "mdy", date(2026, 12, 20)),
    ],
)
def test_dates_are_read_in_every_form_exports_write(text: str, order: str, expected: date) -> None:
    assert date_of(text, order=order) == expected


def test_numeric_dates_are_day_first_unless_told() -> None:
    assert date_of("03/04/2026") == date(2026, 4, 3)


def test_an_empty_date_is_none() -> None:
    assert date_of("") is None
    assert date_of("  ") is None


@pytest.mark.parametrize("text", ["tomorrow", "2026-12", "20/12", "Q3 2026", "20261220"])
def test_a_date_in_an_unknown_form_is_refused_with_the_forms_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=f'"{text}" is not in a form we read') as caught:
        date_of(text)
    assert "2026-12-20 (year-month-day)" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "order"), [("31/02/2026", "dmy"), ("2026-13-01", "dmy"), ("12/20/2026", "dmy")]
)
def test_a_date_that_does_not_exist_is_refused(text: str, order: str) -> None:
    with pytest.raises(ValueError, match=f'"{text}" does not exist') as caught:
        date_of(text, order=order)
    assert "check the day and the month" in str(caught.value)


def test_an_unknown_month_name_is_refused() -> None:
    with pytest.raises(ValueError, match='names a month we do not know \\("Dez"\\)'):
        date_of("20/Dez/26")


def test_a_date_order_other_than_dmy_or_mdy_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="dmy"):
        date_of("01/02/2026", order="ymd")


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["01/02/2026", "20/12/2026", ""], "dmy"),
        (["01/02/2026", "12/20/2026 4:05 PM"], "mdy"),
        (["01.02.26", "31.01.26"], "dmy"),
        (["01/02/2026", "03/04/2026"], None),  # nothing tells
        (["2026-12-20", "20/Dec/26", "Dec 20, 2026", ""], None),  # no numeric d/m/y
        ([], None),
    ],
)
def test_a_columns_date_order_is_told_by_its_dates(values: list[str], order: str | None) -> None:
    assert date_order(values) == order


def test_a_column_mixing_day_first_and_month_first_is_refused() -> None:
    with pytest.raises(ValueError, match="mix day-first") as caught:
        date_order(["20/12/2026", "01/01/2026", "12/20/2026"])
    said = str(caught.value)
    assert '"20/12/2026"' in said
    assert '"12/20/2026"' in said
    assert "write them all one way" in said


def test_a_long_value_is_cut_short_in_the_sentence() -> None:
    with pytest.raises(ValueError, match="is not one we know") as caught:
        status_of("x" * 500)
    assert len(str(caught.value)) < 300
    assert "…" in str(caught.value)
