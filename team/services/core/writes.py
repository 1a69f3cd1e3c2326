"""How every service writes: load the row, claim its next version, change the fields
that changed with one event each, in the transaction of the service call.

Optimistic concurrency: every editable row carries ``version``; a save names the
version it was based on and takes the next one, or is refused and overwrites nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from team.models import utcnow
from team.services.core import events
from team.services.core.actors import Actor
from team.services.core.errors import InvalidInput, NotFound, StaleEdit

Row = TypeVar("Row", bound=SQLModel)


def load(session: Session, model: type[Row], row_id: int, missing: str) -> Row:
    """The row ``row_id`` of ``model``, or NotFound with the sentence ``missing``."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def lock_row(session: Session, model: type[SQLModel], row_id: int) -> None:
    """Hold the row ``row_id`` until the transaction ends: another writer that locks it
    waits, so numbers and positions read after this (the next answer version, the next
    sibling position) cannot be taken twice. A no-op UPDATE: on PostgreSQL it locks the
    row; on SQLite it takes the database's write lock (waiting for busy_timeout)."""
    table: Any = model
    session.execute(
        update(table)
        .where(col(table.id) == row_id)
        .values(version=col(table.version))
        .execution_options(synchronize_session=False)
    )


def _stale(what: str, had: int, now: object) -> StaleEdit:
    return StaleEdit(
        f"{what} was changed by someone else since you opened it (you had version {had}, "
        f"it is now version {now}); reload to see their change, then apply yours again."
    )


def claim_version(
    session: Session, row: SQLModel, version: int, what: str, *, touch: bool = False
) -> None:
    """Take the next version of ``row`` or raise StaleEdit naming ``what``. The
    conditional UPDATE makes two concurrent saves of the same version fail for one of
    them. ``touch`` also stamps ``updated_at``."""
    table: Any = type(row)
    row_id = getattr(row, "id")  # noqa: B009
    current: int = getattr(row, "version")  # noqa: B009
    if current != version:
        raise _stale(what, version, current)
    values: dict[str, Any] = {"version": version + 1}
    if touch:
        values["updated_at"] = utcnow()
    result = session.execute(
        update(table)
        .where(col(table.id) == row_id, col(table.version) == version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        # Someone saved between our read and our write: name the version there now.
        now = session.scalar(select(col(table.version)).where(col(table.id) == row_id))
        raise _stale(what, version, now)
    for name, value in values.items():
        setattr(row, name, value)


def record(
    session: Session,
    actor: Actor | int | None,
    row: SQLModel,
    action: str,
    *,
    field: str | None = None,
    old: object = None,
    new: object = None,
    root_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """The event of a change to ``row`` (its table names the entity) by ``actor`` (or
    just their id, as the demo loader knows them; None for an act from the command
    line), stamped now unless ``at`` says when (the demo's backdated history)."""
    row_id = getattr(row, "id")  # noqa: B009
    assert row_id is not None, "a row is flushed before its events are recorded"
    events.record(
        session,
        actor_id=actor.id if isinstance(actor, Actor) else actor,
        entity=str(getattr(type(row), "__tablename__")),  # noqa: B009
        entity_id=row_id,
        action=action,
        field=field,
        old=old,
        new=new,
        root_id=root_id,
        at=at,
        row=row,
    )


def save_fields(
    session: Session,
    actor: Actor,
    row: SQLModel,
    *,
    version: int,
    wanted: dict[str, object],
    what: str,
    root_id: int | None = None,
    touch: bool = False,
) -> dict[str, object]:
    """Set the fields of ``wanted`` that differ on ``row``: claim its next version
    (StaleEdit naming ``what`` if ``version`` is not the current one), then one
    ``updated`` event per changed field. Returns {field: old value} of what changed;
    nothing changed, nothing is claimed or recorded."""
    changed = {k: getattr(row, k) for k, v in wanted.items() if getattr(row, k) != v}
    if not changed:
        return {}
    claim_version(session, row, version, what, touch=touch)
    for name, old in changed.items():
        new = wanted[name]
        record(session, actor, row, "updated", field=name, old=old, new=new, root_id=root_id)
        setattr(row, name, new)
    return changed


def insert(
    session: Session,
    actor: Actor | None,
    row: SQLModel,
    *,
    new: object,
    field: str | None = None,
    root_id: int | None = None,
    clash: str | None = None,
    clash_field: str | None = None,
) -> None:
    """Add ``row`` with its ``created`` event (naming ``field`` and its value ``new``).
    Given ``clash``, a unique value someone else saved a moment ago is InvalidInput with
    that sentence (about ``clash_field``), not a traceback; the service's @atomic rolls
    the transaction back."""
    session.add(row)
    if clash is None:
        session.flush()
    else:
        try:
            session.flush()
        except IntegrityError:
            raise InvalidInput(clash, field=clash_field) from None
    record(session, actor, row, "created", field=field, new=new, root_id=root_id)


def commit(session: Session, *, clash: str) -> None:
    """Commit; a unique clash with a concurrent save is InvalidInput with the sentence
    ``clash``, not a traceback (the service's @atomic rolls the transaction back)."""
    try:
        session.commit()
    except IntegrityError:
        raise InvalidInput(clash) from None
