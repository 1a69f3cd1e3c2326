"""Export and import: a full round trip on SQLite and PostgreSQL, and every kind of bad
file refused before anything is written."""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel, col

from team import models
from team.backup import export
from team.backup.export import export_data, write_export
from team.backup.restore import import_data, import_file
from team.db import make_engine
from team.models import (
    ActionItem,
    Answer,
    Citation,
    Event,
    Finding,
    Note,
    OneOnOne,
    Person,
    Project,
    Question,
    ReviewRequest,
    TrackNote,
    table_of,
)
from team.services.core.errors import InvalidInput
from team.vocabulary import (
    AnswerState,
    Cadence,
    Channel,
    CheckState,
    Confidence,
    DeliveryKind,
    DeliveryStatus,
    EvidenceChange,
    FindingKind,
    FindingStatus,
    NoteKind,
    NotificationKind,
    Priority,
    QuestionStatus,
    ReviewStatus,
    Role,
)
from tests.conftest import migrated_copy, truncate_postgres
from tests.factories import pk

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
CET = timezone(timedelta(hours=1))

MakeEmpty = Callable[[], Engine]
Row = TypeVar("Row", bound=SQLModel)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _added(session: Session, row: Row) -> Row:
    session.add(row)
    session.flush()
    return row


def _people(s: Session) -> tuple[Person, Person, Person]:
    # The manager reports to a director created after them: a forward reference.
    manager = _added(s, Person(name="Mia Manager", email="mia@x.org", role=Role.MANAGER))
    ic = _added(s, Person(name="Ivo Ünïcode ✓", email="ivo@x.org", reports_to_id=manager.id))
    viewer = _added(
        s, Person(name="Vera", email="vera@x.org", role=Role.VIEWER, active=False, created_at=T0)
    )
    director = _added(s, Person(name="Dora", email="dora@x.org", role=Role.MANAGER))
    manager.reports_to_id = director.id
    viewer.reports_to_id = manager.id
    return manager, ic, viewer


def _questions(s: Session, project: Project, owner: Person, ic: Person) -> list[Question]:
    project_id, owner_id = pk(project), pk(owner)
    root = _added(
        s,
        Question(
            title="Why did churn rise?",
            project_id=project_id,
            owner_id=owner_id,
            created_at=_at(1),
        ),
    )
    root.root_id = root.id  # a root names itself
    child = _added(
        s,
        Question(
            title="Is it pricing?",
            parent_id=root.id,
            root_id=root.id,
            assignee_id=ic.id,
            status=QuestionStatus.ANSWERED,
            priority=Priority.URGENT,
            due_date=date(2026, 4, 30),
            technique="A/B test",
            position=1,
            project_id=project_id,
            owner_id=owner_id,
        ),
    )
    other = _added(
        s,
        Question(
            title="Is it support?",
            parent_id=root.id,
            root_id=root.id,
            project_id=project_id,
            owner_id=owner_id,
        ),
    )
    child.parent_id = other.id  # moved under a question with a higher id
    return [root, child, other]


