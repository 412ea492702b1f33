"""Line classification: which input lines are headings, article labels, items or plain text."""
from __future__ import annotations

import re

from consult.lawtext.normalize import clean, fold, visible
from consult.lawtext.numerals import cn_to_int

NUM = r"[零〇○一二两三四五六七八九十百千万\d]+"
_SMALL_NUM = r"[一二三四五六七八九十百千\d]+"

_MARKUP_RE = re.compile(r"(#{1,6})\s*")
_DIVISION_RE = re.compile(rf"第\s*({NUM})\s*(分编|编|章|节)")
_ARTICLE_RE = re.compile(rf"第\s*({NUM})(?:\s*-\s*(\d+))?\s*条(?:\s*之\s*({_SMALL_NUM}))?")
# Text right after a line-initial 第X条 that shows it is a cross-reference, not a label (variant 6).
# No article's text begins with these (第五条第二款, 第五条、第六条, 第五条的规定 …): never a label.
_CROSS_REF_RE = re.compile(rf"(?:第\s*{NUM}\s*[条款项目]|[、,，至和或及的之])")
# These may be a cross-reference (第五条规定的, 第五条所列) or the first words of an article whose label
# is glued to its text (第二条中心城区…, 第九条与本市相邻…): the numbering sequence decides (shapes.py).
_WEAK_CROSS_REF_RE = re.compile(r"(?:与|中|规定|所称|所列|所指|所述)")
_COLON_RE = re.compile(r"\s*[:：]")
_DIVISION_NOT_TITLE_RE = re.compile(r"(?:的|规定|所称|所列|中的|、|,|，|第)")
_CAPTION_RE = re.compile(r"\s*(〖[^〗]{1,30}〗|【[^】]{1,30}】|\[[^\]]{1,30}\]|\([^()。；;]{1,30}\))")
_NUMERAL_ONLY_RE = re.compile(r"\(\s*[一二三四五六七八九十百\d]+\s*\)")
_DELETED_RE = re.compile(r"\(?\s*(?:删去|删除|已删除|刪除|刪去)\s*\)?[。.]?")
_ITEM_RE = re.compile(
    r"(?:\(\s*[一二三四五六七八九十百]+\s*\)|\d{1,3}\s*[.、](?!\d)|\(\s*\d{1,3}\s*\)|\d{1,3}\)|[①-⑳]"
    r"|[一二三四五六七八九十百千]+、)")
_AMEND_RE = re.compile(r"([一二三四五六七八九十百千]+)、")
_TRAILING_RE = re.compile(
    r"(?:附\s*件|附\s*表|附\s*录|附\s*[:：]|注\s*[:：]|注释|[①-⑳])")
_DATE_RE = re.compile(
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|[〇零○一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,2}\s*月(?:\s*[一二三四五六七八九十]{1,3}\s*日)?)")
SENTENCE_PUNCT = set("。；;，,：:！？!?、“”\"「」")
_LEVELS = {"编": 0, "分编": 1, "章": 2, "节": 3}
LEVEL_KIND = {0: "part", 1: "part", 2: "chapter", 3: "section"}


class Line:
    """One non-blank input line with what the scanner recognised at its start."""

    __slots__ = ("no", "text", "folded", "start", "kind", "number", "suffix", "level",
                 "label_end", "caption", "rest_start", "deleted", "amend", "glued", "colon",
                 "pre_caption")

    def __init__(self, no: int, text: str) -> None:
        self.no = no
        self.text = text
        self.folded = fold(text)
        self.start = 0
        self.kind = "text"
        self.number: int | None = None
        self.suffix: int | None = None
        self.level: int | None = None
        self.label_end = 0
        self.caption: tuple[int, int] | None = None
        self.rest_start = 0
        self.deleted = False
        self.amend = False
        # A text line that starts like a label glued to words a cross-reference also uses (第二条中…):
        # promoted to an article when it carries the expected next number (shapes.promote_glued_labels).
        self.glued = False
        # A colon written after the label or caption (第一条：…): (start, end, after_caption).
        self.colon: tuple[int, int, bool] | None = None
        # A caption on its own line just above the label (（立法目的） / 第一条 …), moved onto the label.
        self.pre_caption: Line | None = None

    @property
    def markup(self) -> str:
        """Return the Markdown heading marks in front of a heading or label, if any."""
        return self.text[:self.start].strip()

    @property
    def label(self) -> str:
        """Return the label as written (第一条, 第 12-1 條, 第一章)."""
        return self.text[self.start:self.label_end].strip()

    @property
    def rest(self) -> str:
        """Return the text after the label and caption, as written."""
        return clean(self.text[self.rest_start:])

    @property
    def caption_text(self) -> str | None:
        """Return the caption (条旨) as written, brackets included."""
        return self.text[self.caption[0]:self.caption[1]] if self.caption else None


