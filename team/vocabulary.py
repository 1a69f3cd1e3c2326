"""The vocabularies of the domain: roles, statuses, kinds and levels, each a ``StrEnum``
whose ``label`` is how people read a value, and the groups the rules speak of ("still
open", "waits on its reviewer", "citable") as properties, defined here once. The tables
(models.py) store the values as short strings."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """The values of a field, stored as short strings; ``label`` is how people read one."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def of_label(cls, label: str) -> Self:
        """The value whose label is ``label`` (as a picker shows it)."""
        for value in cls:
            if value.label == label:
                return value
        raise ValueError(f"{label!r} is not a {cls.__name__} label")


class Role(Vocabulary):
    MANAGER = "manager"
    IC = "ic"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return "IC" if self == Role.IC else super().label


class QuestionStatus(Vocabulary):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    ANSWERED = "answered"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        """Still to be answered: open, in progress or blocked (not answered or dropped)."""
        return self not in (QuestionStatus.ANSWERED, QuestionStatus.DROPPED)

    @classmethod
    def still_open(cls) -> tuple[QuestionStatus, ...]:
        return tuple(s for s in cls if s.is_open)

    @classmethod
    def finished(cls) -> tuple[QuestionStatus, ...]:
        return tuple(s for s in cls if not s.is_open)


class Priority(Vocabulary):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class FindingKind(Vocabulary):
    RESULT = "result"
    NEGATIVE_RESULT = "negative_result"
    DATA_DECISION = "data_decision"
    CAVEAT = "caveat"

    @property
    def label(self) -> str:
        return "data-cleaning decision" if self == FindingKind.DATA_DECISION else super().label


class Confidence(Vocabulary):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class EvidenceStrength(Vocabulary):
    """How far a cited finding can be trusted, from its state: accepted and its review
    approved (reviewed), accepted, shared only, sent back for work, withdrawn."""

    REVIEWED = "reviewed"
    ACCEPTED = "accepted"
    SHARED = "shared_only"
    NEEDS_WORK = "needs_work"
    WITHDRAWN = "withdrawn"
    DRAFT = "draft"

    @classmethod
    def of(cls, status: FindingStatus, *, approved_review: bool) -> EvidenceStrength:
        """The strength of a finding in ``status`` (``approved_review``: a review of it
        was approved)."""
        if status == FindingStatus.ACCEPTED:
            return cls.REVIEWED if approved_review else cls.ACCEPTED
        return {
            FindingStatus.SHARED: cls.SHARED,
            FindingStatus.NEEDS_WORK: cls.NEEDS_WORK,
            FindingStatus.WITHDRAWN: cls.WITHDRAWN,
        }.get(FindingStatus(status), cls.DRAFT)


class FindingStatus(Vocabulary):
    DRAFT = "draft"
    SHARED = "shared"
    ACCEPTED = "accepted"
    NEEDS_WORK = "needs_work"
    WITHDRAWN = "withdrawn"

    @property
    def is_evidence(self) -> bool:
        """Counts as evidence on its question (for staleness, counts, reviews): every
        finding but a withdrawn one."""
        return self != FindingStatus.WITHDRAWN

    @property
    def is_shared(self) -> bool:
        """Seen by others (the memo, the one-on-one agenda): evidence that is not a draft."""
        return self.is_evidence and self != FindingStatus.DRAFT

    @property
    def is_citable(self) -> bool:
        """An answer may cite it: shared or accepted (not a draft, not sent back)."""
        return self in (FindingStatus.SHARED, FindingStatus.ACCEPTED)

    @classmethod
    def evidence(cls) -> tuple[FindingStatus, ...]:
        return tuple(s for s in cls if s.is_evidence)

    @classmethod
    def shared_ones(cls) -> tuple[FindingStatus, ...]:
        return tuple(s for s in cls if s.is_shared)

    @classmethod
    def citable(cls) -> tuple[FindingStatus, ...]:
        return tuple(s for s in cls if s.is_citable)