def populate(engine: Engine) -> None:
    """One row or more in every table, with forward references, unicode, microseconds
    and non-UTC offsets."""
    with Session(engine) as s:
        manager, ic, viewer = _people(s)
        project = _added(s, Project(name="Churn", description="Q2 **focus**", archived=False))
        root, child, _other = _questions(s, project, manager, ic)
        finding = _added(
            s,
            Finding(
                summary="Price rise hit small plans",
                links=["https://nb.example/1", "https://dash.example/ü"],
                kind=FindingKind.NEGATIVE_RESULT,
                confidence=Confidence.HIGH,
                status=FindingStatus.SHARED,
                question_id=pk(child),
                author_id=pk(ic),
                created_at=datetime(2026, 3, 2, 10, 0, 0, 1, tzinfo=CET),
            ),
        )
        review = _added(
            s,
            ReviewRequest(
                question_id=pk(child),
                finding_id=finding.id,
                requester_id=pk(ic),
                reviewer_id=pk(manager),
                artifact_url="https://nb.example/1",
                status=ReviewStatus.APPROVED,
                requested_at=_at(10),
                first_response_at=_at(70),
                resolved_at=datetime(2026, 3, 3, 0, 0, tzinfo=UTC),
            ),
        )
        child_answer = _added(
            s,
            Answer(
                question_id=pk(child),
                body="Yes, mostly.",
                state=AnswerState.ANSWERED,
                confidence=Confidence.HIGH,
                author_id=pk(ic),
            ),
        )
        root_answer = _added(s, Answer(question_id=pk(root), author_id=pk(manager), number=1))
        _added(s, Answer(question_id=pk(root), author_id=pk(manager), number=2, body="v2"))
        _added(s, Citation(answer_id=pk(root_answer), finding_id=finding.id))
        _added(s, Citation(answer_id=pk(root_answer), cited_answer_id=child_answer.id))
        _added(
            s,
            models.ReviewCheck(
                review_request_id=pk(review),
                position=0,
                text="Is the comparison fair?",
                state=CheckState.WAIVED,
                reason="Not a comparison — “descriptive”",
                checked_by_id=manager.id,
                checked_at=_at(65),
            ),
        )
        _added(
            s,
            models.CitationFlag(
                answer_id=pk(root_answer),
                finding_id=finding.id,
                change=EvidenceChange.EDITED,
                detail="summary changed",
                at=_at(80),
            ),
        )
        _added(
            s,
            models.Decision(
                answer_id=pk(root_answer),
                question_id=pk(root),
                what="Keep the price; fix onboarding",
                decided_by="Ünïcode VP",
                decided_on=date(2026, 3, 6),
                revisit_on=date(2026, 6, 1),
                revisit_condition="if churn > 3 %",
                recorded_by_id=pk(manager),
            ),
        )
        _added(
            s,
            Note(
                author_id=pk(manager),
                review_request_id=review.id,
                body="Nice",
                kind=NoteKind.PRAISE,
            ),
        )
        _added(s, Note(author_id=pk(viewer), answer_id=child_answer.id, body="Q?", resolved=True))
        meeting = _added(
            s, OneOnOne(manager_id=pk(manager), report_id=pk(ic), held_on=date(2026, 3, 5))
        )
        _added(
            s,
            TrackNote(
                one_on_one_id=pk(meeting),
                track="career",
                body="Wants to lead",
                author_id=pk(manager),
            ),
        )
        _added(
            s,
            ActionItem(
                one_on_one_id=pk(meeting),
                owner_id=pk(ic),
                description="Write up pricing",
                due_date=date(2026, 3, 12),
                done=True,
                done_at=_at(9000),
            ),
        )
        _added(
            s,
            Event(
                actor_id=manager.id,
                entity="question",
                entity_id=pk(root),
                action="created",
                root_id=root.id,
            ),
        )
        _added(
            s,
            Event(
                at=_at(5),
                actor_id=None,
                entity="question",
                entity_id=pk(child),
                action="updated",
                field="status",
                old_value="open",
                new_value="answered",
                root_id=root.id,
            ),
        )
        notice = _added(
            s,
            models.Notification(
                person_id=pk(ic),
                kind=NotificationKind.ASSIGNED,
                at=_at(6),
                actor_id=manager.id,
                entity="question",
                entity_id=pk(child),
                root_id=root.id,
                title="Which cohorts?",
                detail="a “detail”",
                link=f"questions?root={root.id}&node={child.id}",
                read_at=_at(7),
                planned_at=_at(6),
            ),
        )
        _added(s, models.Follow(person_id=pk(viewer), question_id=pk(root), created_at=_at(3)))
        _added(
            s,
            models.PersonSetting(
                person_id=pk(ic), time_zone="Europe/Berlin", digest_hour=7, email=Cadence.WEEKLY
            ),
        )
        delivery = _added(
            s,
            models.Delivery(
                person_id=pk(ic),
                channel=Channel.EMAIL,
                kind=DeliveryKind.SINGLE,
                key=f"n{notice.id}:email",
                status=DeliveryStatus.FAILED,
                attempts=5,
                last_error="550 mailbox unavailable",
                due_at=_at(6),
            ),
        )
        _added(s, models.DeliveryItem(delivery_id=pk(delivery), notification_id=pk(notice)))
        _added(
            s, models.QuestionKey(project_id=pk(project), key="CHURN-12 ✓", question_id=pk(child))
        )
        s.commit()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def make_empty(engine: Engine, sqlite_template: Path, tmp_path: Path) -> Iterator[MakeEmpty]:
    """Another empty database of the same kind: a fresh SQLite copy, or on PostgreSQL
    the same database wiped (the test has kept what it needs as JSON)."""
    made: list[Engine] = []

    def make() -> Engine:
        if engine.dialect.name == "postgresql":
            truncate_postgres(engine)
            return engine
        made.append(make_engine(migrated_copy(sqlite_template, tmp_path / f"empty{len(made)}.db")))
        return made[-1]

    yield make
    for extra in made:
        extra.dispose()


