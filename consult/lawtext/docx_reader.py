"""WordprocessingML to lines: paragraphs and table cells in order, with Word's list numbers rendered."""
from __future__ import annotations

import re

from consult.lawtext.model import LawTextError
from consult.lawtext.model import mark as _
from consult.lawtext.numerals import int_to_cn

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{%s}" % W
_P, _TBL, _T, _TAB, _BR, _CR = (_W + n for n in ("p", "tbl", "t", "tab", "br", "cr"))
_DEL, _DELTEXT, _INSTR = _W + "del", _W + "delText", _W + "instrText"
_FALLBACK = "{%s}Fallback" % MC
_SKIP = {_DEL, _W + "moveFrom", _FALLBACK, _W + "pPr", _W + "rPr", _W + "footnoteReference"}
_LEVEL_RE = re.compile(r"%([1-9])")
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Content types that carry or imply VBA: a macro-enabled document (.docm), template (.dotm) or the project.
_MACRO_TYPES = ("application/vnd.ms-word.document.macroenabled.main+xml",
                "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
                "application/vnd.ms-office.vbaproject", "application/vnd.ms-word.vbadata+xml")


def _parser():
    """An lxml parser without DTDs, entities or network (lxml is imported here: `consult --help` skips it)."""
    from lxml import etree

    # No DTDs, no entities, no network: a document.xml with a DOCTYPE is refused outright below.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False)


