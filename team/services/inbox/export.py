"""My work's queue as CSV: every question assigned to the person exporting (not dropped),
in the page's order (unfinished first, by due date), with its general question, when it
last had evidence, whether it is stale and how many reviews on it are open. Only one's
own queue: the page shows nobody else's. A fixed number of queries whatever the size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlmodel import Session

from team.services.core import exports
from team.services.core.actors import acting
from team.services.core.errors import PermissionDenied
from team.services.core.export_words import address, label, titles, utc, yes_no
from team.services.inbox.my_work import WorkItem, my_questions
from team.services.notify.links import question_link

HEADER = [
    "Question",
    "General question",
    "Project",
    "Status",
    "Due",
    "Last evidence (UTC)",
    "Days without evidence",
    "Stale",
    "Open reviews",
    "Link",
]


def my_work_csv(
    session: Session,
    actor_id: int,
    *,
    stale_after_days: int,
    public_url: str = "",
    now: datetime | None = None,
) -> str:
    """The questions assigned to ``actor_id`` as CSV text; stale after
    ``stale_after_days`` without evidence (config.yaml's); links open each question at
    ``public_url`` (the app's address)."""
    actor = acting(session, actor_id)
    if actor.is_viewer:
        raise PermissionDenied("Viewers have no work queue; nothing is assigned to a viewer.")
    items = my_questions(session, person_id=actor.id, stale_after_days=stale_after_days, now=now)
    roots = titles(session, [i.root_id for i in items])
    return exports.to_csv(HEADER, _rows(items, roots, public_url))


def _rows(
    items: Iterable[WorkItem], roots: dict[int, str], public_url: str
) -> Iterator[list[object]]:
    for item in items:
        general = roots.get(item.root_id, "") if item.root_id is not None else ""
        yield [
            item.title,
            general,
            item.project,
            label(item.status),
            item.due_date,
            utc(item.last_evidence_at),
            item.quiet_days,
            yes_no(item.stale),
            item.open_reviews,
            address(public_url, question_link(item.root_id, item.question_id)),
        ]