def _export(engine: Engine) -> dict[str, Any]:
    with Session(engine) as s:
        return export_data(s)


def _import(engine: Engine, data: object) -> dict[str, int]:
    with Session(engine) as s:
        return import_data(s, data)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table_of(t).name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in models.TABLES
        }


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- round trip


def test_export_covers_every_table_and_column(engine: Engine) -> None:
    populate(engine)
    data = _export(engine)
    assert data["format"] == "team-export"
    assert data["format_version"] == 1
    for model in models.TABLES:
        table = table_of(model)
        rows = data["tables"][table.name]
        assert rows, f"the test data set has no {table.name}"
        assert set(rows[0]) == {c.name for c in table.columns}
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    finding = data["tables"]["finding"][0]
    assert finding["created_at"] == "2026-03-02T09:00:00.000001+00:00"  # CET -> UTC
    assert finding["links"] == ["https://nb.example/1", "https://dash.example/ü"]
    assert data["tables"]["one_on_one"][0]["held_on"] == "2026-03-05"


def test_round_trip_gives_identical_json(
    engine: Engine, make_empty: MakeEmpty, tmp_path: Path
) -> None:
    populate(engine)
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "export.json"
    with Session(engine) as s:
        counts = write_export(s, path)
    first = path.read_text(encoding="utf-8")
    assert first.endswith("}\n")
    assert "Ivo Ünïcode ✓" in first  # not escaped
    assert counts == _counts(engine)
    assert [p.name for p in folder.iterdir()] == ["export.json"]  # no temp file left

    # The file is written a row at a time, laid out as json.dumps lays out the document.
    with Session(engine) as s:
        document = json.dumps(export_data(s), indent=2, sort_keys=True, ensure_ascii=False)
    assert first == document + "\n"

    target = make_empty()
    with Session(target) as s:
        assert import_file(s, path) == counts
    with Session(target) as s:
        assert write_export(s, tmp_path / "again.json") == counts
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == first


def test_import_keeps_ids_and_forward_references(engine: Engine, make_empty: MakeEmpty) -> None:
    populate(engine)
    data = _export(engine)
    target = make_empty()
    _import(target, data)
    with Session(target) as s:
        manager = s.scalars(select(Person).where(col(Person.email) == "mia@x.org")).one()
        director = s.get(Person, manager.reports_to_id)
        assert director is not None
        assert director.name == "Dora"
        assert (director.id or 0) > (manager.id or 0)
        moved = s.scalars(select(Question).where(col(Question.title) == "Is it pricing?")).one()
        assert (moved.parent_id or 0) > (moved.id or 0)
        assert moved.due_date == date(2026, 4, 30)
        review = s.scalars(select(ReviewRequest)).one()
        assert review.first_response_at == _at(70)


