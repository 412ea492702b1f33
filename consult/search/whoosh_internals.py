"""The only module that reaches into Whoosh's private attributes (pinned: Whoosh-Reloaded 2.7.5).

Each function here does something Whoosh's public API cannot do fast enough or at all: read a whole
column of a segment in one call, reopen only the changed segments of a searcher, finish a segment in a
forked worker, lock a generation without opening it. A Whoosh upgrade is checked against this file only.
"""
from __future__ import annotations

import pickle
import sys
from array import array

from whoosh import columns as whoosh_columns
from whoosh.filedb.filestore import FileStorage


def read_numeric_column(segreader, name: str) -> list:
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


def read_text_column(segreader, name: str) -> list:
    """All values of a UTF-8 VarBytes column of one segment, decoded (one read)."""
    count = segreader.doc_count_all()
    reader = segreader.column_reader(name, translate=False)
    if isinstance(reader, whoosh_columns.VarBytesColumn.Reader):
        lengths, offsets = reader._lengths, reader._offsets
        end = max((o + n for o, n in zip(offsets, lengths)), default=0)
        raw = reader._dbfile.get(reader._basepos, end) if end else b""
        return [raw[o:o + n].decode("utf-8") for o, n in zip(offsets, lengths)]
    return [bytes(reader[i]).decode("utf-8") for i in range(count)]


def term_docnums(searcher, fieldname: str, text: str) -> list[int]:
    """Docnums of one term's postings across every segment, deleted documents left out, read a block of
    ids at a time (Whoosh's `docs_for_query` makes several Python calls per posting)."""
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.reading import TermNotFound

    out: list[int] = []
    for segreader, offset in searcher.reader().leaf_readers():
        try:
            matcher = segreader.postings(fieldname, text)
        except TermNotFound:
            continue
        deleted = frozenset()
        if isinstance(matcher, FilterMatcher):  # the segment has deletions
            matcher, deleted = matcher.child, matcher._ids
        if isinstance(matcher, W3LeafMatcher):
            matcher.reset()
            ids: list[int] = []
            while True:
                matcher._read_ids()
                ids.extend(matcher._ids)
                if matcher._lastblock:
                    break
                matcher._goto(matcher._nextoffset)
        else:  # postings inlined in the term info
            ids = list(matcher.all_ids())
        if deleted:
            ids = [i for i in ids if i not in deleted]
        out.extend(i + offset for i in ids) if offset else out.extend(ids)
    return out


def reopen_searcher(ix, old_searcher):
    """A searcher on the latest commit that reuses the old segment readers whose segment is unchanged.

    (Whoosh's own `Searcher.refresh()` reuses segment readers whose deletions changed and even keeps
    merged-away segments, so updated documents would show twice; this reuses a segment reader only when
    its segment id and deletion count are unchanged.)
    """
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


def unlocked_segment_writer(ix, limitmb: int = 256):
    """A segment writer that does not take the index lock (the parent process holds it, as MpWriter does)."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, limitmb=limitmb)


class _LoadedLengths:
    """A segment's field lengths read once into memory, answering `doc_field_length` as Whoosh's reader does.

    Whoosh's per-document reader looks the length of every posting up through the column file (and, for a
    field that stores no lengths, checks that the file exists: one stat() per posting) — most of a segment's
    flush time. Same answers: the length byte decoded, None for a stored 0, `default` without a column.
    """

    def __init__(self, reader):
        self._reader = reader
        self._fields: dict = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        """The length of `fieldname` in document `docnum` (Whoosh's `PerDocumentReader` contract)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        loaded = self._fields.get(fieldname, self)
        if loaded is self:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            loaded = None if column is None else [byte_to_length(b) if b else None for b in column.load()]
            self._fields[fieldname] = loaded
        if loaded is None:
            return default
        if docnum > self._reader._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._reader._doccount))
        return loaded[docnum] if docnum < len(loaded) else None


def finalize_segment(writer):
    """Finish a segment writer's segment without committing it (the parent commits all of them).

    Whoosh's `SegmentWriter._finalize_segment`, with the field lengths loaded once (`_LoadedLengths`).
    """
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    writer.fieldwriter.add_postings(writer.schema, _LoadedLengths(lengths) if lengths else None,
                                    writer.pool.iter_postings())
    writer.fieldwriter.close()
    if lengths:
        lengths.close()
    writer._close_segment()
    writer._assemble_segment()
    return writer.get_segment()


def generation_lock(path: str, indexname: str = "MAIN"):
    """The writer lock of a generation directory, obtained without opening (or being able to read) the index."""
    return FileStorage(path).lock(indexname + "_WRITELOCK")


class DamagedIndex(Exception):
    """An index directory Whoosh cannot open; `foreign_schema` when its pickled schema names unknown code."""

    def __init__(self, message: str, foreign_schema: bool = False):
        super().__init__(message)
        self.foreign_schema = foreign_schema


def open_index(path: str):
    """Open the index in `path`; DamagedIndex (with every file Whoosh opened closed again) if it cannot.

    (Whoosh does not close a table-of-contents file whose reading raised, which would surface later as a
    ResourceWarning in unrelated code: the storage's `open_file` is watched while the index opens.)
    """
    from whoosh.index import FileIndex

    storage = FileStorage(path)
    opened = []

    def watched_open_file(name, **kwargs):
        handle = FileStorage.open_file(storage, name, **kwargs)
        opened.append(handle)
        return handle

    storage.open_file = watched_open_file
    try:
        return FileIndex(storage, indexname="MAIN")
    except (AttributeError, ImportError, pickle.UnpicklingError) as exc:
        error = DamagedIndex(repr(exc), foreign_schema=True)
    except Exception as exc:  # noqa: BLE001 - any damage to the table of contents
        error = DamagedIndex(repr(exc))
    finally:
        del storage.open_file  # back to the class's method for everything read later
    for handle in opened:
        handle.close()
    raise error
