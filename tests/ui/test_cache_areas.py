"""Cached reads keyed by the kinds of thing they depend on (team/ui/resources.py): a read
given ``ignoring=TALK`` stays cached across notes and one-on-ones, so it must return the
same after any of them. Here every such read is run on a generated organisation before
and after a round of conversation (notes on a finding, a question, an answer and a
review, a resolved note, a one-on-one with a track note and an action item ticked),
which must move no other kind's version; and a side effect beyond talk (the reviewer's
must-fix note asks for changes) moves its own kind's version."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select

import team.services.progress.history
import team.services.progress.people
import team.ui.progress_charts
import team.ui.reads
import team.ui.team_tables
from team import db
from team.bench.generate import generate
from team.bench.sizes import SIZES
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
)
from team.services.core.paging import Window
from team.services.notes import writes as notes
from team.services.one_on_ones import writes as meetings
from team.services.questions.portfolio import PortfolioFilter
from team.services.reviews import writes as reviews
from team.services.reviews.writes import ReviewInput
from team.ui.resources import IGNORING, TALK
from team.vocabulary import Entity, NoteKind, Role

# Later than every write of the test: a read at NOW sees them all.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
TODAY = NOW.date()


def _ids(session: Session) -> dict[str, int]:
    def first(query: Any) -> int:
        value = session.exec(query.limit(1)).first()
        assert value is not None, query
        return int(value)

    finding = session.exec(select(Finding).order_by(col(Finding.id))).first()
    assert finding is not None and finding.id is not None
    question = session.get(Question, finding.question_id)
    assert question is not None
    return {
        "root": question.root_id or finding.question_id,
        "node": finding.question_id,
        "finding": finding.id,
        "author": finding.author_id,
        "answered": first(select(Answer.question_id)),
        "project": first(select(Project.id)),
        "manager": first(select(Person.id).where(Person.role == Role.MANAGER)),
    }


def _args(ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Arguments for every read that ignores talk, by its dotted name."""
    f, w = PortfolioFilter(), Window()
    reads = "team.services.findings.reads"
    return {
        "team.services.admin.reads.list_people": {},
        "team.services.admin.reads.list_projects": {},
        "team.services.questions.portfolio.page": {"f": f, "window": w},
        "team.services.questions.portfolio.summary": {"f": f},
        "team.services.progress.overdue.overdue_count": {"f": f, "today": TODAY},
        "team.services.questions.view.tree_view": {
            "root_id": ids["root"],
            "node_id": ids["node"],
            "window": w,
        },
        "team.services.questions.pickers.root_choices": {},
        "team.services.questions.pickers.tree_choices": {"root_id": ids["root"]},
        f"{reads}.findings_on_page": {"question_id": ids["node"], "window": w},
        f"{reads}.page_of_finding": {
            "question_id": ids["node"],
            "finding_id": ids["finding"],
            "size": 10,
        },
        "team.services.answers.reads.versions": {"question_id": ids["answered"]},
        "team.services.answers.health_reads.flags_of_question": {"question_id": ids["answered"]},
        "team.services.answers.reads.latest_versions": {"question_ids": [ids["answered"]]},
        f"{reads}.citable_findings": {"node_id": ids["node"], "window": w},
        "team.services.answers.decision_reads.decisions_of": {"question_id": ids["answered"]},
        "team.services.answers.decision_reads.decisions_page": {"window": w, "today": TODAY},
        "team.services.inbox.my_work.my_questions_page": {
            "person_id": ids["author"],
            "window": w,
            "stale_after_days": 14,
            "now": NOW,
        },
        "team.services.inbox.my_work.open_assignments": {"person_id": ids["author"]},
        f"{reads}.findings_on": {"question_ids": [ids["node"]]},
        f"{reads}.findings_by_page": {"author_id": ids["author"], "window": w},
        "team.services.progress.roots.root_choices": {},
        "team.ui.progress_charts.spec": {
            "name": "progress",
            "project_id": None,
            "person_id": None,
            "stale_days": 14,
            "chosen": (ids["root"],),
        },
        "team.ui.team_tables.build": {"today": TODAY},
    }


