"""The structure parser: title block, table of contents, divisions, articles, trailing matter."""
from __future__ import annotations

import re

from consult.lawtext.amendment import parse_amendment_body
from consult.lawtext.checks import (NumberingCheck, check_division_numbering, check_empty_articles,
                                    check_toc, division_key)
from consult.lawtext.model import (RANK_CAPTION_PUNCT, RANK_LABEL_PUNCT, ParsedArticle, ParsedDivision,
                                   ParsedDraft, ParseWarning)
from consult.lawtext.normalize import clean, fold, visible
from consult.lawtext.scanner import (LEVEL_KIND, SENTENCE_PUNCT, TITLE_VERSION_RE, Line, is_bare_short,
                                     is_trailing_marker, is_version_line, scan)
from consult.lawtext.shapes import (attach_captions, promote_glued_labels, split_appendix, title_index,
                                    unnumbered_heading)

_AMENDMENT_TITLE_RE = re.compile(r"(?:修改|修正).*(?:决定|案)|修正案")
_AMENDMENT_ITEM_HINT_RE = re.compile(r"第.{1,12}条|修改为|增加|删去|删除")
_TITLE_MARKUP_RE = re.compile(r"#{1,6}")
# Dot leaders and page numbers of a contents line: "第一章 总则……1", "第二章 附则  12".
_TOC_PAGE_RE = re.compile(r"(?:[.…·_\-－—．]+\s*\d*|\s+\d+)\s*$")


def parse_text(text: str) -> ParsedDraft:
    """Parse the structure of a draft given as one string."""
    return parse_lines(text.splitlines())


def parse_file(path) -> ParsedDraft:
    """Read a .docx or .txt file and parse its structure."""
    from consult.lawtext.readers import read_path
    return parse_lines(read_path(path))


def parse_lines(lines: list[str]) -> ParsedDraft:
    """Parse the structure of a draft given as lines (paragraphs) in document order."""
    flat: list[str] = []
    for raw in lines:
        # A paragraph may still hold soft line breaks; each one counts as its own input line.
        flat.extend(raw.splitlines() or [""])
    scanned = scan(flat)
    draft = ParsedDraft()
    if not scanned:
        draft.warnings.append(ParseWarning("no_text", "文件中没有文字", None))
        return draft
    if _is_amendment(scanned):
        draft.kind = "amendment"
        start = next(i for i, ln in enumerate(scanned) if ln.amend)
        _parse_head(draft, scanned[:start])
        parse_amendment_body(draft, scanned[start:])
        return draft
    scanned, appendix = split_appendix(scanned, draft.warnings)
    promote_glued_labels(scanned)
    scanned = attach_captions(scanned)
    first_article = next((i for i, ln in enumerate(scanned) if ln.kind == "article"), len(scanned))
    body_start = next((i for i, ln in enumerate(scanned[:first_article]) if ln.kind == "division"),
                      first_article)
    toc_start, toc_end = _find_toc(scanned, first_article)
    if toc_start is not None:
        _parse_head(draft, scanned[:toc_start])
        toc_keys = _collect_toc(draft, scanned[toc_start:toc_end])
        body_start = toc_end
    else:
        _parse_head(draft, scanned[:body_start])
        toc_keys = []
    trail_start = _find_trailing(scanned, body_start)
    _Body(draft).run(scanned[body_start:trail_start])
    for ln in scanned[trail_start:] + appendix:
        draft.trailing.append(ln.text)
        draft.trailing_lines.append(ln.no)
    if not draft.articles:
        draft.warnings.append(ParseWarning("no_articles", "没有识别出任何条文（第X条）", None))
    check_empty_articles(draft)
    check_division_numbering(draft)
    check_toc(draft, toc_keys)
    draft.warnings.sort(key=lambda w: (w.line or 0))
    return draft


def _is_amendment(scanned: list[Line]) -> bool:
    amend = [i for i, ln in enumerate(scanned) if ln.amend]
    if not amend:
        return False
    first_article = next((i for i, ln in enumerate(scanned) if ln.kind == "article"), None)
    if _AMENDMENT_TITLE_RE.search(visible(scanned[0].folded)):
        return first_article is None or amend[0] < first_article
    if first_article is not None:
        return False
    return any(_AMENDMENT_ITEM_HINT_RE.search(scanned[i].folded) for i in amend)


