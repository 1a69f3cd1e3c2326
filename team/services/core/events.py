"""The append-only event log. Every service change records its events in the same
transaction as the change itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum

from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlmodel import Session

from team.models import Event, table_of, utcnow
from team.services.notify.outbox import write_notifications

PENDING = "team_events"  # session.info key: the events of the transaction under way
ROWS = "team_event_rows"  # session.info key: the rows they are about, held till commit


def text_of(value: object) -> str | None:
    """A value as an event stores it (the bench's generator writes the same)."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)  # a finding's links, one a line
    return str(value)


def record(
    session: Session,
    *,
    actor_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    field: str | None = None,
    old: object = None,
    new: object = None,
    root_id: int | None = None,
    at: datetime | None = None,
    row: object = None,
) -> Event:
    """Add one event to the session (it commits with the change it describes).

    Conventions: ``action`` is ``created``, ``updated`` (one event per changed field,
    with ``field``, ``old`` and ``new``), ``moved``, ``deleted`` or a domain verb;
    ``entity`` is the table name (``question``, ``finding``...).
    """
    event = Event(
        at=at or utcnow(),
        actor_id=actor_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        field=field,
        old_value=text_of(old),
        new_value=text_of(new),
        root_id=root_id,
    )
    session.add(event)
    session.info.setdefault(PENDING, []).append(event)
    if row is not None:
        # The session's identity map holds rows weakly: a row the service no longer
        # refers to (a note just added) would be read again for its notifications.
        session.info.setdefault(ROWS, {})[(entity, entity_id)] = row
    return event


def record_all(
    session: Session, events: list[Event], rows: Mapping[tuple[str, int], object]
) -> None:
    """Add many events at once (an import's), with one executemany instead of the
    ORM's INSERT per row; they join the transaction's notifications like any other.
    ``rows``: the rows they are about, by (table, id)."""
    if not events:
        return
    columns = [c.name for c in table_of(Event).columns if c.name != "id"]
    rows_of = [{c: getattr(e, c) for c in columns} for e in events]
    session.connection().execute(insert(table_of(Event)), rows_of)  # Core: one executemany
    session.info.setdefault(PENDING, []).extend(events)
    session.info.setdefault(ROWS, {}).update(rows)


def notify(session: Session) -> None:
    """Turn the transaction's events so far into notifications (outbox.py); a commit
    does it for whatever is left."""
    events = session.info.pop(PENDING, None)
    rows = session.info.pop(ROWS, None) or {}
    if events:
        write_notifications(session, events, rows)  # executed at once: nothing to flush


@sa_event.listens_for(Session, "before_commit")
def _notify_before_commit(session: Session) -> None:
    """The transaction's events become notifications, committed with them."""
    notify(session)


@sa_event.listens_for(Session, "after_rollback")
def _forget_events(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(ROWS, None)
