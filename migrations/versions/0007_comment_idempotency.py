"""idempotency keys for comments sent from offline entry and the API

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_comments_idempotency_key", ["idempotency_key"])


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_constraint("uq_comments_idempotency_key", type_="unique")
        batch_op.drop_column("idempotency_key")