def _find_toc(scanned: list[Line], first_article: int) -> tuple[int | None, int]:
    """Locate a table of contents before the first article; return (start, end) or (None, 0)."""
    marker = next((i for i in range(first_article) if scanned[i].kind == "toc"), None)
    search_from = marker + 1 if marker is not None else 0
    first_div = next((i for i in range(search_from, first_article) if scanned[i].kind == "division"), None)
    repeat = None
    if first_div is not None:
        key = (scanned[first_div].level, scanned[first_div].number)
        repeat = next((i for i in range(first_div + 1, first_article)
                       if scanned[i].kind == "division" and (scanned[i].level, scanned[i].number) == key),
                      None)
    if marker is None:
        # Without a 目录 line, a heading repeated before any article shows that a contents list came first.
        return (first_div, repeat) if repeat is not None else (None, 0)
    if repeat is not None:
        return marker, repeat
    # No heading of the contents comes back before the first article: the body has none, all is contents.
    return marker, first_article


def _collect_toc(draft: ParsedDraft, lines: list[Line]) -> list:
    keys = []
    for ln in lines:
        draft.toc.append(ln.text)
        draft.toc_lines.append(ln.no)
        if ln.kind == "division":
            title = _TOC_PAGE_RE.sub("", ln.rest)
            keys.append((division_key(LEVEL_KIND[ln.level], ln.number, title), ln.no, ln.text))
    return keys


def _parse_head(draft: ParsedDraft, head: list[Line]) -> None:
    """Split the lines before the body into title, version suffix and preamble (题注, notice)."""
    if not head:
        return
    start = title_index(head)
    for ln in head[:start]:
        # A consultation notice placed above the title.
        draft.preamble.append(ln.text)
        draft.preamble_lines.append(ln.no)
    head = head[start:]
    first = head[0]
    rest = head[1:]
    mark = _TITLE_MARKUP_RE.match(first.folded)
    if mark:
        draft.markup.append((first.no, first.text[:mark.end()]))
        text = clean(first.text[mark.end():])
    else:
        text = first.text
    m = TITLE_VERSION_RE.search(fold(text))
    if m and m.start() > 0:
        draft.title = clean(text[:m.start()])
        draft.version_text = text[m.start():m.end()].strip()
        draft.version_label = clean(text[m.start("v"):m.end("v")])
        draft.version_line = first.no
    else:
        draft.title = text or None
        if rest and _continues_title(text, rest[0]):
            # A long title broken over two lines: 某某市 / 民宿管理条例（草案）.
            second = rest[0].text
            m = TITLE_VERSION_RE.search(rest[0].folded)
            draft.title = text + clean(second[:m.start()])
            draft.version_text = second[m.start():m.end()].strip()
            draft.version_label = clean(second[m.start("v"):m.end("v")])
            draft.version_line = rest[0].no
            rest = rest[1:]
    draft.title_line = first.no
    if draft.version_label is None and rest and is_version_line(rest[0]):
        draft.version_text = rest[0].text
        draft.version_label = clean(rest[0].text)[1:-1].strip()
        draft.version_line = rest[0].no
        rest = rest[1:]
    for ln in rest:
        draft.preamble.append(ln.text)
        draft.preamble_lines.append(ln.no)


def _continues_title(first: str, second: Line) -> bool:
    if second.kind != "text" or len(visible(first)) > 20 or any(ch in SENTENCE_PUNCT for ch in first):
        return False
    m = TITLE_VERSION_RE.search(second.folded)
    return bool(m and m.start() > 0 and len(visible(second.folded)) <= 40
                and not any(ch in SENTENCE_PUNCT for ch in second.folded[:m.start()]))


def _find_trailing(scanned: list[Line], body_start: int) -> int:
    """Return where matter after the last article (附件, footnotes, signature, date) begins."""
    last = None
    for i in range(len(scanned) - 1, body_start - 1, -1):
        if scanned[i].kind == "article":
            last = i
            break
    if last is None:
        return len(scanned)
    j = last + 1
    if not clean(scanned[last].rest) and not scanned[last].caption and not scanned[last].deleted:
        j += 1  # a label alone on its line: the next line is its body, whatever it looks like
    for i in range(j, len(scanned)):
        ln = scanned[i]
        if ln.kind == "division":
            continue
        if is_trailing_marker(ln) or is_bare_short(ln, limit=24):
            return i
    return len(scanned)


