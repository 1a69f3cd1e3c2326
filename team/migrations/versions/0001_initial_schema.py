"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 10:41:01.007673
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("reports_to_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('manager', 'ic', 'viewer')", name="ck_person_role"),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", name="uq_person_email"),
    )
    op.create_table(
        "project",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_project_name"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_actor_id_at", ["actor_id", "at"], unique=False)
        batch_op.create_index("ix_event_at", ["at"], unique=False)
        batch_op.create_index("ix_event_entity_entity_id", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_event_root_id_at", ["root_id", "at"], unique=False)

    op.create_table(
        "one_on_one",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("one_on_one", schema=None) as batch_op:
        batch_op.create_index(
            "ix_one_on_one_manager_id_report_id", ["manager_id", "report_id"], unique=False
        )

    op.create_table(
        "question",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("technique", sa.String(length=60), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "priority IN ('low', 'medium', 'high', 'urgent')", name="ck_question_priority"
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'blocked', 'answered', 'dropped')",
            name="ck_question_status",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["question.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["root_id"],
            ["question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_assignee_id_status", ["assignee_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_question_parent_id_position", ["parent_id", "position"], unique=False
        )
        batch_op.create_index("ix_question_project_id", ["project_id"], unique=False)
        batch_op.create_index("ix_question_root_id", ["root_id"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["one_on_one_id"],
            ["one_on_one.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("ix_action_item_one_on_one_id", ["one_on_one_id"], unique=False)
        batch_op.create_index("ix_action_item_owner_id_done", ["owner_id", "done"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("confidence IN ('low', 'medium', 'high')", name="ck_answer_confidence"),
        sa.CheckConstraint(
            "state IN ('working_hypothesis', 'answered', 'inconclusive')", name="ck_answer_state"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "number", name="uq_answer_question_id_number"),
    )
    op.create_table(
        "finding",
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("confidence IN ('low', 'medium', 'high')", name="ck_finding_confidence"),
        sa.CheckConstraint(
            "kind IN ('result', 'negative_result', 'data_decision', 'caveat')",
            name="ck_finding_kind",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'shared', 'accepted', 'needs_work', 'withdrawn')",
            name="ck_finding_status",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finding_author_id_created_at", ["author_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_finding_question_id", ["question_id"], unique=False)

    op.create_table(
        "track_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_on_one_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["one_on_one_id"],
            ["one_on_one.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("track_note", schema=None) as batch_op:
        batch_op.create_index("ix_track_note_one_on_one_id", ["one_on_one_id"], unique=False)

    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("cited_answer_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(finding_id IS NULL) <> (cited_answer_id IS NULL)", name="ck_citation_one_target"
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["cited_answer_id"],
            ["answer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.create_index("ix_citation_answer_id", ["answer_id"], unique=False)

    op.create_table(
        "review_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("artifact_url", sa.String(length=2000), nullable=False),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_review', 'changes_requested', 'approved', 'withdrawn')",
            name="ck_review_request_status",
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.create_index("ix_review_request_question_id", ["question_id"], unique=False)
        batch_op.create_index("ix_review_request_requester_id", ["requester_id"], unique=False)
        batch_op.create_index(
            "ix_review_request_reviewer_id_status", ["reviewer_id", "status"], unique=False
        )

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("review_request_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('comment', 'suggestion', 'must_fix', 'praise')", name="ck_note_kind"
        ),
        sa.CheckConstraint(
            "(CASE WHEN review_request_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN finding_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="ck_note_one_target",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
        ),
        sa.ForeignKeyConstraint(
            ["review_request_id"],
            ["review_request.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index("ix_note_answer_id", ["answer_id"], unique=False)
        batch_op.create_index("ix_note_finding_id", ["finding_id"], unique=False)
        batch_op.create_index("ix_note_question_id", ["question_id"], unique=False)
        batch_op.create_index("ix_note_review_request_id", ["review_request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_review_request_id")
        batch_op.drop_index("ix_note_question_id")
        batch_op.drop_index("ix_note_finding_id")
        batch_op.drop_index("ix_note_answer_id")

    op.drop_table("note")
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.drop_index("ix_review_request_reviewer_id_status")
        batch_op.drop_index("ix_review_request_requester_id")
        batch_op.drop_index("ix_review_request_question_id")

    op.drop_table("review_request")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_index("ix_citation_answer_id")

    op.drop_table("citation")
    with op.batch_alter_table("track_note", schema=None) as batch_op:
        batch_op.drop_index("ix_track_note_one_on_one_id")

    op.drop_table("track_note")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_question_id")
        batch_op.drop_index("ix_finding_author_id_created_at")

    op.drop_table("finding")
    op.drop_table("answer")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_owner_id_done")
        batch_op.drop_index("ix_action_item_one_on_one_id")

    op.drop_table("action_item")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("ix_question_root_id")
        batch_op.drop_index("ix_question_project_id")
        batch_op.drop_index("ix_question_parent_id_position")
        batch_op.drop_index("ix_question_assignee_id_status")

    op.drop_table("question")
    with op.batch_alter_table("one_on_one", schema=None) as batch_op:
        batch_op.drop_index("ix_one_on_one_manager_id_report_id")

    op.drop_table("one_on_one")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_root_id_at")
        batch_op.drop_index("ix_event_entity_entity_id")
        batch_op.drop_index("ix_event_at")
        batch_op.drop_index("ix_event_actor_id_at")

    op.drop_table("event")
    op.drop_table("project")
    op.drop_table("person")
