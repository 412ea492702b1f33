"""Anchors typed by facilitators: 12, 第十二条第二款, 12.2.3, 总体意见, 新增条款 …"""
from __future__ import annotations

import re
from dataclasses import dataclass

from consult.lawtext.normalize import fold, visible
from consult.lawtext.numerals import article_label, cn_to_int, int_to_cn

KINDS = ("general", "title", "article", "paragraph", "item", "new_article")
_GENERAL = {"总体", "总体意见", "全文", "整体", "整体意见", "总的意见", "通篇", "general"}
_TITLE = {"名称", "标题", "题目", "条例名称", "法规名称", "title"}
_NEW = {"新增", "新增条款", "其他", "其他意见", "建议增加条款", "增加条款", "新增条文", "new"}
_NUM = r"[零〇一二两三四五六七八九十百千\d]+"
_DOTTED_RE = re.compile(r"(\d+)(?:-(\d+))?(?:\.(\d+)(?:\.(\d+))?)?")
_CITED_RE = re.compile(
    rf"第?({_NUM})(?:-(\d+))?条(?:之({_NUM}))?"
    rf"(?:第({_NUM})款)?"
    rf"(?:第?\(({_NUM})\)项|第({_NUM})项)?")
_ITEM_LINE_RE = re.compile(r"[（(]\s*[一二三四五六七八九十百]+\s*[)）]|[一二三四五六七八九十]+、")
_INLINE_ITEM_RE = re.compile(r"(?=[（(][一二三四五六七八九十百]+[)）])")


@dataclass(frozen=True)
class AnchorRef:
    """What a comment is about: the whole draft, its title, an article/paragraph/item, or a new article."""

    kind: str
    article_number: int | None = None
    article_suffix: int | None = None
    paragraph: int | None = None
    item: int | None = None

    @property
    def article_key(self) -> str | None:
        """Return the article key ("12" or "12-1") the anchor points into, or None."""
        if self.article_number is None:
            return None
        if self.article_suffix is None:
            return str(self.article_number)
        return f"{self.article_number}-{self.article_suffix}"


def _fail(text: str) -> ValueError:
    return ValueError(f"无法识别的条款：{text}")


def _positive(value: str | None, text: str) -> int | None:
    if value is None:
        return None
    try:
        number = cn_to_int(value)
    except ValueError:
        raise _fail(text) from None
    if number < 1:
        raise _fail(text)
    return number


def parse_anchor(text: str) -> AnchorRef:
    """Parse what a facilitator typed to say which part of the draft a comment is about."""
    raw = text if isinstance(text, str) else ""
    key = visible(fold(raw)).replace("（", "(").replace("）", ")")
    key = key.rstrip("。.;；,，")
    if not key:
        raise _fail(raw)
    if key.lower() in _GENERAL or key in _GENERAL:
        return AnchorRef("general")
    if key.lower() in _TITLE or key in _TITLE:
        return AnchorRef("title")
    if key.lower() in _NEW or key in _NEW:
        return AnchorRef("new_article")
    m = _DOTTED_RE.fullmatch(key)
    if m:
        number, suffix, paragraph, item = (_positive(g, raw) for g in m.groups())
        return _build(number, suffix, paragraph, item)
    m = _CITED_RE.fullmatch(key)
    if m and (key.startswith("第") or key[0].isdigit() or key[0] in "零〇一二两三四五六七八九十百千"):
        number = _positive(m.group(1), raw)
        suffix = _positive(m.group(3) or m.group(2), raw)
        paragraph = _positive(m.group(4), raw)
        item = _positive(m.group(5) or m.group(6), raw)
        if item is not None and paragraph is None:
            paragraph = 1  # 第十二条第（三）项: an article with items usually has them in its first 款
        return _build(number, suffix, paragraph, item)
    raise _fail(raw)


def _build(number, suffix, paragraph, item) -> AnchorRef:
    if item is not None:
        return AnchorRef("item", number, suffix, paragraph, item)
    if paragraph is not None:
        return AnchorRef("paragraph", number, suffix, paragraph)
    return AnchorRef("article", number, suffix)


def format_anchor(ref: AnchorRef) -> str:
    """Render an anchor the way summaries cite it: 第十二条第二款第（三）项, 总体意见, 名称, 新增条款."""
    if ref.kind == "general":
        return "总体意见"
    if ref.kind == "title":
        return "名称"
    if ref.kind == "new_article":
        return "新增条款"
    text = article_label(ref.article_number, ref.article_suffix)
    if ref.paragraph is not None:
        text += f"第{int_to_cn(ref.paragraph)}款"
    if ref.item is not None:
        text += f"第（{int_to_cn(ref.item)}）项"
    return text


def split_items(paragraph: str) -> tuple[str, list[str]]:
    """Split a paragraph (款) into its lead text and its item (项) lines, sub-items kept with their item."""
    lines = paragraph.split("\n")
    lead: list[str] = []
    items: list[str] = []
    for line in lines:
        if _ITEM_LINE_RE.match(line.strip()):
            items.append(line)
        elif items:
            items[-1] += "\n" + line  # sub-items (目) and continuations stay inside their item
        else:
            lead.append(line)
    if not items and len(lines) == 1:
        # Items written on the lead's own line (……下列文件：（一）……（二）……) still count as items.
        parts = _INLINE_ITEM_RE.split(paragraph)
        if len(parts) > 1 and parts[0].rstrip().endswith(("：", ":")):
            return parts[0].rstrip(), [p.strip() for p in parts[1:]]
    return "\n".join(lead), items
