"""The embedded Whoosh implementation of `SearchBackend`.

On disk: `SEARCH_INDEX_DIR/CURRENT` names the live generation directory; a rebuild writes a new generation
and swaps the pointer, without ever reading the old one (a damaged index is simply replaced). One open
index and one refreshed searcher per process and directory. Helpers: `whoosh_matching` (query evaluation),
`whoosh_rebuild` (forked workers), `whoosh_schema`, `whoosh_internals` (the only private-attribute access).
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.index import LockError

from consult.search import whoosh_matching as matching
from consult.search.backend import IndexBusy, IndexState, IndexUnavailable, SearchBackend
from consult.search.whoosh_internals import (DamagedIndex, generation_lock, open_index, read_numeric_column, read_text_column,
                                             reopen_searcher)
from consult.search.whoosh_rebuild import write_generation
from consult.search.whoosh_schema import SCHEMA_VERSION, make_schema

log = logging.getLogger(__name__)

WRITER_TIMEOUT = 5.0  # seconds to wait for Whoosh's single-writer lock before giving up (rows stay queued)
POINTER = "CURRENT"
VERSION_FILE = "SCHEMA_VERSION"
RANK_CANDIDATES = 200  # ranked(): BM25 is computed for at most this many (or 5 × limit) shortest matches
MATCH_CACHE_SIZE = 2  # one page asks twice (groups, top hits); more would let benchmark repeats hit
KINDS = ("comment", "public_comment", "article", "draft")


class WhooshBackend(SearchBackend):
    """Whoosh index in generation directories under `root`, with a pointer file swapped by rebuilds."""

    parallel_rebuild = True

    def __init__(self, root: str):
        self.root = root
        self._lock = threading.RLock()
        self._gen = None
        self._ix = None
        self._searcher = None
        self._filter_cache: dict = {}
        self._segment_arrays: dict = {}  # segment id → (eid, order, blen, text) lists
        self._arrays_owner = None
        self._arrays = None
        self._match_owner = None
        self._match_cache: dict = {}

    # ---- generations ---------------------------------------------------------------------------------
    @contextmanager
    def _dir_lock(self):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, ".dirlock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _pointed(self) -> str | None:
        """The generation the pointer names, if the pointer and that directory exist."""
        try:
            with open(os.path.join(self.root, POINTER), encoding="utf-8") as handle:
                gen = handle.read().strip()
        except FileNotFoundError:
            return None
        return gen if gen and os.path.isdir(os.path.join(self.root, gen)) else None

    def current_generation(self) -> str:
        """Name of the live generation directory, creating an empty index the first time."""
        gen = self._pointed()
        if gen and self._version_ok(gen):
            return gen
        with self._dir_lock():
            gen = self._pointed()
            if gen:
                if self._version_ok(gen):
                    return gen
                log.warning("search index %s has an older format: replaced by an empty index; "
                            "run `consult search rebuild`", gen)
            gen = self._new_generation()
            self._swap_pointer(gen)
            return gen

    def _version_ok(self, gen: str) -> bool:
        if gen == self._gen:
            return True
        try:
            with open(os.path.join(self.root, gen, VERSION_FILE), encoding="utf-8") as handle:
                return handle.read().strip() == str(SCHEMA_VERSION)
        except FileNotFoundError:
            return False

    def _new_generation(self) -> str:
        gen = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.makedirs(os.path.join(self.root, gen))
        whoosh_index.create_in(os.path.join(self.root, gen), make_schema())
        with open(os.path.join(self.root, gen, VERSION_FILE), "w", encoding="utf-8") as handle:
            handle.write(str(SCHEMA_VERSION))
        return gen

    def _swap_pointer(self, gen: str) -> None:
        tmp = os.path.join(self.root, f".{POINTER}.{uuid.uuid4().hex}")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(gen)
        os.replace(tmp, os.path.join(self.root, POINTER))

    def _cleanup(self, keep: str) -> None:
        """Delete old generations (other processes reopen on their next query)."""
        for name in os.listdir(self.root):
            if name.startswith("gen-") and name != keep:
                shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)

    # ---- opening -------------------------------------------------------------------------------------
    def index(self):
        """The open Whoosh index of the live generation (reopened after a swap); IndexUnavailable if damaged."""
        with self._lock:
            try:
                gen = self.current_generation()
            except OSError as exc:
                raise IndexUnavailable(f"search index directory unusable: {exc}") from exc
            if gen != self._gen or self._ix is None:
                self._drop_searcher()
                try:
                    self._ix = open_index(os.path.join(self.root, gen))
                except DamagedIndex as exc:
                    self._ix = None
                    if not exc.foreign_schema:
                        raise IndexUnavailable(f"search index {gen} is damaged: {exc}") from None
                    log.warning("search index %s cannot be opened (%s): replaced by an empty index; "
                                "run `consult search rebuild`", gen, exc)
                    with self._dir_lock():
                        gen = self._new_generation()
                        self._swap_pointer(gen)
                    self._ix = open_index(os.path.join(self.root, gen))
                self._gen = gen
            return self._ix

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:  # noqa: BLE001 - a damaged searcher may fail to close; it is dropped anyway
                pass
            self._searcher = None

    def searcher(self):
        """A searcher that sees the latest commit, reopening only the segments that changed."""
        with self._lock:
            ix = self.index()
            try:
                if self._searcher is None:
                    self._searcher = ix.searcher()
                elif ix.latest_generation() != self._searcher.reader().generation():
                    self._searcher = reopen_searcher(ix, self._searcher)
            except Exception as exc:  # noqa: BLE001 - damaged segment files
                self._drop_searcher()
                self._ix = None
                raise IndexUnavailable(f"search index segments are damaged: {exc!r}") from exc
            return self._searcher

    @contextmanager
    def _reading(self):
        """Run index reads; any failure of a damaged index becomes IndexUnavailable."""
        try:
            yield
        except (IndexUnavailable, IndexBusy):
            raise
        except Exception as exc:  # noqa: BLE001 - segment files damaged after opening
            with self._lock:
                self._drop_searcher()
                self._ix = None
            raise IndexUnavailable(f"search index cannot be read: {exc!r}") from exc

    # ---- writing -------------------------------------------------------------------------------------
    @contextmanager
    def writer(self, timeout: float | None = None):
        """A writer on the live generation; IndexBusy after `timeout` seconds of waiting for the lock."""
        deadline = time.monotonic() + (WRITER_TIMEOUT if timeout is None else timeout)
        while True:
            ix = self.index()
            try:
                writer = ix.writer(timeout=max(0.0, deadline - time.monotonic()), delay=0.05)
            except LockError:
                raise IndexBusy("search index is locked by another writer") from None
            except Exception as exc:  # noqa: BLE001 - damaged segment files
                raise IndexUnavailable(f"search index cannot be written: {exc!r}") from exc
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
            try:
                writer.commit()
            except Exception as exc:  # noqa: BLE001 - a merge that reads damaged segments
                raise IndexUnavailable(f"search index commit failed: {exc!r}") from exc

    def index_documents(self, docs) -> int:
        """Add or replace documents in one commit."""
        return self.apply(docs, [])

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

    def rebuild(self, docs, *, procs: int = 1, progress=None, partitions=None) -> int:
        """Write every document into a new generation, then swap it in; returns the document count.

        The old generation is never opened: only its writer lock file is taken (so incremental indexers
        wait, their rows staying in the outbox, instead of writing to a generation about to be replaced).
        A damaged or missing old generation therefore cannot stop a rebuild.
        `partitions`: zero-argument callables, each run in a forked worker that reads its own rows and
        writes its own segments, while this process writes `docs`.
        """
        old = self._pointed()
        lock = self._lock_generation(old) if old else None
        try:
            gen = self._new_generation()
            count = write_generation(os.path.join(self.root, gen), docs, procs, progress, partitions)
            with self._dir_lock():
                self._swap_pointer(gen)
        finally:
            if lock is not None:
                lock.release()
        self._cleanup(keep=gen)
        return count

    def _lock_generation(self, gen: str):
        """Hold the writer lock of a generation (None if its directory cannot even hold a lock file)."""
        lock = generation_lock(os.path.join(self.root, gen))
        deadline = time.monotonic() + 60
        while True:
            try:
                if lock.acquire(False):
                    return lock
            except OSError:  # an unwritable old directory: it is replaced, and nobody can write to it either
                return None
            if time.monotonic() > deadline:
                raise IndexBusy("could not lock the live index for a rebuild")
            time.sleep(0.1)

    # ---- reading -------------------------------------------------------------------------------------
    def state(self) -> IndexState:
        """Readable or not, and documents per kind (reads every segment's columns, like a query would)."""
        try:
            with self._reading():
                searcher = self.searcher()
                counts = {kind: len(self._filter_set(searcher, Q.Term("kind", kind), {})) for kind in KINDS}
                if searcher.reader().doc_count_all():
                    self.arrays(searcher)
        except IndexUnavailable as exc:
            return IndexState(False, {}, str(exc))
        return IndexState(True, counts)

    def fingerprints(self) -> dict[str, str]:
        """key → fingerprint of every indexed document."""
        with self._reading():
            searcher = self.searcher()
            return {fields["key"]: fields.get("fp", "") for fields in searcher.reader().all_stored_fields()}

    def _filter_set(self, searcher, base, filters: dict) -> set:
        """Docnums allowed by the kind + filters, cached per index generation (filters repeat a lot)."""
        key = (searcher.reader().generation(), repr(base), repr(sorted((k, str(v)) for k, v in filters.items())))
        with self._lock:
            cached = self._filter_cache.get(key)
        if cached is None:
            parts = [base, *matching.filter_queries(filters)]
            cached = set(searcher.docs_for_query(Q.And(parts) if len(parts) > 1 else base))  # read-only
            with self._lock:
                if len(self._filter_cache) > 64 or any(k[0] != key[0] for k in self._filter_cache):
                    self._filter_cache.clear()
                self._filter_cache[key] = cached
        return cached

    def arrays(self, searcher) -> matching.Arrays:
        """eid / order / body length / text per docnum of this searcher (segments read once, then reused)."""
        with self._lock:
            if self._arrays_owner is searcher:
                return self._arrays
            eid, order, blen, text = [], [], [], []
            seen = set()
            for segreader, _offset in searcher.reader().leaf_readers():
                segment = segreader.segment()
                key = segment.segment_id() if segment is not None else id(segreader)
                seen.add(key)
                cached = self._segment_arrays.get(key)
                if cached is None:
                    cached = (*(read_numeric_column(segreader, name) for name in ("eid", "order", "blen")),
                              read_text_column(segreader, "ntext"))
                    self._segment_arrays[key] = cached
                eid += cached[0]
                order += cached[1]
                blen += cached[2]
                text += cached[3]
            for key in [k for k in self._segment_arrays if k not in seen]:
                del self._segment_arrays[key]
            self._arrays_owner, self._arrays = searcher, matching.Arrays(eid, order, blen, text)
            return self._arrays

    def _matches(self, searcher, node) -> list[int]:
        """Ascending docnums matching a parsed query (no scoring), cached per searcher: a page asks for the
        grouped counts and the top hits of the same query."""
        key = repr(node)
        with self._lock:
            if self._match_owner is not searcher:
                self._match_owner, self._match_cache = searcher, {}
            cached = self._match_cache.get(key)
        if cached is None:
            cached = sorted(matching.evaluate(searcher, self.arrays(searcher), node))
            with self._lock:
                if self._match_owner is searcher:
                    if len(self._match_cache) >= MATCH_CACHE_SIZE:
                        self._match_cache.pop(next(iter(self._match_cache)))
                    self._match_cache[key] = cached
        return cached

    def grouped(self, node, filters: dict):
        """(total, [(order, [comment ids ascending])]) in text order, from column arrays (no scoring)."""
        with self._reading():
            searcher = self.searcher()
            if searcher.reader().doc_count_all() == 0:
                return 0, []
            return matching.groups(self.arrays(searcher), self._comment_docnums(searcher, node, filters))

    def ranked(self, node, filters: dict, limit: int, kinds=("comment",), public_only: bool = False):
        """(total matching, best `limit` (kind, id, score)).

        The matching set comes unscored from the index; BM25 (Whoosh's weighting, summed over the query's
        bigrams) is computed only for the `RANK_CANDIDATES` shortest matches — for a term that occurs once,
        BM25 falls with document length — so a common query does not score tens of thousands of documents.
        """
        with self._reading():
            searcher = self.searcher()
            if searcher.reader().doc_count_all() == 0:
                return 0, []
            kind_q = Q.Or([Q.Term("kind", k) for k in kinds]) if len(kinds) > 1 else Q.Term("kind", kinds[0])
            base = Q.And([kind_q, Q.Term("public", "1")]) if public_only else kind_q
            allowed = self._filter_set(searcher, base, filters)
            matched = [d for d in self._matches(searcher, node) if d in allowed]
            return len(matched), self._best(searcher, node, matched, limit)

    def grouped_ranked(self, node, filters: dict, limit: int):
        """`grouped` and `ranked` from one matching set (the staff search page shows both)."""
        with self._reading():
            searcher = self.searcher()
            if searcher.reader().doc_count_all() == 0:
                return (0, []), []
            matched = self._comment_docnums(searcher, node, filters)
            return matching.groups(self.arrays(searcher), matched), self._best(searcher, node, matched, limit)

    def _comment_docnums(self, searcher, node, filters: dict) -> list[int]:
        """Ascending docnums of the comments matching the query (every one for `node` None) and filters."""
        allowed = self._filter_set(searcher, Q.Term("kind", "comment"), filters)
        if node is None:
            return sorted(allowed)
        return [d for d in self._matches(searcher, node) if d in allowed]

    def _best(self, searcher, node, matched, limit: int) -> list[tuple[str, int, float]]:
        if not matched:
            return []
        arrays = self.arrays(searcher)
        candidates = matching.shortest(arrays, matched, max(RANK_CANDIDATES, 5 * limit))
        scores = matching.bm25(searcher, candidates, node)
        blen = arrays.blen
        best = sorted(candidates, key=lambda d: (-scores.get(d, 0.0), blen[d], d))[:limit]
        return [(searcher.stored_fields(d)["key"].split(":")[0], arrays.eid[d], scores.get(d, 0.0)) for d in best]
