"""The PostgreSQL implementation of `SearchBackend` (`SEARCH_BACKEND=postgres`), for several app servers.

The index is one table, `search_documents`, in the application's own PostgreSQL database, so every app
server and worker sees the same index and no server keeps search state on its disk. The analysis is the
one Whoosh uses: `consult.search.analysis` normalises each text in Python (stored as `ntext`), and a GIN
expression index over `consult_search_tokens(ntext)` (`consult.search.pg_tokens`: the same bigrams,
run-final characters and Latin/digit words, computed by an SQL function) finds candidates. No tsvector is
stored and no text-search configuration or extension is needed (none is packaged for Chinese here; not
even `pg_trgm`). A query term becomes a `tsquery` on that expression, every token required
(`'民宿' & '宿经' & '经营'`, the GIN index does the work), confirmed on the normalised text:

* a pure-CJK run: `ntext LIKE '%民宿经营%'` — exact substring semantics;
* a term mixing Latin/digits and CJK runs: a regular expression that asks for the same consecutive tokens
  as Whoosh's `has_sequence` (`term_regex`: whole Latin words, CJK runs ending or starting where the
  tokens say, only non-token characters between);
* a one-token term: the index alone (a one-character CJK term as a prefix lexeme `'区':*`, as in Whoosh).

Boolean operators and field filters become SQL (`AND` / `OR` / `NOT`, column equality, array containment).
Grouped counts are one `GROUP BY` on the text-order key; ranking scores, like Whoosh, only the shortest
candidates (`ts_rank` on the query's bigrams divided by the document's length — like BM25 for a rare
term, the short comment that says just this comes first — then body length, then id). The staff search
page's groups and top comments come from one statement (`grouped_ranked`): the matching set is read once.

Index maintenance goes through the outbox like the Whoosh backend (`consult.search.services.sync_pending`,
run after each commit in-process or by `consult search worker`): one pipeline for both engines, a comment
is never refused because indexing failed, and the outbox rows live in the shared database, so any server
or worker drains them. A rebuild replaces every row in one transaction: readers see the old index until it
commits (MVCC); incremental writers wait for it (bounded: `IndexBusy`, their rows stay queued).
"""
from __future__ import annotations

import threading

from sqlalchemy import (REAL, BigInteger, and_, cast, create_engine, delete, false, func, literal, not_, null, or_,
                        select, text, true, union_all)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, aggregate_order_by, insert as pg_insert
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from consult.comments.selection import INDEX_FIELDS
from consult.search.models import SearchDocument
from consult.search.pg_tokens import CJK_CLASS, WORD_CLASS
from consult.search.analysis import CJK_GAP_RE, RUN_RE, normalize, query_cjk_run, query_pieces
from consult.search.backend import IndexBusy, IndexState, IndexUnavailable, SearchBackend

RANK_CANDIDATES = 200  # as in the Whoosh backend: only the shortest matches are scored
# Settings of the backend's own connections: sorts and the matching set of a common term (tens of thousands
# of rows) stay in memory; no JIT compilation (tens of milliseconds) for these short queries; and a bitmap
# heap scan may use parallel workers although the planner, without token statistics, expects few rows
# (1,000,000 comments: p95 590 → 509 ms over bench_search's queries).
SESSION_OPTIONS = ("-c work_mem=64MB -c jit=off -c parallel_setup_cost=0 -c parallel_tuple_cost=0 "
                   "-c min_parallel_table_scan_size=0")
LOCK_TIMEOUT = "5s"  # an incremental write waits this long for a running rebuild, then its rows stay queued
COPY_BATCH = 2000
KINDS = ("comment", "public_comment", "article", "draft")
ARRAY_FIELDS = ("division", "tags")
TEXT_FIELDS = ("kind", "draft", "version", "article", "artno", "point", "district", "channel", "category",
               "state", "decision", "public")


T = SearchDocument.__table__
COLUMNS = [c.name for c in T.columns]


# ---- analysis → tsvector / tsquery literals ----------------------------------------------------------------

