"""search_documents: the GIN index over an SQL function of the normalised text; no stored tsvector

The tokens (CJK bigrams, run-final characters, Latin/digit words) are computed by the IMMUTABLE function
consult_search_tokens(ntext) inside the index instead of being stored in every row: rows are half as
wide, so a query matching many comments reads half the heap pages (consult/search/pg_tokens.py).
No statistics on the expression keep the planner on the index. The function body is frozen here as it
was at this revision. On SQLite the table is unused: only the column goes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
WORD = r"0-9a-z\u00c0-\u024f"
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION consult_search_tokens(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100 AS $consult$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT tok)), ''::tsvector)
  FROM regexp_matches(t, '[{CJK}]+|[{WORD}]+', 'g') AS m(a),
  LATERAL (
    SELECT substr(a[1], i, 2) AS tok FROM generate_series(1, length(a[1]) - 1) AS i
     WHERE a[1] ~ '^[{CJK}]'
    UNION ALL
    SELECT CASE WHEN a[1] ~ '^[{CJK}]' THEN right(a[1], 1) ELSE a[1] END
  ) AS toks
$consult$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE_FUNCTION)
        op.drop_index("ix_search_documents_tokens", table_name="search_documents")
        op.drop_column("search_documents", "tokens")
        op.execute("CREATE INDEX ix_search_documents_tokens ON search_documents "
                   "USING gin (consult_search_tokens(ntext))")
        # No statistics on the expression: the planner keeps to the bitmap index scan (pg_tokens says why).
        op.execute("ALTER INDEX ix_search_documents_tokens ALTER COLUMN 1 SET STATISTICS 0")
    else:
        with op.batch_alter_table("search_documents") as batch:
            batch.drop_index("ix_search_documents_tokens")
            batch.drop_column("tokens")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_documents_tokens")
        op.add_column("search_documents", sa.Column("tokens", postgresql.TSVECTOR(), nullable=False,
                                                    server_default=""))
        op.create_index("ix_search_documents_tokens", "search_documents", ["tokens"], postgresql_using="gin")
        op.execute("DROP FUNCTION consult_search_tokens(text)")
    else:
        with op.batch_alter_table("search_documents") as batch:
            batch.add_column(sa.Column("tokens", sa.Text(), nullable=False, server_default=""))
            batch.create_index("ix_search_documents_tokens", ["tokens"])
