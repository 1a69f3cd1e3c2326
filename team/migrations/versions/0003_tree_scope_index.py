"""One index for a whole tree's scope, and two indexes another one now covers.

- question (root_id, status, parent_id) replaces question (root_id): Overview's coverage
  totals and its open sub-question count read every node of the matching trees by
  root, needing only the status and the parent: with both in the index, the trees'
  rows are not read at all (about half the time of a whole-organisation summary at the
  benchmark's large size).
- finding (question_id) goes: the two indexes 0002 added begin with question_id and
  serve every lookup it served.

Only indexes change: no data is touched.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_question_root_id_status_parent_id",
        "question",
        ["root_id", "status", "parent_id"],
        unique=False,
    )
    op.drop_index("ix_question_root_id", table_name="question")
    op.drop_index("ix_finding_question_id", table_name="finding")


def downgrade() -> None:
    op.create_index("ix_finding_question_id", "finding", ["question_id"], unique=False)
    op.create_index("ix_question_root_id", "question", ["root_id"], unique=False)
    op.drop_index("ix_question_root_id_status_parent_id", table_name="question")
