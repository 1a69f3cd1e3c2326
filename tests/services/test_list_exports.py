"""CSV exports of the lists people see, on SQLite and PostgreSQL: the questions of a
tree, the findings beneath a question, the Reviews page's lists and My work's queue.
Each reads in words (labels, names, titles, ISO dates), holds every row of the list and
only what the page would show the person exporting, keeps a hostile title exact or
(where it would start a formula) made text, and costs the same statements for 3 rows as
for 30."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session

from team.bench.statements import counting
from team.services.core.errors import PermissionDenied
from team.services.core.exports import FORMULA_START
from team.services.findings import writes as findings
from team.services.findings.export import findings_csv
from team.services.findings.writes import FindingInput
from team.services.inbox.export import my_work_csv
from team.services.questions import status as question_status
from team.services.questions import writes as questions
from team.services.questions.export import tree_csv
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.export import reviews_csv
from team.services.reviews.writes import ReviewInput
from team.vocabulary import Confidence, FindingKind, Priority, QuestionStatus
from tests.factories import Team, make_team, root
from tests.raw_words import raw_names_in

URL = "https://team.example.com"
PR = "https://github.com/acme/churn/pull/418"
DUE = date(2026, 4, 1)
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ROOT_TITLE = "Why did retention drop in Q3?"


@dataclass(frozen=True)
class Story:
    team: Team
    root: int
    segments: int  # assigned to the IC, in progress, due DUE
    cohorts: int  # below segments, assigned to the other IC
    pricing: int  # beside segments, unassigned
    other_root: int  # another general question, assigned to the IC


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


def _sub(session: Session, team: Team, parent: int, item: SubQuestion) -> int:
    [made] = questions.add_subquestions(session, team.manager, parent_id=parent, items=[item])
    return made.id


@pytest.fixture
def story(session: Session) -> Story:
    team = make_team(session)
    rid = root(session, team, ROOT_TITLE)
    segments = _sub(
        session,
        team,
        rid,
        SubQuestion(
            "Which segments churned?",
            assignee_id=team.ic,
            technique="statistics",
            priority=Priority.HIGH,
            due_date=DUE,
        ),
    )
    cohorts = _sub(
        session, team, segments, SubQuestion("Which cohorts?", assignee_id=team.other_ic)
    )
    pricing = _sub(session, team, rid, SubQuestion("Did pricing change?"))
    question_status.set_status(
        session, team.ic, question_id=segments, version=1, status=QuestionStatus.IN_PROGRESS
    )
    data = FindingInput(
        "Dropped test accounts",
        body="We removed 412 internal accounts.",
        links=(PR,),
        kind=FindingKind.DATA_DECISION,
        confidence=Confidence.HIGH,
    )
    findings.log_finding(session, team.ic, question_id=segments, data=data)
    findings.log_finding(
        session, team.other_ic, question_id=cohorts, data=FindingInput("Cohort 7"), share=False
    )
    findings.log_finding(session, team.manager, question_id=pricing, data=FindingInput("Flat"))
    reviews.request_review(
        session, team.ic, data=ReviewInput(segments, team.manager, PR, focus="the join")
    )
    other = root(session, team, "Should we replace the pricing heuristic?")
    _sub(session, team, other, SubQuestion("What does the heuristic cost?", assignee_id=team.ic))
    return Story(team, rid, segments, cohorts, pricing, other)


# --------------------------------------------------------------------------- the tree


def test_the_tree_reads_in_words_with_every_node_in_outline_order(
    session: Session, story: Story
) -> None:
    text = tree_csv(session, story.team.viewer, root_id=story.root, public_url=URL)
    header = _header(text)
    assert header[:3] == ["Id", "Level", "Question"]
    assert {"Status", "Assignee", "Owner", "Due", "Parent", "Link"} <= set(header)
    rows = _rows(text)
    assert [r["Question"] for r in rows] == [
        ROOT_TITLE,
        "Which segments churned?",
        "Which cohorts?",
        "Did pricing change?",
    ]
    segments = rows[1]
    assert segments["Level"] == "1"
    assert segments["Parent"] == ROOT_TITLE
    assert segments["Parent id"] == str(story.root)
    assert segments["Status"] == "In progress"
    assert segments["Assignee"] == "Ines"
    assert segments["Owner"] == "Maya"
    assert segments["Project"] == "Retention"
    assert segments["Priority"] == "High"
    assert segments["Technique"] == "statistics"
    assert segments["Due"] == "2026-04-01"
    assert MOMENT.match(segments["Created (UTC)"]), segments["Created (UTC)"]
    assert segments["Link"] == f"{URL}/questions?root={story.root}&node={story.segments}"
    assert rows[2]["Level"] == "2" and rows[2]["Parent"] == "Which segments churned?"
    assert rows[3]["Assignee"] == ""  # unassigned
    assert (rows[0]["Answered leaves"], rows[0]["Leaves"]) == ("0", "2")
    assert not raw_names_in(text)


def test_the_tree_holds_more_than_a_page_shows(session: Session, story: Story) -> None:
    items = [SubQuestion(f"Sub-question {n:02}") for n in range(60)]  # the page shows 50
    questions.add_subquestions(session, story.team.manager, parent_id=story.pricing, items=items)
    rows = _rows(tree_csv(session, story.team.ic, root_id=story.root))
    below = [r["Question"] for r in rows if r["Parent id"] == str(story.pricing)]
    assert below == [f"Sub-question {n:02}" for n in range(60)]
    assert rows[-1]["Link"].startswith("questions?root=")  # no address given: the app's link


# --------------------------------------------------------------------------- findings


def test_findings_beneath_a_question_are_its_own_and_its_sub_questions(
    session: Session, story: Story
) -> None:
    text = findings_csv(session, story.team.viewer, question_id=story.segments, public_url=URL)
    assert _header(text)[:4] == ["Id", "Finding", "Question id", "Question"]
    rows = _rows(text)
    assert [r["Finding"] for r in rows] == ["Cohort 7", "Dropped test accounts"]  # newest first
    draft, decision = rows
    assert draft["Status"] == "Draft" and draft["Author"] == "Ravi"
    assert draft["Question"] == "Which cohorts?"
    assert decision["Kind"] == "Data-cleaning decision"
    assert decision["Confidence"] == "High"
    assert decision["Status"] == "Shared"
    assert decision["Evidence links"] == PR
    assert decision["Details"] == "We removed 412 internal accounts."
    assert MOMENT.match(decision["Logged (UTC)"])
    assert decision["Link"] == (
        f"{URL}/questions?root={story.root}&node={story.segments}&finding={decision['Id']}"
    )
    assert not raw_names_in(text)
    everything = _rows(findings_csv(session, story.team.ic, question_id=story.root))
    assert {r["Finding"] for r in everything} == {"Cohort 7", "Dropped test accounts", "Flat"}


# --------------------------------------------------------------------------- reviews


def test_reviews_waiting_on_the_reviewer_read_in_words(session: Session, story: Story) -> None:
    text = reviews_csv(session, story.team.manager, which="queue", public_url=URL)
    assert {"Question", "Requester", "Reviewer", "Status", "Requested (UTC)"} <= set(_header(text))
    [row] = _rows(text)
    assert row["Question"] == "Which segments churned?"
    assert row["General question"] == ROOT_TITLE
    assert (row["Requester"], row["Reviewer"]) == ("Ines", "Maya")
    assert row["Status"] == "Open"
    assert row["Artifact"] == PR and row["Focus"] == "the join"
    assert MOMENT.match(row["Requested (UTC)"])
    assert row["First response (UTC)"] == "" and row["Hours to first response"] == ""
    assert row["Open must-fix notes"] == "0"
    assert row["Link"] == f"{URL}/reviews?review={row['Id']}"
    assert not raw_names_in(text)


def test_each_person_exports_the_review_lists_their_page_shows(
    session: Session, story: Story
) -> None:
    team = story.team
    assert _rows(reviews_csv(session, team.ic, which="queue")) == []  # nothing waits on Ines
    [mine] = _rows(reviews_csv(session, team.ic, which="mine"))
    assert mine["Requester"] == "Ines"
    assert _rows(reviews_csv(session, team.other_ic, which="mine")) == []
    with pytest.raises(PermissionDenied):  # "All open" is a manager's tab
        reviews_csv(session, team.ic, which="open")
    with pytest.raises(PermissionDenied):  # viewers have no Reviews page
        reviews_csv(session, team.viewer, which="mine")
    assert len(_rows(reviews_csv(session, team.other_manager, which="open"))) == 1
    searched = reviews_csv(session, team.manager, which="open", search="SEGMENTS churned")
    assert len(_rows(searched)) == 1
    assert _rows(reviews_csv(session, team.manager, which="open", search="pricing")) == []


# --------------------------------------------------------------------------- my work


def test_my_work_is_the_ics_own_queue_in_words(session: Session, story: Story) -> None:
    text = my_work_csv(session, story.team.ic, stale_after_days=14, public_url=URL)
    assert _header(text)[:5] == ["Question", "General question", "Project", "Status", "Due"]
    rows = _rows(text)
    assert [r["Question"] for r in rows] == [
        "Which segments churned?",  # due first
        "What does the heuristic cost?",
    ]
    segments = rows[0]
    assert segments["General question"] == ROOT_TITLE
    assert segments["Status"] == "In progress"
    assert segments["Due"] == "2026-04-01"
    assert MOMENT.match(segments["Last evidence (UTC)"])
    assert segments["Stale"] == "No"
    assert segments["Open reviews"] == "1"
    assert segments["Link"] == f"{URL}/questions?root={story.root}&node={story.segments}"
    assert rows[1]["Last evidence (UTC)"] == ""
    assert not raw_names_in(text)
    others = _rows(my_work_csv(session, story.team.other_ic, stale_after_days=14))
    assert [r["Question"] for r in others] == ["Which cohorts?"]
    with pytest.raises(PermissionDenied):
        my_work_csv(session, story.team.viewer, stale_after_days=14)


# --------------------------------------------------------------------------- hostile text

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)",
    "+1-1",
    "-2+3",
    '<script>alert("x")</script>, with "quotes", commas; and ümlauts',
    "a title = not a formula",
]


def test_a_hostile_title_is_exact_or_made_text_in_every_export(
    session: Session, story: Story
) -> None:
    team = story.team
    items = [SubQuestion(t, assignee_id=team.ic) for t in HOSTILE]
    made = questions.add_subquestions(session, team.manager, parent_id=story.root, items=items)
    for sub, title in zip(made, HOSTILE, strict=True):
        findings.log_finding(session, team.ic, question_id=sub.id, data=FindingInput(title))
        reviews.request_review(session, team.ic, data=ReviewInput(sub.id, team.manager, PR))
    exported = {
        "tree": (tree_csv(session, team.manager, root_id=story.root), "Question"),
        "findings": (findings_csv(session, team.manager, question_id=story.root), "Finding"),
        "reviews": (reviews_csv(session, team.manager, which="open"), "Question"),
        "my work": (my_work_csv(session, team.ic, stale_after_days=14), "Question"),
    }
    for name, (text, column) in exported.items():
        cells = {r[column] for r in _rows(text)}
        for title in HOSTILE:
            expected = "'" + title if title.startswith(FORMULA_START) else title
            assert expected in cells, (name, title)
        assert not [c for c in cells if c.startswith(FORMULA_START)], name


# --------------------------------------------------------------------------- statements


def _grow(session: Session, story: Story, n: int) -> None:
    """``n`` more sub-questions assigned to the IC, each with a finding and a review."""
    team = story.team
    items = [SubQuestion(f"Grown {n}.{i}", assignee_id=team.ic) for i in range(n)]
    made = questions.add_subquestions(session, team.manager, parent_id=story.root, items=items)
    for sub in made:
        findings.log_finding(session, team.ic, question_id=sub.id, data=FindingInput("x"))
        reviews.request_review(session, team.ic, data=ReviewInput(sub.id, team.manager, PR))


def _statements(session: Session, story: Story) -> dict[str, int]:
    team = story.team
    exports: dict[str, Callable[[], str]] = {
        "tree": lambda: tree_csv(session, team.manager, root_id=story.root),
        "findings": lambda: findings_csv(session, team.manager, question_id=story.root),
        "queue": lambda: reviews_csv(session, team.manager, which="queue"),
        "mine": lambda: reviews_csv(session, team.ic, which="mine"),
        "open": lambda: reviews_csv(session, team.manager, which="open", search="Grown"),
        "my work": lambda: my_work_csv(session, team.ic, stale_after_days=14),
    }
    counts = {}
    for name, export in exports.items():
        with counting(session) as seen:
            export()
        counts[name] = len(seen)
    return counts


def test_an_export_costs_the_same_statements_for_3_rows_as_for_30(
    session: Session, story: Story
) -> None:
    _grow(session, story, 3)
    few = _statements(session, story)
    _grow(session, story, 27)
    many = _statements(session, story)
    assert many == few
    rows = _rows(reviews_csv(session, story.team.manager, which="open", search="Grown"))
    assert len(rows) == 30
