"""The Whoosh index schema (pickled into every index: analyzers live in `consult.search.analysis`)."""
from __future__ import annotations

from whoosh import columns, fields

from consult.search.analysis import BigramAnalyzer

# Bump whenever the schema, the analysis or the documents change: a live index of another version is
# replaced by an empty one of this version (staff see the "index behind" banner until `consult search
# rebuild`). 3: citizens' comment documents are separate, built from what the public page shows.
SCHEMA_VERSION = 3


def make_schema() -> fields.Schema:
    """The index schema.

    `eid`, `order`, `blen` (body length, for ranking) and `ntext` (the normalised body, to confirm that the
    tokens of a multi-token query are consecutive) are columns only: read as arrays per segment, never
    searched, so they cost no terms. `body` keeps frequencies but no positions (cheaper to write).
    """
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(),
        eid=fields.COLUMN(columns.NumericColumn("q")),
        draft=fields.ID(),
        version=fields.ID(),
        article=fields.ID(),
        artno=fields.ID(),
        division=fields.KEYWORD(),
        point=fields.ID(),
        district=fields.ID(),
        channel=fields.ID(),
        category=fields.ID(),
        state=fields.ID(),
        decision=fields.ID(),
        tags=fields.KEYWORD(commas=True),
        date=fields.NUMERIC(int, bits=32),
        order=fields.COLUMN(columns.NumericColumn("q")),
        blen=fields.COLUMN(columns.NumericColumn("i")),
        public=fields.ID(),
        fp=fields.STORED(),
        body=fields.TEXT(analyzer=BigramAnalyzer(), phrase=False),
        ntext=fields.COLUMN(columns.VarBytesColumn()),
    )
