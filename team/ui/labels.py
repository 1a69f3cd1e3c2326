"""How values read on screen, the same on every page: statuses as coloured badges (in the
colours of team.colours, which the charts use too), kinds and states by their labels,
durations and ages in words."""

from __future__ import annotations

from datetime import datetime

from team import colours
from team.models import utcnow
from team.services.questions.rollup import HELP as COVERAGE_HELP
from team.ui.text import plain
from team.vocabulary import (
    AnswerState,
    EvidenceStrength,
    FindingStatus,
    NoteKind,
    QuestionStatus,
    ReviewStatus,
)

__all__ = ["COVERAGE_HELP"]


def badge(text: str, colour: str) -> str:
    return f":{colour}-badge[{plain(text)}]"


def status_badge(status: QuestionStatus) -> str:
    status = QuestionStatus(status)
    return badge(status.label, colours.QUESTION[status].badge)


def finding_badge(status: FindingStatus) -> str:
    status = FindingStatus(status)
    return badge(status.label, colours.FINDING[status].badge)


def strength_badge(strength: EvidenceStrength) -> str:
    strength = EvidenceStrength(strength)
    return badge(strength.label, colours.STRENGTH[strength].badge)


def review_badge(status: ReviewStatus) -> str:
    status = ReviewStatus(status)
    return badge(status.label, colours.REVIEW[status].badge)


def note_badge(kind: NoteKind) -> str:
    kind = NoteKind(kind)
    return badge(kind.label, colours.NOTE[kind].badge)


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


def answer_state_badge(state: AnswerState) -> str:
    state = AnswerState(state)
    return badge(state.label, colours.ANSWER[state].badge)