def _plain(value: Any) -> Any:
    """``value`` in comparable parts (a table as its columns and cells)."""
    if isinstance(value, pd.DataFrame):
        return list(value.columns), value.astype(str).to_numpy().tolist()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _read_all(engine: Engine, args: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = {}
    with Session(engine) as session:
        for name, (read, _ignoring) in IGNORING.items():
            out[name] = _plain(read(session, **args[name]))
    return out


def _talk(engine: Engine, ids: dict[str, int]) -> None:
    """A round of conversation, by the services, as people have it."""
    manager, author = ids["manager"], ids["author"]
    with Session(engine) as session:
        review = session.exec(
            select(ReviewRequest).where(ReviewRequest.reviewer_id != author)
        ).first()
        answer = session.exec(select(Answer.id)).first()
        assert review is not None and review.id is not None and answer is not None
        targets: list[tuple[Any, int]] = [
            ("finding", ids["finding"]),
            ("question", ids["node"]),
            ("answer", answer),
            ("review_request", review.id),
        ]
        writer = author if review.requester_id == author else review.requester_id
        for target, target_id in targets:
            notes.write_note(
                session, writer, target=target, target_id=target_id, body="Looked at this."
            )
        note = session.exec(select(Note).order_by(col(Note.id).desc())).first()
        assert note is not None and note.id is not None
        notes.set_resolved(session, writer, note_id=note.id, version=note.version)
        report = session.exec(
            select(Person.id).where(Person.reports_to_id == manager, col(Person.active))
        ).first()
        assert report is not None
        meeting = meetings.start(session, manager, report_id=report)
        meetings.add_track_note(
            session, manager, one_on_one_id=meeting, track="Growth", body="Talked modelling."
        )
        item = meetings.add_action_item(
            session, manager, one_on_one_id=meeting, owner_id=report, description="Read a paper"
        )
        row = session.get(ActionItem, item)
        assert row is not None
        meetings.set_done(session, manager, action_item_id=item, version=row.version)
        assert session.get(OneOnOne, meeting) is not None


def test_every_read_that_ignores_talk_returns_the_same_after_a_round_of_talk(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The charts read the clock for their last week: the same clock before and after.
    monkeypatch.setattr(team.services.progress.history, "utcnow", lambda: NOW)
    monkeypatch.setattr(team.services.progress.people, "utcnow", lambda: NOW)
    generate(engine, SIZES["S"], today=TODAY)
    with Session(engine) as session:
        ids = _ids(session)
        before = db.data_versions(session)
    args = _args(ids)
    assert set(IGNORING) <= set(args), "give the new cached read arguments in _args"
    assert all(ignoring == TALK for _, ignoring in IGNORING.values())
    read_before = _read_all(engine, args)

    _talk(engine, ids)

    with Session(engine) as session:
        after = db.data_versions(session)
    moved = {kind for kind in after if after[kind] != before[kind]}
    assert moved == {e.value for e in TALK} | {db.ANY_KIND}, "talk moved another kind's version"
    read_after = _read_all(engine, args)
    for name in IGNORING:
        assert read_after[name] == read_before[name], f"{name} changed with talk alone"


def test_a_must_fix_note_that_asks_for_changes_moves_the_reviews_version(engine: Engine) -> None:
    generate(engine, SIZES["S"], today=TODAY)
    with Session(engine) as session:
        ids = _ids(session)
        data = ReviewInput(
            question_id=ids["node"],
            reviewer_id=ids["manager"],
            artifact_url="https://github.com/acme/churn/pull/7",
        )
        review_id = reviews.request_review(session, ids["author"], data=data)
        before = db.data_versions(session)
        added = notes.write_note(
            session,
            ids["manager"],
            target="review_request",
            target_id=review_id,
            body="The join drops nulls.",
            kind=NoteKind.MUST_FIX,
        )
        after = db.data_versions(session)
    assert added.asked_for_changes
    assert after[Entity.REVIEW_REQUEST] > before[Entity.REVIEW_REQUEST]
    assert after[Entity.NOTE] > before[Entity.NOTE]


def test_the_versions_are_the_newest_event_of_each_kind_and_zero_for_none(engine: Engine) -> None:
    with Session(engine) as session:
        assert set(db.data_versions(session).values()) == {0}
    generate(engine, SIZES["S"], today=TODAY)
    with Session(engine) as session:
        versions = db.data_versions(session)
        from team.models import Event

        for kind in Entity:
            newest = session.exec(
                select(Event.id).where(Event.entity == kind.value).order_by(col(Event.id).desc())
            ).first()
            assert versions[kind.value] == (newest or 0), kind
        assert versions[db.ANY_KIND] == max(versions[kind.value] for kind in Entity) > 0
