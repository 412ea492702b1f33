"""The search backend interface: everything the rest of the application may ask of a search engine.

Callers (`services`, `queries`, `commands`, `hooks`) use only `SearchBackend` and `get_backend`; the
embedded Whoosh implementation lives in `consult.search.whoosh_backend` (and its `whoosh_*` helpers, the
only modules that touch Whoosh). A server-based engine (e.g. PostgreSQL) implements the same methods and is
chosen with `SEARCH_BACKEND`, without touching views.

Documents are plain dicts built by `consult.search.documents` (`key` "comment:12", `kind`, `eid`, index
fields, `body`, `fp`). Filters are {index field: text value} (see `consult.comments.selection.INDEX_FIELDS`)
plus `date_from` / `date_to` (ISO dates) and `draft_ids` (a list: any of these drafts). Parsed queries are
`consult.search.syntax.Node` trees whose field nodes name Selection keys.
"""
from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping


class IndexBusy(RuntimeError):
    """Another process holds the index writer lock; the work stays queued and is retried."""


class IndexUnavailable(RuntimeError):
    """The index cannot be read or written (damaged files, unreadable directory): run a rebuild."""


@dataclass(frozen=True)
class IndexState:
    """What the backend itself knows about its index: readable or not, and documents per kind."""

    readable: bool
    counts: Mapping[str, int]
    error: str = ""


class SearchBackend(ABC):
    """The methods every search backend implements."""

    # -- writing ------------------------------------------------------------------------------------------
    # True when `rebuild` can run `partitions` in forked worker processes (else it consumes them in-process).
    parallel_rebuild = False

    @abstractmethod
    def index_documents(self, docs: Iterable[dict]) -> int:
        """Add or replace documents in one commit; returns how many."""

    @abstractmethod
    def apply(self, upserts: Iterable[dict], deletions: Iterable[str]) -> int:
        """Replace `upserts` and delete the keys in `deletions` in one commit (IndexBusy if locked)."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> int:
        """Remove documents by key ("comment:12") in one commit."""

    @abstractmethod
    def clear(self) -> None:
        """Empty the index."""

    @abstractmethod
    def rebuild(self, docs: Iterable[dict], *, procs: int = 1, progress: Callable[[int], None] | None = None,
                partitions: list[Callable] | None = None) -> int:
        """Write every document into a fresh index and swap it in; never reads the old index.

        `partitions`: optional zero-argument callables yielding documents, which a backend may run in
        parallel worker processes. Returns the number of documents written.
        """

    # -- reading ------------------------------------------------------------------------------------------
    @abstractmethod
    def grouped(self, node, filters: dict) -> tuple[int, list[tuple[int, list[int]]]]:
        """(total, [(group sort key, [comment ids ascending])]) in text order for a parsed query.

        The group sort key is `consult.search.documents.order_key`; it never leaves the search package.
        `node` None means every comment matching the filters.
        """

    @abstractmethod
    def ranked(self, node, filters: dict, limit: int, kinds: tuple[str, ...] = ("comment",),
               public_only: bool = False) -> tuple[int, list[tuple[str, int, float]]]:
        """(total matching, the best `limit` (kind, entity id, score)) for a parsed query."""

    def grouped_ranked(self, node, filters: dict, limit: int):
        """`grouped` and the best `limit` comments of `ranked` for one query: ((total, groups), ranked).

        The staff search page needs both; a backend finds the matching set once for the two (the default
        asks twice).
        """
        return self.grouped(node, filters), self.ranked(node, filters, limit)[1]

    @abstractmethod
    def fingerprints(self) -> dict[str, str]:
        """key → fingerprint of every indexed document (for `verify`)."""

    @abstractmethod
    def state(self) -> IndexState:
        """Whether the index can be read, and how many documents of each kind it holds (never raises)."""


BACKENDS = ("whoosh", "postgres")
_backends: dict[tuple[str, str], SearchBackend] = {}
_backends_lock = threading.Lock()


def get_backend(config: Mapping) -> SearchBackend:
    """The process-wide backend for an app configuration.

    `SEARCH_BACKEND=whoosh` (default): the index directory `SEARCH_INDEX_DIR`; `postgres`: the
    `search_documents` table of the application's own PostgreSQL database (`SQLALCHEMY_DATABASE_URI`).
    """
    kind = config.get("SEARCH_BACKEND") or "whoosh"
    if kind not in BACKENDS:
        raise ValueError(f"unknown SEARCH_BACKEND {kind!r} (known: {', '.join(BACKENDS)})")
    if kind == "postgres":
        location = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
        if not location.startswith("postgresql"):
            raise ValueError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL "
                             "(the index is a table of the application's database)")
    else:
        location = os.path.abspath(config["SEARCH_INDEX_DIR"])
    with _backends_lock:
        backend = _backends.get((kind, location))
        if backend is None:
            if kind == "postgres":
                from consult.search.postgres_backend import PostgresBackend

                backend = PostgresBackend(location)
            else:
                from consult.search.whoosh_backend import WhooshBackend  # Whoosh loads only when search is used

                backend = WhooshBackend(location)
            _backends[(kind, location)] = backend
        return backend
