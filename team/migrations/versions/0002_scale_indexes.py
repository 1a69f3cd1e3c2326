"""Indexes for reading at a large organisation's size.

- question (parent_id, status): Overview's coverage totals walk every tree from its
  root through the sub-questions that are not dropped, and ask of each node whether it
  has a live child; with the status in the index both are answered from the index alone.

Only adds indexes: no data is touched.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index("ix_question_parent_id_status", ["parent_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("ix_question_parent_id_status")