class _Body:
    """Walks the body lines once, building divisions and articles and noting anomalies."""

    def __init__(self, draft: ParsedDraft) -> None:
        self.draft = draft
        self.numbering = NumberingCheck(draft.warnings)
        self.stack: list[tuple[int, int]] = []  # (level, division index) of open divisions
        self.article: ParsedArticle | None = None
        self.after_division = False
        self.items_open = False
        self.orphan_run = False

    def warn(self, code: str, message: str, line: int) -> None:
        """Record an anomaly for review."""
        self.draft.warnings.append(ParseWarning(code, message, line))

    def run(self, lines: list[Line]) -> None:
        """Consume the body lines in order."""
        skip_next = False
        for i, ln in enumerate(lines):
            if skip_next:
                skip_next = False
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if ln.kind == "division":
                skip_next = self.division(ln, nxt)
            elif ln.kind == "article":
                self.start_article(ln)
            else:
                self.text(ln, nxt)

    def division(self, ln: Line, nxt: Line | None) -> bool:
        """Open a division; return True when the next line was taken as its title."""
        draft = self.draft
        while self.stack and self.stack[-1][0] >= ln.level:
            self.stack.pop()
        parent = self.stack[-1][1] if self.stack else None
        if ln.markup:
            draft.markup.append((ln.no, ln.markup))
        div = ParsedDivision(LEVEL_KIND[ln.level], ln.number, ln.label, ln.rest, parent, ln.no)
        took_next = False
        if not div.title and nxt is not None and nxt.kind == "text" and is_bare_short(nxt, limit=20):
            div.title, div.title_line = nxt.text, nxt.no
            took_next = True
        self.stack.append((ln.level, len(draft.divisions)))
        draft.divisions.append(div)
        self.after_division = True
        self.items_open = False
        self.orphan_run = False
        return took_next

    def unnumbered_division(self, ln: Line) -> bool:
        """Open a division for a bare 附则 (or 总则, 法律责任 …) at the level of the outermost heading."""
        found = unnumbered_heading(ln)
        if found is None:
            return False
        markup, title = found
        level = self.stack[0][0]
        self.stack.clear()
        if markup:
            self.draft.markup.append((ln.no, markup))
        self.stack.append((level, len(self.draft.divisions)))
        self.draft.divisions.append(ParsedDivision(LEVEL_KIND[level], None, "", title, None, ln.no))
        self.after_division = True
        self.items_open = False
        self.orphan_run = False
        return True

    def start_article(self, ln: Line) -> None:
        """Open an article from its label line."""
        if ln.markup:
            self.draft.markup.append((ln.no, ln.markup))
        division = self.stack[-1][1] if self.stack else None
        caption = ln.caption_text
        art = ParsedArticle(ln.number, ln.suffix, ln.label, caption, division, [], ln.deleted, ln.no)
        if ln.pre_caption is not None:
            art.caption, art.caption_line = ln.pre_caption.text, ln.pre_caption.no
        if ln.colon is not None:
            start, end, after_caption = ln.colon
            art.separator = (RANK_CAPTION_PUNCT if after_caption else RANK_LABEL_PUNCT, ln.text[start:end])
        self.numbering.add(ln.number, ln.suffix, ln.no)
        rest = ln.rest
        if rest:
            art.paragraphs.append(rest)
            art.paragraph_lines.append(ln.no)
        self.draft.articles.append(art)
        self.article = art
        self.after_division = False
        self.items_open = bool(rest)
        self.orphan_run = False

    def text(self, ln: Line, nxt: Line | None) -> None:
        """Place a plain text or item line into the current article (or report it as unlabelled)."""
        art = self.article
        is_item = ln.kind == "item"
        if art is None or self.after_division:
            self.orphan(ln)
            return
        if self.stack and nxt is not None and nxt.kind == "article" and self.unnumbered_division(ln):
            return
        if is_item and self.items_open and art.paragraphs:
            art.paragraphs[-1] += "\n" + ln.text
            return
        if (not is_item and art.paragraphs and is_bare_short(ln)
                and nxt is not None and nxt.kind in ("article", "division")):
            self.warn("degraded_heading",
                      f"疑似缺少编号的章节标题：“{ln.text}”，已保留在{art.label}中，请核对", ln.no)
        art.paragraphs.append(ln.text)
        art.paragraph_lines.append(ln.no)
        self.items_open = True

    def orphan(self, ln: Line) -> None:
        """Keep text that sits between a heading and the next article, and flag it."""
        draft = self.draft
        art = self.article
        if not self.orphan_run:
            where = f"已暂时并入{art.label}" if art else "已暂时放入前言"
            self.warn("unlabelled_text", f"条文之外的文字（缺少条号？）：“{ln.text[:20]}”，{where}", ln.no)
            self.orphan_run = True
        if art is not None:
            art.paragraphs.append(ln.text)
            art.paragraph_lines.append(ln.no)
        else:
            draft.preamble.append(ln.text)
            draft.preamble_lines.append(ln.no)


