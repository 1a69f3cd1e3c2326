"""Notifications written with the change (a transactional outbox).

Every service change records its events (core/events.py); just before the change
commits, the events of the transaction are read here and turned into notification rows
for the people they concern, in the same transaction: the change and its notifications
commit together or not at all. The rows the events name are the ones the service has
just written, so reading them costs nothing (they are in the session).

Rules: never for your own acts; never to a deactivated person; one notification per
person and thing per change (a must-fix note that moves a request to "changes
requested" is one notification, the more telling one, carrying the note's words).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Insert, bindparam, insert, or_, select
from sqlmodel import Session, SQLModel, col

from team.models import (
    ActionItem,
    Answer,
    Event,
    Finding,
    Follow,
    Note,
    Notification,
    OneOnOne,
    Person,
    Question,
    ReviewRequest,
    table_of,
)
from team.services.notify.links import link, question_link
from team.vocabulary import FindingStatus, NoteKind, NotificationKind, ReviewStatus

K = NotificationKind
Row = TypeVar("Row", bound=SQLModel)
DETAIL_CHARS = 280  # a note's words carried in its notification (and so in messages)

# When one change makes two notifications for one person about one thing, the later
# kind in this list is kept.
PRIORITY = [
    K.NOTE,
    K.REVIEW_RESPONDED,
    K.UNASSIGNED,
    K.ANSWER_CHANGED,
    K.ACTION_ITEM,
    K.FINDING_ACCEPTED,
    K.FINDING_SENT_BACK,
    K.REVIEW_APPROVED,
    K.MUST_FIX,
    K.CHANGES_REQUESTED,
    K.REVIEW_REQUESTED,
    K.ASSIGNED,
]


@dataclass(frozen=True)
class Draft:
    person_id: int
    kind: NotificationKind
    entity: str
    entity_id: int
    root_id: int | None
    title: str
    link: str
    detail: str = ""


class Look:
    """Reads the rows events name: the ones the transaction wrote first (held by the
    event log until the commit), then the session's identity map, then the database."""

    def __init__(self, session: Session, rows: Mapping[tuple[str, int], object]) -> None:
        self.session, self.rows = session, rows

    def get(self, model: type[Row], row_id: int) -> Row | None:
        held = self.rows.get((str(model.__tablename__), row_id))
        return held if isinstance(held, model) else self.session.get(model, row_id)


def write_notifications(
    session: Session,
    events: Iterable[Event],
    held: Mapping[tuple[str, int], object] | None = None,
) -> int:
    """Insert the notifications ``events`` call for, in the transaction under way, with
    one statement however many people they reach; how many. ``held``: the rows the
    events are about, by (table, id), when the caller holds them."""
    look = Look(session, held or {})
    kept: dict[tuple[int, str, int], tuple[Draft, Event]] = {}
    words: dict[tuple[int, str, int], str] = {}  # a note's words, kept when a kind wins
    for event in events:
        for draft in _drafts(look, event):
            if draft.person_id == event.actor_id:
                continue  # never for your own acts
            key = (draft.person_id, draft.entity, draft.entity_id)
            if event.entity == "note" and draft.detail:
                words.setdefault(key, draft.detail)
            if key not in kept or PRIORITY.index(draft.kind) > PRIORITY.index(kept[key][0].kind):
                kept[key] = (draft, event)
    if not kept:
        return 0
    rows = [_row(d, event, words.get(key, d.detail)) for key, (d, event) in kept.items()]
    # On the connection: the Core path, a fraction of the ORM session's overhead.
    result = session.connection().execute(_INSERT, rows[0] if len(rows) == 1 else rows)
    return int(getattr(result, "rowcount", 0) or 0)


_COLUMNS = ("kind", "at", "actor_id", "entity", "entity_id", "root_id", "title", "detail", "link")


def _row(draft: Draft, event: Event, detail: str) -> dict[str, object]:
    return {
        "person_id": draft.person_id,
        "kind": draft.kind.value,
        "at": event.at,
        "actor_id": event.actor_id,
        "entity": draft.entity,
        "entity_id": draft.entity_id,
        "root_id": draft.root_id,
        "title": draft.title[:300],
        "detail": detail,
        "link": draft.link[:300],
    }


