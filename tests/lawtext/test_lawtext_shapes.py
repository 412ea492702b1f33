"""Shapes of published texts the engine used to get wrong (issue 10 §5), each on a fixture of our own.

Every fixture is invented text about the fictional 清江市; none is copied from a real regulation.
"""
import pytest

from consult.lawtext import parse_text


def articles(draft):
    return [(a.key, a.label, a.caption, a.paragraphs) for a in draft.articles]


def codes(draft):
    return [(w.code, w.line) for w in draft.warnings]


def visible_pieces(draft):
    return "".join("".join(p.split()) for p in draft.pieces())


def visible_input(text):
    return "".join(text.split())


# 1. An unnumbered heading closing a code whose other divisions are numbered.
@pytest.mark.parametrize("heading", ["附则", "附\u3000\u3000则", "附 则", "## 附则"])
def test_bare_closing_heading_becomes_a_chapter(heading):
    text = ("清江市湿地保护条例\n第一章 总则\n第一条 为了保护清江市的湿地，制定本条例。\n"
            "第二章 保护措施\n第二条 湿地保护实行分级管理。\n第三条 禁止在湿地内倾倒垃圾。\n"
            f"{heading}\n第四条 本条例自2026年3月1日起施行。\n")
    draft = parse_text(text)
    assert [(d.kind, d.number, d.label, d.title, d.parent) for d in draft.divisions] == [
        ("chapter", 1, "第一章", "总则", None), ("chapter", 2, "第二章", "保护措施", None),
        ("chapter", None, "", heading.lstrip("# "), None)]
    assert [a.division for a in draft.articles] == [0, 1, 1, 2]
    assert draft.articles[2].paragraphs == ["禁止在湿地内倾倒垃圾。"]
    assert draft.warnings == []
    assert visible_pieces(draft) == visible_input(text)


def test_bare_closing_heading_takes_the_level_of_its_numbered_siblings():
    text = ("第一编 通则\n第一章 一般规定\n第一条 甲。\n第二编 分则\n第一章 管理\n第二条 乙。\n"
            "附则\n第三条 本条例自公布之日起施行。\n")
    draft = parse_text(text)
    closing = draft.divisions[-1]
    assert (closing.kind, closing.title, closing.parent) == ("part", "附则", None)
    assert draft.articles[-1].division == len(draft.divisions) - 1
    assert draft.to_dict()["divisions"][-1] == {"kind": "part", "number": None, "label": "", "title": "附则",
                                                "parent": None}
    assert draft.warnings == []


def test_bare_heading_without_numbered_divisions_still_only_warns():
    draft = parse_text("第一条 甲。\n第二条 乙。\n附则\n第三条 本条例自公布之日起施行。\n")
    assert draft.divisions == [] and draft.articles[1].paragraphs == ["乙。", "附则"]
    assert codes(draft) == [("degraded_heading", 3)]


# 2. A label glued to its text, where the next word is one a cross-reference also uses.
def test_glued_label_with_expected_number_is_an_article():
    text = ("第一条 为了促进清江市旅游业发展，制定本条例。\n第二条中心城区的旅游设施由市人民政府统一规划。\n"
            "第三条规定的设施应当向公众开放。\n第四条与本市相邻的县区可以参与合作。\n"
            "第五条所称旅游经营者，是指在本市从事旅游经营的单位和个人。\n")
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2", "3", "4", "5"]
    assert draft.articles[1].paragraphs == ["中心城区的旅游设施由市人民政府统一规划。"]
    assert draft.articles[3].paragraphs == ["与本市相邻的县区可以参与合作。"]
    assert draft.warnings == []


def test_glued_reference_that_is_not_the_next_number_stays_text():
    text = ("第一条 甲。\n第二条 乙。\n第五条所列的设施，由区人民政府管理。\n第三条 丙。\n"
            "第四条 丁。\n第五条 戊。\n")
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2", "3", "4", "5"]
    assert draft.articles[1].paragraphs == ["乙。", "第五条所列的设施，由区人民政府管理。"]
    assert draft.warnings == []


def test_glued_next_number_that_comes_back_as_a_clean_label_stays_text():
    text = "第一条 甲。\n第二条规定的情形除外。\n第二条 乙。\n"
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2"]
    assert draft.articles[0].paragraphs == ["甲。", "第二条规定的情形除外。"]


def test_glued_label_after_a_gap_stays_text_and_the_gap_is_reported():
    text = "第一条 甲。\n第二条 乙。\n第四条中心城区的规划。\n第五条 戊。\n"
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2", "5"]
    assert draft.articles[1].paragraphs == ["乙。", "第四条中心城区的规划。"]
    assert codes(draft) == [("numbering_gap", 4)]


