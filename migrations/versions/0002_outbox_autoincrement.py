"""search_outbox ids are never reused (SQLite AUTOINCREMENT)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:55:00

An indexer deletes the outbox rows it processed by id. Without AUTOINCREMENT, SQLite reuses the largest
freed rowid, so a row written after another indexer's delete could carry an id that a concurrent indexer
was still going to delete: that comment was never indexed. PostgreSQL sequences never reuse ids.
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("search_outbox", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.alter_column("id", existing_nullable=False)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("search_outbox", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}) as batch_op:
            batch_op.alter_column("id", existing_nullable=False)
