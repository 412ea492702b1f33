"""Structures: flat, chapters, sections restarting, parts, 之一 insertions, traditional texts, amendments."""
from consult.lawtext import parse_file, parse_text


def test_flat_regulation_without_chapters():
    draft = parse_text("某某市养犬管理规定\n第一条 为了规范养犬行为，制定本规定。\n"
                       "第二条 本市行政区域内的养犬活动适用本规定。\n第三条 本规定自2025年1月1日起施行。\n")
    assert draft.divisions == []
    assert [(a.number, a.division) for a in draft.articles] == [(1, None), (2, None), (3, None)]
    assert draft.warnings == []


def test_sections_restart_in_each_chapter_and_articles_continue():
    text = """第一章 总则
第一条 甲。
第二章 经营
第一节 一般规定
第二条 乙。
第二节 特别规定
第三条 丙。
第三章 监督
第一节 检查
第四条 丁。
"""
    draft = parse_text(text)
    assert [(d.kind, d.number, d.title, d.parent) for d in draft.divisions] == [
        ("chapter", 1, "总则", None), ("chapter", 2, "经营", None), ("section", 1, "一般规定", 1),
        ("section", 2, "特别规定", 1), ("chapter", 3, "监督", None), ("section", 1, "检查", 4)]
    assert [a.division for a in draft.articles] == [0, 2, 3, 5]
    assert [d.line for d in draft.divisions] == [1, 3, 4, 6, 8, 9]
    assert draft.warnings == []


def test_parts_subparts_chapters_sections():
    text = """第一编 总则
第一章 基本规定
第一条 甲。
第二编 物权
第一分编 通则
第一章 一般规定
第二条 乙。
第一节 所有权
第三条 丙。
"""
    draft = parse_text(text)
    assert [(d.kind, d.label, d.parent) for d in draft.divisions] == [
        ("part", "第一编", None), ("chapter", "第一章", 0), ("part", "第二编", None),
        ("part", "第一分编", 2), ("chapter", "第一章", 3), ("section", "第一节", 4)]
    assert [a.division for a in draft.articles] == [1, 4, 5]
    assert draft.warnings == []


def test_large_numbers_and_inserted_articles():
    text = ("第一百条 甲。\n第一百零一条 乙。\n第一百零一条之一 丙。\n第一百零一条之二 丁。\n"
            "第一百零二条 戊。\n")
    draft = parse_text(text)
    assert [(a.number, a.suffix, a.key, a.label) for a in draft.articles] == [
        (100, None, "100", "第一百条"), (101, None, "101", "第一百零一条"), (101, 1, "101-1", "第一百零一条之一"),
        (101, 2, "101-2", "第一百零一条之二"), (102, None, "102", "第一百零二条")]
    assert [w.code for w in draft.warnings] == ["numbering_gap"]  # starts at 100, not 1


def test_thousand_numbers():
    text = "\n".join(f"第{n}条 内容。" for n in ("一千二百五十九", "一千二百六十"))
    assert [a.number for a in parse_text(text).articles] == [1259, 1260]


def test_traditional_characters_and_arabic_labels():
    text = """第一章 總則
第一節 通則
第 1 條 為保障人民權益，特制定本法。
第 2 條 本法所稱主管機關：在中央為內政部。
第 2-1 條 本法施行細則，由中央主管機關定之。
第二節 罰則
第 3 條 違反第二條規定者，處新臺幣一萬元罰鍰：
一、未經許可經營者。
二、規避檢查者。
"""
    draft = parse_text(text)
    assert [(d.kind, d.label) for d in draft.divisions] == [("chapter", "第一章"), ("section", "第一節"),
                                                           ("section", "第二節")]
    assert [(a.key, a.label) for a in draft.articles] == [
        ("1", "第 1 條"), ("2", "第 2 條"), ("2-1", "第 2-1 條"), ("3", "第 3 條")]
    assert draft.articles[3].paragraphs == ["違反第二條規定者，處新臺幣一萬元罰鍰：\n一、未經許可經營者。\n二、規避檢查者。"]
    assert draft.kind == "regulation"
    assert draft.warnings == []


def test_traditional_part_label():
    draft = parse_text("第一編 總則\n第一條 甲。\n")
    assert draft.divisions[0].kind == "part"


def test_items_subitems_and_following_paragraph():
    text = """第十条 经营者应当遵守下列规定：
（一）明码标价；
1.标明价格；
（1）含税价格；
2．标明服务内容；
（二）不得强迫消费。
违反前款规定的，依法处理。
"""
    draft = parse_text(text)
    assert draft.articles[0].paragraphs == [
        "经营者应当遵守下列规定：\n（一）明码标价；\n1.标明价格；\n（1）含税价格；\n2．标明服务内容；\n（二）不得强迫消费。",
        "违反前款规定的，依法处理。"]
    assert draft.articles[0].paragraph_lines == [1, 7]


def test_label_only_then_items_start_first_paragraph():
    draft = parse_text("第一条\n（一）甲；\n（二）乙。\n")
    assert draft.articles[0].paragraphs == ["（一）甲；\n（二）乙。"]


