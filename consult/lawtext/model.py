"""Result types of the legal-text parser: a draft's title block, divisions, articles and warnings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Rank of a piece inside one input line, so that pieces() can restore document order.
RANK_MARKUP, RANK_LABEL, RANK_LABEL_PUNCT, RANK_CAPTION, RANK_CAPTION_PUNCT, RANK_TEXT = range(6)


def mark(message: str) -> str:
    """Mark a message for the interface catalog without translating it (lawtext knows no Flask).

    Modules import it as `_` so that the catalog extractor finds their msgids; the web layer translates
    LawTextError.template with LawTextError.params (consult.drafts.services.parse_upload).
    """
    return message


class LawTextError(ValueError):
    """A document that cannot be read; the message is one line, meant for the person who uploaded it.

    `template` is the Chinese message with %(name)s placeholders and `params` fills them: str(error) is
    the Chinese text, and a caller that knows the reader's language shows gettext(template, **params).
    """

    def __init__(self, template: str, **params) -> None:
        super().__init__(template % params if params else template)
        self.template = template
        self.params = params


@dataclass
class ParseWarning:
    """An anomaly for a person to review before publishing (code is an English slug)."""

    code: str
    message: str
    line: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the warning as a plain dict."""
        return {"code": self.code, "message": self.message, "line": self.line}


@dataclass
class ParsedDivision:
    """A 编 (part), 章 (chapter) or 节 (section) heading; parent is an index into the divisions.

    An unnumbered heading (a bare 附则 closing a code whose other divisions are numbered) has
    number None and an empty label; its title is the heading as written.
    """

    kind: str
    number: int | None
    label: str
    title: str
    parent: int | None
    line: int
    title_line: int | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the division as a plain dict."""
        return {"kind": self.kind, "number": self.number, "label": self.label,
                "title": self.title, "parent": self.parent}


@dataclass
class ParsedArticle:
    """An article (条), or a numbered item of an amendment draft; paragraphs are its 款."""

    number: int
    suffix: int | None
    label: str
    caption: str | None
    division: int | None
    paragraphs: list[str]
    deleted: bool
    line: int
    paragraph_lines: list[int] = field(default_factory=list, repr=False, compare=False)
    # A caption written on its own line above the label; None when it shares the label's line.
    caption_line: int | None = field(default=None, repr=False, compare=False)
    # A colon after the label (第一条：) or caption, kept out of the body: (RANK_*_PUNCT, text).
    separator: tuple[int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        """Return the stable key of the article within one version: "12" or "12-1"."""
        return f"{self.number}" if self.suffix is None else f"{self.number}-{self.suffix}"

    def to_dict(self) -> dict[str, Any]:
        """Return the article as a plain dict."""
        return {"number": self.number, "suffix": self.suffix, "label": self.label,
                "caption": self.caption, "division": self.division,
                "paragraphs": list(self.paragraphs), "deleted": self.deleted}


@dataclass
class ParsedDraft:
    """The structure of one draft text, with every visible character kept in exactly one place."""

    title: str | None = None
    version_label: str | None = None
    kind: str = "regulation"
    preamble: list[str] = field(default_factory=list)
    toc: list[str] = field(default_factory=list)
    divisions: list[ParsedDivision] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # Source positions, kept out of to_dict(): they only serve pieces() and the review screen.
    title_line: int | None = field(default=None, repr=False, compare=False)
    version_text: str | None = field(default=None, repr=False, compare=False)
    version_line: int | None = field(default=None, repr=False, compare=False)
    preamble_lines: list[int] = field(default_factory=list, repr=False, compare=False)
    toc_lines: list[int] = field(default_factory=list, repr=False, compare=False)
    trailing_lines: list[int] = field(default_factory=list, repr=False, compare=False)
    markup: list[tuple[int, str]] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the draft as plain JSON-ready data (the shape other packages import)."""
        return {
            "title": self.title,
            "version_label": self.version_label,
            "kind": self.kind,
            "preamble": list(self.preamble),
            "toc": list(self.toc),
            "divisions": [d.to_dict() for d in self.divisions],
            "articles": [a.to_dict() for a in self.articles],
            "trailing": list(self.trailing),
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def article(self, key: str) -> ParsedArticle | None:
        """Return the article with the given key ("12" or "12-1"), or None."""
        for art in self.articles:
            if art.key == key:
                return art
        return None

    def pieces(self) -> list[str]:
        """Return every piece of text of the result in document order (title, labels, paragraphs …)."""
        found: list[tuple[int, int, int, str]] = []
        seq = 0

        def add(line: int | None, rank: int, text: str | None) -> None:
            nonlocal seq
            if text:
                found.append((line or 0, rank, seq, text))
                seq += 1

        add(self.title_line, RANK_LABEL, self.title)
        add(self.version_line, RANK_CAPTION, self.version_text)
        for line, text in self.markup:
            add(line, RANK_MARKUP, text)
        for line, text in zip(self.preamble_lines, self.preamble, strict=True):
            add(line, RANK_TEXT, text)
        for line, text in zip(self.toc_lines, self.toc, strict=True):
            add(line, RANK_TEXT, text)
        for div in self.divisions:
            add(div.line, RANK_LABEL, div.label)
            add(div.title_line or div.line, RANK_CAPTION if div.title_line in (None, div.line)
                else RANK_TEXT, div.title)
        for art in self.articles:
            add(art.line, RANK_LABEL, art.label)
            add(art.caption_line or art.line, RANK_CAPTION, art.caption)
            if art.separator:
                add(art.line, art.separator[0], art.separator[1])
            for line, text in zip(art.paragraph_lines, art.paragraphs, strict=True):
                add(line, RANK_TEXT, text)
        for line, text in zip(self.trailing_lines, self.trailing, strict=True):
            add(line, RANK_TEXT, text)
        found.sort()
        return [text for _, _, _, text in found]
