"""Indexes for reading at a large organisation's size.

- question (parent_id, status): Overview's coverage totals walk every tree from its
  root through the sub-questions that are not dropped, and ask of each node whether it
  has a live child; with the status in the index both are answered from the index alone.
- finding (author_id, status, created_at): the "awaiting acceptance" count behind the
  navigation's attention number (a manager's reports' shared findings) from the index.
- finding (question_id, author_id, status): technique breadth (Team and Progress) counts
  findings per question, person and status from the index instead of every row.
- finding (question_id, status, created_at, id): the Answers page's "findings beneath" a
  question, counted and paged newest first from the index (PostgreSQL needs the id).
- review_request (status, requested_at): the "All open" reviews, counted and paged in order.

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


INDEXES = [
    ("question", "ix_question_parent_id_status", ["parent_id", "status"]),
    ("finding", "ix_finding_author_id_status_created_at", ["author_id", "status", "created_at"]),
    ("review_request", "ix_review_request_status_requested_at", ["status", "requested_at"]),
    ("finding", "ix_finding_question_id_author_id_status", ["question_id", "author_id", "status"]),
    (
        "finding",
        "ix_finding_question_id_status_created_at_id",
        ["question_id", "status", "created_at", "id"],
    ),
]


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
