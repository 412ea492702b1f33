"""The search backend interface and its Whoosh implementation (the only module that imports Whoosh queries).

Interface (what services and queries use): `index_documents`, `delete`, `grouped`, `ranked`, `clear`,
`rebuild`, `fingerprints`. A server-based engine can replace `WhooshBackend` without touching views.

On disk: `SEARCH_INDEX_DIR/CURRENT` names the live generation directory; a rebuild writes a new generation
and swaps the pointer. One open index and one refreshed searcher per process and directory.
"""
from __future__ import annotations

import fcntl
import heapq
import logging
import os
import pickle
import shutil
import sys
import threading
import time
import uuid
from array import array
from collections import defaultdict
from contextlib import contextmanager

from whoosh import columns as whoosh_columns
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.index import LockError
from whoosh.reading import TermNotFound

from consult.search.analysis import bigram_tokens, has_sequence, query_cjk_run, query_pieces
from consult.search.documents import SCHEMA_VERSION, make_schema
from consult.search.filters import INDEX_FIELDS, date_number

log = logging.getLogger(__name__)

WRITER_TIMEOUT = 5.0  # seconds to wait for Whoosh's single-writer lock before giving up (rows stay queued)
POINTER = "CURRENT"
VERSION_FILE = "SCHEMA_VERSION"
RANK_CANDIDATES = 200  # ranked(): BM25 is computed for at most this many (or 5 × limit) shortest matches
SEGMENT_DOCS = 12_500  # documents per segment written by a rebuild worker
MATCH_CACHE_SIZE = 2  # one page asks twice (groups, top hits); more would let benchmark repeats hit


class _Arrays:
    """Per-docnum values of one searcher, read once from the columns: eid, order, body length."""

    __slots__ = ("eid", "order", "blen", "text", "by_length", "every")

    def __init__(self, eid, order, blen, text):
        self.eid, self.order, self.blen, self.text = eid, order, blen, text
        self.by_length = None  # docnums sorted by body length, built on first use
        self.every = None  # set of live docnums, built on first NOT


def _read_numeric_column(segreader, name: str) -> list:
    """All values of a fixed-width numeric column of one segment, as a list (one read, no per-doc calls)."""
    count = segreader.doc_count_all()
    reader = segreader.column_reader(name, translate=False)
    if isinstance(reader, whoosh_columns.NumericColumn.Reader):
        raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
        values = array(reader._typecode)
        values.frombytes(raw)
        if sys.byteorder == "little":
            values.byteswap()
        out = values.tolist()
        out.extend([reader._default] * (count - len(out)))
        return out
    return [reader[i] for i in range(count)]


def _read_text_column(segreader, name: str) -> list:
    """All values of a UTF-8 VarBytes column of one segment, decoded (one read)."""
    count = segreader.doc_count_all()
    reader = segreader.column_reader(name, translate=False)
    if isinstance(reader, whoosh_columns.VarBytesColumn.Reader):
        lengths, offsets = reader._lengths, reader._offsets
        end = max((o + n for o, n in zip(offsets, lengths)), default=0)
        raw = reader._dbfile.get(reader._basepos, end) if end else b""
        return [raw[o:o + n].decode("utf-8") for o, n in zip(offsets, lengths)]
    return [bytes(reader[i]).decode("utf-8") for i in range(count)]


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


def _segment_worker(path: str, make_docs, messages) -> None:
    """Forked worker: write the documents of one partition into a segment of the new generation."""
    import traceback

    from whoosh.writing import SegmentWriter

    try:
        ix = whoosh_index.open_dir(path)
        segments, count, writer, in_segment = [], 0, None, 0
        for doc in make_docs():
            if writer is None:
                writer = SegmentWriter(ix, _lk=False, limitmb=256)  # the parent holds the lock (as MpWriter)
            writer.add_document(**doc)
            count += 1
            in_segment += 1
            if count % 1000 == 0:
                messages.put(("progress", 1000))
            if in_segment >= SEGMENT_DOCS:  # a writer's in-memory pool sorts superlinearly: cap its size
                segments.append(writer._finalize_segment())  # pinned Whoosh 2.7.5 (as its MpWriter)
                writer, in_segment = None, 0
        if writer is not None:
            segments.append(writer._finalize_segment())
        messages.put(("progress", count % 1000))
        messages.put(("done", segments, count))
    except BaseException:  # noqa: BLE001 - report to the parent, which cancels the rebuild
        messages.put(("error", traceback.format_exc()))


def _start_segment_workers(path: str, partitions):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    processes = [context.Process(target=_segment_worker, args=(path, part, messages), daemon=True)
                 for part in partitions]
    for process in processes:
        process.start()
    return processes, messages


