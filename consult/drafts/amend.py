"""Amendment drafts applied (修改决定 / 修正案): the items of an amendment carried out on its base text.

Pure: no database, no Flask. `apply_items(base, items)` carries out, in order, the instructions drafting
offices write, each naming articles by their number in the base text:

- 将第X条修改为：“……”            replace an article (or 将第X条第Y款修改为：“……” a paragraph);
- 删去第X条 / 删去第X条第Y款       delete an article or a paragraph;
- 在第X条后增加一条，作为第X条之一：“……”   insert an article (增加一款，作为第X条第Y款：“……” a paragraph);
- 将第X条[第Y款]中的“A”修改为“B”  replace a phrase (several “A”修改为“B” pairs may follow);
- 删去第X条[第Y款]中的“A”         delete a phrase;
- 在第X条[第Y款]中的“A”后增加“B” insert a phrase;
- 将第X条[第Y款]第Z项修改为：“……” / 删去第X条第Z项 / 第X条增加一项，作为第Z项：“……” / 将第X条第Z项中的
  “A”修改为“B”: the same on an item (项), the items after it renumbered （一）（二）….

An item that cannot be carried out (unknown instruction, article, paragraph or phrase not found) is not
applied and says why in its `Outcome`; nothing is skipped silently. When the amendment says the order of
the articles is adjusted accordingly (条文顺序作相应调整), the result is renumbered 第一条, 第二条 …;
otherwise articles keep their numbers and inserted ones are 第X条之一.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from consult.lawtext import article_label, cn_to_int, int_to_cn, split_items
from consult.lawtext.normalize import fold
from consult.lawtext.scanner import NUM

_ART = rf"第({NUM})条(?:之({NUM}))?"
_PARA = rf"(?:第({NUM})款)?"
_PAIR_RE = re.compile(r"“([^”]+)”\s*(?:修改为|改为)\s*“([^”]*)”")
_PHRASE_RE = re.compile(rf"^将{_ART}{_PARA}中的“")
_DELETE_PHRASE_RE = re.compile(rf"^删去{_ART}{_PARA}中的((?:“[^”]+”[、和及]?)+)")
_ADD_PHRASE_RE = re.compile(rf"^在{_ART}{_PARA}中的“([^”]+)”(前|后)增加“([^”]*)”")
_REPLACE_RE = re.compile(rf"^将{_ART}{_PARA}修改为[:：]?\s*“(.*)”\s*[。;；]?\s*$", re.S)
_DELETE_RE = re.compile(rf"^删去{_ART}{_PARA}\s*[。;；]?\s*$")
_INSERT_ARTICLE_RE = re.compile(rf"^在{_ART}后增加一条[，,]\s*作为{_ART}[:：]?\s*“(.*)”\s*[。;；]?\s*$", re.S)
_INSERT_PARA_RE = re.compile(rf"^(?:在{_ART}(?:第({NUM})款后|中))?增加一款[，,]\s*作为{_ART}第({NUM})款[:：]?\s*“(.*)”"
                             rf"\s*[。;；]?\s*$", re.S)
_ITEM = rf"第\(?({NUM})\)?项"
_ITEM_REPLACE_RE = re.compile(rf"^将{_ART}{_PARA}{_ITEM}修改为[:：]?\s*“(.*)”\s*[。;；]?\s*$", re.S)
_ITEM_DELETE_RE = re.compile(rf"^删去{_ART}{_PARA}{_ITEM}\s*[。;；]?\s*$")
_ITEM_INSERT_RE = re.compile(rf"^在?{_ART}{_PARA}中?增加一项[，,]\s*作为{_ITEM}[:：]?\s*“(.*)”\s*[。;；]?\s*$", re.S)
_ITEM_PHRASE_RE = re.compile(rf"^将{_ART}{_PARA}{_ITEM}中的“")
_ITEM_LABEL_RE = re.compile(r"^\s*([（(])([一二三四五六七八九十百]+)([)）])")
_OWN_LABEL_RE = re.compile(rf"^\s*第{NUM}条(?:之{NUM})?\s*")
_RENUMBER_RE = re.compile(r"(?:条文|条款|章节)?(?:顺序|序号)(?:作|做)?相应(?:调整|变动)")


@dataclass
class Provision:
    """An article of the text being amended: its number in the base text, label, paragraphs (款)."""

    number: int
    suffix: int | None
    label: str
    paragraphs: list[str]
    division: int | None = None   # index of its division (chapter/section) in the base text
    caption: str | None = None
    deleted: bool = field(default=False, repr=False)   # removed by an earlier item of this amendment


@dataclass(frozen=True)
class Outcome:
    """What became of one item of the amendment."""

    label: str            # 一、
    applied: bool
    message: str          # what was done, or why it could not be


@dataclass
class Amended:
    """The amended text (articles in order) and each item's outcome."""

    articles: list[Provision]
    outcomes: list[Outcome]
    renumbered: bool = False
    notes: list[str] = field(default_factory=list)   # to check by hand (a reference to a deleted article)

    @property
    def failed(self) -> list[Outcome]:
        """The items that could not be applied."""
        return [o for o in self.outcomes if not o.applied]


