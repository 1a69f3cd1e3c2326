"""Who may write a question's answer, and so act on it (save a version, mark its changed
evidence reviewed, record its decisions): a manager, or the IC the question is assigned
to. One rule for every act on an answer; each act says its own refusal."""

from __future__ import annotations

from sqlmodel import Session

from team.models import Question
from team.services.core.actors import Actor, acting, require_writer
from team.services.core.errors import PermissionDenied
from team.services.questions.rules import works_on


def answer_writer(session: Session, actor_id: int, question: Question, *, refused: str) -> Actor:
    """The acting person, if they may write ``question``'s answer; else PermissionDenied
    with ``refused`` (a viewer or an inactive person is refused as for every write)."""
    actor = acting(session, actor_id)
    require_writer(actor)
    if not works_on(actor, question):
        raise PermissionDenied(refused)
    return actor
