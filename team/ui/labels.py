"""How values read on screen, the same on every page: statuses as coloured badges, kinds
and states by their labels, durations and ages in words."""

from __future__ import annotations

from datetime import datetime

from team.models import utcnow
from team.services.questions.rollup import HELP as COVERAGE_HELP
from team.ui.text import plain
from team.vocabulary import AnswerState, FindingStatus, NoteKind, QuestionStatus, ReviewStatus

__all__ = ["COVERAGE_HELP"]

QUESTION_BADGES = {
    QuestionStatus.OPEN: "gray",
    QuestionStatus.IN_PROGRESS: "blue",
    QuestionStatus.BLOCKED: "red",
    QuestionStatus.ANSWERED: "green",
    QuestionStatus.DROPPED: "gray",
}
FINDING_BADGES = {
    FindingStatus.DRAFT: "gray",
    FindingStatus.SHARED: "blue",
    FindingStatus.ACCEPTED: "green",
    FindingStatus.NEEDS_WORK: "orange",
    FindingStatus.WITHDRAWN: "gray",
}
REVIEW_BADGES = {
    ReviewStatus.OPEN: "blue",
    ReviewStatus.IN_REVIEW: "violet",
    ReviewStatus.CHANGES_REQUESTED: "orange",
    ReviewStatus.APPROVED: "green",
    ReviewStatus.WITHDRAWN: "gray",
}
NOTE_BADGES = {
    NoteKind.COMMENT: "gray",
    NoteKind.SUGGESTION: "blue",
    NoteKind.MUST_FIX: "red",
    NoteKind.PRAISE: "green",
}


def badge(text: str, colour: str) -> str:
    return f":{colour}-badge[{plain(text)}]"


def status_badge(status: QuestionStatus) -> str:
    status = QuestionStatus(status)
    return badge(status.label, QUESTION_BADGES[status])


def finding_badge(status: FindingStatus) -> str:
    status = FindingStatus(status)
    return badge(status.label, FINDING_BADGES[status])


def review_badge(status: ReviewStatus) -> str:
    status = ReviewStatus(status)
    return badge(status.label, REVIEW_BADGES[status])


def note_badge(kind: NoteKind) -> str:
    kind = NoteKind(kind)
    return badge(kind.label, NOTE_BADGES[kind])


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "no response yet"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "never"
    return hours_text(((now or utcnow()) - moment).total_seconds() / 3600) + " ago"


ANSWER_BADGES = {
    AnswerState.WORKING_HYPOTHESIS: "orange",
    AnswerState.ANSWERED: "green",
    AnswerState.INCONCLUSIVE: "gray",
}


def answer_state_badge(state: AnswerState) -> str:
    state = AnswerState(state)
    return badge(state.label, ANSWER_BADGES[state])
