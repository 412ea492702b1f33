"""duplicate_runs: near-duplicate detection requested by staff runs as a background job

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duplicate_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_duplicate_runs_draft_id", "duplicate_runs", ["draft_id"])


def downgrade():
    op.drop_index("ix_duplicate_runs_draft_id", table_name="duplicate_runs")
    op.drop_table("duplicate_runs")
