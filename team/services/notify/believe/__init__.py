"""The weekly "what we now believe" digest for managers and viewers: per general
question they own or follow, what changed in the week (week.py) and the message that
tells it (compose.py)."""

from team.services.notify.believe.compose import believe_message
from team.services.notify.believe.week import (
    AcceptedFinding,
    AnswerAt,
    BelieveDigest,
    Coverage,
    OverdueQuestion,
    RootChange,
    concerned_roots,
    first_paragraph,
    weekly_beliefs,
)

__all__ = [
    "AcceptedFinding",
    "AnswerAt",
    "BelieveDigest",
    "Coverage",
    "OverdueQuestion",
    "RootChange",
    "believe_message",
    "concerned_roots",
    "first_paragraph",
    "weekly_beliefs",
]