def test_new_rows_get_fresh_ids_after_import(engine: Engine, make_empty: MakeEmpty) -> None:
    populate(engine)
    data = _export(engine)
    top = {name: max(r["id"] for r in rows) for name, rows in data["tables"].items()}
    target = make_empty()
    _import(target, data)
    with Session(target) as s:
        person = _added(s, Person(name="New", email="new@x.org"))
        event = _added(s, Event(entity="person", entity_id=pk(person), action="created"))
        s.commit()
        assert person.id == top["person"] + 1
        assert event.id == top["event"] + 1


# --------------------------------------------------------------------------- refusals


def test_import_into_non_empty_database_writes_nothing(engine: Engine) -> None:
    populate(engine)
    data = _export(engine)
    before = _dumps(data)
    with pytest.raises(InvalidInput, match="already holds data"):
        _import(engine, data)
    assert _dumps(_export(engine)) == before


def _first(data: dict[str, Any], table: str) -> dict[str, Any]:
    row: dict[str, Any] = data["tables"][table][0]
    return row


def _unknown_column(data: dict[str, Any]) -> str:
    _first(data, "person")["nickname"] = "Mimi"
    return f"person #{_first(data, 'person')['id']}: unknown column 'nickname'."


def _missing_column(data: dict[str, Any]) -> str:
    del _first(data, "project")["name"]
    return f"project #{_first(data, 'project')['id']}: missing column 'name'."


def _bad_enum(data: dict[str, Any]) -> str:
    person = data["tables"]["person"][1]
    person["role"] = "boss"
    return f"person #{person['id']}: role: expected one of 'manager', 'ic', 'viewer' (got 'boss')."


def _wrong_type(data: dict[str, Any]) -> str:
    _first(data, "question")["position"] = "3"
    return (
        f"question #{_first(data, 'question')['id']}: position: expected a whole number (got '3')."
    )


def _naive_datetime(data: dict[str, Any]) -> str:
    review = _first(data, "review_request")
    review["resolved_at"] = "2026-03-03T00:00:00"
    return (
        f"review_request #{review['id']}: resolved_at: expected an ISO 8601 date-time with a "
        "UTC offset (got '2026-03-03T00:00:00')."
    )


def _null_required(data: dict[str, Any]) -> str:
    _first(data, "one_on_one")["held_on"] = None
    return (
        f"one_on_one #{_first(data, 'one_on_one')['id']}: held_on: a value is required (got null)."
    )


def _dangling_parent(data: dict[str, Any]) -> str:
    question = data["tables"]["question"][1]
    question["parent_id"] = 99
    return f"question #{question['id']}: parent_id 99 refers to a question that is not in the file."


def _dangling_answer(data: dict[str, Any]) -> str:
    citation = data["tables"]["citation"][1]
    citation["cited_answer_id"] = 777
    return (
        f"citation #{citation['id']}: cited_answer_id 777 refers to an answer that is not "
        "in the file."
    )


def _duplicate_id(data: dict[str, Any]) -> str:
    copy = {**_first(data, "person"), "email": "twin@x.org"}
    data["tables"]["person"].append(copy)
    return f"person #{copy['id']}: another person in the file has the same id; ids must be unique."


def _duplicate_email(data: dict[str, Any]) -> str:
    second = data["tables"]["person"][1]
    second["email"] = _first(data, "person")["email"]
    return (
        f"person #{second['id']}: email 'mia@x.org' is already used by "
        f"person #{_first(data, 'person')['id']}; it must be unique."
    )


def _wrong_marker(data: dict[str, Any]) -> str:
    data["format"] = "something-else"
    return "This is not a team export: the \"format\" marker 'team-export' is missing."


def _newer_format(data: dict[str, Any]) -> str:
    data["format_version"] = 2
    return "This export has format_version 2; this app reads format_version 1 only."


def _unknown_table(data: dict[str, Any]) -> str:
    data["tables"]["secrets"] = []
    return "Unknown table 'secrets' in the file; nothing was imported."


def _two_note_targets(data: dict[str, Any]) -> str:
    # A rule only the database checks: it refuses the row after earlier tables went in.
    note = _first(data, "note")
    note["question_id"] = _first(data, "question")["id"]
    return "Table 'note': the database refused a record"


