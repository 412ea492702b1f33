"""The search backend interface and its Whoosh implementation (the only module that imports Whoosh queries).

Interface (what services and queries use): `index_documents`, `delete`, `grouped`, `ranked`, `clear`,
`rebuild`, `fingerprints`. A server-based engine can replace `WhooshBackend` without touching views.

On disk: `SEARCH_INDEX_DIR/CURRENT` names the live generation directory; a rebuild writes a new generation
and swaps the pointer. One open index and one refreshed searcher per process and directory.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.index import LockError

from consult.search.analysis import query_pieces
from consult.search.documents import make_schema
from consult.search.filters import INDEX_FIELDS, date_number

WRITER_TIMEOUT = 5.0  # seconds to wait for Whoosh's single-writer lock before giving up (rows stay queued)
POINTER = "CURRENT"


class IndexBusy(RuntimeError):
    """Another process holds the index writer lock; the work stays queued and is retried."""


class SearchBackend:
    """What the rest of the application may ask of a search engine."""

    def index_documents(self, docs) -> int:  # pragma: no cover - interface
        """Add or replace documents (dicts from `consult.search.documents`); returns how many."""
        raise NotImplementedError

    def delete(self, keys) -> int:  # pragma: no cover - interface
        """Remove documents by key ("comment:12")."""
        raise NotImplementedError

    def grouped(self, node, filters: dict) -> tuple[int, list[tuple[int, list[int]]]]:  # pragma: no cover
        """(total, [(group order key, [comment ids])]) for comments matching a parsed query and filters."""
        raise NotImplementedError

    def ranked(self, node, filters: dict, limit: int, kinds=("comment",)) -> list[tuple[str, int, float]]:  # pragma: no cover
        """(total, the best `limit` (kind, id, score)) for a parsed query."""
        raise NotImplementedError

    def clear(self) -> None:  # pragma: no cover - interface
        """Empty the index."""
        raise NotImplementedError


_backends: dict[str, "WhooshBackend"] = {}
_backends_lock = threading.Lock()


def get_backend(index_dir: str) -> "WhooshBackend":
    """The process-wide backend for an index directory."""
    index_dir = os.path.abspath(index_dir)
    with _backends_lock:
        if index_dir not in _backends:
            _backends[index_dir] = WhooshBackend(index_dir)
        return _backends[index_dir]


class WhooshBackend(SearchBackend):
    """Whoosh index in generation directories under `root`, with a pointer file swapped by rebuilds."""

    def __init__(self, root: str):
        self.root = root
        self._lock = threading.RLock()
        self._gen = None
        self._ix = None
        self._searcher = None
        self._filter_cache: dict = {}

    # ---- opening -------------------------------------------------------------------------------------
    @contextmanager
    def _dir_lock(self):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, ".dirlock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def current_generation(self) -> str:
        """Name of the live generation directory, creating an empty index the first time."""
        pointer = os.path.join(self.root, POINTER)
        try:
            with open(pointer, encoding="utf-8") as handle:
                gen = handle.read().strip()
            if gen and os.path.isdir(os.path.join(self.root, gen)):
                return gen
        except FileNotFoundError:
            pass
        with self._dir_lock():
            try:
                with open(pointer, encoding="utf-8") as handle:
                    gen = handle.read().strip()
                if gen and os.path.isdir(os.path.join(self.root, gen)):
                    return gen
            except FileNotFoundError:
                pass
            gen = self._new_generation()
            self._swap_pointer(gen)
            return gen

    def _new_generation(self) -> str:
        gen = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.makedirs(os.path.join(self.root, gen))
        whoosh_index.create_in(os.path.join(self.root, gen), make_schema())
        return gen

    def _swap_pointer(self, gen: str) -> None:
        tmp = os.path.join(self.root, f".{POINTER}.{uuid.uuid4().hex}")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(gen)
        os.replace(tmp, os.path.join(self.root, POINTER))

    def index(self):
        """The open Whoosh index of the live generation (reopened after a swap)."""
        with self._lock:
            gen = self.current_generation()
            if gen != self._gen or self._ix is None:
                if self._searcher is not None:
                    self._searcher.close()
                    self._searcher = None
                self._ix = whoosh_index.open_dir(os.path.join(self.root, gen))
                self._gen = gen
            return self._ix

    def searcher(self):
        """A searcher that sees the latest commit, reopening only the segments that changed.

        (Whoosh's own `Searcher.refresh()` reuses segment readers whose deletions changed and even keeps
        merged-away segments, so updated documents would show twice; this reuses a segment reader only
        when its segment id and deletion count are unchanged.)
        """
        with self._lock:
            ix = self.index()
            if self._searcher is None:
                self._searcher = ix.searcher()
            elif ix.latest_generation() != self._searcher.reader().generation():
                self._searcher = self._reopen(ix, self._searcher)
            return self._searcher

    @staticmethod
    def _reopen(ix, old_searcher):
        from whoosh.index import TOC
        from whoosh.reading import MultiReader, SegmentReader
        from whoosh.searching import Searcher

        try:
            toc = TOC.read(ix.storage, ix.indexname)
            old = {}
            for reader, _ in old_searcher.reader().leaf_readers():
                segment = reader.segment()
                if segment is not None:
                    old[(segment.segment_id(), segment.deleted_count())] = reader
            readers = []
            for segment in toc.segments:
                key = (segment.segment_id(), segment.deleted_count())
                readers.append(old.pop(key) if key in old else
                               SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
            for reader in old.values():
                reader.close()
            if not readers:
                return ix.searcher()
            reader = readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation)
            if len(readers) == 1:
                reader._gen = toc.generation
            return Searcher(reader, fromindex=ix)
        except Exception:  # noqa: BLE001 - fall back to a plain reopen
            return ix.searcher()

    # ---- writing -------------------------------------------------------------------------------------
    @contextmanager
    def writer(self, timeout: float = WRITER_TIMEOUT):
        """A writer on the live generation; IndexBusy after `timeout` seconds of waiting for the lock."""
        deadline = time.monotonic() + timeout
        while True:
            ix = self.index()
            try:
                writer = ix.writer(timeout=max(0.0, deadline - time.monotonic()), delay=0.05)
            except LockError:
                raise IndexBusy("search index is locked by another writer") from None
            if self.current_generation() == self._gen:
                break
            writer.cancel()  # a rebuild swapped generations while we waited: write to the new one
            if time.monotonic() > deadline:
                raise IndexBusy("search index generation changed repeatedly")
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit()

    def index_documents(self, docs) -> int:
        """Add or replace documents in one commit."""
        docs = list(docs)
        if not docs:
            return 0
        with self.writer() as writer:
            for doc in docs:
                writer.update_document(**doc)
        return len(docs)

    def apply(self, upserts, deletions) -> int:
        """Replace `upserts` and delete the keys in `deletions` in one commit."""
        upserts, deletions = list(upserts), list(deletions)
        if not upserts and not deletions:
            return 0
        with self.writer() as writer:
            for key in deletions:
                writer.delete_by_term("key", key)
            for doc in upserts:
                writer.update_document(**doc)
        return len(upserts) + len(deletions)

    def delete(self, keys) -> int:
        """Remove documents by key in one commit."""
        return self.apply([], keys)

    def clear(self) -> None:
        """Swap in an empty generation."""
        with self._dir_lock():
            gen = self._new_generation()
            self._swap_pointer(gen)
        self._cleanup(keep=gen)

    def rebuild(self, docs, *, procs: int = 1, progress=None) -> int:
        """Write every document into a new generation, then swap it in; returns the document count.

        The live generation's writer lock is held throughout, so incremental indexers wait (their rows stay
        in the outbox) instead of writing to a generation that is about to be replaced.
        """
        old = self.index()
        lock = old.storage.lock(old.indexname + "_WRITELOCK")
        deadline = time.monotonic() + 60
        while not lock.acquire(False):
            if time.monotonic() > deadline:
                raise IndexBusy("could not lock the live index for a rebuild")
            time.sleep(0.1)
        try:
            gen = self._new_generation()
            ix = whoosh_index.open_dir(os.path.join(self.root, gen))
            if procs > 1:
                writer = ix.writer(procs=procs, multisegment=True, limitmb=256, batchsize=500)
            else:
                writer = ix.writer(limitmb=512)
            count = 0
            try:
                for doc in docs:
                    writer.add_document(**doc)
                    count += 1
                    if progress is not None:
                        progress(1)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            with self._dir_lock():
                self._swap_pointer(gen)
        finally:
            lock.release()
        self._cleanup(keep=gen)
        return count

    def _cleanup(self, keep: str) -> None:
        """Delete old generations (other processes reopen on their next query)."""
        for name in os.listdir(self.root):
            if name.startswith("gen-") and name != keep:
                shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)

    # ---- reading -------------------------------------------------------------------------------------
    def fingerprints(self) -> dict[str, str]:
        """key → fingerprint of every indexed document."""
        searcher = self.searcher()
        return {fields["key"]: fields.get("fp", "") for fields in searcher.reader().all_stored_fields()}

    def _filter_set(self, searcher, base, filters: dict) -> set:
        """Docnums allowed by the kind + filters, cached per index generation (filters repeat a lot)."""
        key = (searcher.reader().generation(), repr(base), repr(sorted((k, str(v)) for k, v in filters.items())))
        with self._lock:
            cached = self._filter_cache.get(key)
        if cached is None:
            parts = [base, *self.filter_queries(filters)]
            cached = set(searcher.docs_for_query(Q.And(parts) if len(parts) > 1 else base))  # read-only
            with self._lock:
                if len(self._filter_cache) > 64 or any(k[0] != key[0] for k in self._filter_cache):
                    self._filter_cache.clear()
                self._filter_cache[key] = cached
        return cached

    def grouped(self, node, filters: dict):
        """(total, [(order, [comment ids ascending])]) in text order, from columns (no scoring)."""
        searcher = self.searcher()
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return 0, []
        allowed = self._filter_set(searcher, Q.Term("kind", "comment"), filters)
        if node is None:
            docnums = sorted(allowed)
        else:
            docnums = [d for d in searcher.docs_for_query(self.to_query(node)) if d in allowed]
        order_col = reader.column_reader("order")
        eid_col = reader.column_reader("eid")
        groups: dict[int, list[int]] = defaultdict(list)
        total = 0
        for docnum in docnums:
            groups[order_col[docnum]].append(eid_col[docnum])
            total += 1
        return total, [(order, sorted(ids)) for order, ids in sorted(groups.items())]

    def ranked(self, node, filters: dict, limit: int, kinds=("comment",), public_only: bool = False,
               count: bool = False):
        """(total, best `limit` (kind, id, score)) by BM25 over the bigram field (total counted only if asked)."""
        searcher = self.searcher()
        if searcher.reader().doc_count_all() == 0:
            return 0, []
        kind_q = Q.Or([Q.Term("kind", k) for k in kinds]) if len(kinds) > 1 else Q.Term("kind", kinds[0])
        base = Q.And([kind_q, Q.Term("public", "1")]) if public_only else kind_q
        allowed = self._filter_set(searcher, base, filters)
        results = searcher.search(self.to_query(node), filter=allowed, limit=limit)
        total = len(results) if count else results.scored_length()
        return total, [(hit["key"].split(":")[0], int(hit["eid"]), hit.score) for hit in results]

    # ---- query translation ---------------------------------------------------------------------------
    def _combine(self, base, node, filters: dict):
        parts = [base]
        if node is not None:
            parts.append(self.to_query(node))
        parts.extend(self.filter_queries(filters))
        return Q.And(parts) if len(parts) > 1 else parts[0]

    def filter_queries(self, filters: dict) -> list:
        """Whoosh queries for cleaned filters (see `consult.search.filters`)."""
        out = []
        for key, value in filters.items():
            if key in ("date_from", "date_to"):
                continue
            if key == "draft_ids":
                out.append(Q.Or([Q.Term("draft", str(v)) for v in value]) if value else Q.NullQuery)
                continue
            out.append(Q.Term(INDEX_FIELDS[key], str(value)))
        if "date_from" in filters or "date_to" in filters:
            low = date_number(filters["date_from"]) if "date_from" in filters else None
            high = date_number(filters["date_to"]) if "date_to" in filters else None
            out.append(Q.NumericRange("date", low, high))
        return out

    def to_query(self, node):
        """Translate a parsed query (`consult.search.syntax.Node`) into a Whoosh query."""
        if node.op == "term":
            return self.substring_query(node.text)
        if node.op == "field":
            return Q.Term(INDEX_FIELDS.get(node.name, node.name), node.text)
        if node.op == "not":
            return Q.And([Q.Every(), Q.Not(self.to_query(node.children[0]))])
        children = [self.to_query(c) for c in node.children]
        if node.op == "and":
            positives = [c for c, n in zip(children, node.children) if n.op != "not"]
            negatives = [self.to_query(n.children[0]) for n in node.children if n.op == "not"]
            positive = Q.And(positives) if len(positives) > 1 else (positives[0] if positives else Q.Every())
            return Q.AndNot(positive, Q.Or(negatives)) if negatives else positive
        return Q.Or(children)

    @staticmethod
    def substring_query(text: str):
        """Documents containing `text` as a substring: a phrase of its bigrams (prefix for one character)."""
        pieces = query_pieces(text)
        if len(pieces) == 1:
            word, is_prefix = pieces[0]
            return Q.Prefix("body", word) if is_prefix else Q.Term("body", word)
        if any(is_prefix for _, is_prefix in pieces):
            return Q.Sequence([Q.Prefix("body", w) if p else Q.Term("body", w) for w, p in pieces])
        return Q.Phrase("body", [w for w, _ in pieces])
