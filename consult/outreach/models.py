"""Short links (短链接) behind every QR code: a draft, a chapter, an article, or a contact point × draft."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db

# What a short link opens: the draft page, a chapter (编/章/节) in it, an article page, or the comment form
# with a contact point as provenance (the point's poster, 扫码提意见).
LINK_KINDS = ("draft", "division", "article", "point")


class ShortLink(db.Model):
    """A short code people type or scan (/q/<code>) and the page it opens."""

    __tablename__ = "short_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(12), unique=True)
    kind: Mapped[str] = mapped_column(db.String(20))
    # One link per target ("article:17", "point:4:2"): a unique string, because NULLs never collide in SQL.
    target: Mapped[str] = mapped_column(db.String(60), unique=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    division_id: Mapped[int | None] = mapped_column(db.ForeignKey("divisions.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"))
    contact_point_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("contact_points.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)

    draft = relationship("Draft")
    division = relationship("Division")
    article = relationship("Article")
    contact_point = relationship("ContactPoint")

    def __repr__(self) -> str:
        return f"<ShortLink {self.code} {self.target}>"