def _insert_for_the_active() -> Insert:
    """INSERT ... SELECT of one notification, written only if its person is active (a
    deactivated person is told nothing): the check costs no statement of its own. Built
    once; executed with every row's values at once."""
    table, person = table_of(Notification), table_of(Person)
    values = (bindparam(name, type_=table.c[name].type).label(name) for name in _COLUMNS)
    source = select(person.c.id, *values).where(
        person.c.id == bindparam("person_id", type_=person.c.id.type), person.c.active
    )
    return insert(table).from_select(["person_id", *_COLUMNS], source)


_INSERT = _insert_for_the_active()


def _drafts(look: Look, event: Event) -> Iterator[Draft]:
    rule = _RULES.get(event.entity)
    if rule is not None:
        yield from rule(look, event)


def _id(text: str | None) -> int | None:
    return int(text) if text else None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1].rstrip() + "…"


# --------------------------------------------------------------------------- questions


def _question(look: Look, event: Event) -> Iterator[Draft]:
    question = look.get(Question, event.entity_id)
    if question is None or question.id is None:
        return
    where = question_link(question.root_id, question.id)

    def draft(person_id: int, kind: NotificationKind) -> Draft:
        assert question is not None and question.id is not None
        return Draft(
            person_id, kind, "question", question.id, question.root_id, question.title, where
        )

    if event.action == "created" and question.assignee_id is not None:
        yield draft(question.assignee_id, K.ASSIGNED)
    elif event.action == "updated" and event.field == "assignee_id":
        if (new := _id(event.new_value)) is not None:
            yield draft(new, K.ASSIGNED)
        if (old := _id(event.old_value)) is not None:
            yield draft(old, K.UNASSIGNED)


# --------------------------------------------------------------------------- findings


FINDING_MOVES = {
    FindingStatus.ACCEPTED: K.FINDING_ACCEPTED,
    FindingStatus.NEEDS_WORK: K.FINDING_SENT_BACK,
}


def _finding(look: Look, event: Event) -> Iterator[Draft]:
    if event.action != "updated" or event.field != "status":
        return
    kind = FINDING_MOVES.get(FindingStatus(event.new_value or "draft"))
    finding = look.get(Finding, event.entity_id)
    if kind is None or finding is None:
        return
    yield _finding_draft(look, event, finding, finding.author_id, kind)


def _finding_draft(
    look: Look,
    event: Event,
    finding: Finding,
    person_id: int,
    kind: NotificationKind,
    detail: str = "",
) -> Draft:
    """The draft about ``finding``; its general question is the event's (every event
    about a finding or a note on one names it), else read."""
    assert finding.id is not None
    root = event.root_id
    if root is None:
        question = look.get(Question, finding.question_id)
        root = question.root_id if question else None
    where = question_link(root, finding.question_id, finding=finding.id)
    return Draft(person_id, kind, "finding", finding.id, root, finding.summary, where, detail)


# --------------------------------------------------------------------------- reviews


REVIEW_MOVES = {
    ReviewStatus.CHANGES_REQUESTED: K.CHANGES_REQUESTED,
    ReviewStatus.APPROVED: K.REVIEW_APPROVED,
}


def _review_draft(
    look: Look,
    review: ReviewRequest,
    person_id: int,
    kind: NotificationKind,
    detail: str = "",
) -> Draft:
    assert review.id is not None
    question = look.get(Question, review.question_id)
    title = question.title if question else review.artifact_url
    root = question.root_id if question else None
    where = link("reviews", review=review.id)
    return Draft(
        person_id,
        kind,
        "review_request",
        review.id,
        root,
        title,
        where,
        detail or review.artifact_url,
    )


def _review(look: Look, event: Event) -> Iterator[Draft]:
    review = look.get(ReviewRequest, event.entity_id)
    if review is None:
        return
    if event.action == "created" or (event.action == "updated" and event.field == "reviewer_id"):
        yield _review_draft(look, review, review.reviewer_id, K.REVIEW_REQUESTED)
    elif event.action == "updated" and event.field == "first_response_at":
        yield _review_draft(look, review, review.requester_id, K.REVIEW_RESPONDED)
    elif event.action == "updated" and event.field == "status":
        status = ReviewStatus(event.new_value or "open")
        if status == ReviewStatus.OPEN:  # the requester asks again: it waits on the reviewer
            yield _review_draft(look, review, review.reviewer_id, K.REVIEW_REQUESTED)
        elif (kind := REVIEW_MOVES.get(status)) is not None:
            yield _review_draft(look, review, review.requester_id, kind)


