"""The table of the PostgreSQL search backend (`consult.search.postgres_backend`)."""
from __future__ import annotations

from sqlalchemy import DDL, BigInteger, Index, Integer, String, Text, event, func
from sqlalchemy.dialects.postgresql import ARRAY

from consult.extensions import db
from consult.search.pg_tokens import CREATE_FUNCTION, NO_STATISTICS


class SearchDocument(db.Model):
    """One indexed document (derived data: `consult search rebuild` recreates every row).

    Part of the schema on every database so that migrations and tests treat it like any table; only the
    PostgreSQL backend writes to it (on SQLite it stays empty).
    """

    __tablename__ = "search_documents"
    __table_args__ = (
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


# The token index: GIN over the SQL analysis of the normalised text (PostgreSQL only; see pg_tokens). The
# function is created before the tables, so create_all (tests, benchmarks) matches a migrated database.
Index("ix_search_documents_tokens", func.consult_search_tokens(SearchDocument.__table__.c.ntext),
      postgresql_using="gin").ddl_if(dialect="postgresql")
event.listen(db.metadata, "before_create", DDL(CREATE_FUNCTION).execute_if(dialect="postgresql"))
event.listen(SearchDocument.__table__, "after_create", DDL(NO_STATISTICS).execute_if(dialect="postgresql"))
