"""The analysis chain: substrings, traditional characters, Latin/digit words, one-character queries."""
from __future__ import annotations

import pytest

from consult.search.analysis import analyze, normalize, query_pieces
from consult.search.highlight import highlight, is_whole_word_hit


def test_normalize_folds_width_case_and_traditional():
    assert normalize("ＡＢＣ旅遊服務５Ｇ") == "abc旅游服务5g"


def test_bigrams_with_run_final_unigram_and_latin_words():
    assert analyze("國家A級景區，5G") == ["国家", "家", "a", "级景", "景区", "区", "5g"]


@pytest.mark.parametrize("query, expected", [
    ("域旅", [("域旅", False)]),
    ("全域旅游", [("全域", False), ("域旅", False), ("旅游", False)]),
    ("旅", [("旅", True)]),
    ("A级景", [("a", False), ("级景", False)]),
    ("家A", [("家", False), ("a", False)]),
    ("5G", [("5g", False)]),
    ("，。", []),
])
def test_query_pieces(query, expected):
    assert query_pieces(query) == expected


def test_highlight_escapes_then_marks():
    html = str(highlight("<b>旅遊</b>景区", ["旅游"]))
    assert html == "&lt;b&gt;<mark>旅遊</mark>&lt;/b&gt;景区"


def test_highlight_cuts_long_text_around_first_hit():
    text = "甲" * 300 + "民宿" + "乙" * 300
    html = str(highlight(text, ["民宿"], limit=100))
    assert "<mark>民宿</mark>" in html and html.startswith("…") and html.endswith("…")
    assert len(html) < 140


def test_whole_word_detection():
    assert is_whole_word_hit("方便游客出行", ["游客"])
    assert not is_whole_word_hit("规范旅游客运市场", ["游客"])


@pytest.fixture
def indexed(db, make_draft, add_comment):
    """A draft with comments that exercise every analysis case."""
    draft = make_draft()
    texts = {
        "quanyu": "建议大力发展全域旅游。",
        "keyun": "规范旅游客运市场秩序。",
        "trad": "加強旅遊服務質量監管。",
        "latin": "国家4A级景区应当覆盖5G信号。",
        "fullwidth": "ＡＰＰ预约要简单。",
        "single": "停。",
    }
    return draft, {name: add_comment(draft, body).id for name, body in texts.items()}


def ids_for(query, draft):
    from consult.search.queries import matching_comment_ids

    return set(matching_comment_ids(query, draft_id=draft.id))


@pytest.mark.parametrize("query, names", [
    ("域旅", {"quanyu"}),                      # a jieba segmenter misses this one
    ("游客", {"keyun"}),                       # across the word boundary 旅游|客运
    ("旅游", {"quanyu", "keyun", "trad"}),     # traditional 旅遊 found by the simplified query
    ("旅遊", {"quanyu", "keyun", "trad"}),     # and the other way round
    ("服务质量", {"trad"}),
    ("4A级景区", {"latin"}),
    ("A级", set()),                            # Latin/digit words are whole words: 4a ≠ a
    ("5G", {"latin"}),
    ("5g信号", {"latin"}),
    ("app预约", {"fullwidth"}),
    ("停", {"single"}),                        # one character: prefix fallback
    ("旅", {"quanyu", "keyun", "trad"}),
    ("客运市场", {"keyun"}),
    ("旅游客运市场秩序", {"keyun"}),
    ("游市", set()),                           # not a substring
])
def test_substring_recall(indexed, query, names):
    draft, ids = indexed
    assert ids_for(query, draft) == {ids[n] for n in names}


def test_all_tokens_present_but_not_consecutive_is_no_match(db, make_draft, add_comment):
    """The index keeps no positions: candidates holding every token are confirmed on the text."""
    draft = make_draft()
    split = add_comment(draft, "全域发展和区域旅行，A级 级景。").id
    whole = add_comment(draft, "发展全域旅游，A级景区。").id
    assert ids_for("全域旅", draft) == {whole}          # 全域 + 域旅 both in `split`, not adjacent
    assert ids_for("域旅", draft) == {split, whole}
    assert ids_for("A级景", draft) == {whole}           # mixed Latin/CJK: consecutive tokens
    assert ids_for("全域旅 OR 区域", draft) == {split, whole}
    assert ids_for("域旅 NOT 全域旅", draft) == {split}
