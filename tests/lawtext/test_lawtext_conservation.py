"""Property: parsing never drops, duplicates or invents a visible character, whatever the input."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.lawtext import int_to_cn, parse_lines, parse_text

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e"


def non_ws(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in INVISIBLE)


NOISE = st.sampled_from(["", "", "", " ", "\u3000", "\u3000\u3000", "  ", "\u200b", "\u00a0", "\t", "\ufeff"])
MARKUP = st.sampled_from(["", "", "", "# ", "## ", "####", "＃ "])
NUMBER = st.integers(min_value=0, max_value=1300).map(int_to_cn) | st.integers(1, 300).map(str)
TEXT_ALPHABET = ("的了本条例市区县人民政府应当旅游经营者规定第一二三四五六七八九十百千零条款项章节编之"
                 "目录附件则总（）()〖〗【】“”：；，。、①②1.．# \u3000\u200b\u00a0-")
FREE_TEXT = st.text(alphabet=TEXT_ALPHABET, min_size=0, max_size=30)
SENTENCE = st.text(alphabet="为了规范民宿经营制定本条例适用于市区县人民政府应当负责", min_size=1, max_size=25).map(
    lambda s: s + "。")


@st.composite
def article_line(draw):
    sep = draw(st.sampled_from(["", " ", "\u3000", "  ", "\t", "：", ":", " ： "]))
    caption = draw(st.sampled_from(["", "", "〖目的依据〗", "（立法目的）", "(定义)", "（删去）", "【适用】"]))
    suffix = draw(st.sampled_from(["", "", "", "之一", "之二"]))
    body = draw(st.sampled_from(["", "", SENTENCE_EXAMPLE]) | SENTENCE | GLUED_BODY)
    colon = draw(st.sampled_from(["", "", "：", ":"]))
    return f"第{draw(NUMBER)}条{suffix}{sep}{caption}{colon}{body}"


SENTENCE_EXAMPLE = "申请登记应当提交下列文件：（一）登记申请书；"
# Words after a glued label that a cross-reference also uses (第二条中心城区…, 第五条所列…).
GLUED_BODY = st.sampled_from(["中心城区的旅游设施由市人民政府规划。", "与本市相邻的县区。", "所列设施。",
                              "规定的情形除外。", "所称民宿。", "、第三条的规定。", "第二款规定的。"])


@st.composite
def heading_line(draw):
    kind = draw(st.sampled_from(["编", "分编", "章", "节"]))
    title = draw(st.sampled_from(["", "总 则", "附\u3000\u3000则", "法律责任", "经营规范", "所有权"]))
    sep = draw(st.sampled_from([" ", "\u3000", ""]))
    return f"第{draw(NUMBER)}{kind}{sep}{title}"


ITEM_LINE = st.sampled_from(["（一）登记申请书；", "（二）身份证明。", "1.原件；", "2．复印件；", "3、其他。",
                             "（1）正本；", "① 注释文字。", "一、将第五条修改为：“本条例……”", "二、删去第八条。"])
SPECIAL_LINE = st.sampled_from(["目录", "目\u3000\u3000录", "附件一", "附 则", "法律责任", "2024年10月1日",
                                "某某市人民代表大会常务委员会", "（草案）", "某某市民宿管理条例（征求意见稿）",
                                "关于修改《某某条例》的决定", "“第十条之一 禁止……”", "依照本条例第五条第二款处罚。",
                                "第五条第二款规定的情形除外。", "\u200b\u200b", "\u00a0", "",
                                "（立法目的）", "〖目的依据〗", "【适用范围】", "附\u3000\u3000则", "附表", "附件二：收费标准",
                                "# 附录", "关于征求《清江市民宿管理条例（草案）》意见的公告", "清江市民宿管理办法（征求意见稿）",
                                "清江市", "意见请于2026年1月31日前寄送。"])
LINE = st.one_of(article_line(), heading_line(), ITEM_LINE, SPECIAL_LINE, SENTENCE, FREE_TEXT)


@st.composite
def document(draw):
    lines = draw(st.lists(LINE, min_size=0, max_size=40))
    out = []
    for line in lines:
        out.append(draw(NOISE) + draw(MARKUP) + line + draw(NOISE))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_parse_lines_keeps_every_visible_character_once(lines):
    draft = parse_lines(lines)
    assert non_ws("".join(draft.pieces())) == non_ws("".join(lines))
    for warning in draft.warnings:
        assert warning.line is None or 1 <= warning.line <= len(lines)
    for article in draft.articles:
        assert len(article.paragraphs) == len(article.paragraph_lines)
        assert article.division is None or 0 <= article.division < len(draft.divisions)
    for index, division in enumerate(draft.divisions):
        assert division.parent is None or 0 <= division.parent < index


@st.composite
def sequential_document(draw):
    """Articles numbered in order, so glued labels, captions above labels and appendices really occur."""
    out = draw(st.lists(SPECIAL_LINE, max_size=4))
    number = 0
    for _ in range(draw(st.integers(1, 25))):
        number += draw(st.sampled_from([1, 1, 1, 1, 2, 0, -3]))
        number = max(number, 1)
        before = draw(st.sampled_from(["", "", "", "（立法目的）", "附则", "附件", "第二章 管理", "某某"]))
        if before:
            out.append(draw(MARKUP) + before)
        sep = draw(st.sampled_from(["", "", " ", "：", "\u3000"]))
        out.append(f"第{int_to_cn(number)}条{sep}{draw(GLUED_BODY | SENTENCE)}")
        out.extend(draw(st.lists(ITEM_LINE | GLUED_BODY.map(lambda b: f"第{int_to_cn(number + 1)}条{b}"),
                                 max_size=2)))
    return [draw(NOISE) + line + draw(NOISE) for line in out]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequential_document())
def test_sequential_documents_keep_every_visible_character_once(lines):
    draft = parse_lines(lines)
    assert non_ws("".join(draft.pieces())) == non_ws("".join(lines))
    for warning in draft.warnings:
        assert warning.line is None or 1 <= warning.line <= len(lines)
    for article in draft.articles:
        assert len(article.paragraphs) == len(article.paragraph_lines)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_parse_text_keeps_arbitrary_unicode(text):
    draft = parse_text(text)
    assert non_ws("".join(draft.pieces())) == non_ws("\n".join(text.splitlines()))
    draft.to_dict()
