"""The rules of findings: how a finding's status moves and who moves it, who logs
findings where, and which findings an answer may cite.

State machine (who in brackets):
  draft      -> shared [author], withdrawn [author, manager]
  shared     -> accepted [manager], needs_work [manager], withdrawn [author, manager]
  needs_work -> shared [author], withdrawn [author, manager]
  accepted   -> needs_work [manager]
  withdrawn  -> draft [author]
An IC logs findings on the questions assigned to them; a manager on any question still
in scope. Only the author edits a finding's content (an accepted finding edited goes
back to shared: the acceptance covered what the manager read); accepting or sending
back is a manager's act, and sending back needs a reason. An answer cites shared or
accepted findings only (FindingStatus.is_citable), from its question's branch.
"""

from __future__ import annotations

from typing import Protocol

from team.services.core.actors import Actor
from team.services.core.errors import IllegalTransition, PermissionDenied
from team.services.questions.rules import Assignable, works_on
from team.vocabulary import FindingStatus, QuestionStatus

F = FindingStatus
TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    F.DRAFT: frozenset({F.SHARED, F.WITHDRAWN}),
    F.SHARED: frozenset({F.ACCEPTED, F.NEEDS_WORK, F.WITHDRAWN}),
    F.NEEDS_WORK: frozenset({F.SHARED, F.WITHDRAWN}),
    F.ACCEPTED: frozenset({F.NEEDS_WORK}),
    F.WITHDRAWN: frozenset({F.DRAFT}),
}
MANAGER_MOVES = frozenset({F.ACCEPTED, F.NEEDS_WORK})
AUTHOR_MOVES = frozenset({F.SHARED, F.DRAFT})


class Authored(Protocol):
    @property
    def author_id(self) -> int: ...
    @property
    def status(self) -> FindingStatus: ...


def may_log(actor: Actor, question: Assignable) -> bool:
    """Who works on the question (a manager, or its IC), while it is in scope."""
    return works_on(actor, question) and question.status != QuestionStatus.DROPPED


def may_move(actor: Actor, author_id: int, new: FindingStatus) -> bool:
    if actor.is_viewer:
        return False
    own = author_id == actor.id
    if new in MANAGER_MOVES:
        return actor.is_manager
    if new in AUTHOR_MOVES:
        return own
    return own or actor.is_manager  # withdrawn


def allowed_moves(actor: Actor, finding: Authored) -> list[FindingStatus]:
    """The statuses ``actor`` may move this finding to, in a stable order."""
    moves = TRANSITIONS[FindingStatus(finding.status)]
    return [s for s in FindingStatus if s in moves and may_move(actor, finding.author_id, s)]


def check_move(actor: Actor, finding: Authored, new: FindingStatus) -> None:
    """IllegalTransition or PermissionDenied unless ``actor`` may move it to ``new``."""
    current = FindingStatus(finding.status)
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in FindingStatus if s in TRANSITIONS[current])
        raise IllegalTransition(
            f"This finding is {current.label}; from there it can move to {allowed}, not to "
            f"{new.label}.",
            field="status",
        )
    if not may_move(actor, finding.author_id, new):
        raise PermissionDenied(_who_may(new))


def _who_may(new: FindingStatus) -> str:
    if new in MANAGER_MOVES:
        return "Only a manager can accept a finding or send it back."
    if new in AUTHOR_MOVES:
        return "Only the author can share a finding or restore it as a draft."
    return "Only the author or a manager can withdraw a finding."
