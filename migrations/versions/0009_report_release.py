"""public report release, per-article summaries of changes, notification log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_releases",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("first_released_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=False),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_report_releases_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["draft_versions.id"],
                                name=op.f("fk_report_releases_version_id_draft_versions"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["released_by_id"], ["users.id"],
                                name=op.f("fk_report_releases_released_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_report_releases")),
    )
    op.create_table(
        "released_decisions",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"],
                                name=op.f("fk_released_decisions_comment_id_comments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_released_decisions_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_released_decisions")),
    )
    with op.batch_alter_table("released_decisions") as batch_op:
        batch_op.create_index(batch_op.f("ix_released_decisions_draft_id"), ["draft_id"], unique=False)
    op.create_table(
        "article_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("released_text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_article_summaries_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_article_summaries_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_article_summaries_updated_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_summaries")),
        sa.UniqueConstraint("draft_id", "article_id", name="uq_article_summaries_draft_article"),
    )
    with op.batch_alter_table("article_summaries") as batch_op:
        batch_op.create_index(batch_op.f("ix_article_summaries_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_summaries_article_id"), ["article_id"], unique=False)


def downgrade():
    with op.batch_alter_table("article_summaries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_summaries_article_id"))
        batch_op.drop_index(batch_op.f("ix_article_summaries_draft_id"))
    op.drop_table("article_summaries")
    with op.batch_alter_table("released_decisions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_decisions_draft_id"))
    op.drop_table("released_decisions")
    op.drop_table("report_releases")
