"""Anchors typed by facilitators, their canonical rendering, and splitting a paragraph into items."""
import pytest

from consult.lawtext import AnchorRef, format_anchor, parse_anchor, split_items


@pytest.mark.parametrize("text, expected", [
    ("12", AnchorRef("article", 12)),
    ("１２", AnchorRef("article", 12)),
    (" 12 ", AnchorRef("article", 12)),
    ("第十二条", AnchorRef("article", 12)),
    ("第12条", AnchorRef("article", 12)),
    ("第 12 条", AnchorRef("article", 12)),
    ("十二条", AnchorRef("article", 12)),
    ("第一百零一条", AnchorRef("article", 101)),
    ("第十二条之一", AnchorRef("article", 12, 1)),
    ("12-1", AnchorRef("article", 12, 1)),
    ("第 12-1 條", AnchorRef("article", 12, 1)),
    ("12.2", AnchorRef("paragraph", 12, None, 2)),
    ("12．2", AnchorRef("paragraph", 12, None, 2)),
    ("12.2.3", AnchorRef("item", 12, None, 2, 3)),
    ("12-1.2", AnchorRef("paragraph", 12, 1, 2)),
    ("12。", AnchorRef("article", 12)),
    ("第十二条第二款", AnchorRef("paragraph", 12, None, 2)),
    ("第十二条第二款第（三）项", AnchorRef("item", 12, None, 2, 3)),
    ("第十二条第二款第(三)项", AnchorRef("item", 12, None, 2, 3)),
    ("第十二条第二款第三项", AnchorRef("item", 12, None, 2, 3)),
    ("第十二条第（三）项", AnchorRef("item", 12, None, 1, 3)),
    ("第十二条第三项", AnchorRef("item", 12, None, 1, 3)),
    ("第十二条之一第二款", AnchorRef("paragraph", 12, 1, 2)),
    ("总体", AnchorRef("general")),
    ("总体意见", AnchorRef("general")),
    ("全文", AnchorRef("general")),
    ("名称", AnchorRef("title")),
    ("标题", AnchorRef("title")),
    ("新增", AnchorRef("new_article")),
    ("新增条款", AnchorRef("new_article")),
    ("其他", AnchorRef("new_article")),
])
def test_parse_anchor(text, expected):
    assert parse_anchor(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "abc", "第条", "第十二款", "12..3", "0", "第零条", "12.0",
                                  "第一百一条", "十二条第", "第十二条第二款第项"])
def test_parse_anchor_rejects(text):
    with pytest.raises(ValueError, match="无法识别的条款"):
        parse_anchor(text)


@pytest.mark.parametrize("ref, text", [
    (AnchorRef("general"), "总体意见"), (AnchorRef("title"), "名称"), (AnchorRef("new_article"), "新增条款"),
    (AnchorRef("article", 12), "第十二条"), (AnchorRef("article", 12, 1), "第十二条之一"),
    (AnchorRef("paragraph", 12, None, 2), "第十二条第二款"),
    (AnchorRef("item", 12, None, 2, 3), "第十二条第二款第（三）项"),
])
def test_format_anchor(ref, text):
    assert format_anchor(ref) == text
    assert parse_anchor(text) == ref


def test_anchor_article_key():
    assert parse_anchor("12-1").article_key == "12-1"
    assert parse_anchor("12").article_key == "12"
    assert parse_anchor("总体").article_key is None


def test_split_items_on_separate_lines():
    lead, items = split_items("经营者应当遵守下列规定：\n（一）明码标价；\n1.标明价格；\n（二）不得强迫消费。")
    assert lead == "经营者应当遵守下列规定："
    assert items == ["（一）明码标价；\n1.标明价格；", "（二）不得强迫消费。"]


def test_split_items_on_the_lead_line():
    lead, items = split_items("申请登记应当提交下列文件： （一）登记申请书；（二）身份证明。")
    assert lead == "申请登记应当提交下列文件："
    assert items == ["（一）登记申请书；", "（二）身份证明。"]


def test_split_items_without_items():
    assert split_items("违反前款规定的，依法处理。") == ("违反前款规定的，依法处理。", [])