def is_bare_short(line: Line, limit: int = 15) -> bool:
    """Tell whether a text line looks like a heading that lost its label: short, no punctuation."""
    if line.kind != "text":
        return False
    vis = visible(line.folded)
    return 0 < len(vis) <= limit and not any(ch in SENTENCE_PUNCT for ch in vis)


def is_trailing_marker(line: Line) -> bool:
    """Tell whether a line opens matter after the last article (附件, footnote, date, signature)."""
    body = line.folded.lstrip(" #")
    if _TRAILING_RE.match(body):
        return True
    vis = visible(body)
    return bool(_DATE_RE.fullmatch(vis))


def is_version_line(line: Line) -> bool:
    """Tell whether a whole line is a version suffix such as （草案） or （征求意见稿）."""
    return bool(VERSION_RE.fullmatch(visible(line.folded)))


VERSION_RE = re.compile(r"\((?P<v>[^()]{0,12}(?:草案|稿)[^()]{0,8})\)")
TITLE_VERSION_RE = re.compile(r"\((?P<v>[^()]{0,12}(?:草案|稿)[^()]{0,8})\)\s*$")


def _classify(line: Line) -> None:
    folded = line.folded
    m = _MARKUP_RE.match(folded)
    start = m.end() if m else 0
    while start < len(folded) and folded[start] == " ":
        start += 1
    body = folded[start:]
    if visible(body) == "目录":
        line.kind = "toc"
        return
    if body.startswith("第"):
        if _try_article(line, body, start) or _try_division(line, body, start):
            return
    im = _ITEM_RE.match(body)
    if im:
        line.kind = "item"
        am = _AMEND_RE.match(body)
        if am:
            try:
                line.number = cn_to_int(am.group(1))
            except ValueError:
                return
            line.amend = True
            line.start = start
            line.label_end = start + am.end()
            line.rest_start = line.label_end


def _try_article(line: Line, body: str, start: int) -> bool:
    m = _ARTICLE_RE.match(body)
    if not m:
        return False
    after = body[m.end():]
    if _CROSS_REF_RE.match(after):
        return False
    try:
        number = cn_to_int(m.group(1))
        suffix = m.group(2) or m.group(3)
        suffix_no = cn_to_int(suffix) if suffix else None
    except ValueError:
        return False
    line.number, line.suffix = number, suffix_no
    line.start = start
    line.label_end = start + m.end()
    line.rest_start = line.label_end
    if _WEAK_CROSS_REF_RE.match(after):
        line.glued = True  # kind stays "text" until the numbering sequence says otherwise
        return True
    line.kind = "article"
    pos = m.end()
    pos = _take_colon(line, body, start, pos, after_caption=False)
    after = body[pos:]
    if _DELETED_RE.fullmatch(visible(after)):
        line.deleted = True
        return True
    cm = _CAPTION_RE.match(after)
    if cm and not _NUMERAL_ONLY_RE.fullmatch(cm.group(1)):
        line.caption = (start + pos + cm.start(1), start + pos + cm.end(1))
        line.rest_start = line.caption[1]
        if line.colon is None:
            _take_colon(line, body, start, pos + cm.end(1), after_caption=True)
        line.deleted = bool(_DELETED_RE.fullmatch(visible(body[line.rest_start - start:])))
    return True


def _take_colon(line: Line, body: str, start: int, pos: int, after_caption: bool) -> int:
    """Record a colon right after the label or caption (kept apart from the body); return the new pos."""
    cm = _COLON_RE.match(body, pos)
    if not cm:
        return pos
    line.colon = (start + cm.end() - 1, start + cm.end(), after_caption)
    line.rest_start = start + cm.end()
    return cm.end()


def _try_division(line: Line, body: str, start: int) -> bool:
    m = _DIVISION_RE.match(body)
    if not m:
        return False
    title = visible(body[m.end():])
    if len(title) > 30 or (title and (title[-1] in SENTENCE_PUNCT or _DIVISION_NOT_TITLE_RE.match(title))):
        return False
    try:
        line.number = cn_to_int(m.group(1))
    except ValueError:
        return False
    line.kind = "division"
    line.level = _LEVELS[m.group(2)]
    line.start = start
    line.label_end = start + m.end()
    line.rest_start = line.label_end
    return True


def scan(lines: list[str]) -> list[Line]:
    """Classify every non-blank line (zero-width- or space-only lines count as blank)."""
    out = []
    for no, raw in enumerate(lines, start=1):
        text = clean(raw)
        if not text or not visible(text):
            continue
        line = Line(no, text)
        _classify(line)
        out.append(line)
    return out