def test_glued_article_with_suffix_and_strong_references_never_promoted():
    text = ("第一条 甲。\n第一条之一中小学校应当开展研学旅游。\n第二条、第三条的规定同样适用。\n"
            "第二条 乙。\n第三条 丙。\n")
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "1-1", "2", "3"]
    assert draft.articles[1].paragraphs == ["中小学校应当开展研学旅游。", "第二条、第三条的规定同样适用。"]


# 3. A caption on its own line above the label.
@pytest.mark.parametrize("caption", ["（立法目的）", "〖目的依据〗", "【立法目的】", "(立法目的)"])
def test_caption_on_the_line_above_the_label(caption):
    text = (f"清江市古树名木保护办法\n{caption}\n第一条 为了保护古树名木，制定本办法。\n"
            "（适用范围）\n第二条 本办法适用于本市行政区域。\n")
    draft = parse_text(text)
    assert draft.title == "清江市古树名木保护办法" and draft.preamble == []
    assert articles(draft) == [("1", "第一条", caption, ["为了保护古树名木，制定本办法。"]),
                               ("2", "第二条", "（适用范围）", ["本办法适用于本市行政区域。"])]
    assert (draft.articles[0].caption_line, draft.articles[0].line) == (2, 3)
    assert draft.pieces()[1:4] == [caption, "第一条", "为了保护古树名木，制定本办法。"]
    assert draft.warnings == []


def test_bracketed_lines_that_are_not_captions_stay_where_they_were():
    text = ("清江市古树名木保护办法\n（2025年6月1日清江市人民政府第十次常务会议通过）\n"
            "第一条 甲。\n（一）\n第二条（名录）乙。\n（删去）\n第三条 丙。\n")
    draft = parse_text(text)
    assert draft.preamble == ["（2025年6月1日清江市人民政府第十次常务会议通过）"]
    assert [a.caption for a in draft.articles] == [None, "（名录）", None]
    assert draft.articles[0].paragraphs == ["甲。\n（一）"]
    assert draft.articles[1].paragraphs == ["乙。", "（删去）"]


def test_caption_line_between_chapter_heading_and_label():
    draft = parse_text("第一章\n（立法目的）\n第一条 甲。\n")
    assert draft.divisions[0].title == ""
    assert articles(draft) == [("1", "第一条", "（立法目的）", ["甲。"])]


# 4. A colon after the label is not part of the body.
@pytest.mark.parametrize("colon", ["：", ":", " ：", "： "])
def test_colon_after_label_is_not_kept_in_the_body(colon):
    text = f"第一条{colon}为了规范清江市的民宿经营，制定本条例。\n第二条{colon}（删去）\n第三条（定义）：民宿是指……\n"
    draft = parse_text(text)
    assert articles(draft) == [("1", "第一条", None, ["为了规范清江市的民宿经营，制定本条例。"]),
                               ("2", "第二条", None, ["（删去）"]), ("3", "第三条", "（定义）", ["民宿是指……"])]
    assert draft.articles[1].deleted
    assert visible_pieces(draft) == visible_input(text)
    assert draft.to_dict()["articles"][0]["paragraphs"] == ["为了规范清江市的民宿经营，制定本条例。"]


# 5. A consultation notice before the title.
def test_notice_before_the_title_goes_to_the_preamble():
    text = ("关于公开征求《清江市民宿管理条例（草案）》意见的公告\n"
            "为了提高立法质量，现将草案全文公布，征求社会各界意见。\n"
            "请于2026年1月31日前发送电子邮件至fgw@qingjiang.example。\n"
            "清江市人大常委会法制工作委员会\n"
            "清江市民宿管理条例（草案）\n第一条 为了规范民宿经营，制定本条例。\n")
    draft = parse_text(text)
    assert (draft.title, draft.version_label) == ("清江市民宿管理条例", "草案")
    assert draft.title_line == 5
    assert draft.preamble == text.splitlines()[:4]
    assert visible_pieces(draft) == visible_input(text)


def test_notice_before_a_title_on_two_lines():
    text = "征求意见稿\n意见请寄清江市人大常委会法工委。\n清江市\n民宿管理办法（征求意见稿）\n第一条 甲。\n"
    draft = parse_text(text)
    assert (draft.title, draft.version_label) == ("清江市民宿管理办法", "征求意见稿")
    assert draft.preamble == ["征求意见稿", "意见请寄清江市人大常委会法工委。"]


