"""Evidence you can trust: review checklists, citation health and the decision log.

- review_request.kind: what a review looks at (code, analysis, data-cleaning decision);
  reviews requested before this migration are analysis reviews with no checklist.
- review_check: each review's checklist, copied from the config when it was requested.
- citation_flag: evidence an answer version cites changed after the version was saved.
- decision: the decision an answer version informed, and when to revisit it.

Also indexes for the new reads: citations by finding and by cited answer (which
answers a changed finding or child answer flags), reviews by finding and status (is a
finding's review approved).

One column with a default and three indexes are added and three tables are created;
nothing existing is rewritten. The downgrade removes only what this adds.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('code', 'analysis', 'data_cleaning')"
CHANGES = "change IN ('edited', 'sent_back', 'withdrawn', 'confidence_lower', 'state_changed')"


def upgrade() -> None:
    # A column-level CHECK: SQLite adds it with the column (no table rebuild).
    op.add_column(
        "review_request",
        sa.Column(
            "kind",
            sa.String(length=24),
            sa.CheckConstraint(KINDS, name="ck_review_request_kind"),
            nullable=False,
            server_default="analysis",
        ),
    )
    op.create_table(
        "review_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('open', 'ticked', 'waived')", name="ck_review_check_state"),
        sa.ForeignKeyConstraint(["checked_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["review_request_id"], ["review_request.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "review_request_id", "position", name="uq_review_check_review_request_id_position"
        ),
    )
    op.create_table(
        "citation_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("cited_answer_id", sa.Integer(), nullable=True),
        sa.Column("change", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(CHANGES, name="ck_citation_flag_change"),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"]),
        sa.ForeignKeyConstraint(["cited_answer_id"], ["answer.id"]),
        sa.ForeignKeyConstraint(["cleared_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_citation_flag_answer_id_cleared_at", "citation_flag", ["answer_id", "cleared_at"]
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("revisit_on", sa.Date(), nullable=True),
        sa.Column("revisit_condition", sa.String(length=500), nullable=False),
        sa.Column("revisited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("claims_reviewed", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_id", name="uq_decision_answer_id"),
    )
    op.create_index("ix_decision_question_id", "decision", ["question_id"])
    op.create_index("ix_decision_revisit_on", "decision", ["revisit_on"])
    op.create_index("ix_citation_finding_id", "citation", ["finding_id"])
    op.create_index("ix_citation_cited_answer_id", "citation", ["cited_answer_id"])
    op.create_index(
        "ix_review_request_finding_id_status", "review_request", ["finding_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_review_request_finding_id_status", "review_request")
    op.drop_index("ix_citation_cited_answer_id", "citation")
    op.drop_index("ix_citation_finding_id", "citation")
    op.drop_table("decision")
    op.drop_table("citation_flag")
    op.drop_table("review_check")
    # Not a batch rebuild: that would drop the search triggers on review_request. Both
    # SQLite (3.35+) and PostgreSQL drop a column with its own CHECK.
    op.execute("ALTER TABLE review_request DROP COLUMN kind")