class _Refused(Exception):
    """An item that cannot be carried out; the message says why (one line, Chinese)."""


def _num(value: str | None) -> int | None:
    return cn_to_int(value) if value else None


def _unquote(text: str) -> list[str]:
    """The paragraphs of a quoted replacement (each line may open with “, the last closes with ”);
    a leading label (第五条　) inside the quote is not part of the text."""
    lines = [line.strip().lstrip("“").rstrip("”").strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines:
        lines[0] = _OWN_LABEL_RE.sub("", lines[0], count=1)
    return [line for line in lines if line]


class _Text:
    """The articles being amended, found by their number in the base text."""

    def __init__(self, base: list[Provision]):
        self.articles = [replace(a, paragraphs=list(a.paragraphs)) for a in base]

    def find(self, number: int, suffix: int | None) -> Provision:
        label = article_label(number, suffix)
        for article in self.articles:
            if article.number == number and (article.suffix or None) == (suffix or None):
                if article.deleted:
                    raise _Refused(f"{label}已被本决定前面的项删去。")
                return article
        raise _Refused(f"原文中没有{label}。")

    def paragraph_index(self, article: Provision, paragraph: int | None) -> int | None:
        if paragraph is None:
            return None
        if not 1 <= paragraph <= len(article.paragraphs):
            raise _Refused(f"{article.label}没有第{int_to_cn(paragraph)}款（共{len(article.paragraphs)}款）。")
        return paragraph - 1


def _apply(text: _Text, item: str) -> str:
    """Carry out one item on `text`; return what was done, or raise _Refused."""
    item = item.strip()
    folded = fold(item)  # one character for one: match on the folded text, cut the words from the original

    def g(m, k):
        return item[m.start(k):m.end(k)] if m.start(k) >= 0 else None

    if (m := _ITEM_REPLACE_RE.match(folded)) or (m := _ITEM_DELETE_RE.match(folded)) or (
            m := _ITEM_PHRASE_RE.match(folded)) or (m := _ITEM_INSERT_RE.match(folded)):
        return _apply_to_item(text, m, g, folded)
    if m := _INSERT_ARTICLE_RE.match(folded):
        after = text.find(_num(m.group(1)), _num(m.group(2)))
        number, suffix = _num(m.group(3)), _num(m.group(4))
        paragraphs = _unquote(g(m, 5))
        if not paragraphs:
            raise _Refused("增加的条文是空的。")
        for article in text.articles:
            if article.number == number and (article.suffix or None) == (suffix or None) and not article.deleted:
                raise _Refused(f"原文已有{article_label(number, suffix)}。")
        index = text.articles.index(after)
        text.articles.insert(index + 1, Provision(number, suffix, article_label(number, suffix), paragraphs,
                                                  division=after.division))
        return f"在{after.label}后增加{article_label(number, suffix)}。"
    if m := _INSERT_PARA_RE.match(folded):
        article = text.find(_num(m.group(4)), _num(m.group(5)))
        position = _num(m.group(6))
        paragraphs = _unquote(g(m, 7))
        if not 1 <= position <= len(article.paragraphs) + 1:
            raise _Refused(f"{article.label}只有{len(article.paragraphs)}款，不能增加为第{int_to_cn(position)}款。")
        article.paragraphs[position - 1:position - 1] = paragraphs
        return f"{article.label}增加一款，作为第{int_to_cn(position)}款。"
    if m := _REPLACE_RE.match(folded):
        article = text.find(_num(m.group(1)), _num(m.group(2)))
        index = text.paragraph_index(article, _num(m.group(3)))
        paragraphs = _unquote(g(m, 4))
        if not paragraphs:
            raise _Refused("修改后的条文是空的。")
        if index is None:
            article.paragraphs = paragraphs
            return f"{article.label}修改为新的条文。"
        article.paragraphs[index:index + 1] = paragraphs
        return f"{article.label}第{int_to_cn(index + 1)}款修改为新的条文。"
    if m := _DELETE_RE.match(folded):
        article = text.find(_num(m.group(1)), _num(m.group(2)))
        index = text.paragraph_index(article, _num(m.group(3)))
        if index is None:
            article.deleted = True
            return f"删去{article.label}。"
        del article.paragraphs[index]
        if not article.paragraphs:
            article.deleted = True
        return f"删去{article.label}第{int_to_cn(index + 1)}款。"
    if m := _PHRASE_RE.match(folded):
        article = text.find(_num(m.group(1)), _num(m.group(2)))
        index = text.paragraph_index(article, _num(m.group(3)))
        pairs = [(g(p, 1), g(p, 2)) for p in _PAIR_RE.finditer(folded, m.end() - 1)]
        if not pairs:
            raise _Refused("看不出要把哪段文字修改为什么（应为：中的“……”修改为“……”）。")
        for old, new in pairs:
            _replace_phrase(article, index, old, new)
        return f"{article.label}中的" + "、".join(f"“{old}”" for old, _new in pairs) + "已修改。"
    if m := _DELETE_PHRASE_RE.match(folded):
        article = text.find(_num(m.group(1)), _num(m.group(2)))
        index = text.paragraph_index(article, _num(m.group(3)))
        phrases = [g(q, 1) for q in re.finditer(r"“([^”]+)”", folded[:m.end(4)]) if q.start() >= m.start(4)]
        for phrase in phrases:
            _replace_phrase(article, index, phrase, "")
        return f"删去{article.label}中的" + "、".join(f"“{p}”" for p in phrases) + "。"
    if m := _ADD_PHRASE_RE.match(folded):
        article = text.find(_num(m.group(1)), _num(m.group(2)))
        index = text.paragraph_index(article, _num(m.group(3)))
        anchor, where, added = g(m, 4), m.group(5), g(m, 6)
        _replace_phrase(article, index, anchor, anchor + added if where == "后" else added + anchor)
        return f"{article.label}中的“{anchor}”{where}增加“{added}”。"
    raise _Refused("无法识别的修改方式（支持：修改为、删去、增加一条、增加一款、增加一项、中的“……”修改为“……”）。")


def _apply_to_item(text: _Text, m, g, folded: str) -> str:
    """An instruction on an item (项): replace, delete or insert it (the items after it renumbered), or
    replace a phrase inside it."""
    article = text.find(_num(m.group(1)), _num(m.group(2)))
    index = text.paragraph_index(article, _num(m.group(3)))
    if index is None:
        index = next((i for i, p in enumerate(article.paragraphs) if split_items(p)[1]), None)
        if index is None:
            raise _Refused(f"{article.label}没有分项。")
    lead, items = split_items(article.paragraphs[index])
    number = _num(m.group(4))
    where = f"{article.label}第{int_to_cn(index + 1)}款" if _num(m.group(3)) else article.label
    inserting = m.re is _ITEM_INSERT_RE
    if not 1 <= number <= len(items) + (1 if inserting else 0):
        raise _Refused(f"{where}没有第（{int_to_cn(number)}）项（共{len(items)}项）。")
    if m.re is _ITEM_PHRASE_RE:
        pairs = [(g(p, 1), g(p, 2)) for p in _PAIR_RE.finditer(folded, m.end() - 1)]
        if not pairs:
            raise _Refused("看不出要把哪段文字修改为什么（应为：中的“……”修改为“……”）。")
        for old, new in pairs:
            if old not in items[number - 1]:
                raise _Refused(f"{where}第（{int_to_cn(number)}）项中没有“{old}”。")
            items[number - 1] = items[number - 1].replace(old, new)
        done = f"{where}第（{int_to_cn(number)}）项中的" + "、".join(f"“{o}”" for o, _n in pairs) + "已修改。"
    elif m.re is _ITEM_DELETE_RE:
        del items[number - 1]
        done = f"删去{where}第（{int_to_cn(number)}）项。"
    else:
        lines = _unquote(g(m, 5))
        if not lines:
            raise _Refused("修改后的项是空的。")
        body = "\n".join(lines)
        if not _ITEM_LABEL_RE.match(body):
            body = f"（{int_to_cn(number)}）{body}"
        if inserting:
            items.insert(number - 1, body)
            done = f"{where}增加一项，作为第（{int_to_cn(number)}）项。"
        else:
            items[number - 1] = body
            done = f"{where}第（{int_to_cn(number)}）项修改为新的文字。"
    items = [_ITEM_LABEL_RE.sub(lambda x, k=k: f"{x.group(1)}{int_to_cn(k)}{x.group(3)}", item, count=1)
             for k, item in enumerate(items, 1)]
    article.paragraphs[index] = "\n".join(([lead] if lead else []) + items)
    return done


def _replace_phrase(article: Provision, index: int | None, old: str, new: str) -> None:
    """Replace every occurrence of `old` in the article (or its paragraph `index`); refuse if absent."""
    indices = range(len(article.paragraphs)) if index is None else [index]
    found = 0
    for i in indices:
        count = article.paragraphs[i].count(old)
        if count:
            article.paragraphs[i] = article.paragraphs[i].replace(old, new)
            found += count
    if not found:
        where = article.label if index is None else f"{article.label}第{int_to_cn(index + 1)}款"
        raise _Refused(f"{where}中没有“{old}”。")


def apply_items(base: list[Provision], items: list[tuple[str, str]], *,
                renumber: bool | None = None) -> Amended:
    """Carry out the amendment's items (label, text) in order on the base articles.

    `renumber` None: renumber when an item or the closing text says the order is adjusted accordingly.
    """
    text = _Text(base)
    outcomes = []
    for label, item in items:
        try:
            outcomes.append(Outcome(label, True, _apply(text, item)))
        except _Refused as refusal:
            outcomes.append(Outcome(label, False, str(refusal)))
    articles = [a for a in text.articles if not a.deleted]
    if renumber is None:
        renumber = any(_RENUMBER_RE.search(item) for _label, item in items)
    notes: list[str] = []
    if renumber:
        new_number = {(a.number, a.suffix or None): n for n, a in enumerate(articles, 1)}
        renumbered = []
        for n, a in enumerate(articles, 1):
            dangling: list[str] = []
            paragraphs = [_renumber_references(p, new_number, dangling) for p in a.paragraphs]
            renumbered.append(replace(a, number=n, suffix=None, label=article_label(n),
                                      paragraphs=paragraphs))
            notes.extend(f"{article_label(n)}（原{a.label}）引用的{label}已被删去，请核对。" for label in dangling)
        articles = renumbered
    return Amended(articles=articles, outcomes=outcomes, renumbered=renumber, notes=notes)


_CITED_RE = re.compile(rf"第({NUM})条(?:之({NUM}))?")
_OTHER_LAW_RE = re.compile(r"(?:》|法|条例|规定|办法|决定)$")


def _renumber_references(text: str, new_number: dict[tuple[int, int | None], int],
                         dangling: list[str]) -> str:
    """第X条 cross-references of this text (not 《…法》第X条, which cites another law) follow the
    renumbering; a reference to an article the amendment deleted is left as it is and noted in `dangling`."""
    def replace_one(m):
        before = text[max(0, m.start() - 4):m.start()]
        if _OTHER_LAW_RE.search(before) and not before.endswith("本条例"):
            return m.group(0)
        target = new_number.get((cn_to_int(m.group(1)), _num(m.group(2))))
        if target is None:
            dangling.append(m.group(0))
            return m.group(0)
        return f"第{int_to_cn(target)}条"

    return _CITED_RE.sub(replace_one, text)


def says_renumber(text: str) -> bool:
    """True when the text says the order of the articles is adjusted accordingly."""
    return bool(_RENUMBER_RE.search(text))