def test_notice_before_an_amendment_title():
    text = ("征求意见的公告\n请于2026年2月1日前提出意见。\n关于修改《清江市民宿管理条例》的决定（草案）\n"
            "一、将第五条修改为：“民宿应当明码标价。”\n二、删去第八条。\n")
    draft = parse_text(text)
    assert draft.kind == "amendment"
    assert (draft.title, draft.version_label) == ("关于修改《清江市民宿管理条例》的决定", "草案")
    assert draft.preamble == ["征求意见的公告", "请于2026年2月1日前提出意见。"]
    assert [a.number for a in draft.articles] == [1, 2]


def test_first_line_stays_the_title_when_no_line_looks_like_one():
    draft = parse_text("清江市民宿服务指引\n说明文字。\n第一条 甲。\n")
    assert draft.title == "清江市民宿服务指引" and draft.preamble == ["说明文字。"]


# 6. An appendix with its own article-like lines.
def test_appendix_with_its_own_articles_stays_trailing():
    text = ("清江市民宿管理条例\n第一条 甲。\n第二条 乙。\n第三条 本条例自2026年1月1日起施行。\n"
            "附件一\n清江市民宿等级评定规则\n第一条 为了评定民宿等级，制定本规则。\n第二条 等级分为三级。\n"
            "第三条中评定结果的公布办法另行规定。\n")
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2", "3"]
    assert draft.articles[-1].paragraphs == ["本条例自2026年1月1日起施行。"]
    assert draft.trailing == text.splitlines()[4:]
    assert codes(draft) == [("appendix_articles", 7)]
    assert "附件一" in draft.warnings[0].message
    assert visible_pieces(draft) == visible_input(text)


@pytest.mark.parametrize("marker", ["附件", "附件2：清江市民宿服务规范", "附表", "# 附录"])
def test_each_appendix_marker(marker):
    text = f"第一条 甲。\n第二条 乙。\n{marker}\n第一章 总则\n第一条 丙。\n"
    draft = parse_text(text)
    assert [a.key for a in draft.articles] == ["1", "2"] and draft.divisions == []
    assert draft.trailing == [marker, "第一章 总则", "第一条 丙。"]
    assert [w.code for w in draft.warnings] == ["appendix_articles"]


def test_appendix_marker_followed_by_continuing_numbers_is_not_an_appendix():
    draft = parse_text("第一条 甲。\n附件一\n第二条 乙。\n")
    assert [a.key for a in draft.articles] == ["1", "2"]
    assert draft.articles[0].paragraphs == ["甲。", "附件一"]


# All the shapes in one invented code, as a drafting office might publish it.
COMBINED = """关于公开征求《清江市湿地保护条例（草案）》意见的公告
现将草案全文公布，请于2026年3月31日前提出意见。
清江市湿地保护条例（草案）
第一章　总　则
（立法目的）
第一条：为了保护清江市的湿地资源，制定本条例。
（适用范围）
第二条中心城区及各县区的湿地保护，适用本条例。
第三条与本市相邻的县区签订合作协议的，从其约定。
第二章　保护措施
第四条　市人民政府应当编制湿地保护规划。
第五条所列的重要湿地，由市人民政府公布名录。
第六条规定的湿地名录每五年调整一次。
前款规定的调整，应当听取公众意见。
附　　则
第七条　本条例自2026年10月1日起施行。
附件一
清江市重要湿地名录管理办法
第一条　为了管理重要湿地名录，制定本办法。
第二条　名录由市林业主管部门维护。
"""


def test_all_shapes_in_one_code():
    draft = parse_text(COMBINED)
    assert (draft.title, draft.version_label) == ("清江市湿地保护条例", "草案")
    assert draft.preamble == COMBINED.splitlines()[:2]
    assert [(d.number, d.label, d.title) for d in draft.divisions] == [
        (1, "第一章", "总　则"), (2, "第二章", "保护措施"), (None, "", "附　　则")]
    assert [(a.key, a.caption, a.division) for a in draft.articles] == [
        ("1", "（立法目的）", 0), ("2", "（适用范围）", 0), ("3", None, 0), ("4", None, 1), ("5", None, 1),
        ("6", None, 1), ("7", None, 2)]
    assert draft.articles[0].paragraphs == ["为了保护清江市的湿地资源，制定本条例。"]
    assert draft.articles[5].paragraphs == ["规定的湿地名录每五年调整一次。", "前款规定的调整，应当听取公众意见。"]
    assert draft.trailing == COMBINED.splitlines()[16:]
    assert codes(draft) == [("appendix_articles", 19)]
    assert visible_pieces(draft) == visible_input(COMBINED)
