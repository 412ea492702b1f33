"""Decisions the line scanner cannot take line by line: they need the lines around them.

- a label glued to its text (第二条中心城区…) is an article when it carries the expected next number;
- a caption on its own line (（立法目的） above 第一条) belongs to the label below it;
- an appendix (附件 after the last article) with its own 第X条 lines stays trailing matter;
- a consultation notice before the title is not the title;
- a bare 附则 between articles of a code with numbered divisions is a heading.
"""
from __future__ import annotations

import re

from consult.lawtext.model import ParseWarning
from consult.lawtext.normalize import clean, visible
from consult.lawtext.scanner import SENTENCE_PUNCT, TITLE_VERSION_RE, Line

_APPENDIX_RE = re.compile(r"[#\s]*附\s*(?:件|表|录)")
_STANDALONE_CAPTION_RE = re.compile(r"〖([^〗]{1,12})〗|【([^】]{1,12})】|\[([^\]]{1,12})\]|\(([^()]{1,12})\)")
# Bracketed lines that are not captions: 题注 (dates, meetings), version suffixes, deletion marks, items.
_NOT_CAPTION_RE = re.compile(r"[\d年月日]|草案|稿|删去|删除|通过|审议|批准|公布|会议|公告|^[一二三四五六七八九十百]+$")
_TITLE_END_RE = re.compile(r"(?:条例|办法|规定|决定|细则|规则|修正案)$")
_PLACE_END_RE = re.compile(r"(?:省|市|县|区|州|盟|旗)$")
_MARKUP_RE = re.compile(r"#{1,6}")
# Headings a code may leave unnumbered while its other divisions carry numbers.
UNNUMBERED_HEADINGS = {"附则", "总则", "法律责任", "罚则"}


def _article_like(ln: Line) -> bool:
    return ln.kind == "article" or ln.glued


def _is_appendix_marker(ln: Line) -> bool:
    if ln.kind != "text" or not _APPENDIX_RE.match(ln.folded):
        return False
    vis = visible(ln.folded)
    return len(vis) <= 40 and not any(ch in "。；;" for ch in vis)


def split_appendix(scanned: list[Line], warnings: list[ParseWarning]) -> tuple[list[Line], list[Line]]:
    """Cut off an appendix whose own 第X条 lines restart the numbering; warn once if it has such lines.

    A marker line (附件 / 附件一 / 附表 / 附录 …) after an article starts an appendix when the next
    article-like line after it does not continue the main text's numbering (its number is not above
    every number seen before the marker).
    """
    highest = None
    for i, ln in enumerate(scanned):
        if highest is not None and _is_appendix_marker(ln):
            nxt = next((x for x in scanned[i + 1:] if _article_like(x)), None)
            if nxt is not None and nxt.number <= highest:
                warnings.append(ParseWarning(
                    "appendix_articles",
                    f"附件“{ln.text[:20]}”中有类似条文的行（如“{nxt.label}”），已作为附件内容保留，未计为条文",
                    nxt.no))
                return scanned[:i], scanned[i:]
        if _article_like(ln):
            highest = ln.number if highest is None else max(highest, ln.number)
    return scanned, []


def _expected(prev: tuple[int, int | None] | None) -> set[tuple[int, int | None]]:
    if prev is None:
        return {(1, None)}
    number, suffix = prev
    return {(number + 1, None), (number, (suffix or 0) + 1)}


def promote_glued_labels(scanned: list[Line]) -> None:
    """Make a glued label (第二条中心城区…) an article when it is the expected next number.

    The sequence outweighs the cross-reference word after it, unless the same number appears later as
    an unambiguous label (then this line is a paragraph citing that article).
    """
    last_clean: dict[tuple[int, int | None], int] = {}
    for i, ln in enumerate(scanned):
        if ln.kind == "article":
            last_clean[(ln.number, ln.suffix)] = i
    prev = None
    for i, ln in enumerate(scanned):
        if ln.kind == "article":
            prev = (ln.number, ln.suffix)
        elif ln.glued:
            key = (ln.number, ln.suffix)
            if key in _expected(prev) and last_clean.get(key, -1) < i:
                ln.kind = "article"
                prev = key


def _is_caption_line(ln: Line) -> bool:
    if ln.kind != "text":
        return False
    m = _STANDALONE_CAPTION_RE.fullmatch(visible(ln.folded))
    if not m:
        return False
    inner = next(g for g in m.groups() if g is not None)
    return not (_NOT_CAPTION_RE.search(inner) or any(ch in SENTENCE_PUNCT for ch in inner))


def attach_captions(scanned: list[Line]) -> list[Line]:
    """Move a caption written alone on the line above a label onto that label; return the other lines."""
    out: list[Line] = []
    for i, ln in enumerate(scanned):
        nxt = scanned[i + 1] if i + 1 < len(scanned) else None
        if (nxt is not None and nxt.kind == "article" and nxt.caption is None and not nxt.deleted
                and _is_caption_line(ln)):
            nxt.pre_caption = ln
            continue
        out.append(ln)
    return out


def _is_title_shaped(ln: Line) -> bool:
    if ln.kind != "text":
        return False
    folded = ln.folded.lstrip(" #")
    m = TITLE_VERSION_RE.search(folded)
    has_version = bool(m and m.start() > 0)
    core = visible(folded[:m.start()] if has_version else folded)
    if not core or len(core) > 60 or any(ch in SENTENCE_PUNCT for ch in core):
        return False
    return bool(_TITLE_END_RE.search(core) or (has_version and core.endswith("法")))


def title_index(head: list[Line]) -> int:
    """Return which head line starts the title: the first that ends in 条例/办法/规定/决定 (+ suffix).

    Lines before it (a consultation notice placed above the title) go to the preamble. A short place
    name on the line above (某某市 / 民宿管理条例（草案）) starts the title instead. 0 when none fits.
    """
    for i, ln in enumerate(head):
        if _is_title_shaped(ln):
            if i > 0:
                above = visible(head[i - 1].folded)
                if (len(above) <= 10 and _PLACE_END_RE.search(above) and head[i - 1].kind == "text"
                        and not any(ch in SENTENCE_PUNCT for ch in above)):
                    return i - 1
            return i
    return 0


def unnumbered_heading(ln: Line) -> tuple[str, str] | None:
    """Return (markup, title) when a text line is a bare heading such as 附则 / 附　　则, else None."""
    if ln.kind != "text":
        return None
    m = _MARKUP_RE.match(ln.folded)
    cut = m.end() if m else 0
    if visible(ln.folded[cut:]) not in UNNUMBERED_HEADINGS:
        return None
    return ln.text[:cut], clean(ln.text[cut:])
