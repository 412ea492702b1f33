"""Query syntax for staff: words, "exact phrases", AND/OR/NOT (且/或/非, -word), parentheses, field:value.

Every word is a substring query (any 2+ character fragment of a comment finds it). Words next to each
other mean AND; NOT binds tighter than AND, AND tighter than OR. The result is a small tree that the
backend translates; errors are `QueryError` with a message for the user, never an exception page.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext

from consult.comments.selection import article_key
from consult.comments.vocabulary import CHANNEL, COMMENTER_CATEGORY, DECISION_OR_UNDECIDED, MODERATION
from consult.errors import UserError
from consult.search.analysis import query_pieces

MAX_QUERY_LENGTH = 200
OPERATORS = {"AND": "and", "且": "and", "&&": "and", "OR": "or", "或": "or", "||": "or", "NOT": "not", "非": "not"}

# field name (English or Chinese) → Selection key (`consult.comments.selection`).
FIELDS = {
    "channel": "channel", "渠道": "channel", "category": "category", "类别": "category",
    "state": "moderation_state", "状态": "moderation_state", "decision": "decision", "采纳": "decision",
    "tag": "tag", "标签": "tag", "district": "district", "区": "district", "point": "contact_point",
    "联系点": "contact_point", "article": "article_no", "条": "article_no", "条款": "article_no",
}
# Coded fields take the vocabulary's codes, wordings and aliases (采纳:待研究, 状态:不予公开, 渠道:座谈会).
CODED_FIELDS = {"channel": CHANNEL, "category": COMMENTER_CATEGORY, "moderation_state": MODERATION,
                "decision": DECISION_OR_UNDECIDED}


class QueryError(UserError):
    """A malformed query; `message` is shown to the user as is, beside the query box."""

    def __init__(self, message: str, field: str | None = "q"):
        super().__init__(message, field)


@dataclass
class Node:
    """One node of a parsed query: term / field / and / or / not."""

    op: str
    text: str = ""
    name: str = ""
    children: list = field(default_factory=list)

    def positive_terms(self, negated: bool = False) -> list[str]:
        """Words that should be highlighted (those not under a NOT)."""
        if self.op == "term":
            return [] if negated else [self.text]
        if self.op == "field":
            return []
        return [t for c in self.children for t in c.positive_terms(negated or self.op == "not")]

    def has_text(self) -> bool:
        """True when the query contains at least one word (not only field filters)."""
        return self.op == "term" or any(c.has_text() for c in self.children)


_TOKEN_RE = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        if match.group("quote") is not None:
            quoted = match.group("quote")
            if len(quoted) < 2 or not quoted.endswith('"'):
                raise QueryError(gettext("引号没有成对：请检查双引号。"))
            tokens.append(("phrase", quoted[1:-1]))
        elif match.group("open"):
            tokens.append(("open", "("))
        elif match.group("close"):
            tokens.append(("close", ")"))
        elif match.group("word") is not None:
            word = match.group("word")
            if word in OPERATORS:
                tokens.append(("op", OPERATORS[word]))
            elif word.startswith("-") and len(word) > 1:
                tokens.append(("op", "not"))
                tokens.extend(_lex(word[1:]))
            else:
                tokens.append(("word", word))
    return tokens


def _field_or_term(word: str) -> Node:
    name, sep, value = word.partition(":")
    if sep and name.lower() in FIELDS:
        key = FIELDS[name.lower()]
        if not value:
            raise QueryError(gettext("“%(name)s:” 后面缺少要筛选的值。", name=name))
        return Node("field", text=_field_value(name, key, value), name=key)
    return _term(word)


def _field_value(name: str, key: str, value: str) -> str:
    """The code a typed field value stands for; QueryError naming the accepted words when unknown."""
    if key == "article_no":
        return article_key(value)
    vocabulary = CODED_FIELDS.get(key)
    if vocabulary is None:
        return value
    code = vocabulary.parse(value)
    if code is None:
        # the words the parser accepts: each value's formal wording (Chinese) and its code (any language)
        words = ", ".join(f"{term.formal} ({term.code})" for term in vocabulary)
        raise QueryError(gettext("“%(name)s:%(value)s” 无法识别，可用的值：%(words)s。",
                                 name=name, value=value, words=words))
    return code


def _term(text: str) -> Node:
    if not query_pieces(text):
        raise QueryError(gettext("“%(text)s”中没有可以搜索的文字或数字。", text=text))
    return Node("term", text=text)


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == ("op", "or"):
            self.take()
            if self.peek()[0] in (None, "close", "op") and self.peek() != ("op", "not"):
                raise QueryError(gettext("“OR/或”后面缺少搜索词。"))
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Node("or", children=children)

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while True:
            kind, value = self.peek()
            if kind == "op" and value == "and":
                self.take()
                if self.peek()[0] in (None, "close") or self.peek() in (("op", "and"), ("op", "or")):
                    raise QueryError(gettext("“AND/且”后面缺少搜索词。"))
                children.append(self.parse_not())
            elif kind in ("word", "phrase", "open") or (kind, value) == ("op", "not"):
                children.append(self.parse_not())
            else:
                break
        return children[0] if len(children) == 1 else Node("and", children=children)

    def parse_not(self) -> Node:
        if self.peek() == ("op", "not"):
            self.take()
            if self.peek()[0] in (None, "close") or self.peek() in (("op", "and"), ("op", "or")):
                raise QueryError(gettext("“NOT/非”后面缺少要排除的词。"))
            return Node("not", children=[self.parse_not()])
        return self.parse_atom()

    def parse_atom(self) -> Node:
        kind, value = self.take()
        if kind == "word":
            return _field_or_term(value)
        if kind == "phrase":
            return _term(value)
        if kind == "open":
            if self.peek()[0] == "close":
                raise QueryError(gettext("括号里没有搜索词。"))
            node = self.parse_or()
            if self.take()[0] != "close":
                raise QueryError(gettext("括号没有成对：缺少“)”。"))
            return node
        if kind == "close":
            raise QueryError(gettext("括号没有成对：多了“)”。"))
        if kind == "op":
            raise QueryError(gettext("“AND/OR”的前面缺少搜索词。"))
        raise QueryError(gettext("搜索词不完整。"))


def parse_query(text: str) -> Node | None:
    """Parse a staff query; None for an empty query; QueryError with a message when malformed."""
    text = unicodedata.normalize("NFKC", text or "").replace("“", '"').replace("”", '"').strip()
    if not text:
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(gettext("搜索内容太长（最多 %(n)d 个字符）。", n=MAX_QUERY_LENGTH))
    tokens = _lex(text)
    if not tokens:
        return None
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.i < len(tokens):
        kind, _ = parser.peek()
        raise QueryError(gettext("括号没有成对：多了“)”。") if kind == "close" else gettext("无法理解的搜索语法。"))
    return node


def split_filters(node: Node | None) -> tuple[Node | None, dict]:
    """Pull top-level `field:value` filters out of an AND (they become ordinary filters)."""
    if node is None:
        return None, {}
    if node.op == "field":
        return None, {node.name: node.text}
    if node.op != "and":
        return node, {}
    filters, rest = {}, []
    for child in node.children:
        if child.op == "field" and child.name not in filters:
            filters[child.name] = child.text
        else:
            rest.append(child)
    if not rest:
        return None, filters
    return (rest[0] if len(rest) == 1 else Node("and", children=rest)), filters
