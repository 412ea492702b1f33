"""Drafts (草案), their versions (征求意见稿, 一审稿 …), divisions (编/章/节), articles (条) and the lineage
(沿革) that links each article of a version to the article(s) of the version before it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.database import utcnow
from consult.extensions import db

DIVISION_KINDS = ("part", "chapter", "section")


class Draft(db.Model):
    """A regulation under consultation; its text lives in versions, one of them current."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(300))
    description: Mapped[str] = mapped_column(db.Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    comment_opens_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    comment_closes_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))

    versions = relationship("DraftVersion", back_populates="draft", order_by="DraftVersion.id",
                            cascade="all, delete-orphan")
    article_links = relationship("ArticleLink", back_populates="draft", cascade="all, delete-orphan")

    @property
    def current_version(self) -> "DraftVersion | None":
        """The version people read and comment on."""
        return next((v for v in self.versions if v.is_current), None)

    @property
    def is_published(self) -> bool:
        """True once staff published the draft."""
        return self.published_at is not None

    def is_open(self, now: datetime | None = None) -> bool:
        """True while the comment window is open (published, opened, not closed)."""
        now = now or utcnow()
        if not self.is_published:
            return False
        if self.comment_opens_at and now < self.comment_opens_at:
            return False
        if self.comment_closes_at and now >= self.comment_closes_at:
            return False
        return True

    def __repr__(self) -> str:
        return f"<Draft {self.id} {self.title}>"


class DraftVersion(db.Model):
    """One text of a draft (征求意见稿, 一审稿, 二审稿 …) as imported from a file."""

    __tablename__ = "draft_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(db.String(100), default="")
    title: Mapped[str] = mapped_column(db.String(300), default="")
    kind: Mapped[str] = mapped_column(db.String(20), default="regulation")
    source_filename: Mapped[str] = mapped_column(db.String(300), default="")
    source_hash: Mapped[str] = mapped_column(db.String(64), default="", index=True)
    is_current: Mapped[bool] = mapped_column(default=True)
    preamble: Mapped[list] = mapped_column(db.JSON, default=list)
    toc: Mapped[list] = mapped_column(db.JSON, default=list)
    trailing: Mapped[list] = mapped_column(db.JSON, default=list)
    warnings: Mapped[list] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    # Lineage to the version before: "" (first version / not computed), "proposed" (by the matcher, staff
    # have not checked it yet) or "confirmed" (staff reviewed it; who and when below).
    lineage_state: Mapped[str] = mapped_column(db.String(20), default="", server_default="")
    lineage_confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime)
    lineage_confirmed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))

    draft = relationship("Draft", back_populates="versions")
    divisions = relationship("Division", back_populates="version", order_by="Division.position",
                             cascade="all, delete-orphan")
    articles = relationship("Article", back_populates="version", order_by="Article.position",
                            cascade="all, delete-orphan")


class Division(db.Model):
    """A part (编), chapter (章) or section (节) of a version, nested through `parent`."""

    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("divisions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(db.String(10))
    number: Mapped[int | None]
    label: Mapped[str] = mapped_column(db.String(50), default="")
    title: Mapped[str] = mapped_column(db.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    version = relationship("DraftVersion", back_populates="divisions")
    parent = relationship("Division", remote_side=[id])

    @property
    def heading(self) -> str:
        """Label and title as printed, e.g. 第二章 规划与建设."""
        return f"{self.label} {self.title}".strip()


class Article(db.Model):
    """An article (条): the unit people cite and comment on; paragraphs (款) hold items (项)."""

    __tablename__ = "articles"
    __table_args__ = (db.UniqueConstraint("version_id", "position", name="uq_articles_version_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="CASCADE"), index=True)
    division_id: Mapped[int | None] = mapped_column(db.ForeignKey("divisions.id", ondelete="SET NULL"))
    number: Mapped[int]
    suffix: Mapped[int | None]
    label: Mapped[str] = mapped_column(db.String(50))
    caption: Mapped[str | None] = mapped_column(db.String(200))
    paragraphs: Mapped[list] = mapped_column(db.JSON, default=list)
    deleted: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # The article's unique address in its version: number[-suffix], plus _2, _3 … for a repeated number
    # (see consult.drafts.publishing.assign_addresses). Later: kept stable across versions once matched.
    stable_key: Mapped[str] = mapped_column(db.String(40), default="", index=True)
    source_line: Mapped[int | None]

    version = relationship("DraftVersion", back_populates="articles")
    division = relationship("Division")

    @property
    def key(self) -> str:
        """Number with its insertion suffix, e.g. 12 or 12-1 (URL-friendly)."""
        return f"{self.number}-{self.suffix}" if self.suffix else str(self.number)

    @property
    def address(self) -> str:
        """The article's unique URL key in its version (12, 12-1, or 4_2 for a second 第四条)."""
        return self.stable_key or self.key

    @property
    def text(self) -> str:
        """The article body as one string, paragraphs separated by newlines."""
        return "\n".join(self.paragraphs or [])

    def __repr__(self) -> str:
        return f"<Article {self.label}>"


LINK_KINDS = ("unchanged", "modified")
LINK_SHAPES = ("one-to-one", "merge", "split")
LINK_ORIGINS = ("proposed", "staff")


class ArticleLink(db.Model):
    """One edge of the lineage: `old_article` (in `from_version`) became, wholly or in part, `new_article`.

    Two old articles linked to one new one are a merge (合并), one old to two new a split (拆分); an old
    article without a link was deleted, a new one without a link was added. `kind` is "unchanged" when the
    texts are the same apart from whitespace, the article's own number and numbers inside cross-references.
    """

    __tablename__ = "article_links"
    __table_args__ = (db.UniqueConstraint("old_article_id", "new_article_id", name="uq_article_links_old_new"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(db.ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="CASCADE"),
                                                 index=True)
    to_version_id: Mapped[int] = mapped_column(db.ForeignKey("draft_versions.id", ondelete="CASCADE"),
                                               index=True)
    old_article_id: Mapped[int] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    new_article_id: Mapped[int] = mapped_column(db.ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(db.String(20), default="modified")
    shape: Mapped[str] = mapped_column(db.String(20), default="one-to-one")
    similarity: Mapped[float] = mapped_column(db.Float, default=0.0)
    origin: Mapped[str] = mapped_column(db.String(20), default="proposed")
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)

    draft = relationship("Draft", back_populates="article_links")
    from_version = relationship("DraftVersion", foreign_keys=[from_version_id])
    to_version = relationship("DraftVersion", foreign_keys=[to_version_id])
    old_article = relationship("Article", foreign_keys=[old_article_id])
    new_article = relationship("Article", foreign_keys=[new_article_id])

    def __repr__(self) -> str:
        return f"<ArticleLink {self.old_article_id}->{self.new_article_id} {self.kind} {self.shape}>"