def _own_parent(data: dict[str, Any]) -> str:
    question = data["tables"]["question"][1]
    question["parent_id"] = question["id"]
    return (
        f"question #{question['id']}: its parent is itself; a question cannot be its own "
        "sub-question; nothing was imported."
    )


def _negative_number(data: dict[str, Any]) -> str:
    answer = _first(data, "answer")
    answer["number"] = -5
    return f"answer #{answer['id']}: number: expected a whole number from 1 to {2**63 - 1:,}"


def _nul_in_a_name(data: dict[str, Any]) -> str:
    person = _first(data, "person")
    person["name"] = "Mi\x00a"
    return f"person #{person['id']}: name: holds a control character the application never"


def _beyond_bigint(data: dict[str, Any]) -> str:
    event = _first(data, "event")
    event["entity_id"] = 2**63
    return f"event #{event['id']}: entity_id: expected a whole number from 0 to {2**63 - 1:,}"


@pytest.mark.parametrize(
    "spoil",
    [
        _own_parent,
        _negative_number,
        _nul_in_a_name,
        _beyond_bigint,
        _unknown_column,
        _missing_column,
        _bad_enum,
        _wrong_type,
        _naive_datetime,
        _null_required,
        _dangling_parent,
        _dangling_answer,
        _duplicate_id,
        _duplicate_email,
        _wrong_marker,
        _newer_format,
        _unknown_table,
        _two_note_targets,
    ],
)
def test_invalid_file_is_refused_and_nothing_is_imported(
    engine: Engine, make_empty: MakeEmpty, spoil: Callable[[dict[str, Any]], str]
) -> None:
    populate(engine)
    data = _export(engine)
    expected = spoil(data)
    target = make_empty()
    with pytest.raises(InvalidInput) as refused:
        _import(target, data)
    assert refused.value.message.startswith(expected)
    assert set(_counts(target).values()) == {0}


def test_a_loop_of_parents_is_refused(engine: Engine, make_empty: MakeEmpty) -> None:
    populate(engine)
    data = _export(engine)
    a, b = [q for q in data["tables"]["question"] if q["parent_id"] is not None][:2]
    a["parent_id"], b["parent_id"] = b["id"], a["id"]
    target = make_empty()
    with pytest.raises(InvalidInput, match=r"^question #\d+: its chain of parents loops back"):
        _import(target, data)
    assert set(_counts(target).values()) == {0}


def test_not_an_object_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="not a team export"):
        _import(engine, ["team-export"])


# --------------------------------------------------------------------------- files


def _import_file(engine: Engine, path: Path) -> dict[str, int]:
    with Session(engine) as s:
        return import_file(s, path)


def test_import_explains_a_missing_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(InvalidInput, match="no such file"):
        _import_file(engine, path)


