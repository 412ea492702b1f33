"""The redline of Chinese article text: readable edits (no confetti of single characters), whitespace unmarked."""
from __future__ import annotations

import random

import pytest

from consult.exports.redline import DELETE, EQUAL, INSERT, Span, diff, redline, same_text, split_lines


def _edits(ops):
    return [(op, text) for op, text in ops if op != EQUAL]


def test_a_reworded_clause_is_one_deletion_and_one_insertion():
    old = "游客违反前款规定的，由景区劝阻。"
    new = "游客违反前款规定的，由景区管理机构予以制止并记录在案。"
    assert _edits(diff(old, new)) == [(DELETE, "劝阻"), (INSERT, "管理机构予以制止并记录在案")]


def test_a_rewritten_sentence_does_not_shatter_into_single_characters():
    old = "县级以上人民政府应当加强对文明旅游工作的领导，建立协调机制。"
    new = "市和区人民政府应当统筹推进文明旅游工作，完善协调机制。"
    ops = diff(old, new)
    edits = _edits(ops)
    # Three places changed (who, what, the mechanism): not a dozen one-character edits.
    assert len([op for op, _ in edits if op == DELETE]) <= 3
    assert all(len(text) >= 2 for _, text in edits)
    # Every common run left between two edits is long enough to read.
    inner = [text for index, (op, text) in enumerate(ops) if op == EQUAL and 0 < index < len(ops) - 1]
    assert all(len(text) >= 3 for text in inner)


def test_a_changed_date_reads_as_whole_numbers():
    ops = diff("本条例自2027年1月1日起施行。", "本条例自2028年7月1日起施行。")
    assert _edits(ops) == [(DELETE, "2027年1"), (INSERT, "2028年7")]


def test_identical_text_has_no_marks():
    text = "旅游经营者应当诚信经营。\n民宿经营者应当向所在地公安机关登记。"
    result = redline(text, text)
    assert not result.changed
    assert result.old == result.new == (Span(text),)


@pytest.mark.parametrize("old, new", [
    ("游客应当　遵守 下列规定：", "游客应当遵守下列规定："),
    ("第一款内容。\n第二款内容。", "第一款内容。\n\n第二款内容。"),
    ("  旅游经营者应当诚信经营。", "旅游经营者应当诚信经营。\u3000"),
])
def test_whitespace_only_changes_are_not_marked(old, new):
    result = redline(old, new)
    assert same_text(old, new)
    assert not result.changed
    assert "".join(s.text for s in result.old) == old
    assert "".join(s.text for s in result.new) == new


def test_the_sides_keep_every_character_of_their_text():
    rng = random.Random(7)
    pieces = ["旅游", "经营者", "应当", "诚信", "经营", "，", "游客", "景区", "管理", "2027", "年", "\n", "　"]
    for _ in range(200):
        old = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        new = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        result = redline(old, new)
        assert "".join(s.text for s in result.old) == old
        assert "".join(s.text for s in result.new) == new
        assert result.changed == (not same_text(old, new))
        assert not any(s.marked for s in result.old if s.text.isspace())


def test_split_lines_cuts_spans_at_paragraph_breaks():
    result = redline("第一款。\n民宿应当登记。", "第一款。\n民宿应当依法登记。")
    lines = split_lines(result.new)
    assert ["".join(s.text for s in line) for line in lines] == ["第一款。", "民宿应当依法登记。"]
    assert [s.text for s in lines[1] if s.marked] == ["依法"]


def test_empty_sides():
    assert redline("", "新增的条文。").new == (Span("新增的条文。", True),)
    assert redline("删去的条文。", "").old == (Span("删去的条文。", True),)
    assert not redline("", "").changed
