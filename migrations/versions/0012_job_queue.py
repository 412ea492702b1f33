"""background jobs on a queue: export job heartbeat and attempts; export files stored in the database

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_jobs") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "export_files",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["export_jobs.id"], name="fk_export_files_job_id_export_jobs",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", name="pk_export_files"),
    )


def downgrade():
    op.drop_table("export_files")
    with op.batch_alter_table("export_jobs") as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
