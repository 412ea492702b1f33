"""DOMAIN.md §2 "Formatting variants" 1–9: each must parse with exact article boundaries."""
import pytest

from consult.lawtext import parse_lines, parse_text


def articles(draft):
    """Return (key, label, caption, paragraphs) of every article, for exact comparisons."""
    return [(a.key, a.label, a.caption, a.paragraphs) for a in draft.articles]


def codes(draft):
    return [w.code for w in draft.warnings]


BODY_1 = "为了规范民宿经营，制定本条例。"
BODY_2 = "本条例适用于本市行政区域内的民宿。"


# Variant 1: what follows the label.
@pytest.mark.parametrize("sep", [" ", "\u3000", "  ", "\u3000\u3000", "\t", ""],
                         ids=["space", "ideographic-space", "two-spaces", "two-ideographic", "tab",
                              "nothing"])
def test_v1_label_followed_by_separator(sep):
    draft = parse_text(f"第一条{sep}{BODY_1}\n第二条{sep}{BODY_2}\n")
    assert articles(draft) == [("1", "第一条", None, [BODY_1]), ("2", "第二条", None, [BODY_2])]
    assert draft.warnings == []


@pytest.mark.parametrize("caption", ["〖目的依据〗", "（立法目的）", "(立法目的)", "【立法目的】", "（立法目的)"])
def test_v1_label_followed_by_caption(caption):
    draft = parse_text(f"第一条{caption}{BODY_1}\n第二条 {caption} {BODY_2}\n")
    assert articles(draft) == [("1", "第一条", caption, [BODY_1]), ("2", "第二条", caption, [BODY_2])]


def test_v1_label_alone_on_its_line_takes_next_paragraph_as_body():
    draft = parse_text(f"第一条\n{BODY_1}\n第二条\u3000\n\n{BODY_2}\n第二款的内容。\n")
    assert articles(draft) == [("1", "第一条", None, [BODY_1]), ("2", "第二条", None, [BODY_2, "第二款的内容。"])]
    assert draft.articles[0].line == 1


def test_v1_caption_alone_then_body_on_next_line():
    draft = parse_text(f"第一条〖目的依据〗\n{BODY_1}\n")
    assert articles(draft) == [("1", "第一条", "〖目的依据〗", [BODY_1])]


def test_v1_deleted_placeholder_is_not_a_caption():
    draft = parse_text(f"第一条 {BODY_1}\n第二条 （删去）\n第三条（删去）\n第四条 {BODY_2}\n")
    assert articles(draft)[1:3] == [("2", "第二条", None, ["（删去）"]), ("3", "第三条", None, ["（删去）"])]
    assert [a.deleted for a in draft.articles] == [False, True, True, False]
    assert "empty_article" not in codes(draft)


# Variant 2: heading spacing, indentation, Markdown marks.
def test_v2_chapter_titles_with_inner_spaces_and_indent():
    text = ("    第一章 总 则\n第一条 " + BODY_1 + "\n\u3000\u3000第二章\u3000附\u3000\u3000则\n"
            "第二条 " + BODY_2 + "\n")
    draft = parse_text(text)
    assert [(d.label, d.title) for d in draft.divisions] == [("第一章", "总 则"), ("第二章", "附\u3000\u3000则")]
    assert [a.division for a in draft.articles] == [0, 1]
    assert articles(draft) == [("1", "第一条", None, [BODY_1]), ("2", "第二条", None, [BODY_2])]


def test_v2_markdown_heading_marks_of_inconsistent_depth():
    text = ("# 民宿管理条例（草案）\n## 第一章 总则\n#### 第一条 " + BODY_1 + "\n"
            "### 第二章 附则\n第二条 " + BODY_2 + "\n")
    draft = parse_text(text)
    assert draft.title == "民宿管理条例" and draft.version_label == "草案"
    assert [(d.kind, d.label, d.title) for d in draft.divisions] == [
        ("chapter", "第一章", "总则"), ("chapter", "第二章", "附则")]
    assert articles(draft) == [("1", "第一条", None, [BODY_1]), ("2", "第二条", None, [BODY_2])]


def test_v2_chapter_label_alone_takes_title_from_next_line():
    draft = parse_text("第一章\n总则\n第一条 " + BODY_1 + "\n")
    assert [(d.label, d.title) for d in draft.divisions] == [("第一章", "总则")]
    assert draft.warnings == []


# Variant 3: a table of contents is not the body.
def test_v3_table_of_contents_is_recognised():
    text = ("民宿管理条例\n目  录\n第一章 总则\n第二章 经营规范\n第三章 附则\n"
            "第一章 总则\n第一条 " + BODY_1 + "\n第二章 经营规范\n第二条 " + BODY_2 + "\n"
            "第三章 附则\n第三条 本条例自2025年1月1日起施行。\n")
    draft = parse_text(text)
    assert draft.toc == ["目  录", "第一章 总则", "第二章 经营规范", "第三章 附则"]
    assert [d.title for d in draft.divisions] == ["总则", "经营规范", "附则"]
    assert [a.division for a in draft.articles] == [0, 1, 2]
    assert draft.warnings == []


