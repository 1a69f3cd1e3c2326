"""Notifications, the messages that carry them, follows and each person's settings.

- notification: the outbox, one row per person a change concerns, written in the
  change's transaction; read state for the inbox; ``planned_at`` once the notify worker
  has given it its messages; ``key`` makes a due-date reminder once-only.
- delivery (+ delivery_item): one message to one person on one channel, with its
  idempotency key, status, tries and last error; the notifications it carries.
- follow: a person following a question's answer.
- person_setting: time zone, digest hour and day, and a cadence per channel.

Only tables are added: nothing existing is touched; the downgrade removes only these.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CADENCES = "('immediate', 'daily', 'weekly', 'off')"
KINDS = (
    "('assigned', 'unassigned', 'review_requested', 'review_responded', "
    "'changes_requested', 'review_approved', 'must_fix', 'note', 'finding_accepted', "
    "'finding_sent_back', 'action_item', 'due_soon', 'overdue', 'answer_changed')"
)


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        _time("at"),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        _time("read_at", nullable=True),
        _time("planned_at", nullable=True),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_notification_kind"),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    # Unique where set: only the worker's reminders have a key, so the rows the outbox
    # writes with every change stay out of this index.
    op.create_index(
        "uq_notification_key",
        "notification",
        ["key"],
        unique=True,
        sqlite_where=sa.text("key IS NOT NULL"),
        postgresql_where=sa.text("key IS NOT NULL"),
    )
    op.create_index(
        "ix_notification_person_id_at_read_at", "notification", ["person_id", "at", "read_at"]
    )
    op.create_index("ix_notification_planned_at_id", "notification", ["planned_at", "id"])

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _time("period_start", nullable=True),
        _time("due_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("claimed_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        _time("created_at"),
        _time("sent_at", nullable=True),
        sa.CheckConstraint("channel IN ('email', 'slack', 'webhook')", name="ck_delivery_channel"),
        sa.CheckConstraint("kind IN ('single', 'digest', 'believe')", name="ck_delivery_kind"),
        sa.CheckConstraint(
            "status IN ('gathering', 'pending', 'sending', 'sent', 'failed')",
            name="ck_delivery_status",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_delivery_key"),
    )
    op.create_index("ix_delivery_person_id_status", "delivery", ["person_id", "status"])
    op.create_index("ix_delivery_status_due_at", "delivery", ["status", "due_at"])

    op.create_table(
        "delivery_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.ForeignKeyConstraint(["notification_id"], ["notification.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "delivery_id", "notification_id", name="uq_delivery_item_delivery_id_notification_id"
        ),
    )
    op.create_index("ix_delivery_item_notification_id", "delivery_item", ["notification_id"])

    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        _time("created_at"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "question_id", name="uq_follow_person_id_question_id"),
    )
    op.create_index("ix_follow_question_id", "follow", ["question_id"])

    op.create_table(
        "person_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=16), nullable=False),
        sa.Column("slack", sa.String(length=16), nullable=False),
        sa.Column("webhook", sa.String(length=16), nullable=False),
        sa.Column("slack_url", sa.String(length=2000), nullable=False),
        _time("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"email IN {CADENCES}", name="ck_person_setting_email"),
        sa.CheckConstraint(f"slack IN {CADENCES}", name="ck_person_setting_slack"),
        sa.CheckConstraint(f"webhook IN {CADENCES}", name="ck_person_setting_webhook"),
        sa.CheckConstraint("digest_hour BETWEEN 0 AND 23", name="ck_person_setting_digest_hour"),
        sa.CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="ck_person_setting_weekday"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", name="uq_person_setting_person_id"),
    )


def downgrade() -> None:
    for table in ("person_setting", "follow", "delivery_item", "delivery", "notification"):
        op.drop_table(table)
