"""The one text rule (team/services/core/text.py) and every service that saves user
text: control characters (NUL above all, which PostgreSQL refuses) are removed the same
way on SQLite and PostgreSQL, everything else of the hostile corpus is stored exactly,
and text over a field's limit is refused with a sentence naming the limit, nothing
saved and nothing cut short."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel, col

from team.models import (
    ActionItem,
    Answer,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
    TrackNote,
)
from team.services.admin import people as team_admin
from team.services.admin import projects as admin_projects
from team.services.admin import rules as admin_rules
from team.services.admin.people import PersonInput
from team.services.admin.projects import ProjectInput
from team.services.answers import writes as answers
from team.services.core.errors import InvalidInput
from team.services.core.text import multi_line, one_line
from team.services.findings import writes as findings
from team.services.findings.writes import FindingInput
from team.services.notes import writes as notes
from team.services.one_on_ones import writes as one_on_ones
from team.services.questions import writes as questions
from team.services.questions.store import CONTEXT_MAX, TITLE_MAX
from team.services.questions.writes import SubQuestion
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from team.vocabulary import FindingStatus
from tests.e2e.payloads import PAYLOADS, Payload, markdown_corpus, too_long
from tests.factories import Team, make_team, root

CONTROLS = "a\x00b\x01c\x07d\x08e\x0bf\x0cg\x1bh\x1fi\x7fj\x80k\x9fl\ud800m"


# --------------------------------------------------------------------------- the rule


def test_one_line_drops_controls_and_collapses_whitespace() -> None:
    assert one_line(CONTROLS, what="x", limit=99, field="x") == "abcdefghijklm"
    assert one_line("  a\tb\n\r\nc  d ", what="x", limit=99, field="x") == "a b c d"


def test_multi_line_keeps_tabs_and_line_breaks_and_unifies_line_ends() -> None:
    text = "  \x00first\tline\r\nsecond\rthird\x1b\n\n  indented\x00 \n"
    assert (
        multi_line(text, what="x", limit=99, field="x")
        == "first\tline\nsecond\nthird\n\n  indented"
    )
    assert multi_line(CONTROLS, what="x", limit=99, field="x") == "abcdefghijklm"


def test_format_characters_and_markup_are_kept() -> None:
    text = "r\u202etl zero\u200bwidth 👩🏽\u200d💻 <b>&amp;</b> '; DROP TABLE question; --"
    assert one_line(text, what="x", limit=99, field="x") == text
    assert multi_line(text, what="x", limit=99, field="x") == text


def test_the_limit_counts_what_is_kept_and_refuses_beyond_it() -> None:
    assert one_line("x" * 10 + "\x00" * 5, what="x", limit=10, field="x") == "x" * 10
    with pytest.raises(InvalidInput) as caught:
        multi_line("x" * 1_001, what="summary", limit=1_000, field="body", hint="be brief")
    assert caught.value.message == (
        "Keep the summary under 1,000 characters (it has 1,001); be brief."
    )
    assert caught.value.field == "body"


def test_empty_after_cleaning_is_refused_only_when_required() -> None:
    assert one_line(" \x00\t", what="x", limit=9, field="x") == ""
    with pytest.raises(InvalidInput, match="Say something"):
        one_line(" \x00\t", what="x", limit=9, field="x", empty="Say something.")


# --------------------------------------------------------------------------- services


@dataclass
class World:
    s: Session
    t: Team
    root: int
    sub: int
    finding: int
    review: int
    meeting: int


@pytest.fixture
def w(session: Session) -> World:
    team = make_team(session)
    rid = root(session, team)
    [sub] = questions.add_subquestions(
        session,
        team.manager,
        parent_id=rid,
        items=[SubQuestion("Which plans churned?", assignee_id=team.ic)],
    )
    fid = findings.log_finding(
        session, team.ic, question_id=sub.id, data=FindingInput(summary="SMB churned")
    ).id
    rev = reviews.request_review(
        session, team.ic, data=ReviewInput(sub.id, team.manager, "https://example.org/pr/1")
    )
    meeting = one_on_ones.start(session, team.manager, report_id=team.ic)
    return World(session, team, rid, sub.id, fid, rev, meeting)


def _read(w: World, model: type[SQLModel], row_id: int, column: str) -> str:
    w.s.expire_all()
    row = w.s.get(model, row_id)
    assert row is not None
    return str(getattr(row, column))


# Each saver stores ``text`` in one field through its service and returns what the
# database then holds. One-line fields come first, Markdown fields after.
Saver = Callable[[World, str], str]


def _sub_question(w: World, text: str) -> str:
    [q] = questions.add_subquestions(w.s, w.t.manager, parent_id=w.root, items=[SubQuestion(text)])
    return _read(w, Question, q.id, "title")


def _finding_summary(w: World, text: str) -> str:
    f = findings.log_finding(w.s, w.t.ic, question_id=w.sub, data=FindingInput(summary=text))
    return _read(w, Finding, f.id, "summary")


def _track_name(w: World, text: str) -> str:
    nid = one_on_ones.add_track_note(
        w.s, w.t.manager, one_on_one_id=w.meeting, track=text, body="body"
    )
    return _read(w, TrackNote, nid, "track")


def _action_item(w: World, text: str) -> str:
    aid = one_on_ones.add_action_item(
        w.s, w.t.manager, one_on_one_id=w.meeting, owner_id=w.t.ic, description=text
    )
    return _read(w, ActionItem, aid, "description")


def _person_name(w: World, text: str) -> str:
    count = w.s.scalar(select(func.count()).select_from(Person))
    data = PersonInput(name=text, email=f"p{count}@example.org")
    return _read(w, Person, team_admin.add_person(w.s, w.t.manager, data=data).id, "name")


def _project_name(w: World, text: str) -> str:
    project = admin_projects.add_project(w.s, w.t.manager, data=ProjectInput(name=text))
    return _read(w, Project, project.id, "name")


def _context(w: World, text: str) -> str:
    q = questions.create_question(
        w.s,
        w.t.manager,
        data=questions.QuestionCreate(title="t", context=text, project_id=w.t.project),
    )
    return _read(w, Question, q.id, "context")


def _finding_body(w: World, text: str) -> str:
    f = findings.log_finding(
        w.s, w.t.ic, question_id=w.sub, data=FindingInput(summary="s", body=text)
    )
    return _read(w, Finding, f.id, "body")


def _send_back_reason(w: World, text: str) -> str:
    findings.move_finding(
        w.s,
        w.t.manager,
        finding_id=w.finding,
        version=1,
        status=FindingStatus.NEEDS_WORK,
        reason=text,
    )
    note = w.s.scalars(select(Note).where(col(Note.finding_id) == w.finding)).one()
    return str(note.body)


def _review_focus(w: World, text: str) -> str:
    data = ReviewInput(w.sub, w.t.manager, "https://example.org/pr/2", focus=text)
    return _read(w, ReviewRequest, reviews.request_review(w.s, w.t.ic, data=data), "focus")


def _note(w: World, text: str) -> str:
    return _read(
        w,
        Note,
        notes.add_note(w.s, w.t.manager, target="review_request", target_id=w.review, body=text),
        "body",
    )


def _answer(w: World, text: str) -> str:
    answer = answers.save_answer(
        w.s, w.t.manager, question_id=w.sub, based_on=None, data=answers.AnswerInput(body=text)
    )
    return _read(w, Answer, answer.id, "body")


def _meeting_notes(w: World, text: str) -> str:
    one_on_ones.edit_notes(w.s, w.t.manager, one_on_one_id=w.meeting, version=1, notes=text)
    return _read(w, OneOnOne, w.meeting, "notes")


def _track_note(w: World, text: str) -> str:
    nid = one_on_ones.add_track_note(
        w.s, w.t.manager, one_on_one_id=w.meeting, track="Growth", body=text
    )
    return _read(w, TrackNote, nid, "body")


def _project_description(w: World, text: str) -> str:
    data = ProjectInput(name="Described", description=text)
    return _read(
        w, Project, admin_projects.add_project(w.s, w.t.manager, data=data).id, "description"
    )


ONE_LINE: dict[str, tuple[Saver, int]] = {
    "question title": (_sub_question, TITLE_MAX),
    "finding summary": (_finding_summary, findings.SUMMARY_MAX),
    "track name": (_track_name, one_on_ones.TRACK_MAX),
    "action item": (_action_item, one_on_ones.ACTION_MAX),
    "person name": (_person_name, admin_rules.NAME_MAX),
    "project name": (_project_name, admin_rules.NAME_MAX),
}
MARKDOWN: dict[str, tuple[Saver, int]] = {
    "question context": (_context, CONTEXT_MAX),
    "finding body": (_finding_body, findings.BODY_MAX),
    "send-back reason": (_send_back_reason, findings.REASON_MAX),
    "review focus": (_review_focus, reviews.FOCUS_MAX),
    "note": (_note, notes.BODY_MAX),
    "answer": (_answer, answers.BODY_MAX),
    "one-on-one notes": (_meeting_notes, one_on_ones.NOTES_MAX),
    "track note": (_track_note, one_on_ones.TRACK_BODY_MAX),
    "project description": (_project_description, admin_projects.DESCRIPTION_MAX),
}


def _fits(payloads: list[Payload], limit: int) -> list[Payload]:
    return [p for p in payloads if len(p.line) <= limit]


@pytest.mark.parametrize("field", list(ONE_LINE))
def test_every_payload_is_stored_as_one_line(w: World, field: str) -> None:
    save, limit = ONE_LINE[field]
    payloads = _fits(PAYLOADS, limit)
    assert len(payloads) >= 30
    stored = {p.name: save(w, p.text) for p in payloads}
    assert stored == {p.name: p.line for p in payloads}


@pytest.mark.parametrize("field", list(MARKDOWN))
def test_the_whole_corpus_is_stored_as_markdown(w: World, field: str) -> None:
    save, _limit = MARKDOWN[field]
    corpus = markdown_corpus()
    assert "\x00" in corpus
    stored = save(w, corpus)
    assert stored == "\n\n".join(p.body for p in PAYLOADS)
    assert "\x00" not in stored


def _rows(w: World) -> dict[str, int]:
    models: list[type[SQLModel]] = [
        Question, Finding, Note, ReviewRequest, Answer, TrackNote, ActionItem, Person, Project
    ]  # fmt: skip
    w.s.rollback()
    return {m.__name__: int(w.s.scalar(select(func.count()).select_from(m)) or 0) for m in models}


@pytest.mark.parametrize("field", [*ONE_LINE, *MARKDOWN])
def test_over_the_limit_is_refused_and_nothing_is_saved(w: World, field: str) -> None:
    save, limit = {**ONE_LINE, **MARKDOWN}[field]
    before = _rows(w)
    notes_before = _read(w, OneOnOne, w.meeting, "notes")
    text = too_long(limit)
    with pytest.raises(InvalidInput) as caught:
        save(w, text)
    assert caught.value.message.startswith("Keep the ")
    assert f"under {limit:,} characters (it has {limit + 1:,})" in caught.value.message
    assert _rows(w) == before
    assert _read(w, OneOnOne, w.meeting, "notes") == notes_before


def test_a_link_with_control_characters_is_stored_without_them(w: World) -> None:
    url = "https://example.org/nb\x00/\x1bchurn.ipynb"
    f = findings.log_finding(
        w.s, w.t.ic, question_id=w.sub, data=FindingInput(summary="s", links=(url,))
    )
    data = ReviewInput(w.sub, w.t.manager, url)
    review = reviews.request_review(w.s, w.t.ic, data=data)
    w.s.expire_all()
    assert findings.load(w.s, f.id).links == ["https://example.org/nb/churn.ipynb"]
    assert _read(w, ReviewRequest, review, "artifact_url") == "https://example.org/nb/churn.ipynb"


def test_an_email_with_a_nul_is_stored_without_it(w: World) -> None:
    data = PersonInput(name="Nul\x00 Person", email="nul\x00@Example.org")
    person = team_admin.add_person(w.s, w.t.manager, data=data)
    assert _read(w, Person, person.id, "email") == "nul@example.org"
    assert _read(w, Person, person.id, "name") == "Nul Person"


def test_a_breakdown_line_is_not_split_by_a_control_character(w: World) -> None:
    text = "first\x0cstill first\x1equestion\nsecond\x00 question"
    added = questions.add_subquestions_from_text(w.s, w.t.manager, parent_id=w.root, text=text)
    assert [q.title for q in added] == ["firststill firstquestion", "second question"]