def test_v3_toc_without_marker_line_detected_by_repeated_heading():
    text = ("民宿管理条例\n第一章 总则\n第二章 附则\n第一章 总则\n第一条 " + BODY_1 +
            "\n第二章 附则\n第二条 " + BODY_2 + "\n")
    draft = parse_text(text)
    assert draft.toc == ["第一章 总则", "第二章 附则"]
    assert len(draft.divisions) == 2


def test_v3_toc_entry_missing_from_body_warns():
    text = ("民宿管理条例\n目录\n第一章 总则\n第二章 经营规范\n第三章 附则\n"
            "第一章 总则\n第一条 " + BODY_1 + "\n第三章 附则\n第二条 " + BODY_2 + "\n")
    draft = parse_text(text)
    mismatch = [w for w in draft.warnings if w.code == "toc_mismatch"]
    assert [w.line for w in mismatch] == [4]
    assert "经营规范" in mismatch[0].message


# Variant 4: an item on the same line as the label stays one paragraph.
def test_v4_item_on_the_label_line():
    line = "第十条 申请登记应当提交下列文件： （一）登记申请书；"
    draft = parse_lines(["第九条 " + BODY_1, line, "（二）身份证明；", "1．原件；", "2、复印件。", "申请人应当如实提交。"])
    assert articles(draft)[1] == ("10", "第十条", None, [
        "申请登记应当提交下列文件： （一）登记申请书；\n（二）身份证明；\n1．原件；\n2、复印件。",
        "申请人应当如实提交。"])


# Variant 5: invisible characters.
def test_v5_zero_width_and_nbsp_lines_are_blank_and_mixed_brackets_kept():
    text = ("第一条 " + BODY_1 + "\n\u200b\u200b\n\u00a0\u00a0\n\u3000\n"
            "\u200b第二条\u00a0市、区（县)人民政府负责。\n\ufeff\n")
    draft = parse_text(text)
    assert articles(draft) == [("1", "第一条", None, [BODY_1]), ("2", "第二条", None, ["市、区（县)人民政府负责。"])]
    assert draft.warnings == []


def test_v5_full_width_digits_in_labels():
    draft = parse_text("第１条 " + BODY_1 + "\n第２条 " + BODY_2)
    assert [a.number for a in draft.articles] == [1, 2]
    assert draft.articles[0].label == "第１条"


# Variant 6: cross-references are not article starts.
def test_v6_cross_references_inside_text_are_not_labels():
    text = ("第五十二条 " + BODY_1 + "\n第五十三条 违反本条例第五十二条规定的，责令改正。\n"
            "依照本条例第五十三条第三款处罚。\n第五十三条第二款规定的情形除外。\n"
            "前款规定的罚款，由市场监督管理部门决定。\n第五十二条之规定不适用于个人。\n"
            "第五十二条、第五十三条的规定同样适用。\n第五十四条 " + BODY_2 + "\n")
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["52", "53", "54"]
    assert draft.articles[1].paragraphs == [
        "违反本条例第五十二条规定的，责令改正。", "依照本条例第五十三条第三款处罚。",
        "第五十三条第二款规定的情形除外。", "前款规定的罚款，由市场监督管理部门决定。",
        "第五十二条之规定不适用于个人。", "第五十二条、第五十三条的规定同样适用。"]
    assert [w.code for w in draft.warnings] == ["numbering_gap"]  # an excerpt starting at 52


# Variant 7: material after the last article.
def test_v7_trailing_matter_is_not_glued_to_last_article():
    text = ("第一条 " + BODY_1 + "\n第二条 本条例自2025年1月1日起施行。\n"
            "附件一\n民宿等级评定表\n① 本条参照国家标准制定。\n某某市人民代表大会常务委员会\n2024年10月1日\n")
    draft = parse_text(text)
    assert draft.articles[-1].paragraphs == ["本条例自2025年1月1日起施行。"]
    assert draft.trailing == ["附件一", "民宿等级评定表", "① 本条参照国家标准制定。", "某某市人民代表大会常务委员会",
                              "2024年10月1日"]


@pytest.mark.parametrize("tail", ["① 参见《旅游法》第十条。", "2024年10月1日", "某某市人民代表大会常务委员会",
                                  "附：名词解释", "附件：民宿等级评定表"])
def test_v7_each_kind_of_trailing_line(tail):
    draft = parse_text(f"第一条 {BODY_1}\n第二条 {BODY_2}\n{tail}\n")
    assert draft.trailing == [tail]
    assert draft.articles[-1].paragraphs == [BODY_2]


def test_v7_last_article_body_on_next_line_is_not_trailing():
    draft = parse_text(f"第一条 {BODY_1}\n第二条\n本条例自公布之日起施行\n")
    assert draft.articles[-1].paragraphs == ["本条例自公布之日起施行"]
    assert draft.trailing == []