def test_import_points_at_bad_json(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "team-export",\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        _import_file(engine, path)
    assert refused.value.message == f"{path}: not valid JSON at line 3 column 3."


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[" * 200_000, "This is not a team export"),
        (
            '{"format": "team-export", "format_version": 1, "tables": {"person": ' + "[" * 200_000,
            "nested deeper than a team export ever is",
        ),
        ('{"format": "team-export", "format_version": 1}', 'has no "tables" object'),
        ('{"tables": {}, "format": "team-report", "format_version": 1}', 'the "format" marker'),
        ('{"tables": {"person": []}, "format": "team-export"}', "has format_version None"),
        (
            '{"format": "team-export", "format_version": 1, "tables": {"person": {}}}',
            "Table 'person': expected a list of records (got an object).",
        ),
        (
            '{"format": "team-export", "format_version": 1, "tables": {"person": 7}}',
            "Table 'person': expected a list of records (got 7).",
        ),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_a_malformed_file_is_one_sentence(
    engine: Engine, tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = tmp_path / "odd.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=re.escape(expected)):
        _import_file(engine, path)
    assert set(_counts(engine).values()) == {0}


def test_write_export_into_missing_folder_says_so(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as s, pytest.raises(InvalidInput, match="Cannot write"):
        write_export(s, tmp_path / "missing" / "export.json")


# --------------------------------------------------------------------------- one reader


def test_header_after_the_tables_is_read(
    engine: Engine, make_empty: MakeEmpty, tmp_path: Path
) -> None:
    """JSON keys have no order: an export whose tables come before its format marker
    (rewritten by another tool) imports as written by team export."""
    populate(engine)
    data = _export(engine)
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps({"tables": data["tables"], **data}), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith('{"tables": ')
    counts = {name: len(rows) for name, rows in data["tables"].items()}
    target = make_empty()
    assert _import_file(target, path) == counts
    assert _export(target) == data


def test_junk_after_the_document_is_refused_before_anything_is_written(
    engine: Engine, make_empty: MakeEmpty, tmp_path: Path
) -> None:
    populate(engine)
    path = tmp_path / "export.json"
    with Session(engine) as s:
        write_export(s, path)
    lines = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("  junk\n")
    target = make_empty()
    phases: list[str] = []
    with Session(target) as s, pytest.raises(InvalidInput) as refused:
        import_file(s, path, progress=lambda what, _done, _total: phases.append(what))
    assert refused.value.message == f"{path}: not valid JSON at line {lines + 1} column 3."
    assert phases == []  # refused while checking, before any "Importing"
    assert set(_counts(target).values()) == {0}


def _json_position(content: str) -> str:
    try:
        json.loads(content)
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno} column {exc.colno}"
    raise AssertionError("valid JSON")


@pytest.mark.parametrize(
    "content",
    [
        # the error several buffers in, after a line of two-byte characters
        '{"format": "team-export", "format_version": 1,\n "note": "' + "é" * 100_000 + '" oops}',
        # unfinished: the end of the file is where it breaks
        '{"format": "team-export",\n "format_version": 1,\n "tables": {"person": [\n',
    ],
)
def test_a_broken_file_is_located_as_json_locates_it(
    engine: Engine, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        _import_file(engine, path)
    assert refused.value.message == f"{path}: not valid JSON at {_json_position(content)}."


def test_locating_the_break_in_a_big_file_holds_little(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    padding = "[" + ", ".join(["1234567"] * 1_000_000)  # 9 MB, cut short
    path.write_text('{"format": "team-export", "pad": ' + padding, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput, match=r"not valid JSON at line 1 column \d+\.$"):
            _import_file(engine, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, f"peak {peak:,} bytes for a {path.stat().st_size:,}-byte file"


def test_import_data_reads_as_team_import_does(engine: Engine) -> None:
    """A document in memory goes through the file's reader: the same sentences."""
    deep = {"format": "team-export", "format_version": 1, "tables": {"finding": [{"links": [[]]}]}}
    with pytest.raises(InvalidInput, match=r"^The document: nested deeper than a team export"):
        _import(engine, deep)


# --------------------------------------------------------------------------- one moment


def test_export_reads_every_table_as_of_one_moment(
    engine: Engine, make_empty: MakeEmpty, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person and a question of theirs committed by another connection after the
    export read the person table, before it reads the question table: the file holds
    neither, rather than a question whose owner is missing."""
    populate(engine)
    before = _counts(engine)
    read_rows = export._rows

    def rows_then_a_write(conn: Any, model: type[SQLModel]) -> Iterator[dict[str, Any]]:
        yield from read_rows(conn, model)
        if model is Person:
            with Session(engine) as other:
                late = _added(other, Person(name="Late", email="late@x.org"))
                project = other.scalars(select(Project)).first()
                assert project is not None
                question = _added(
                    other, Question(title="Late?", project_id=pk(project), owner_id=pk(late))
                )
                question.root_id = question.id
                other.commit()

    monkeypatch.setattr(export, "_rows", rows_then_a_write)
    path = tmp_path / "export.json"
    with Session(engine) as s:
        assert write_export(s, path) == before
    after = _counts(engine)
    assert (after["person"], after["question"]) == (before["person"] + 1, before["question"] + 1)
    monkeypatch.undo()
    target = make_empty()
    with Session(target) as s:
        assert import_file(s, path) == before
