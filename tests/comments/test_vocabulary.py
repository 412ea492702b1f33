"""The comment vocabulary has one home: `consult/comments/vocabulary.py`.

Every label, formal wording and alias of a decision, moderation state, channel or anchor kind is written
there and nowhere else in the application (Python string literals and template strings). A page, search
facet, export or form that needs one reads the vocabulary, so citizens, staff and the Word summary read
the same word. Commenter categories are exempt from the scan: their codes *are* the Chinese words (data).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from consult.comments import vocabulary as v

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "consult" / "comments" / "vocabulary.py"
# The legal-text engine is pure Python without Flask: it recognises how people cite the text
# (总体意见 / 名称 / 新增条款 in 条款 cells) and cannot import the interface vocabulary.
EXEMPT_DIRS = (ROOT / "consult" / "lawtext", ROOT / "consult" / "translations")
# Same word, another concept: 座谈会 and 网上 are also kinds of meeting (the meeting-kind vocabulary).
ALLOWED = {(path, word) for path in ("consult/contact_points/vocabulary.py", "consult/contact_points/models.py")
           for word in ("座谈会", "网上", "线上")} | {
    ("consult/search/syntax.py", "采纳"),  # the name of the decision field in the staff query syntax (采纳:待研究)
}
# Words the copies drifted to before the vocabulary had a home: never again, anywhere.
DRIFTED = {"研究中", "已驳回", "未通过", "未公开", "已记录", "尚未处理", "已发布", "信函", "网上"}
# Ordinary words that are also a term's label: 名称 is the anchor "title" and the "name" of anything.
GENERIC = {"名称"}


def _words() -> set[str]:
    """Labels, formal and public wordings (not the aliases people may type) plus the drifted words."""
    words = set(DRIFTED)
    for vocab in (v.DECISION_OR_UNDECIDED, v.MODERATION, v.CHANNEL, v.ANCHOR):
        for term in vocab:
            words.update({term.label._args[0], term.formal, term.public})
    return {w for w in words - GENERIC if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w)}


def _python_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value.strip()


TEMPLATE_STRING = re.compile(r"""(?:_\(|\bpgettext\([^,]+,)\s*(['"])(.*?)\1|(['"])([^'"\n]{2,12})\3""")


def _template_literals(path: Path):
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in TEMPLATE_STRING.finditer(line):
            yield lineno, (match.group(2) or match.group(4) or "").strip()
        # plain text between tags, e.g. <td>待研究</td>
        for text in re.findall(r">\s*([^<>{}\n]{2,12}?)\s*<", line):
            yield lineno, text.strip()


def _sources():
    for path in sorted((ROOT / "consult").rglob("*.py")):
        if path != HOME and not any(d in path.parents for d in EXEMPT_DIRS):
            yield path, _python_literals(path)
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield path, _template_literals(path)


def test_no_label_of_the_comment_vocabulary_is_written_outside_its_home():
    words = _words()
    found = []
    for path, literals in _sources():
        rel = str(path.relative_to(ROOT))
        for lineno, text in literals:
            if text in words and (rel, text) not in ALLOWED:
                found.append(f"{rel}:{lineno}: {text!r}")
    assert not found, ("labels of the comment vocabulary written outside consult/comments/vocabulary.py "
                       "(read them from the vocabulary instead):\n" + "\n".join(found))


@pytest.mark.parametrize("vocab", v.VOCABULARIES, ids=lambda voc: voc.name)
def test_every_term_has_label_formal_wording_and_a_unique_rank_order(vocab):
    codes = [t.code for t in vocab]
    assert len(set(codes)) == len(codes)
    for term in vocab:
        assert str(term.label) and term.formal
        assert vocab.parse(term.code) == term.code and vocab.parse(term.formal) == term.code
        for alias in term.aliases:
            assert vocab.parse(alias) == term.code, (vocab.name, alias)


def test_one_wording_per_concept():
    assert [v.decision_label(c) for c in v.DECISIONS] == ["采纳", "部分采纳", "未采纳", "待研究"]
    assert v.decision_label(None) == "未处理" and v.decision_public(None) == "尚未答复"
    assert v.MODERATION.label("rejected") == "不予公开"
    assert v.ANCHOR.rank("general") < v.ANCHOR.rank("title") < v.ANCHOR.rank("article") < v.ANCHOR.rank("new_article")
    # the words people typed before are still understood
    assert v.DECISION.parse("研究中") == "under_study" and v.MODERATION.parse("已驳回") == "rejected"