class ReviewStatus(Vocabulary):
    OPEN = "open"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Not settled yet: every status but approved and withdrawn (both final)."""
        return self not in (ReviewStatus.APPROVED, ReviewStatus.WITHDRAWN)

    @property
    def is_waiting(self) -> bool:
        """Waits on its reviewer: open or in review (changes requested waits on the
        requester)."""
        return self.is_open and self != ReviewStatus.CHANGES_REQUESTED

    @classmethod
    def still_open(cls) -> tuple[ReviewStatus, ...]:
        return tuple(s for s in cls if s.is_open)

    @classmethod
    def waiting(cls) -> tuple[ReviewStatus, ...]:
        return tuple(s for s in cls if s.is_waiting)

    @classmethod
    def closed(cls) -> tuple[ReviewStatus, ...]:
        return tuple(s for s in cls if not s.is_open)


class ReviewKind(Vocabulary):
    """What a review request asks to be looked at; each kind has its checklist
    (config.yaml ``review_checklists``)."""

    CODE = "code"
    ANALYSIS = "analysis"
    DATA_CLEANING = "data_cleaning"

    @property
    def label(self) -> str:
        return "data-cleaning decision" if self == ReviewKind.DATA_CLEANING else super().label


class CheckState(Vocabulary):
    """An item of a review's checklist: still to check, ticked, or waived (not applicable,
    with a reason)."""

    OPEN = "open"
    TICKED = "ticked"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        return "not applicable" if self == CheckState.WAIVED else super().label


class EvidenceChange(Vocabulary):
    """What happened to evidence an answer version cites, after that version was saved."""

    EDITED = "edited"  # the cited finding's text, links, kind or confidence changed
    SENT_BACK = "sent_back"  # the cited finding was sent back for work
    WITHDRAWN = "withdrawn"  # the cited finding was withdrawn
    CONFIDENCE_LOWER = "confidence_lower"  # a cited child answer: a new version, less sure
    STATE_CHANGED = "state_changed"  # a cited child answer: a new version, another state

    @property
    def label(self) -> str:
        return _CHANGE_LABELS.get(self, super().label)


_CHANGE_LABELS = {
    EvidenceChange.SENT_BACK: "sent back",
    EvidenceChange.CONFIDENCE_LOWER: "confidence lower",
    EvidenceChange.STATE_CHANGED: "state changed",
}


class NoteKind(Vocabulary):
    COMMENT = "comment"
    SUGGESTION = "suggestion"
    MUST_FIX = "must_fix"
    PRAISE = "praise"


class AnswerState(Vocabulary):
    WORKING_HYPOTHESIS = "working_hypothesis"
    ANSWERED = "answered"
    INCONCLUSIVE = "inconclusive"


class Entity(Vocabulary):
    """The kinds of thing the event log records changes to (each is its table's name)."""

    PERSON = "person"
    PROJECT = "project"
    QUESTION = "question"
    FINDING = "finding"
    REVIEW_REQUEST = "review_request"
    NOTE = "note"
    ANSWER = "answer"
    ONE_ON_ONE = "one_on_one"
    TRACK_NOTE = "track_note"
    ACTION_ITEM = "action_item"
    DECISION = "decision"

    @property
    def label(self) -> str:
        return "one-on-one" if self == Entity.ONE_ON_ONE else super().label


class NotificationKind(Vocabulary):
    """What a notification tells its person (written with the change, or by the worker
    for due dates)."""

    ASSIGNED = "assigned"  # a question assigned to you
    UNASSIGNED = "unassigned"  # a question of yours assigned to someone else or no one
    REVIEW_REQUESTED = "review_requested"  # someone asks you to review
    REVIEW_RESPONDED = "review_responded"  # the reviewer's first response on your request
    CHANGES_REQUESTED = "changes_requested"  # on your request
    REVIEW_APPROVED = "review_approved"  # your request approved
    MUST_FIX = "must_fix"  # a must-fix note on your request
    NOTE = "note"  # a note on your finding, answer or question
    FINDING_ACCEPTED = "finding_accepted"
    FINDING_SENT_BACK = "finding_sent_back"
    ACTION_ITEM = "action_item"  # an action item given to you
    DUE_SOON = "due_soon"  # your question or action item is due within two days
    OVERDUE = "overdue"  # your question or action item is past its due date
    ANSWER_CHANGED = "answer_changed"  # an answer you follow changed state or confidence

    @property
    def label(self) -> str:
        return _NOTIFICATION_LABELS.get(self, super().label)


_NOTIFICATION_LABELS = {
    NotificationKind.UNASSIGNED: "assigned away",
    NotificationKind.REVIEW_RESPONDED: "review started",
    NotificationKind.MUST_FIX: "must-fix note",
    NotificationKind.FINDING_SENT_BACK: "finding sent back",
}


class Channel(Vocabulary):
    """Where notifications reach a person outside the app."""

    EMAIL = "email"
    SLACK = "slack"
    WEBHOOK = "webhook"

    @property
    def label(self) -> str:
        return {"email": "Email", "slack": "Slack", "webhook": "Webhook"}[self.value]


class Cadence(Vocabulary):
    """How often a channel brings a person their notifications."""

    IMMEDIATE = "immediate"
    DAILY = "daily"  # one digest a day, at the person's hour
    WEEKLY = "weekly"  # one digest a week, on the person's day at their hour
    OFF = "off"

    @property
    def label(self) -> str:
        return {
            "immediate": "Immediately",
            "daily": "Daily digest",
            "weekly": "Weekly digest",
            "off": "Off",
        }[self.value]


class DeliveryStatus(Vocabulary):
    """A message's way out: gathering (a digest still collecting), pending (due; after a
    failure, waiting for its next try), sending (claimed by a worker), sent, failed
    (given up after the last try; the reason is kept)."""

    GATHERING = "gathering"
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class DeliveryKind(Vocabulary):
    """What a message carries."""

    SINGLE = "single"  # one notification, sent immediately
    DIGEST = "digest"  # the notifications of a day or a week
    BELIEVE = "believe"  # the weekly "what we now believe" digest
