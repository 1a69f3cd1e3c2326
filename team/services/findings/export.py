"""The findings beneath a question as CSV: those logged on the question and on every
question below it, of any status (the Questions page lists each question's findings,
drafts and withdrawn ones too, to anyone who may sign in), newest first, each with the
question it is on, in words. Two queries whatever the number."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlmodel import Session

from team.models import Question
from team.services.core import exports
from team.services.core.actors import acting
from team.services.core.errors import NotFound
from team.services.core.export_words import address, label, utc
from team.services.findings.reads import FindingView, findings_below
from team.services.notify.links import question_link
from team.vocabulary import FindingStatus

HEADER = [
    "Id",
    "Finding",
    "Question id",
    "Question",
    "Author",
    "Kind",
    "Confidence",
    "Status",
    "Logged (UTC)",
    "Evidence links",
    "Details",
    "Link",
]


def findings_csv(session: Session, actor_id: int, *, question_id: int, public_url: str = "") -> str:
    """Every finding on ``question_id`` or below it as CSV text, newest first; links open
    each finding at ``public_url`` (the app's address)."""
    acting(session, actor_id)
    if session.get(Question, question_id) is None:
        raise NotFound(f"Question #{question_id} does not exist; it may have been removed.")
    found = findings_below(session, node_id=question_id, statuses=tuple(FindingStatus))
    found.sort(key=lambda f: (f.created_at, f.id), reverse=True)
    return exports.to_csv(HEADER, _rows(found, public_url))


def _rows(found: Iterable[FindingView], public_url: str) -> Iterator[list[object]]:
    for f in found:
        link = question_link(f.root_id, f.question_id, finding=f.id)
        yield [
            f.id,
            f.summary,
            f.question_id,
            f.question_title,
            f.author,
            label(f.kind),
            label(f.confidence),
            label(f.status),
            utc(f.created_at),
            "\n".join(f.links),
            f.body,
            address(public_url, link),
        ]