def test_amendment_draft_items_become_units():
    text = """某某市人民代表大会常务委员会关于修改《某某市养犬管理规定》的决定（草案）
某某市人民代表大会常务委员会决定对《某某市养犬管理规定》作如下修改：
一、将第五条修改为：“养犬人应当为犬只办理登记。
“登记有效期为一年。”
二、在第十条后增加一条，作为第十条之一：“第十条之一 禁止在公共场所遛犬不拴绳。”
三、删去第十二条。
四、将第十五条第一款中的“五百元”修改为“一千元”。
本决定自2025年1月1日起施行。
《某某市养犬管理规定》根据本决定作相应修改，重新公布。
"""
    draft = parse_text(text)
    assert draft.kind == "amendment"
    assert draft.title == "某某市人民代表大会常务委员会关于修改《某某市养犬管理规定》的决定"
    assert draft.version_label == "草案"
    assert draft.preamble == ["某某市人民代表大会常务委员会决定对《某某市养犬管理规定》作如下修改："]
    assert [(a.number, a.suffix, a.label, a.caption, a.division) for a in draft.articles] == [
        (1, None, "一、", None, None), (2, None, "二、", None, None), (3, None, "三、", None, None),
        (4, None, "四、", None, None)]
    assert draft.articles[0].paragraphs == ["将第五条修改为：“养犬人应当为犬只办理登记。", "“登记有效期为一年。”"]
    assert draft.articles[1].paragraphs == ["在第十条后增加一条，作为第十条之一：“第十条之一 禁止在公共场所遛犬不拴绳。”"]
    assert draft.trailing == ["本决定自2025年1月1日起施行。", "《某某市养犬管理规定》根据本决定作相应修改，重新公布。"]
    assert draft.warnings == []


def test_amendment_with_quoted_article_lines_inside_an_item():
    text = """关于修改《某某条例》的决定
一、将第五条修改为：
“第五条 经营者应当遵守下列规定：
（一）明码标价；
（二）不得强迫消费。”
二、删去第八条。
"""
    draft = parse_text(text)
    assert draft.kind == "amendment"
    assert [a.number for a in draft.articles] == [1, 2]
    assert draft.articles[0].paragraphs == ["将第五条修改为：", "“第五条 经营者应当遵守下列规定：", "（一）明码标价；",
                                            "（二）不得强迫消费。”"]


def test_amendment_numbering_gap_warns():
    draft = parse_text("关于修改《某某条例》的决定\n一、删去第八条。\n三、删去第九条。\n")
    assert [(w.code, w.line) for w in draft.warnings] == [("numbering_gap", 3)]


def test_regulation_whose_notice_has_numbered_items_is_not_an_amendment():
    text = "某某条例（征求意见稿）\n意见可以通过以下方式提出：\n一、信函；\n二、邮件。\n第一条 甲。\n"
    draft = parse_text(text)
    assert draft.kind == "regulation"
    assert draft.preamble[1:] == ["一、信函；", "二、邮件。"]


def test_no_articles_warns_and_keeps_text():
    draft = parse_text("一段说明文字。\n另一段。")
    assert draft.title == "一段说明文字。" and draft.preamble == ["另一段。"]
    assert [w.code for w in draft.warnings] == ["no_articles"]


def test_empty_input():
    draft = parse_text("\n\u200b\n  \n")
    assert draft.articles == [] and [w.code for w in draft.warnings] == ["no_text"]


def test_to_dict_shape():
    draft = parse_text("某条例（草案）\n第一章 总则\n第一条〖目的〗甲。\n")
    data = draft.to_dict()
    assert list(data) == ["title", "version_label", "kind", "preamble", "toc", "divisions", "articles",
                          "trailing", "warnings"]
    assert data["divisions"] == [
        {"kind": "chapter", "number": 1, "label": "第一章", "title": "总则", "parent": None}]
    assert data["articles"] == [{"number": 1, "suffix": None, "label": "第一条", "caption": "〖目的〗",
                                 "division": 0, "paragraphs": ["甲。"], "deleted": False}]
    assert draft.article("1") is draft.articles[0] and draft.article("2") is None


def test_pieces_in_document_order():
    text = "# 某条例（草案）\n题注\n第一章 总则\n正文前说明\n第一条〖目的〗甲。\n（一）乙；\n附件\n"
    draft = parse_text(text)
    assert draft.pieces() == ["#", "某条例", "（草案）", "题注", "第一章", "总则", "正文前说明", "第一条", "〖目的〗",
                              "甲。\n（一）乙；", "附件"]


def test_sample_draft_file_parses_cleanly():
    draft = parse_file("drafts/tourism_promotion_draft.txt")
    assert draft.title == "清江市全域旅游促进条例" and draft.version_label == "草案"
    assert len(draft.articles) == 53 and [a.number for a in draft.articles] == list(range(1, 54))
    assert len(draft.toc) == 13 and draft.toc[0].replace("\u3000", "") == "目录"
    assert draft.warnings == []
