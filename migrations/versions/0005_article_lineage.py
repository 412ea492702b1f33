"""article lineage between versions (ArticleLink) and lineage review state

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 14:00:00

- article_links: old article (previous version) → new article (next version), kind unchanged/modified,
  shape one-to-one/merge/split, similarity, origin proposed/staff;
- draft_versions.lineage_state ("" / proposed / confirmed), lineage_confirmed_at, lineage_confirmed_by_id.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("from_version_id", sa.Integer(), nullable=False),
        sa.Column("to_version_id", sa.Integer(), nullable=False),
        sa.Column("old_article_id", sa.Integer(), nullable=False),
        sa.Column("new_article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("shape", sa.String(length=20), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_article_links_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["from_version_id"], ["draft_versions.id"],
                                name=op.f("fk_article_links_from_version_id_draft_versions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["to_version_id"], ["draft_versions.id"],
                                name=op.f("fk_article_links_to_version_id_draft_versions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["old_article_id"], ["articles.id"],
                                name=op.f("fk_article_links_old_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["new_article_id"], ["articles.id"],
                                name=op.f("fk_article_links_new_article_id_articles"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_links")),
        sa.UniqueConstraint("old_article_id", "new_article_id", name="uq_article_links_old_new"),
    )
    for column in ("draft_id", "from_version_id", "to_version_id", "old_article_id", "new_article_id"):
        op.create_index(op.f(f"ix_article_links_{column}"), "article_links", [column], unique=False)
    with op.batch_alter_table("draft_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lineage_state", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("lineage_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("lineage_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_draft_versions_lineage_confirmed_by_id_users", "users",
                                    ["lineage_confirmed_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("draft_versions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_draft_versions_lineage_confirmed_by_id_users", type_="foreignkey")
        batch_op.drop_column("lineage_confirmed_by_id")
        batch_op.drop_column("lineage_confirmed_at")
        batch_op.drop_column("lineage_state")
    for column in ("draft_id", "from_version_id", "to_version_id", "old_article_id", "new_article_id"):
        op.drop_index(op.f(f"ix_article_links_{column}"), table_name="article_links")
    op.drop_table("article_links")
