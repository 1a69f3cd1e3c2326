"""Due-soon and overdue reminders, written by the worker on each run: one per item and
day (the notification's ``key`` holds the kind, the item and the UTC date, so a second
run that day, or a second worker, writes nothing). Each kind and table is one
INSERT ... SELECT ... ON CONFLICT DO NOTHING: no round trip per item."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, select
from sqlmodel import Session, col

from team.models import ActionItem, Notification, OneOnOne, Person, Question, table_of
from team.services.notify.dialect import insert_ignore, inserted
from team.vocabulary import NotificationKind, QuestionStatus

SOON_DAYS = 2  # due today, tomorrow or the day after: "due soon"
_COLUMNS = ("person_id", "kind", "at", "entity", "entity_id", "root_id", "title", "detail", "link")


def _text(value: Any) -> Any:
    return cast(value, String)


def _window(kind: NotificationKind, due: Any, today: date) -> Any:
    if kind == NotificationKind.OVERDUE:
        return due < today
    return and_(due >= today, due <= today + timedelta(days=SOON_DAYS))


def _question_reminders(kind: NotificationKind, now: datetime, today: date) -> Any:
    q_id, root = col(Question.id), func.coalesce(col(Question.root_id), col(Question.id))
    link = case(
        (q_id == root, "questions?root=" + _text(root)),
        else_="questions?root=" + _text(root) + "&node=" + _text(q_id),
    )
    return select(
        col(Question.assignee_id),
        literal(kind.value),
        literal(now),
        literal("question"),
        q_id,
        root,
        col(Question.title),
        "due " + _text(col(Question.due_date)),
        link,
        literal(f"{kind.value}:question:") + _text(q_id) + literal(f":{today.isoformat()}"),
    ).where(
        col(Question.assignee_id).is_not(None),
        col(Question.status).not_in([QuestionStatus.ANSWERED, QuestionStatus.DROPPED]),
        _window(kind, col(Question.due_date), today),
        select(col(Person.id))
        .where(col(Person.id) == col(Question.assignee_id), col(Person.active))
        .exists(),
    )


def _action_item_reminders(kind: NotificationKind, now: datetime, today: date) -> Any:
    item_id = col(ActionItem.id)
    link = (
        "one_on_ones?report="
        + _text(col(OneOnOne.report_id))
        + "&manager="
        + _text(col(OneOnOne.manager_id))
    )
    return (
        select(
            col(ActionItem.owner_id),
            literal(kind.value),
            literal(now),
            literal("action_item"),
            item_id,
            literal(None),
            func.substr(col(ActionItem.description), 1, 300),
            "due " + _text(col(ActionItem.due_date)),
            link,
            literal(f"{kind.value}:action_item:") + _text(item_id) + literal(f":{today}"),
        )
        .join(OneOnOne, col(OneOnOne.id) == col(ActionItem.one_on_one_id))
        .join(Person, col(Person.id) == col(ActionItem.owner_id))
        .where(
            col(ActionItem.done).is_(False),
            col(Person.active),
            _window(kind, col(ActionItem.due_date), today),
        )
    )


def write_reminders(session: Session, now: datetime) -> int:
    """Write today's due-soon and overdue notifications (those not written yet) and
    commit; how many were new."""
    today = now.date()  # the UTC date: the day of the once-a-day key
    table = table_of(Notification)
    written = 0
    for kind in (NotificationKind.OVERDUE, NotificationKind.DUE_SOON):
        for build in (_question_reminders, _action_item_reminders):
            statement = insert_ignore(session, table).from_select(
                [*_COLUMNS, "key"], build(kind, now, today)
            )
            written += inserted(session, statement, table)
    session.commit()
    return written
