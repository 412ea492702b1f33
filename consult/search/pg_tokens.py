"""The SQL side of the PostgreSQL search backend's analysis: `consult_search_tokens(ntext)`.

The Python analysis (`consult.search.analysis`) normalises a text once (NFKC, lower case, traditional →
simplified) and stores it as `search_documents.ntext`. The GIN index is an *expression* index over this
IMMUTABLE SQL function of that column — the same tokens as `analysis.bigram_tokens` (every bigram of each
CJK run, the run's last character, whole Latin/digit words), as a tsvector without positions — so no
tsvector is stored in the rows: a row is its fields and its normalised text, half the width it had with a
stored tsvector (1,000,000 comments: a 576 MB heap, was 1,196 MB), so a query that matches many comments
reads half the heap pages.
`tests/search/test_pg_tokens.py` checks the function against `bigram_tokens` on generated texts.

The planner must always match through the index: computing the function row by row in a sequential scan
takes about 85 µs a row. The index expression has no statistics (`NO_STATISTICS`), so a token's estimated
selectivity is the default 0.5 % and the bitmap index scan always wins. With real statistics a common
bigram (旅游, in two comments of three) is estimated well and the plan changes: measured (with the function
declared COST 10000) a parallel scan that ANDs the `kind` index, 22 ms against 13 ms for a rare term; with
a stored tsvector and statistics, a sequential scan, 188 ms against 69 ms.
"""
from __future__ import annotations

CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"  # analysis._CJK, as a PostgreSQL regex
WORD_CLASS = r"0-9a-z\u00c0-\u024f"  # analysis.RUN_RE's Latin/digit words
FUNCTION = "consult_search_tokens"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100 AS $consult$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT tok)), ''::tsvector)
  FROM regexp_matches(t, '[{CJK_CLASS}]+|[{WORD_CLASS}]+', 'g') AS m(a),
  LATERAL (
    SELECT substr(a[1], i, 2) AS tok FROM generate_series(1, length(a[1]) - 1) AS i
     WHERE a[1] ~ '^[{CJK_CLASS}]'
    UNION ALL
    SELECT CASE WHEN a[1] ~ '^[{CJK_CLASS}]' THEN right(a[1], 1) ELSE a[1] END
  ) AS toks
$consult$
"""
NO_STATISTICS = "ALTER INDEX ix_search_documents_tokens ALTER COLUMN 1 SET STATISTICS 0"
