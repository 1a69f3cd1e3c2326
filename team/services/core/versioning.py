"""Optimistic concurrency: every editable row carries ``version``; a save names the
version it was based on and takes the next one, or is refused and overwrites nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col

from team.models import utcnow
from team.services.core.errors import StaleEdit


def claim_version(
    session: Session, row: SQLModel, version: int, what: str, *, touch: bool = False
) -> None:
    """Take the next version of ``row`` or raise StaleEdit naming ``what``. The
    conditional UPDATE makes two concurrent saves of the same version fail for one of
    them. ``touch`` also stamps ``updated_at``."""
    current: int = getattr(row, "version")  # noqa: B009
    stale = StaleEdit(
        f"{what} was changed by someone else since you opened it (you had version "
        f"{version}, it is now version {current}); reload to see their change, then "
        "apply yours again."
    )
    if current != version:
        raise stale
    table: Any = type(row)
    values: dict[str, Any] = {"version": version + 1}
    if touch:
        values["updated_at"] = utcnow()
    result = session.execute(
        update(table)
        .where(col(table.id) == getattr(row, "id"), col(table.version) == version)  # noqa: B009
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise stale
    for name, value in values.items():
        setattr(row, name, value)
