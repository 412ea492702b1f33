"""near-duplicate groups: representative, split-out flag, when detection last ran

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00

- duplicate_groups.representative_id: the comment a group's members are compared with and whose later
  decisions they take;
- comments.duplicate_excluded: staff split the comment out of a group, automatic grouping leaves it alone
  (until now inferred from audit events; those comments are flagged here);
- duplicate_detections: one row per draft, when detection last ran and what it found.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SPLIT_ACTION = "comment.duplicate_split"


def upgrade():
    op.create_table(
        "duplicate_detections",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_duplicate_detections_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_duplicate_detections")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_excluded", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("duplicate_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("representative_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_duplicate_groups_representative_id_comments", "comments",
                                    ["representative_id"], ["id"], ondelete="SET NULL")
    op.execute(sa.text(
        "UPDATE comments SET duplicate_excluded = :yes WHERE id IN (SELECT target_id FROM audit_events "
        "WHERE action = :action AND target_type = 'Comment')").bindparams(yes=True, action=SPLIT_ACTION))


def downgrade():
    with op.batch_alter_table("duplicate_groups", schema=None) as batch_op:
        batch_op.drop_constraint("fk_duplicate_groups_representative_id_comments", type_="foreignkey")
        batch_op.drop_column("representative_id")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("duplicate_excluded")
    op.drop_table("duplicate_detections")