# Variant 8: degraded input reported with line numbers, nothing dropped.
def test_v8_degraded_section_heading_kept_and_warned():
    text = f"第一条 {BODY_1}\n第二条 {BODY_2}\n法律责任\n第三条 违反本条例的，依法处理。\n"
    draft = parse_text(text)
    assert [d for d in draft.divisions] == []
    assert draft.articles[1].paragraphs == [BODY_2, "法律责任"]
    assert [(w.code, w.line) for w in draft.warnings] == [("degraded_heading", 3)]


def test_v8_numbering_gap_duplicate_out_of_order():
    text = "\n".join([f"第一条 {BODY_1}", f"第二条 {BODY_2}", "第四条 甲。", "第四条 乙。", "第三条 丙。",
                      "第六条 丁。"])
    draft = parse_text(text)
    assert [(w.code, w.line) for w in draft.warnings] == [
        ("numbering_gap", 3), ("duplicate_number", 4), ("out_of_order", 5), ("numbering_gap", 6)]
    assert [a.key for a in draft.articles] == ["1", "2", "4", "4", "3", "6"]
    assert "第三条" in draft.warnings[0].message


def test_v8_missing_label_shows_as_gap_and_text_stays_in_previous_article():
    text = f"第一条 {BODY_1}\n{BODY_2}\n第三条 本条例自公布之日起施行。\n"
    draft = parse_text(text)
    assert draft.articles[0].paragraphs == [BODY_1, BODY_2]
    assert [(w.code, w.line) for w in draft.warnings] == [("numbering_gap", 3)]


def test_v8_unlabelled_text_after_heading_is_flagged():
    text = f"第一章 总则\n{BODY_1}\n第一条 {BODY_2}\n第二章 附则\n本章说明。\n第二条 施行日期。\n"
    draft = parse_text(text)
    assert [(w.code, w.line) for w in draft.warnings] == [("unlabelled_text", 2), ("unlabelled_text", 5)]
    assert draft.preamble == [BODY_1]
    assert draft.articles[0].paragraphs == [BODY_2, "本章说明。"]


def test_v8_empty_article_warns():
    draft = parse_text(f"第一条\n第二条 {BODY_2}\n")
    assert [(w.code, w.line) for w in draft.warnings] == [("empty_article", 1)]
    assert draft.articles[0].paragraphs == []


# Variant 9: title block with suffix, 题注 and consultation notice.
@pytest.mark.parametrize("suffix", ["草案", "征求意见稿", "草案修改稿", "修订草案", "草案二次审议稿"])
def test_v9_title_suffix(suffix):
    draft = parse_text(f"某某市民宿管理条例（{suffix}）\n第一条 {BODY_1}\n")
    assert draft.title == "某某市民宿管理条例"
    assert draft.version_label == suffix


def test_v9_title_block_with_notes_and_notice():
    text = ("某某市民宿管理条例\n（草案）\n"
            "（2024年8月28日某某市第十六届人民代表大会常务委员会第十九次会议审议）\n"
            "征求意见公告\n公众可以在2024年10月1日前通过以下方式提出意见：\n"
            "一、电子邮件发送至fgw@example.cn；\n二、信函寄至某某市人大常委会法工委。\n"
            "第一章 总则\n第一条 " + BODY_1 + "\n")
    draft = parse_text(text)
    assert (draft.title, draft.version_label, draft.kind) == ("某某市民宿管理条例", "草案", "regulation")
    assert draft.preamble == [
        "（2024年8月28日某某市第十六届人民代表大会常务委员会第十九次会议审议）", "征求意见公告",
        "公众可以在2024年10月1日前通过以下方式提出意见：", "一、电子邮件发送至fgw@example.cn；",
        "二、信函寄至某某市人大常委会法工委。"]
    assert articles(draft) == [("1", "第一条", None, [BODY_1])]
    assert draft.warnings == []


def test_v9_title_without_suffix_and_no_title():
    assert parse_text(f"某某市民宿管理条例\n第一条 {BODY_1}").version_label is None
    draft = parse_text(f"第一条 {BODY_1}")
    assert draft.title is None and draft.preamble == []


def test_v9_title_broken_over_two_lines():
    draft = parse_text(f"某某市\n民宿管理条例（征求意见稿）\n（2024年8月28日审议）\n第一条 {BODY_1}\n")
    assert (draft.title, draft.version_label) == ("某某市民宿管理条例", "征求意见稿")
    assert draft.preamble == ["（2024年8月28日审议）"]


def test_v1_caption_then_deleted_marker():
    draft = parse_text(f"第一条 {BODY_1}\n第二条〖罚则〗（删去）\n")
    art = draft.articles[1]
    assert (art.caption, art.paragraphs, art.deleted) == ("〖罚则〗", ["（删去）"], True)


def test_v3_toc_whose_headings_never_come_back_stays_toc():
    text = "民宿管理条例\n目录\n第一章 总则\n第二章 附则\n第一条 " + BODY_1 + "\n第二条 " + BODY_2 + "\n"
    draft = parse_text(text)
    assert draft.toc == ["目录", "第一章 总则", "第二章 附则"]
    assert draft.divisions == [] and len(draft.articles) == 2
    assert [w.code for w in draft.warnings] == ["toc_mismatch", "toc_mismatch"]
