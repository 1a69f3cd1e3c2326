"""The keys imported questions had in the tracker or sheet they came from.

- question_key: (project, key) → question, so importing the same CSV again updates the
  questions it made instead of adding them twice (a question may also have its
  tracker's id, ``id:<id>``, as a second key).

Only a table is added: nothing existing is touched; the downgrade removes only it.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "key", name="uq_question_key_project_id_key"),
    )
    op.create_index("ix_question_key_question_id", "question_key", ["question_id"])


def downgrade() -> None:
    op.drop_table("question_key")
