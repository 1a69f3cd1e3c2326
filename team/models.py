"""Every table of the product. (Services hand out views, frozen dataclasses of plain
values, defined beside the reads that build them.)

Vocabularies (vocabulary.py) are stored as short strings, checked by a constraint, so the
schema stays portable between SQLite and PostgreSQL and migrations never have to alter a
native enum type. Editable rows carry ``version`` for optimistic
concurrency: a save names the version it was based on and fails if the row has moved on
since."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

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
    ReviewKind,
    ReviewStatus,
    Role,
)


def utcnow() -> datetime:
    """Now, in UTC (every timestamp is stored as an aware UTC datetime)."""
    return datetime.now(UTC)


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


def _check(column: str, enum: type[StrEnum], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({_values(enum)})", name=name)


# --------------------------------------------------------------------------- people


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("email", name="uq_person_email"),
        _check("role", Role, "ck_person_role"),
    )
    name: str = Field(sa_type=String(120))
    email: str = Field(sa_type=String(254))
    role: Role = Field(default=Role.IC, sa_type=String(16))
    reports_to_id: int | None = Field(default=None, foreign_key="person.id")
    active: bool = True
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- projects


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("name", name="uq_project_name"),)
    name: str = Field(sa_type=String(120))
    description: str = Field(default="", sa_type=Text)
    archived: bool = False
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- questions


class Question(SQLModel, table=True):
    """A node of a question tree. A general question is a root (no parent).

    ``root_id`` names the general question of the tree (itself for a root) and
    ``project_id`` is the root's project, kept on every node so a tree or a project is
    read with one indexed query instead of a walk.
    """

    __tablename__ = "question"
    __table_args__ = (
        _check("status", QuestionStatus, "ck_question_status"),
        _check("priority", Priority, "ck_question_priority"),
        Index("ix_question_root_id_status_parent_id", "root_id", "status", "parent_id"),
        Index("ix_question_parent_id_position", "parent_id", "position"),
        Index("ix_question_parent_id_status", "parent_id", "status"),
        Index("ix_question_project_id", "project_id"),
        Index("ix_question_assignee_id_status", "assignee_id", "status"),
    )
    title: str = Field(sa_type=String(300))
    context: str = Field(default="", sa_type=Text)
    technique: str | None = Field(default=None, sa_type=String(60))
    priority: Priority = Field(default=Priority.MEDIUM, sa_type=String(16))
    due_date: date | None = None
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    parent_id: int | None = Field(default=None, foreign_key="question.id")
    root_id: int | None = Field(default=None, foreign_key="question.id")
    owner_id: int = Field(foreign_key="person.id")
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    status: QuestionStatus = Field(default=QuestionStatus.OPEN, sa_type=String(16))
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- findings


class Finding(SQLModel, table=True):
    __tablename__ = "finding"
    __table_args__ = (
        _check("kind", FindingKind, "ck_finding_kind"),
        _check("confidence", Confidence, "ck_finding_confidence"),
        _check("status", FindingStatus, "ck_finding_status"),
        Index("ix_finding_question_id_author_id_status", "question_id", "author_id", "status"),
        Index(
            "ix_finding_question_id_status_created_at_id",
            "question_id",
            "status",
            "created_at",
            "id",
        ),
        Index("ix_finding_author_id_created_at", "author_id", "created_at"),
        Index("ix_finding_author_id_status_created_at", "author_id", "status", "created_at"),
    )
    summary: str = Field(sa_type=String(300))
    body: str = Field(default="", sa_type=Text)
    links: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kind: FindingKind = Field(default=FindingKind.RESULT, sa_type=String(24))
    confidence: Confidence = Field(default=Confidence.MEDIUM, sa_type=String(16))
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id")
    author_id: int = Field(foreign_key="person.id")
    status: FindingStatus = Field(default=FindingStatus.DRAFT, sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- reviews


class ReviewRequest(SQLModel, table=True):
    __tablename__ = "review_request"
    __table_args__ = (
        _check("status", ReviewStatus, "ck_review_request_status"),
        _check("kind", ReviewKind, "ck_review_request_kind"),
        Index("ix_review_request_reviewer_id_status", "reviewer_id", "status"),
        Index("ix_review_request_requester_id", "requester_id"),
        Index("ix_review_request_question_id", "question_id"),
        Index("ix_review_request_status_requested_at", "status", "requested_at"),
        Index("ix_review_request_finding_id_status", "finding_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id")
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    requester_id: int = Field(foreign_key="person.id")
    reviewer_id: int = Field(foreign_key="person.id")
    artifact_url: str = Field(sa_type=String(2000))
    focus: str = Field(default="", sa_type=Text)
    kind: ReviewKind = Field(
        default=ReviewKind.ANALYSIS,
        sa_type=String(24),
        sa_column_kwargs={"server_default": "analysis"},
    )
    status: ReviewStatus = Field(default=ReviewStatus.OPEN, sa_type=String(24))
    requested_at: datetime = Field(default_factory=utcnow)
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    version: int = 1


class ReviewCheck(SQLModel, table=True):
    """One item of a review's checklist, copied from config.yaml when the review was
    requested (a later change of the config leaves it as it was)."""

    __tablename__ = "review_check"
    __table_args__ = (
        UniqueConstraint(
            "review_request_id", "position", name="uq_review_check_review_request_id_position"
        ),
        _check("state", CheckState, "ck_review_check_state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    review_request_id: int = Field(foreign_key="review_request.id")
    position: int
    text: str = Field(sa_type=String(300))
    required: bool = True
    state: CheckState = Field(default=CheckState.OPEN, sa_type=String(16))
    reason: str = Field(default="", sa_type=Text)  # why it does not apply (waived)
    checked_by_id: int | None = Field(default=None, foreign_key="person.id")
    checked_at: datetime | None = None


# --------------------------------------------------------------------------- notes


class Note(SQLModel, table=True):
    """A review note or comment on exactly one of: review request, finding, question,
    answer."""

    __tablename__ = "note"
    __table_args__ = (
        _check("kind", NoteKind, "ck_note_kind"),
        CheckConstraint(
            "(CASE WHEN review_request_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN finding_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN question_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="ck_note_one_target",
        ),
        Index("ix_note_review_request_id", "review_request_id"),
        Index("ix_note_finding_id", "finding_id"),
        Index("ix_note_question_id", "question_id"),
        Index("ix_note_answer_id", "answer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id")
    review_request_id: int | None = Field(default=None, foreign_key="review_request.id")
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    question_id: int | None = Field(default=None, foreign_key="question.id")
    answer_id: int | None = Field(default=None, foreign_key="answer.id")
    kind: NoteKind = Field(default=NoteKind.COMMENT, sa_type=String(16))
    body: str = Field(sa_type=Text)
    resolved: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- answers


class Answer(SQLModel, table=True):
    """One version of the synthesis of a question node. Versions are never overwritten:
    a save adds the next ``number``."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("question_id", "number", name="uq_answer_question_id_number"),
        _check("state", AnswerState, "ck_answer_state"),
        _check("confidence", Confidence, "ck_answer_confidence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id")
    number: int = 1
    body: str = Field(default="", sa_type=Text)
    state: AnswerState = Field(default=AnswerState.WORKING_HYPOTHESIS, sa_type=String(24))
    confidence: Confidence = Field(default=Confidence.LOW, sa_type=String(16))
    author_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class Citation(SQLModel, table=True):
    """An answer version citing a finding or a child question's answer version."""

    __tablename__ = "citation"
    __table_args__ = (
        CheckConstraint(
            "(finding_id IS NULL) <> (cited_answer_id IS NULL)",
            name="ck_citation_one_target",
        ),
        Index("ix_citation_answer_id", "answer_id"),
        Index("ix_citation_finding_id", "finding_id"),
        Index("ix_citation_cited_answer_id", "cited_answer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    cited_answer_id: int | None = Field(default=None, foreign_key="answer.id")


class CitationFlag(SQLModel, table=True):
    """Evidence an answer version cites changed after the version was saved: a cited
    finding edited, sent back or withdrawn, or a cited child answer's new version less
    sure or in another state. Open until the owner marks it reviewed (``cleared_at``);
    a new version of the answer leaves it behind on the old one."""

    __tablename__ = "citation_flag"
    __table_args__ = (
        _check("change", EvidenceChange, "ck_citation_flag_change"),
        Index("ix_citation_flag_answer_id_cleared_at", "answer_id", "cleared_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")  # the citing version
    finding_id: int | None = Field(default=None, foreign_key="finding.id")
    cited_answer_id: int | None = Field(default=None, foreign_key="answer.id")  # new child version
    change: EvidenceChange = Field(sa_type=String(24))
    detail: str = Field(default="", sa_type=String(500))
    at: datetime = Field(default_factory=utcnow)
    cleared_at: datetime | None = None
    cleared_by_id: int | None = Field(default=None, foreign_key="person.id")


class Decision(SQLModel, table=True):
    """The decision an answer version informed: what was decided, by whom, when, and
    when (or on what condition) to revisit it."""

    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("answer_id", name="uq_decision_answer_id"),
        Index("ix_decision_question_id", "question_id"),
        Index("ix_decision_revisit_on", "revisit_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id")
    question_id: int = Field(foreign_key="question.id")
    what: str = Field(sa_type=Text)
    decided_by: str = Field(sa_type=String(200))  # a name: deciders are often not users
    decided_on: date
    revisit_on: date | None = None
    revisit_condition: str = Field(default="", sa_type=String(500))
    revisited_at: datetime | None = None  # the owner marked the revisit done
    # The evidence when the decision was recorded: claims of the version, and those
    # resting on reviewed evidence ("2 of 3 claims rest on reviewed evidence").
    claims: int = 0
    claims_reviewed: int = 0
    recorded_by_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- one-on-ones


class OneOnOne(SQLModel, table=True):
    __tablename__ = "one_on_one"
    __table_args__ = (Index("ix_one_on_one_manager_id_report_id", "manager_id", "report_id"),)
    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="person.id")
    report_id: int = Field(foreign_key="person.id")
    held_on: date
    notes: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class TrackNote(SQLModel, table=True):
    """Notes of one one-on-one kept apart by topic (the track)."""

    __tablename__ = "track_note"
    __table_args__ = (Index("ix_track_note_one_on_one_id", "one_on_one_id"),)
    id: int | None = Field(default=None, primary_key=True)
    one_on_one_id: int = Field(foreign_key="one_on_one.id")
    track: str = Field(sa_type=String(80))
    body: str = Field(default="", sa_type=Text)
    author_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class ActionItem(SQLModel, table=True):
    """Raised in a one-on-one; carries over to later ones until done."""

    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_owner_id_done", "owner_id", "done"),
        Index("ix_action_item_one_on_one_id", "one_on_one_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    one_on_one_id: int = Field(foreign_key="one_on_one.id")
    owner_id: int = Field(foreign_key="person.id")
    description: str = Field(sa_type=String(500))
    due_date: date | None = None
    done: bool = False
    done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# --------------------------------------------------------------------------- events


class Event(SQLModel, table=True):
    """Append-only log of every change: who, when, what, old and new value.

    ``root_id`` is the general question the change belongs to, when it belongs to one,
    so the history of a tree is one indexed range scan.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_at", "at"),
        Index("ix_event_entity_entity_id", "entity", "entity_id"),
        Index("ix_event_entity_id", "entity", "id"),
        Index("ix_event_root_id_at", "root_id", "at"),
        Index("ix_event_actor_id_at", "actor_id", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    entity: str = Field(sa_type=String(32))
    entity_id: int
    action: str = Field(sa_type=String(32))
    field: str | None = Field(default=None, sa_type=String(32))
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)
    root_id: int | None = None


# --------------------------------------------------------------------------- notifications


class Notification(SQLModel, table=True):
    """Something that concerns ``person_id``, written in the transaction of the change
    that caused it (the outbox the notify worker sends from). ``title`` and ``detail``
    are what it said when it was written (the thing may change later); ``key``, when
    set, makes it once-only (the worker's due-date reminders: once per item and day)."""

    __tablename__ = "notification"
    __table_args__ = (
        _check("kind", NotificationKind, "ck_notification_kind"),
        # Only the worker's reminders have a key: the outbox's rows stay out of the index.
        Index(
            "uq_notification_key",
            "key",
            unique=True,
            sqlite_where=text("key IS NOT NULL"),
            postgresql_where=text("key IS NOT NULL"),
        ),
        # One index serves the inbox (newest first) and the unread count (read_at is in
        # it): every change that notifies writes to as few indexes as it can.
        Index("ix_notification_person_id_at_read_at", "person_id", "at", "read_at"),
        Index("ix_notification_planned_at_id", "planned_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    kind: NotificationKind = Field(sa_type=String(24))
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    entity: str = Field(sa_type=String(32))  # what it links to: a table's name
    entity_id: int
    root_id: int | None = None  # the general question it belongs to, if any
    title: str = Field(default="", sa_type=String(300))
    detail: str = Field(default="", sa_type=Text)
    link: str = Field(default="", sa_type=String(300))  # "page?query" in the app
    read_at: datetime | None = None
    planned_at: datetime | None = None  # when the worker gave it its messages
    key: str | None = Field(default=None, sa_type=String(120))


class Follow(SQLModel, table=True):
    """A person following a question's answer (a general question's: its whole tree)."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("person_id", "question_id", name="uq_follow_person_id_question_id"),
        Index("ix_follow_question_id", "question_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    question_id: int = Field(foreign_key="question.id")
    created_at: datetime = Field(default_factory=utcnow)


class QuestionKey(SQLModel, table=True):
    """The key a question had in the tracker or sheet it was imported from (a Jira
    issue key, a row ID), unique within its project: importing the same file again
    finds the question by it and updates it instead of adding a second one. A Jira
    export's Issue id is kept too, as ``id:<id>``, since its Parent column names
    parents by it. The keys stay with the project they were imported into, wherever the
    question moves."""

    __tablename__ = "question_key"
    __table_args__ = (
        UniqueConstraint("project_id", "key", name="uq_question_key_project_id_key"),
        Index("ix_question_key_question_id", "question_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    key: str = Field(sa_type=String(200))
    question_id: int = Field(foreign_key="question.id")


class PersonSetting(SQLModel, table=True):
    """A person's own settings: their time zone, when digests come, and how each
    channel brings them notifications. No row: the deployment's defaults."""

    __tablename__ = "person_setting"
    __table_args__ = (
        _check("email", Cadence, "ck_person_setting_email"),
        _check("slack", Cadence, "ck_person_setting_slack"),
        _check("webhook", Cadence, "ck_person_setting_webhook"),
        CheckConstraint("digest_hour BETWEEN 0 AND 23", name="ck_person_setting_digest_hour"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="ck_person_setting_weekday"),
        UniqueConstraint("person_id", name="uq_person_setting_person_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    time_zone: str = Field(default="UTC", sa_type=String(64))
    digest_hour: int = 8  # local hour of the daily and weekly digests
    digest_weekday: int = 0  # 0 = Monday: the day of the weekly digests
    email: Cadence = Field(default=Cadence.DAILY, sa_type=String(16))
    slack: Cadence = Field(default=Cadence.OFF, sa_type=String(16))
    webhook: Cadence = Field(default=Cadence.OFF, sa_type=String(16))
    slack_url: str = Field(default="", sa_type=String(2000))  # their own, else the team's
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class Delivery(SQLModel, table=True):
    """One message to one person on one channel: a notification sent at once, a digest
    of a day or a week, or the weekly "what we now believe". ``key`` (unique) is its
    idempotency key, recorded before any send and sent with it."""

    __tablename__ = "delivery"
    __table_args__ = (
        _check("channel", Channel, "ck_delivery_channel"),
        _check("kind", DeliveryKind, "ck_delivery_kind"),
        _check("status", DeliveryStatus, "ck_delivery_status"),
        UniqueConstraint("key", name="uq_delivery_key"),
        Index("ix_delivery_status_due_at", "status", "due_at"),
        Index("ix_delivery_person_id_status", "person_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    channel: Channel = Field(sa_type=String(16))
    kind: DeliveryKind = Field(sa_type=String(16))
    key: str = Field(sa_type=String(120))
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=String(16))
    period_start: datetime | None = None  # a digest's: what it covers is [start, due_at)
    due_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    claimed_until: datetime | None = None  # a worker's lease while it sends
    last_error: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class DeliveryItem(SQLModel, table=True):
    """A notification a message carries."""

    __tablename__ = "delivery_item"
    __table_args__ = (
        UniqueConstraint(
            "delivery_id", "notification_id", name="uq_delivery_item_delivery_id_notification_id"
        ),
        Index("ix_delivery_item_notification_id", "notification_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id")
    notification_id: int = Field(foreign_key="notification.id")


def table_of(model: type[SQLModel]) -> Table:
    """The table of a table model (what SQLModel sets, undeclared, as ``__table__``)."""
    name = model.__tablename__
    assert isinstance(name, str)
    return SQLModel.metadata.tables[name]


# Tables in an order where every foreign key points backwards (export/import, wipes).
TABLES: tuple[type[SQLModel], ...] = (
    Person,
    Project,
    Question,
    Finding,
    ReviewRequest,
    ReviewCheck,
    Answer,
    Citation,
    CitationFlag,
    Decision,
    Note,
    OneOnOne,
    TrackNote,
    ActionItem,
    Event,
    Notification,
    Follow,
    PersonSetting,
    Delivery,
    DeliveryItem,
    QuestionKey,
)
