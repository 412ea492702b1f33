"""citizen accounts: e-mail verification, claimed comments, followed drafts; release notifications

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("registered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_comments_owner_id", ["owner_id"])
        batch_op.create_foreign_key("fk_comments_owner_id_users", "users", ["owner_id"], ["id"],
                                    ondelete="SET NULL")
    op.create_table(
        "draft_follows",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "notification_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_since", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("draft_id", "revision", name="uq_notification_batches_release"),
    )
    op.create_index("ix_notification_batches_draft_id", "notification_batches", ["draft_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("notification_batches.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("contact_point_id", sa.Integer(), sa.ForeignKey("contact_points.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("comment_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_notifications_batch_id", "notifications", ["batch_id"])
    op.create_index("ix_notifications_status", "notifications", ["status"])
    op.create_table(
        "mail_opt_outs",
        sa.Column("email_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("mail_opt_outs")
    op.drop_index("ix_notifications_status", table_name="notifications")
    op.drop_index("ix_notifications_batch_id", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_notification_batches_draft_id", table_name="notification_batches")
    op.drop_table("notification_batches")
    op.drop_table("draft_follows")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_constraint("fk_comments_owner_id_users", type_="foreignkey")
        batch_op.drop_index("ix_comments_owner_id")
        batch_op.drop_column("owner_id")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("email_verified_at")
        batch_op.drop_column("registered_at")
