"""The shape of an enumeration with its words: `Term` (code, label, formal wording, rank, aliases) and an
ordered `Vocabulary` of them.

The tables themselves live with their domain: the comment's in `consult/comments/vocabulary.py`, the
contact point's and meeting's in `consult/contact_points/vocabulary.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator


@dataclass(frozen=True)
class Term:
    """One value of an enumeration and its words."""

    code: str
    label: object  # a lazy gettext string: str(label) renders it in the request's language
    formal: str
    rank: int
    aliases: tuple[str, ...] = field(default=())
    public: str = ""  # wording for the commenter (letters, receipt page) when it differs from `formal`

    @property
    def public_wording(self) -> str:
        """What a citizen reads for this value (their receipt page and letter)."""
        return self.public or self.formal


class Vocabulary:
    """An ordered set of Terms, looked up by code or by any word people type for them."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = tuple(sorted(terms, key=lambda t: t.rank))
        self._by_code = {t.code: t for t in self.terms}
        self._by_word: dict[str, str] = {}
        for t in self.terms:
            for word in (t.code, t.formal, *t.aliases):
                self._by_word.setdefault(word.strip().lower(), t.code)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code, in rank order."""
        return tuple(t.code for t in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Term:
        return self._by_code[code]

    def get(self, code) -> Term | None:
        """The term for a code, or None."""
        return self._by_code.get(code)

    def label(self, code) -> str:
        """Interface label of a code (the code itself if unknown, so nothing is hidden)."""
        term = self._by_code.get(code)
        return str(term.label) if term else (code or "")

    def formal(self, code) -> str:
        """Document wording of a code."""
        term = self._by_code.get(code)
        return term.formal if term else (code or "")

    def rank(self, code) -> int:
        """Order of a code; unknown codes last."""
        term = self._by_code.get(code)
        return term.rank if term else len(self.terms)

    def parse(self, word) -> str | None:
        """The code for a typed word (code, formal wording or alias), or None."""
        if word is None:
            return None
        return self._by_word.get(str(word).strip().lower())

    def choices(self, *, with_empty: object | None = None) -> list[tuple[str, str]]:
        """(code, label) pairs for a select; `with_empty` prepends ("", that label)."""
        pairs = [(t.code, str(t.label)) for t in self.terms]
        return ([("", str(with_empty))] + pairs) if with_empty is not None else pairs

    def labels(self) -> dict[str, object]:
        """code → lazy label, for templates."""
        return {t.code: t.label for t in self.terms}