def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _term_tsquery(pieces) -> str:
    """`'a' & 'b'`: every distinct piece of one query term present (a prefix piece as `'x':*`)."""
    return " & ".join(_lexeme(word) + (":*" if is_prefix else "") for word, is_prefix in dict.fromkeys(pieces))


def term_regex(normalized_term: str) -> str:
    """A PostgreSQL regular expression true of a normalised text exactly when the term's tokens occur in
    it consecutively (`analysis.has_sequence` on `bigram_tokens`), for a term of two or more runs.

    Latin/digit runs are whole words; the first CJK run must end a run of the text, a middle one be a whole
    run, the last one start a run; between runs only characters that make no token.
    """
    runs = list(RUN_RE.finditer(normalized_term))
    cjk, word = f"[{CJK_CLASS}]", f"[{WORD_CLASS}]"
    parts = []
    for index, match in enumerate(runs):
        first, last = index == 0, index == len(runs) - 1
        if match.group(1) is None:
            parts.append(f"(?<!{word}){match.group(2)}(?!{word})")
        else:
            parts.append(("" if first else f"(?<!{cjk})") + match.group(1) + ("" if last else f"(?!{cjk})"))
    return f"[^{CJK_CLASS}{WORD_CLASS}]*".join(parts)


def row_of(doc: dict) -> dict:
    """The `search_documents` row of a backend-neutral document dict."""
    ntext = doc.get("ntext") or b""
    if isinstance(ntext, bytes):
        ntext = ntext.decode("utf-8")
    row = {name: str(doc.get(name) or "") for name in TEXT_FIELDS}
    row.update(key=doc["key"], eid=int(doc.get("eid") or 0), day=int(doc.get("date") or 0),
               ord=int(doc.get("order") or 0), blen=int(doc.get("blen") or 0), fp=doc.get("fp") or "",
               ntext=ntext, division=(doc.get("division") or "").split(),
               tags=[t for t in (doc.get("tags") or "").split(",") if t])
    row["decision"] = row["decision"] if doc.get("decision") is not None else ""
    return row


# ---- query translation ----------------------------------------------------------------------------------

TOKENS = func.consult_search_tokens(T.c.ntext)  # the expression the GIN index is built on


def _matches(tsquery: str):
    return TOKENS.op("@@", is_comparison=True)(cast(literal(tsquery), TSQUERY))


def _term_condition(term: str):
    pieces = query_pieces(term)
    if not pieces:
        return false()
    condition = _matches(_term_tsquery(pieces))
    if len(pieces) == 1:
        return condition
    run = query_cjk_run(term)
    if run is not None:
        escaped = run.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return and_(condition, T.c.ntext.like(f"%{escaped}%", escape="\\"))
    return and_(condition, T.c.ntext.regexp_match(term_regex(CJK_GAP_RE.sub("", normalize(term)))))


def _field_condition(name: str, value: str):
    column = INDEX_FIELDS.get(name, name)
    if column in ARRAY_FIELDS:
        return T.c[column].contains([value])
    if column not in T.c:
        return false()
    return T.c[column] == value


def node_condition(node):
    """The SQL condition of a parsed query (`consult.search.syntax.Node`)."""
    if node.op == "term":
        return _term_condition(node.text)
    if node.op == "field":
        return _field_condition(node.name, node.text)
    if node.op == "not":
        return not_(node_condition(node.children[0]))
    parts = [node_condition(child) for child in node.children]
    if not parts:
        return true()
    return or_(*parts) if node.op == "or" else and_(*parts)


def filter_conditions(filters: dict) -> list:
    """SQL conditions for backend filters ({index field: value}, date_from/date_to, draft_ids)."""
    out = []
    for key, value in filters.items():
        if key == "date_from":
            out.append(T.c.day >= int(value.replace("-", "")))
        elif key == "date_to":
            out.append(T.c.day <= int(value.replace("-", "")))
        elif key == "draft_ids":
            out.append(T.c.draft.in_([str(v) for v in value]) if value else false())
        elif key in ARRAY_FIELDS:
            out.append(T.c[key].contains([str(value)]))
        elif key in T.c:
            out.append(T.c[key] == str(value))
        else:
            out.append(false())
    return out


