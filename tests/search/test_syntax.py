"""Staff query syntax: words, phrases, AND/OR/NOT (且/或/非), fields; clear messages when malformed."""
from __future__ import annotations

import pytest

from consult.search.syntax import QueryError, parse_query, split_filters


def shape(node):
    if node is None:
        return None
    if node.op == "term":
        return node.text
    if node.op == "field":
        return f"{node.name}={node.text}"
    return (node.op, [shape(c) for c in node.children])


@pytest.mark.parametrize("text, expected", [
    ("民宿", "民宿"),
    ("民宿 停车", ("and", ["民宿", "停车"])),
    ("民宿 AND 停车", ("and", ["民宿", "停车"])),
    ("民宿 且 停车", ("and", ["民宿", "停车"])),
    ("民宿 OR 停车", ("or", ["民宿", "停车"])),
    ("民宿 或 停车 景区", ("or", ["民宿", ("and", ["停车", "景区"])])),
    ("民宿 NOT 收费", ("and", ["民宿", ("not", ["收费"])])),
    ("民宿 非 收费", ("and", ["民宿", ("not", ["收费"])])),
    ("民宿 -收费", ("and", ["民宿", ("not", ["收费"])])),
    ('"全域 旅游"', "全域 旅游"),
    ("“全域旅游”", "全域旅游"),
    ("(民宿 OR 酒店) 登记", ("and", [("or", ["民宿", "酒店"]), "登记"])),
    ("渠道:座谈会 民宿", ("and", ["channel=meeting", "民宿"])),
    ("状态:待审", "moderation_state=pending"),
    ("decision:none", "decision=none"),
    ("采纳:待研究", "decision=under_study"),
    ("采纳:研究中", "decision=under_study"),  # the vocabulary's alias
    ("采纳:未处理", "decision=none"),
    ("状态:不予公开", "moderation_state=rejected"),
    ("状态:已驳回", "moderation_state=rejected"),
    ("渠道:座谈会", "channel=meeting"),
    ("渠道:网上征求意见", "channel=online"),
    ("类别:人大代表", "category=人大代表"),
    ("条:第十二条", "article_no=12"),
    ("建议:增加", "建议:增加"),  # not a field name: plain text
    ("", None),
    ("   ", None),
])
def test_parse(text, expected):
    assert shape(parse_query(text)) == expected


@pytest.mark.parametrize("text, message", [
    ('"全域旅游', "引号"),
    ("(民宿 OR 酒店", "括号"),
    ("民宿)", "括号"),
    ("()", "括号"),
    ("民宿 AND", "AND"),
    ("OR 民宿", "AND/OR"),
    ("民宿 OR", "OR"),
    ("NOT", "NOT"),
    ("，。！", "没有可以搜索"),
    ("渠道:", "缺少"),
    ("渠道:飞鸽传书", "座谈会"),  # an unknown value lists the words that work
    ("采纳:也许", "待研究"),
    ("旅" * 201, "太长"),
])
def test_malformed_queries_get_a_message(text, message):
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert message in info.value.message


def test_split_filters_pulls_top_level_fields():
    node, filters = split_filters(parse_query("民宿 channel:online tag:停车"))
    assert shape(node) == "民宿" and filters == {"channel": "online", "tag": "停车"}
