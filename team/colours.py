"""The app's colours, each with one meaning, defined once for the badges on pages (the
Streamlit colour name) and for the charts (the hex of that colour in Streamlit's light
theme, so a chart's red is the badge's red).

- problem (red): something is wrong and waits on someone: overdue, at risk, blocked,
  stale, a must-fix note.
- sent back (orange): work that came back or is not settled: changes requested, needs
  work, a working hypothesis.
- done (green): answered, accepted, approved, praise.
- moving (blue): in progress, shared, a review waiting for its reviewer, a suggestion.
- with the reviewer (violet): in review.
- quiet (gray): not started or out of play: open, draft, dropped, withdrawn, a comment,
  inconclusive.
- a search hit (yellow background): the words a search found, in its snippets.

Things that are not a state (finding kinds, projects, what a line measures) take SERIES,
a palette without the problem red, so red on a chart always means a problem.

No streamlit, pandas or altair here: the pages (team.ui.labels) and the charts
(team.charts) both read it."""

from __future__ import annotations

from dataclasses import dataclass

from team.vocabulary import (
    AnswerState,
    EvidenceStrength,
    FindingKind,
    FindingStatus,
    NoteKind,
    QuestionStatus,
)
from team.vocabulary import ReviewStatus as RS


@dataclass(frozen=True)
class Colour:
    badge: str  # Streamlit's name, as in ":red-badge[...]" and ":red[...]"
    hex: str  # the same colour in a chart


PROBLEM = Colour("red", "#ff4b4b")
SENT_BACK = Colour("orange", "#ffa421")
DONE = Colour("green", "#21c354")
MOVING = Colour("blue", "#1c83e1")
WITH_REVIEWER = Colour("violet", "#803df5")
QUIET = Colour("gray", "#a3a8b8")
HIT = Colour("yellow", "#ffe312")

QUESTION = {
    QuestionStatus.OPEN: QUIET,
    QuestionStatus.IN_PROGRESS: MOVING,
    QuestionStatus.BLOCKED: PROBLEM,
    QuestionStatus.ANSWERED: DONE,
    QuestionStatus.DROPPED: QUIET,
}
FINDING = {
    FindingStatus.DRAFT: QUIET,
    FindingStatus.SHARED: MOVING,
    FindingStatus.ACCEPTED: DONE,
    FindingStatus.NEEDS_WORK: SENT_BACK,
    FindingStatus.WITHDRAWN: QUIET,
}
STRENGTH = {  # a cited finding: reviewed is done; withdrawn evidence is a problem
    EvidenceStrength.REVIEWED: DONE,
    EvidenceStrength.ACCEPTED: MOVING,
    EvidenceStrength.SHARED: QUIET,
    EvidenceStrength.NEEDS_WORK: SENT_BACK,
    EvidenceStrength.WITHDRAWN: PROBLEM,
    EvidenceStrength.DRAFT: QUIET,
}
REVIEW = {
    RS.OPEN: MOVING,
    RS.IN_REVIEW: WITH_REVIEWER,
    RS.CHANGES_REQUESTED: SENT_BACK,
    RS.APPROVED: DONE,
    RS.WITHDRAWN: QUIET,
}
NOTE = {
    NoteKind.COMMENT: QUIET,
    NoteKind.SUGGESTION: MOVING,
    NoteKind.MUST_FIX: PROBLEM,
    NoteKind.PRAISE: DONE,
}
ANSWER = {
    AnswerState.WORKING_HYPOTHESIS: SENT_BACK,
    AnswerState.ANSWERED: DONE,
    AnswerState.INCONCLUSIVE: QUIET,
}

# Categorical colours for what is not a state: Vega's Tableau palettes without their
# reds, oranges and greens (those are states).
SERIES = (
    "#4c78a8",
    "#72b7b2",
    "#eeca3b",
    "#b279a2",
    "#9d755d",
    "#bab0ac",
    "#79706e",
    "#86bcb6",
    "#9ecae9",
    "#d8b5a5",
)
# One colour per finding kind, the same on every chart, none of them the problem red.
KIND = {
    FindingKind.RESULT: SERIES[0],
    FindingKind.NEGATIVE_RESULT: SERIES[4],
    FindingKind.DATA_DECISION: SERIES[1],
    FindingKind.CAVEAT: SERIES[2],
}
