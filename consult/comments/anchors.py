"""Resolving what a comment is about (总体意见, 名称, 第十二条第二款第（三）项, 新增条款) against a version."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from consult.comments.rules import CommentError
from consult.comments.vocabulary import ANCHOR
from consult.drafts.models import Article, DraftVersion
from consult.lawtext import AnchorRef, article_label, format_anchor, int_to_cn, parse_anchor, split_items

_KIND_WORDS = {"general": "general", "title": "title", "new_article": "new_article"}
_LABELS = ("general", "title", "new_article")
_ADDRESS_RE = re.compile(r"\d+(?:-\d+)?_\d+")  # the unique address of a repeated number: 4_2, 12-1_2  # anchors that are not a place in the text


def _label(kind: str) -> str:
    """The name of a general / title / new-article anchor, in the reader's language."""
    return str(ANCHOR[kind].label)


@dataclass(frozen=True)
class ResolvedAnchor:
    """A checked anchor: its kind, the article it lies in, its position, label and text."""

    kind: str
    article: Article | None
    paragraph_no: int | None
    item_no: int | None
    label: str
    text: str

    @property
    def key(self) -> str:
        """A short, URL-friendly value for forms: general, title, new_article, 12, 12.2, 12-1.2.3."""
        if self.article is None:
            return self.kind
        return ".".join(str(p) for p in (self.article.address, self.paragraph_no, self.item_no) if p is not None)


class AnchorResolver:
    """Resolves many anchors against one version with a single article lookup table (imports)."""

    def __init__(self, version: DraftVersion):
        self.version = version
        self._articles = {(a.number, a.suffix): a for a in reversed(list(version.articles))}
        # a repeated number (a second 第四条) is reachable only by its unique address, e.g. 4_2 or 4_2.1
        self._by_address = {a.address: a for a in version.articles if "_" in a.address}

    def resolve(self, text: str) -> ResolvedAnchor:
        """Resolve one anchor text, or raise CommentError naming what does not exist."""
        raw = "" if text is None else str(text).strip()
        if not raw:
            raise CommentError(_("请选择或填写意见针对的条款。"), "anchor")
        forced = None
        if _ADDRESS_RE.fullmatch(raw.partition(".")[0]):
            head, dot, rest = raw.partition(".")
            forced = self._by_address.get(head)
            if forced is None:
                raise CommentError(_("草案中没有编号为 %(address)s 的条文。", address=head), "anchor")
            raw = forced.key + dot + rest
        if raw in _KIND_WORDS:
            ref = AnchorRef(_KIND_WORDS[raw])
        else:
            try:
                ref = parse_anchor(raw)
            except ValueError:  # lawtext's own message is Chinese only; this one goes through the catalog
                raise CommentError(_("无法识别的条款：%(text)s（可写 12、第十二条、12.2、第十二条第二款第（三）项、总体、名称、新增）。",
                                     text=raw),
                                   "anchor") from None
        if ref.kind in _LABELS:
            text = self.version.title if ref.kind == "title" else ""
            return ResolvedAnchor(ref.kind, None, None, None, _label(ref.kind), text or "")
        article = forced or self._articles.get((ref.article_number, ref.article_suffix))
        label = article_label(ref.article_number, ref.article_suffix)
        if article is None:
            raise CommentError(_("草案中没有%(anchor)s。", anchor=label), "anchor")
        if ref.kind == "article":
            return ResolvedAnchor("article", article, None, None, article.label, article.text)
        paragraphs = list(article.paragraphs or [])
        paragraph_no = ref.paragraph
        if ref.kind == "item" and _paragraph_implied(raw):
            paragraph_no = _paragraph_with_item(paragraphs, ref.item) or paragraph_no
        if paragraph_no > len(paragraphs):
            raise CommentError(_("草案中没有%(anchor)s（%(article)s共 %(count)d 款）。",
                                 anchor=f"{label}第{int_to_cn(paragraph_no)}款", article=label,
                                 count=len(paragraphs)),
                               "anchor")
        paragraph = paragraphs[paragraph_no - 1]
        if ref.kind == "paragraph":
            return ResolvedAnchor("paragraph", article, paragraph_no, None,
                                  format_anchor(AnchorRef("paragraph", ref.article_number, ref.article_suffix,
                                                          paragraph_no)), paragraph)
        items = split_items(paragraph)[1]
        full = format_anchor(AnchorRef("item", ref.article_number, ref.article_suffix, paragraph_no,
                                       ref.item))
        if ref.item > len(items):
            where = f"{label}第{int_to_cn(paragraph_no)}款"
            count = _("共 %(count)d 项", count=len(items)) if items else _("没有分项")
            raise CommentError(_("草案中没有%(anchor)s（%(where)s%(count)s）。", anchor=full, where=where,
                                 count=count), "anchor")
        return ResolvedAnchor("item", article, paragraph_no, ref.item, full, items[ref.item - 1])