def rank_tsquery(node) -> str | None:
    """`'a' | 'b' …`: the positive bigrams of the query, for `ts_rank`."""
    words = []
    for term in node.positive_terms():
        for word, is_prefix in query_pieces(term):
            if not is_prefix and word not in words:
                words.append(word)
    return " | ".join(_lexeme(w) for w in words) or None


# ---- the backend --------------------------------------------------------------------------------------------

class PostgresBackend(SearchBackend):
    """The `search_documents` table in the application's PostgreSQL database, on a pool of its own."""

    parallel_rebuild = False

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4,
                                    connect_args={"options": SESSION_OPTIONS})
        self._lock = threading.Lock()

    # ---- writing -------------------------------------------------------------------------------------
    def index_documents(self, docs) -> int:
        """Add or replace documents in one transaction."""
        return self.apply(docs, [])

    def apply(self, upserts, deletions) -> int:
        """Replace `upserts` and delete the keys in `deletions` in one transaction (IndexBusy if locked)."""
        rows = [row_of(doc) for doc in upserts]
        deletions = list(deletions)
        if not rows and not deletions:
            return 0
        try:
            with self.engine.begin() as conn:
                conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
                if deletions:
                    conn.execute(delete(T).where(T.c.key.in_(deletions)))
                if rows:
                    statement = pg_insert(T)
                    statement = statement.on_conflict_do_update(
                        index_elements=[T.c.key], set_={c: statement.excluded[c] for c in COLUMNS if c != "key"})
                    for start in range(0, len(rows), 500):
                        conn.execute(statement, rows[start:start + 500])
        except OperationalError as exc:
            if "lock timeout" in str(exc).lower() or "LockNotAvailable" in type(exc.orig).__name__:
                raise IndexBusy("search index is being rebuilt") from None
            raise IndexUnavailable(f"search index cannot be written: {exc.orig!r}") from exc
        except ProgrammingError as exc:
            raise IndexUnavailable(f"search index cannot be written: {exc.orig!r}") from exc
        return len(rows) + len(deletions)

    def delete(self, keys) -> int:
        """Remove documents by key in one transaction."""
        return self.apply([], keys)

    def clear(self) -> None:
        """Empty the index."""
        with self.engine.begin() as conn:
            conn.execute(delete(T))

    def rebuild(self, docs, *, procs: int = 1, progress=None, partitions=None) -> int:
        """Replace every row in one transaction (COPY); readers see the old rows until it commits."""
        def every_doc():
            yield from docs
            for part in partitions or ():
                yield from part()

        count = 0
        try:
            with self.engine.begin() as conn:
                conn.execute(text(f"LOCK TABLE {T.name} IN SHARE ROW EXCLUSIVE MODE"))
                conn.execute(delete(T))
                raw = conn.connection.driver_connection
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY {T.name} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                        for doc in every_doc():
                            row = row_of(doc)
                            copy.write_row([row[c] for c in COLUMNS])
                            count += 1
                            if progress is not None and count % 1000 == 0:
                                progress(1000)
        except DBAPIError as exc:
            raise IndexUnavailable(f"search index rebuild failed: {exc.orig!r}") from exc
        if progress is not None and count % 1000:
            progress(count % 1000)
        with self.engine.begin() as conn:  # committed: statistics gathered in a rolled-back transaction are lost
            conn.execute(text(f"ANALYZE {T.name}"))
        return count

    # ---- reading -------------------------------------------------------------------------------------
    def _read(self, statement):
        try:
            with self.engine.connect() as conn:
                return conn.execute(statement).all()
        except DBAPIError as exc:
            raise IndexUnavailable(f"search index cannot be read: {exc.orig!r}") from exc

    def state(self) -> IndexState:
        """Readable or not, and documents per kind (never raises)."""
        try:
            rows = self._read(select(T.c.kind, func.count()).group_by(T.c.kind))
        except IndexUnavailable as exc:
            return IndexState(False, {}, str(exc))
        counts = {kind: 0 for kind in KINDS}
        counts.update({kind: n for kind, n in rows})
        return IndexState(True, counts)

    def fingerprints(self) -> dict[str, str]:
        """key → fingerprint of every indexed document."""
        return dict(self._read(select(T.c.key, T.c.fp)))

    def grouped(self, node, filters: dict):
        """(total, [(order, [comment ids ascending])]) in text order: one GROUP BY on the order key."""
        conditions = [T.c.kind == "comment", *filter_conditions(filters)]
        if node is not None:
            conditions.append(node_condition(node))
        statement = (select(T.c.ord, func.array_agg(aggregate_order_by(T.c.eid, T.c.eid)))
                     .where(*conditions).group_by(T.c.ord).order_by(T.c.ord))
        groups = [(int(order), list(ids)) for order, ids in self._read(statement)]
        return sum(len(ids) for _, ids in groups), groups

    def ranked(self, node, filters: dict, limit: int, kinds=("comment",), public_only: bool = False):
        """(total matching, best `limit` (kind, id, score)): `ts_rank` on the shortest candidates only."""
        conditions = [T.c.kind.in_(kinds), *filter_conditions(filters), node_condition(node)]
        if public_only:
            conditions.append(T.c.public == "1")
        # Narrow rows through the window and the sort; the tokens are computed for the candidates alone.
        candidates = (select(T.c.key, T.c.kind, T.c.eid, T.c.blen, func.count().over().label("total"))
                      .where(*conditions).order_by(T.c.blen, T.c.eid)
                      .limit(max(RANK_CANDIDATES, 5 * limit)).subquery())
        score = self._score(node)
        statement = (select(candidates.c.kind, candidates.c.eid, score.label("score"), candidates.c.total)
                     .join_from(candidates, T, T.c.key == candidates.c.key)
                     .order_by(score.desc(), candidates.c.blen, candidates.c.eid).limit(limit))
        rows = self._read(statement)
        if not rows:
            return 0, []
        total = int(rows[0][3])
        return total, [(kind, int(eid), float(score)) for kind, eid, score, _ in rows]

    def grouped_ranked(self, node, filters: dict, limit: int):
        """`grouped` and `ranked` in one statement: the matching set is read once (a CTE) for both.

        Rows of part 0 are the groups (order key, comment ids); rows of part 1 the scored candidates.
        """
        conditions = [T.c.kind == "comment", *filter_conditions(filters), node_condition(node)]
        matches = select(T.c.key, T.c.eid, T.c.ord, T.c.blen).where(*conditions).cte("matches")
        candidates = (select(matches).order_by(matches.c.blen, matches.c.eid)
                      .limit(max(RANK_CANDIDATES, 5 * limit)).subquery())
        groups = (select(literal(0).label("part"), matches.c.ord.label("n"), func.array_agg(matches.c.eid).label("ids"),
                         cast(null(), REAL).label("score"), cast(null(), BigInteger).label("blen"))
                  .group_by(matches.c.ord))
        best = (select(literal(1), candidates.c.eid, cast(null(), ARRAY(BigInteger)),
                       cast(self._score(node), REAL), cast(candidates.c.blen, BigInteger))
                .join_from(candidates, T, T.c.key == candidates.c.key))
        rows = self._read(union_all(groups, best))
        grouped = sorted((int(n), sorted(ids)) for part, n, ids, _, _ in rows if part == 0)
        scored = sorted(((float(score), int(blen), int(eid)) for part, eid, _, score, blen in rows if part == 1),
                        key=lambda row: (-row[0], row[1], row[2]))
        return ((sum(len(ids) for _, ids in grouped), grouped),
                [("comment", eid, score) for score, _, eid in scored[:limit]])

    @staticmethod
    def _score(node):
        query = rank_tsquery(node)
        return func.ts_rank(TOKENS, cast(literal(query), TSQUERY), 2) if query else literal(0.0)
