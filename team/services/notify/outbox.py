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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import insert, or_, select
from sqlmodel import Session, col

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
)
from team.services.notify.links import link, question_link
from team.vocabulary import FindingStatus, NoteKind, NotificationKind, ReviewStatus

K = NotificationKind
DETAIL_CHARS = 280  # a note's words carried in its notification (and so in messages)

# When one change makes two notifications for one person about one thing, the later
# kind in this list is kept.
_PRIORITY = [
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


def write_notifications(session: Session, events: Iterable[Event]) -> int:
    """Insert the notifications ``events`` call for, in the transaction under way, with
    one statement however many people they reach; how many."""
    kept: dict[tuple[int, str, int], tuple[Draft, Event]] = {}
    words: dict[tuple[int, str, int], str] = {}  # a note's words, kept when a kind wins
    for event in events:
        for draft in _drafts(session, event):
            if draft.person_id == event.actor_id:
                continue  # never for your own acts
            key = (draft.person_id, draft.entity, draft.entity_id)
            if event.entity == "note" and draft.detail:
                words.setdefault(key, draft.detail)
            if key not in kept or _PRIORITY.index(draft.kind) > _PRIORITY.index(kept[key][0].kind):
                kept[key] = (draft, event)
    if not kept:
        return 0
    wanted = {person for person, _e, _i in kept}
    active = set(
        session.scalars(
            select(col(Person.id)).where(col(Person.id).in_(wanted), col(Person.active))
        )
    )
    rows = [
        _row(d, event, words.get(key, d.detail))
        for key, (d, event) in kept.items()
        if d.person_id in active
    ]
    if rows:
        # Core executemany: the ORM would insert row by row to read each id back.
        session.execute(insert(Notification), rows)
    return len(rows)


def _row(draft: Draft, event: Event, detail: str) -> dict[str, object]:
    return {
        "person_id": draft.person_id,
        "kind": draft.kind,
        "at": event.at,
        "actor_id": event.actor_id,
        "entity": draft.entity,
        "entity_id": draft.entity_id,
        "root_id": draft.root_id,
        "title": draft.title[:300],
        "detail": detail,
        "link": draft.link[:300],
        "read_at": None,
        "planned_at": None,
        "key": None,
    }


def _drafts(session: Session, event: Event) -> Iterator[Draft]:
    rule = _RULES.get(event.entity)
    if rule is not None:
        yield from rule(session, event)


def _id(text: str | None) -> int | None:
    return int(text) if text else None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1].rstrip() + "…"


# --------------------------------------------------------------------------- questions


def _question(session: Session, event: Event) -> Iterator[Draft]:
    question = session.get(Question, event.entity_id)
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


_FINDING_MOVES = {
    FindingStatus.ACCEPTED: K.FINDING_ACCEPTED,
    FindingStatus.NEEDS_WORK: K.FINDING_SENT_BACK,
}


def _finding(session: Session, event: Event) -> Iterator[Draft]:
    if event.action != "updated" or event.field != "status":
        return
    kind = _FINDING_MOVES.get(FindingStatus(event.new_value or "draft"))
    finding = session.get(Finding, event.entity_id)
    if kind is None or finding is None:
        return
    yield _finding_draft(session, finding, finding.author_id, kind)


def _finding_draft(
    session: Session, finding: Finding, person_id: int, kind: NotificationKind, detail: str = ""
) -> Draft:
    assert finding.id is not None
    question = session.get(Question, finding.question_id)
    root = question.root_id if question else None
    where = question_link(root, finding.question_id, finding=finding.id)
    return Draft(person_id, kind, "finding", finding.id, root, finding.summary, where, detail)


# --------------------------------------------------------------------------- reviews


_REVIEW_MOVES = {
    ReviewStatus.CHANGES_REQUESTED: K.CHANGES_REQUESTED,
    ReviewStatus.APPROVED: K.REVIEW_APPROVED,
}


def _review_draft(
    session: Session,
    review: ReviewRequest,
    person_id: int,
    kind: NotificationKind,
    detail: str = "",
) -> Draft:
    assert review.id is not None
    question = session.get(Question, review.question_id)
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


def _review(session: Session, event: Event) -> Iterator[Draft]:
    review = session.get(ReviewRequest, event.entity_id)
    if review is None:
        return
    if event.action == "created" or (event.action == "updated" and event.field == "reviewer_id"):
        yield _review_draft(session, review, review.reviewer_id, K.REVIEW_REQUESTED)
    elif event.action == "updated" and event.field == "first_response_at":
        yield _review_draft(session, review, review.requester_id, K.REVIEW_RESPONDED)
    elif event.action == "updated" and event.field == "status":
        status = ReviewStatus(event.new_value or "open")
        if status == ReviewStatus.OPEN:  # the requester asks again: it waits on the reviewer
            yield _review_draft(session, review, review.reviewer_id, K.REVIEW_REQUESTED)
        elif (kind := _REVIEW_MOVES.get(status)) is not None:
            yield _review_draft(session, review, review.requester_id, kind)


# --------------------------------------------------------------------------- notes


def _note(session: Session, event: Event) -> Iterator[Draft]:
    if event.action != "created":
        return
    note = session.get(Note, event.entity_id)
    if note is None:
        return
    detail = _short(note.body)
    if note.review_request_id is not None:
        review = session.get(ReviewRequest, note.review_request_id)
        if review is not None:
            must_fix = note.kind == NoteKind.MUST_FIX
            yield _review_draft(
                session, review, review.requester_id, K.MUST_FIX if must_fix else K.NOTE, detail
            )
            yield _review_draft(session, review, review.reviewer_id, K.NOTE, detail)
    elif note.finding_id is not None:
        finding = session.get(Finding, note.finding_id)
        if finding is not None:
            yield _finding_draft(session, finding, finding.author_id, K.NOTE, detail)
    elif note.answer_id is not None:
        answer = session.get(Answer, note.answer_id)
        question = session.get(Question, answer.question_id) if answer else None
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
        question = session.get(Question, note.question_id)
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


def _action_item(session: Session, event: Event) -> Iterator[Draft]:
    given = event.action == "created" or (event.action == "updated" and event.field == "owner_id")
    item = session.get(ActionItem, event.entity_id) if given else None
    if item is None or item.id is None:
        return
    meeting = session.get(OneOnOne, item.one_on_one_id)
    if meeting is None:
        return
    where = link("one_on_ones", report=meeting.report_id, manager=meeting.manager_id)
    yield Draft(item.owner_id, K.ACTION_ITEM, "action_item", item.id, None, item.description, where)


# --------------------------------------------------------------------------- answers


def _answer(session: Session, event: Event) -> Iterator[Draft]:
    if event.action != "created":
        return
    answer = session.get(Answer, event.entity_id)
    question = session.get(Question, answer.question_id) if answer else None
    if answer is None or question is None or question.id is None:
        return
    before = session.execute(
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
    followers = session.scalars(
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