# --------------------------------------------------------------------------- notes


def _note(look: Look, event: Event) -> Iterator[Draft]:
    if event.action != "created":
        return
    note = look.get(Note, event.entity_id)
    if note is None:
        return
    detail = _short(note.body)
    if note.review_request_id is not None:
        review = look.get(ReviewRequest, note.review_request_id)
        if review is not None:
            must_fix = note.kind == NoteKind.MUST_FIX
            yield _review_draft(
                look, review, review.requester_id, K.MUST_FIX if must_fix else K.NOTE, detail
            )
            yield _review_draft(look, review, review.reviewer_id, K.NOTE, detail)
    elif note.finding_id is not None:
        finding = look.get(Finding, note.finding_id)
        if finding is not None:
            yield _finding_draft(look, event, finding, finding.author_id, K.NOTE, detail)
    elif note.answer_id is not None:
        answer = look.get(Answer, note.answer_id)
        question = look.get(Question, answer.question_id) if answer else None
        if answer is not None and question is not None and question.id is not None:
            where = link("answers", root=question.root_id, node=question.id)
            yield Draft(
                answer.author_id,
                K.NOTE,
                "answer",
                answer.question_id,
                question.root_id,
                question.title,
                where,
                detail,
            )
    elif note.question_id is not None:
        question = look.get(Question, note.question_id)
        if question is not None and question.id is not None:
            where = question_link(question.root_id, question.id)
            for person in {question.owner_id, question.assignee_id} - {None}:
                assert person is not None
                yield Draft(
                    person,
                    K.NOTE,
                    "question",
                    question.id,
                    question.root_id,
                    question.title,
                    where,
                    detail,
                )


# --------------------------------------------------------------------------- action items


def _action_item(look: Look, event: Event) -> Iterator[Draft]:
    given = event.action == "created" or (event.action == "updated" and event.field == "owner_id")
    item = look.get(ActionItem, event.entity_id) if given else None
    if item is None or item.id is None:
        return
    meeting = look.get(OneOnOne, item.one_on_one_id)
    if meeting is None:
        return
    where = link("one_on_ones", report=meeting.report_id, manager=meeting.manager_id)
    yield Draft(item.owner_id, K.ACTION_ITEM, "action_item", item.id, None, item.description, where)


# --------------------------------------------------------------------------- answers


def _answer(look: Look, event: Event) -> Iterator[Draft]:
    if event.action != "created":
        return
    answer = look.get(Answer, event.entity_id)
    question = look.get(Question, answer.question_id) if answer else None
    if answer is None or question is None or question.id is None:
        return
    before = look.session.execute(
        select(col(Answer.state), col(Answer.confidence)).where(
            col(Answer.question_id) == answer.question_id, col(Answer.number) == answer.number - 1
        )
    ).first()
    now = f"{_label(answer.state)}, {_label(answer.confidence)} confidence"
    if before is not None:
        if (before[0], before[1]) == (answer.state, answer.confidence):
            return  # the words changed, not what we believe
        detail = f"{_label(before[0])}, {_label(before[1])} confidence → {now}"
    else:
        detail = f"First answer: {now}"
    followers = look.session.scalars(
        select(col(Follow.person_id)).where(
            or_(col(Follow.question_id) == question.id, col(Follow.question_id) == question.root_id)
        )
    )
    where = link("answers", root=question.root_id, node=question.id)
    for person in set(followers):
        yield Draft(
            person,
            K.ANSWER_CHANGED,
            "answer",
            question.id,
            question.root_id,
            question.title,
            where,
            detail,
        )


def _label(value: str) -> str:
    return str(value).replace("_", " ")


_RULES = {
    "question": _question,
    "finding": _finding,
    "review_request": _review,
    "note": _note,
    "action_item": _action_item,
    "answer": _answer,
}
