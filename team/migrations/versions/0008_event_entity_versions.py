"""The newest event of each kind of thing, found at once: event (entity, id).

Every app server reads, at the start of each script run, the newest event id of each
kind of thing the event log records (questions, findings, notes...). Cached reads are
keyed by the kinds they depend on, so a note does not make Progress or the tree cold.
With this index each of those maxima is one step down an index, whatever the size of
the log.

Only an index is added: no data is touched.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_entity_id", "event", ["entity", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_entity_id", table_name="event")