def _join_segment_workers(processes, messages, progress=None):
    """Collect (segments, document count) from the workers; RuntimeError if one failed or died."""
    import queue

    segments, count, done = [], 0, 0
    while done < len(processes):
        try:
            message = messages.get(timeout=1.0)
        except queue.Empty:
            if any(not p.is_alive() and p.exitcode not in (0, None) for p in processes):
                raise RuntimeError("a search rebuild worker died") from None
            continue
        if message[0] == "progress":
            if progress is not None and message[1]:
                progress(message[1])
        elif message[0] == "done":
            done += 1
            count += message[2]
            segments.extend(message[1])
        else:
            raise RuntimeError("a search rebuild worker failed:\n" + message[1])
    for process in processes:
        process.join()
    return segments, count


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
        self._segment_arrays: dict = {}  # segment id → (eid, order, blen) lists
        self._arrays_owner = None
        self._arrays = None
        self._match_owner = None
        self._match_cache: dict = {}

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
            if gen and os.path.isdir(os.path.join(self.root, gen)) and self._version_ok(gen):
                return gen
        except FileNotFoundError:
            pass
        with self._dir_lock():
            try:
                with open(pointer, encoding="utf-8") as handle:
                    gen = handle.read().strip()
                if gen and os.path.isdir(os.path.join(self.root, gen)):
                    if self._version_ok(gen):
                        return gen
                    log.warning("search index %s has an older format: replaced by an empty index; "
                                "run `consult search rebuild`", gen)
            except FileNotFoundError:
                pass
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

    def index(self):
        """The open Whoosh index of the live generation (reopened after a swap)."""
        with self._lock:
            gen = self.current_generation()
            if gen != self._gen or self._ix is None:
                if self._searcher is not None:
                    self._searcher.close()
                    self._searcher = None
                try:
                    self._ix = whoosh_index.open_dir(os.path.join(self.root, gen))
                except (AttributeError, ImportError, EOFError, ValueError, pickle.UnpicklingError):
                    # a schema pickled by other code (e.g. an analyzer that no longer exists): start empty
                    log.warning("search index %s cannot be opened: replaced by an empty index; "
                                "run `consult search rebuild`", gen, exc_info=True)
                    with self._dir_lock():
                        gen = self._new_generation()
                        self._swap_pointer(gen)
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

    def rebuild(self, docs, *, procs: int = 1, progress=None, partitions=None) -> int:
        """Write every document into a new generation, then swap it in; returns the document count.

        `partitions` (optional): zero-argument callables, each yielding the documents of one part; each
        runs in a forked worker process that reads its own rows and writes its own segment (analysis and
        segment writing in parallel, nothing pickled between processes), while this process writes `docs`.
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
            path = os.path.join(self.root, gen)
            ix = whoosh_index.open_dir(path)
            workers = _start_segment_workers(path, partitions) if partitions else None
            if procs > 1 and not partitions:
                writer = ix.writer(procs=procs, multisegment=True, limitmb=256, batchsize=500)
            else:
                writer = ix.writer(limitmb=256)
            count = 0
            try:
                for doc in docs:
                    writer.add_document(**doc)
                    count += 1
                    if progress is not None:
                        progress(1)
                segments = []
                if workers is not None:
                    segments, written = _join_segment_workers(*workers, progress=progress)
                    count += written
            except BaseException:
                writer.cancel()
                if workers is not None:
                    for process in workers[0]:
                        process.kill()
                raise
            if segments:
                writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
            else:
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

    def arrays(self, searcher) -> _Arrays:
        """eid / order / body length per docnum of this searcher (segments read once, then reused)."""
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
                    cached = (*(_read_numeric_column(segreader, name) for name in ("eid", "order", "blen")),
                              _read_text_column(segreader, "ntext"))
                    self._segment_arrays[key] = cached
                eid += cached[0]
                order += cached[1]
                blen += cached[2]
                text += cached[3]
            for key in [k for k in self._segment_arrays if k not in seen]:
                del self._segment_arrays[key]
            self._arrays_owner, self._arrays = searcher, _Arrays(eid, order, blen, text)
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
            cached = sorted(self._eval(searcher, self.arrays(searcher), node))
            with self._lock:
                if self._match_owner is searcher:
                    if len(self._match_cache) >= MATCH_CACHE_SIZE:
                        self._match_cache.pop(next(iter(self._match_cache)))
                    self._match_cache[key] = cached
        return cached

    def _eval(self, searcher, arrays: _Arrays, node) -> set:
        """Docnums matching a parsed query, as a set (terms as confirmed substrings, boolean set algebra)."""
        if node.op == "term":
            return self._substring_set(searcher, arrays, node.text)
        if node.op == "field":
            return set(searcher.docs_for_query(Q.Term(INDEX_FIELDS.get(node.name, node.name), node.text)))
        if node.op == "not":
            return self._every(searcher, arrays) - self._eval(searcher, arrays, node.children[0])
        if node.op == "or":
            out: set = set()
            for child in node.children:
                out |= self._eval(searcher, arrays, child)
            return out
        positives = [c for c in node.children if c.op != "not"]
        negatives = [c.children[0] for c in node.children if c.op == "not"]
        if positives:
            sets = sorted((self._eval(searcher, arrays, c) for c in positives), key=len)
            out = sets[0].intersection(*sets[1:])
        else:
            out = set(self._every(searcher, arrays))
        for child in negatives:
            if not out:
                break
            out -= self._eval(searcher, arrays, child)
        return out

    @staticmethod
    def _every(searcher, arrays: _Arrays) -> set:
        if arrays.every is None:
            arrays.every = set(searcher.docs_for_query(Q.Every()))
        return arrays.every

    @staticmethod
    def _substring_set(searcher, arrays: _Arrays, text: str) -> set:
        """Docnums whose body contains `text`: documents holding all its tokens, then confirmed on the
        normalised text (`query in text` for a pure-CJK query, consecutive tokens otherwise)."""
        pieces = query_pieces(text)
        if not pieces:
            return set()
        sets = []
        for word, is_prefix in dict.fromkeys(pieces):
            found = set(searcher.docs_for_query(Q.Prefix("body", word) if is_prefix else Q.Term("body", word)))
            if not found:
                return set()
            sets.append(found)
        sets.sort(key=len)
        candidates = sets[0].intersection(*sets[1:])
        if len(pieces) == 1:
            return candidates
        texts = arrays.text
        run = query_cjk_run(text)
        if run is not None:
            return {d for d in candidates if run in texts[d]}
        return {d for d in candidates if has_sequence(bigram_tokens(texts[d]), pieces)}

    def grouped(self, node, filters: dict):
        """(total, [(order, [comment ids ascending])]) in text order, from column arrays (no scoring)."""
        searcher = self.searcher()
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return 0, []
        allowed = self._filter_set(searcher, Q.Term("kind", "comment"), filters)
        if node is None:
            docnums = sorted(allowed)
        else:
            docnums = [d for d in self._matches(searcher, node) if d in allowed]
        arrays = self.arrays(searcher)
        orders, eids = arrays.order, arrays.eid
        groups: dict[int, list[int]] = defaultdict(list)
        for docnum in docnums:
            groups[orders[docnum]].append(eids[docnum])
        return len(docnums), [(order, sorted(ids)) for order, ids in sorted(groups.items())]

    def ranked(self, node, filters: dict, limit: int, kinds=("comment",), public_only: bool = False,
               count: bool = False):
        """(total matching, best `limit` (kind, id, score)).

        The matching set comes unscored from the index; BM25 (Whoosh's weighting, summed over the query's
        bigrams) is computed only for the `RANK_CANDIDATES` shortest matches — for a term that occurs once,
        BM25 falls with document length — so a common query does not score tens of thousands of documents.
        """
        searcher = self.searcher()
        if searcher.reader().doc_count_all() == 0:
            return 0, []
        kind_q = Q.Or([Q.Term("kind", k) for k in kinds]) if len(kinds) > 1 else Q.Term("kind", kinds[0])
        base = Q.And([kind_q, Q.Term("public", "1")]) if public_only else kind_q
        allowed = self._filter_set(searcher, base, filters)
        matched = [d for d in self._matches(searcher, node) if d in allowed]
        if not matched:
            return 0, []
        arrays = self.arrays(searcher)
        candidates = self._shortest(arrays, matched, max(RANK_CANDIDATES, 5 * limit))
        scores = self._bm25(searcher, candidates, node)
        blen = arrays.blen
        best = sorted(candidates, key=lambda d: (-scores.get(d, 0.0), blen[d], d))[:limit]
        out = []
        for docnum in best:
            kind = searcher.stored_fields(docnum)["key"].split(":")[0]
            out.append((kind, arrays.eid[docnum], scores.get(docnum, 0.0)))
        return len(matched), out

    @staticmethod
    def _shortest(arrays: _Arrays, matched: list[int], k: int) -> list[int]:
        """The k matching docnums with the shortest bodies, ascending by docnum."""
        if len(matched) <= k:
            return matched
        blen = arrays.blen
        if len(matched) * 8 < len(blen):
            return sorted(heapq.nsmallest(k, matched, key=blen.__getitem__))
        if arrays.by_length is None:
            arrays.by_length = sorted(range(len(blen)), key=blen.__getitem__)
        wanted = set(matched)
        out = []
        for docnum in arrays.by_length:
            if docnum in wanted:
                out.append(docnum)
                if len(out) == k:
                    break
        return sorted(out)

    @staticmethod
    def _bm25(searcher, docnums: list[int], node) -> dict[int, float]:
        """Sum of the BM25 scores of the query's (positive) bigram terms for the given ascending docnums."""
        words = []
        for text in node.positive_terms():
            for word, is_prefix in query_pieces(text):
                if not is_prefix and word not in words:
                    words.append(word)
        scores: dict[int, float] = defaultdict(float)
        for word in words:
            try:
                matcher = searcher.postings("body", word)
            except TermNotFound:
                continue
            for docnum in docnums:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    scores[docnum] += matcher.score()
        return scores

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
        """Whoosh query for the candidates of a substring: all its tokens (prefix for one character).

        Without positions this may over-match; `_substring_set` confirms candidates (see `_matches`).
        """
        pieces = query_pieces(text)
        queries = [Q.Prefix("body", w) if p else Q.Term("body", w) for w, p in pieces]
        return queries[0] if len(queries) == 1 else Q.And(queries)
