"""search_documents: the index table of the PostgreSQL search backend (SEARCH_BACKEND=postgres)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _array(length):
    return postgresql.ARRAY(sa.String(length)).with_variant(sa.Text(), "sqlite")


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("eid", sa.BigInteger(), nullable=False),
        sa.Column("draft", sa.String(20), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("article", sa.String(20), nullable=False),
        sa.Column("artno", sa.String(40), nullable=False),
        sa.Column("division", _array(20), nullable=False),
        sa.Column("point", sa.String(60), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("tags", _array(50), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("ord", sa.BigInteger(), nullable=False),
        sa.Column("blen", sa.Integer(), nullable=False),
        sa.Column("public", sa.String(1), nullable=False),
        sa.Column("fp", sa.String(32), nullable=False),
        sa.Column("ntext", sa.Text(), nullable=False),
        sa.Column("tokens", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=False),
    )
    op.create_index("ix_search_documents_tokens", "search_documents", ["tokens"], postgresql_using="gin")
    op.create_index("ix_search_documents_kind_ord", "search_documents", ["kind", "ord"])


def downgrade():
    op.drop_index("ix_search_documents_kind_ord", table_name="search_documents")
    op.drop_index("ix_search_documents_tokens", table_name="search_documents")
    op.drop_table("search_documents")