def resolve_anchor(version: DraftVersion, text: str) -> ResolvedAnchor:
    """Resolve `12`, `第十二条`, `12.2.3`, `第十二条第二款第（三）项`, `总体`, `名称`, `新增` against `version`."""
    return AnchorResolver(version).resolve(text)


def _paragraph_implied(raw: str) -> bool:
    """True for 第十二条第（三）项: the paragraph was not written, so any paragraph with items may be meant."""
    return "款" not in raw and not re.match(r"\s*\d", raw)


def _paragraph_with_item(paragraphs: list[str], item: int) -> int | None:
    for number, paragraph in enumerate(paragraphs, start=1):
        if len(split_items(paragraph)[1]) >= item:
            return number
    return None


def anchor_options(version: DraftVersion, article: Article | None = None) -> list[tuple[str, str]]:
    """Choices for a select: 总体意见, 名称, then each article (or only `article`) with its 款 and 项, 新增条款."""
    options = [("general", _label("general")), ("title", _label("title"))]
    for art in ([article] if article is not None else version.articles):
        options.append((art.address, art.label))
        paragraphs = list(art.paragraphs or [])
        for p_no, paragraph in enumerate(paragraphs, start=1):
            if len(paragraphs) > 1:
                options.append((f"{art.address}.{p_no}", f"{art.label}第{int_to_cn(p_no)}款"))
            for i_no, _item in enumerate(split_items(paragraph)[1], start=1):
                options.append((f"{art.address}.{p_no}.{i_no}",
                                f"{art.label}第{int_to_cn(p_no)}款第（{int_to_cn(i_no)}）项"))
    options.append(("new_article", _label("new_article")))
    return options


def comment_anchor_label(comment) -> str:
    """How pages cite a stored comment's anchor: 第十二条第二款第（三）项, or 总体意见 / 名称 / 新增条款 translated."""
    if comment.anchor_kind in _LABELS or comment.article is None:
        return _label(comment.anchor_kind) if comment.anchor_kind in _LABELS else ""
    art = comment.article
    return format_anchor(AnchorRef(comment.anchor_kind, art.number, art.suffix, comment.paragraph_no,
                                   comment.item_no))


def comment_anchor_input(comment) -> str:
    """What a facilitator would type to point at a stored comment's anchor again (12.2.3, 总体 …)."""
    if comment.anchor_kind in _LABELS:
        return {"general": "总体", "title": "名称", "new_article": "新增"}[comment.anchor_kind]
    article = comment.article
    if article is None:
        return ""
    text = article.address
    if comment.paragraph_no:
        text += f".{comment.paragraph_no}"
        if comment.item_no:
            text += f".{comment.item_no}"
    return text


def comment_anchor_text(comment) -> str:
    """The text of the article, paragraph or item a comment is about ("" for the whole draft or a new article)."""
    article = comment.article
    if comment.anchor_kind == "title":
        return comment.version.title if comment.version else ""
    if article is None or comment.anchor_kind in ("general", "new_article"):
        return ""
    paragraphs = article.paragraphs or []
    if not comment.paragraph_no or comment.paragraph_no > len(paragraphs):
        return article.text
    paragraph = paragraphs[comment.paragraph_no - 1]
    if not comment.item_no:
        return paragraph
    _lead, items = split_items(paragraph)
    return items[comment.item_no - 1] if comment.item_no <= len(items) else paragraph