def _parse_xml(data: bytes | None, name: str):
    from lxml import etree

    if data is None:
        return None
    head = data[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise LawTextError(_("文件被拒绝：%(name)s 含有 DTD/实体声明"), name=name)
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError:
        raise LawTextError(_("文件不是有效的 .docx（%(name)s 无法解析）"), name=name) from None


def check_package(names: list[str], content_types_xml: bytes | None) -> None:
    """Refuse a package that is not a plain Word document: macros (.docm/.dotm, vbaProject.bin), templates.

    The main part's declared content type decides, not the file name: a .docm renamed .docx is refused.
    """
    if any(name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for name in names):
        raise LawTextError(_("文件被拒绝：文档含有宏（VBA），请在 Word 中另存为不含宏的 .docx 后再上传"))
    root = _parse_xml(content_types_xml, "[Content_Types].xml")
    if root is None or root.tag != "{%s}Types" % CT:
        raise LawTextError(_("文件不是有效的 .docx（缺少 [Content_Types].xml）"))
    declared = {}
    for override in root.iter("{%s}Override" % CT):
        part = (override.get("PartName") or "").lower()
        kind = (override.get("ContentType") or "").strip().lower()
        if any(kind.startswith(macro) for macro in _MACRO_TYPES):
            raise LawTextError(_("文件被拒绝：文档含有宏（VBA），请在 Word 中另存为不含宏的 .docx 后再上传"))
        declared[part] = kind
    for default in root.iter("{%s}Default" % CT):
        if any((default.get("ContentType") or "").strip().lower().startswith(m) for m in _MACRO_TYPES):
            raise LawTextError(_("文件被拒绝：文档含有宏（VBA），请在 Word 中另存为不含宏的 .docx 后再上传"))
    if declared.get("/word/document.xml") != DOCUMENT_MAIN:
        raise LawTextError(_("文件不是普通的 Word 文档（.docx）：请在 Word 中另存为“Word 文档（*.docx）”后再上传"))


def _val(el, path: str) -> str | None:
    found = el.find(path, {"w": W}) if el is not None else None
    return found.get(_W + "val") if found is not None else None


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → aa.
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_CN_DIGIT = "〇一二三四五六七八九"


def format_number(n: int, fmt: str | None) -> str:
    """Render a list counter in one of Word's numFmt styles (chineseCounting → 十二, decimal → 12 …)."""
    fmt = fmt or "decimal"
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand",
               "ideographLegalTraditional", "koreanCounting"):
        return int_to_cn(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGIT[int(d)] for d in str(n))
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY[n - 1]
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class Numbering:
    """Counts Word's automatic list numbers (numbering.xml) as paragraphs go by."""

    def __init__(self, numbering_root, styles_root) -> None:
        self.levels: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        if numbering_root is not None:
            self._load(numbering_root)
        if styles_root is not None:
            for style in styles_root.iter(_W + "style"):
                num_id = _val(style, "w:pPr/w:numPr/w:numId")
                if num_id:
                    ilvl = _val(style, "w:pPr/w:numPr/w:ilvl") or "0"
                    self.style_num[style.get(_W + "styleId")] = (num_id, int(ilvl))

    def _load(self, root) -> None:
        for abstract in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in abstract.iter(_W + "lvl"):
                levels[int(lvl.get(_W + "ilvl", "0"))] = {
                    "start": int(_val(lvl, "w:start") or 1),
                    "fmt": _val(lvl, "w:numFmt"),
                    "text": _val(lvl, "w:lvlText") or "",
                    "suff": _val(lvl, "w:suff") or "tab",
                    "legal": lvl.find(_W + "isLgl") is not None,
                    "restart": _int_or_none(_val(lvl, "w:lvlRestart")),
                }
            self.levels[abstract.get(_W + "abstractNumId")] = levels
        for num in root.iter(_W + "num"):
            overrides = {}
            for over in num.iter(_W + "lvlOverride"):
                start = _val(over, "w:startOverride")
                if start is not None:
                    overrides[int(over.get(_W + "ilvl", "0"))] = int(start)
            self.nums[num.get(_W + "numId")] = (_val(num, "w:abstractNumId"), overrides)

    def label(self, para) -> str:
        """Return the rendered list number of a paragraph (with its separator), or ''."""
        ppr = para.find(_W + "pPr")
        num_id = _val(ppr, "w:numPr/w:numId")
        ilvl = _val(ppr, "w:numPr/w:ilvl")
        if num_id is None:
            style = _val(ppr, "w:pStyle")
            if style in self.style_num:
                num_id, style_lvl = self.style_num[style]
                ilvl = ilvl or str(style_lvl)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        level = int(ilvl or 0)
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if level not in levels:
            return ""
        # Word counts per abstract list; a num with a startOverride restarts it the first time it is used.
        counters = self.counters.setdefault(abstract_id, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl_no, start in overrides.items():
                if lvl_no < 9:
                    counters[lvl_no] = start - 1
        current = counters[level]
        counters[level] = levels[level]["start"] if current is None else current + 1
        for deeper in range(level + 1, 9):
            if _restarts(levels.get(deeper, {}).get("restart"), level, deeper):
                counters[deeper] = None
        return self._render(levels, counters, level)

    def _render(self, levels: dict, counters: list, level: int) -> str:
        spec = levels[level]
        if spec["fmt"] == "bullet":
            return ""

        def repl(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            other = levels.get(k, {"start": 1, "fmt": "decimal"})
            value = counters[k] if counters[k] is not None else other["start"]
            fmt = "decimal" if spec["legal"] else other["fmt"]
            return format_number(value, fmt)

        text = _LEVEL_RE.sub(repl, spec["text"])
        if not text:
            return ""
        return text + ("" if spec["suff"] == "nothing" else " ")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _restarts(restart: int | None, used: int, deeper: int) -> bool:
    """Tell whether using level `used` restarts level `deeper` (both 0-based), honouring w:lvlRestart.

    lvlRestart is one-based: N restarts the level after any use of level N-1 or an earlier one, 0 never
    restarts it (articles counted across chapters), and a value that is not an earlier level is ignored.
    """
    if restart is None or restart > deeper:
        return True
    if restart == 0:
        return False
    return used <= restart - 1


def _paragraph_text(para) -> str:
    out: list[str] = []
    stack = [iter(para)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == _INSTR or tag == _DELTEXT:
            continue
        if tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            # A page or column break is layout; a plain line break separates lines of text.
            out.append(" " if el.get(_W + "type") in ("page", "column") else "\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "softHyphen":
            continue
        elif tag == _P:
            out.append("\n")
            stack.append(iter(el))
        else:
            stack.append(iter(el))
    return "".join(out)


def docx_lines(document_xml: bytes, numbering_xml: bytes | None = None,
               styles_xml: bytes | None = None) -> list[str]:
    """Return the paragraphs of document.xml in order, table cells included, list numbers rendered."""
    root = _parse_xml(document_xml, "word/document.xml")
    body = root.find(_W + "body")
    if body is None:
        raise LawTextError(_("文件不是有效的 .docx（document.xml 没有正文）"))
    numbering = Numbering(_parse_xml(numbering_xml, "word/numbering.xml"),
                          _parse_xml(styles_xml, "word/styles.xml"))
    lines: list[str] = []
    stack = [iter(body)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag == _W + "sectPr":
            continue
        if el.tag == _P:
            text = numbering.label(el) + _paragraph_text(el)
            lines.extend(text.split("\n"))
        else:
            # Tables, rows, cells, content controls: walk into them in document order.
            stack.append(iter(el))
    return lines
