"""The table of the PostgreSQL search backend (`consult.search.postgres_backend`)."""
from __future__ import annotations

from sqlalchemy import DDL, BigInteger, Index, Integer, String, Text, event
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from consult.extensions import db


class SearchDocument(db.Model):
    """One indexed document (derived data: `consult search rebuild` recreates every row).

    Part of the schema on every database so that migrations and tests treat it like any table; only the
    PostgreSQL backend writes to it (on SQLite it stays empty).
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_tokens", "tokens", postgresql_using="gin"),
        Index("ix_search_documents_kind_ord", "kind", "ord"),
    )

    key = db.Column(String(40), primary_key=True)
    kind = db.Column(String(20), nullable=False)
    eid = db.Column(BigInteger, nullable=False)
    draft = db.Column(String(20), nullable=False, default="")
    version = db.Column(String(20), nullable=False, default="")
    article = db.Column(String(20), nullable=False, default="")
    artno = db.Column(String(40), nullable=False, default="")
    division = db.Column(ARRAY(String(20)).with_variant(Text(), "sqlite"), nullable=False)
    point = db.Column(String(60), nullable=False, default="")
    district = db.Column(String(100), nullable=False, default="")
    channel = db.Column(String(20), nullable=False, default="")
    category = db.Column(String(30), nullable=False, default="")
    state = db.Column(String(20), nullable=False, default="")
    decision = db.Column(String(20), nullable=False, default="")
    tags = db.Column(ARRAY(String(50)).with_variant(Text(), "sqlite"), nullable=False)
    day = db.Column(Integer, nullable=False, default=0)
    ord = db.Column(BigInteger, nullable=False, default=0)
    blen = db.Column(Integer, nullable=False, default=0)
    public = db.Column(String(1), nullable=False, default="0")
    fp = db.Column(String(32), nullable=False, default="")
    ntext = db.Column(Text, nullable=False, default="")
    tokens = db.Column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=False)


# No planner statistics for the tokens: the planner then always matches through the GIN index (migration 0014
# says why); create_all (tests, benchmarks) gets the same setting as a migrated database.
event.listen(SearchDocument.__table__, "after_create",
             DDL("ALTER TABLE search_documents ALTER COLUMN tokens SET STATISTICS 0").execute_if(dialect="postgresql"))
