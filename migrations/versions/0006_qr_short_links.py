"""short links / QR provenance for drafts, articles and contact points; meeting attendance

The meeting's attendance already has its column (meetings.attendance): the sign-in count of the meeting kit
is written there, so only the short_links table is new.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "short_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("contact_point_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_short_links_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_point_id"], ["contact_points.id"],
                                name=op.f("fk_short_links_contact_point_id_contact_points"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["division_id"], ["divisions.id"], name=op.f("fk_short_links_division_id_divisions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_short_links_draft_id_drafts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_short_links")),
        sa.UniqueConstraint("code", name=op.f("uq_short_links_code")),
        sa.UniqueConstraint("target", name=op.f("uq_short_links_target")),
    )
    with op.batch_alter_table("short_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_short_links_contact_point_id"), ["contact_point_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_short_links_draft_id"), ["draft_id"], unique=False)


def downgrade():
    with op.batch_alter_table("short_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_short_links_draft_id"))
        batch_op.drop_index(batch_op.f("ix_short_links_contact_point_id"))
    op.drop_table("short_links")
