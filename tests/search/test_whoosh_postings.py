"""`term_docnums` (block-at-a-time posting reads) gives exactly Whoosh's own `docs_for_query` answer:
several segments, deleted documents, long posting lists spanning blocks and one-posting terms."""
from __future__ import annotations

import random

from whoosh import query as Q

from consult.search.backend import get_backend
from consult.search.whoosh_internals import term_docnums
from tests.search.test_postgres_backend import _corpus


def test_term_docnums_equals_docs_for_query(tmp_path):
    backend = get_backend({"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    docs = _corpus(size=900, seed=21)
    for start in range(0, len(docs), 300):  # three commits: several segments
        backend.index_documents(docs[start:start + 300])
    rng = random.Random(4)
    backend.delete(rng.sample([d["key"] for d in docs], 120))  # deletions in every segment
    searcher = backend.searcher()
    leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
    assert len(leaves) >= 2 and any(reader.has_deletions() for reader in leaves)  # the cases worth checking
    terms = [t.decode("utf-8") for t in searcher.reader().lexicon("body")]
    lengths = []
    for word in terms:
        expected = sorted(searcher.docs_for_query(Q.Term("body", word)))
        assert sorted(term_docnums(searcher, "body", word)) == expected, word
        lengths.append(len(expected))
    assert max(lengths) > 300 and min(lengths) <= 1  # multi-block lists and inlined single postings
    assert term_docnums(searcher, "body", "不存在") == []
