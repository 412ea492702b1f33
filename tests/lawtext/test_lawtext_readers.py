"""Readers: .docx built with python-docx (runs, list numbering, tables), .txt encodings, bad files."""
import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from consult.lawtext import LawTextError, parse_lines, read_document, read_path
from consult.lawtext.docx_reader import format_number

TEXT = "某某市民宿管理条例（草案）\n第一条 为了规范民宿经营，制定本条例。\n第二条 本条例适用于本市。\n"


def docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def add_numbering(doc, abstract_id: int, num_id: int, levels: list[tuple[str, str]],
                  start_override=None, restarts: dict[int, int] | None = None) -> None:
    """Append an abstractNum (numFmt, lvlText per level, lvlRestart by level) and its num to numbering.xml."""
    numbering = doc.part.numbering_part.element
    restarts = restarts or {}
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:lvlRestart w:val="{restarts[i]}"/>' if i in restarts else "")
        + f'<w:lvlText w:val="{text}"/><w:suff w:val="space"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
                if start_override else "")
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                    f'{override}</w:num>')
    # Schema order: every abstractNum comes before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)


def numbered(paragraph, num_id: int, ilvl: int = 0):
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def test_docx_label_in_separate_bold_run_and_tables():
    doc = docx.Document()
    doc.add_paragraph("某某市民宿管理条例（草案）")
    doc.add_paragraph("第一章　总则")
    para = doc.add_paragraph()
    para.add_run("第一条").bold = True
    para.add_run("　为了规范民宿经营，制定本条例。")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "第二条 本条例适用于本市。"
    table.cell(0, 1).text = "第三条 本条例自公布之日起施行。"
    doc.add_paragraph("附件：民宿等级表")
    lines = read_document(docx_bytes(doc), "draft.docx")
    draft = parse_lines(lines)
    assert draft.title == "某某市民宿管理条例" and draft.version_label == "草案"
    assert [(a.label, a.paragraphs) for a in draft.articles] == [
        ("第一条", ["为了规范民宿经营，制定本条例。"]), ("第二条", ["本条例适用于本市。"]),
        ("第三条", ["本条例自公布之日起施行。"])]
    assert draft.trailing == ["附件：民宿等级表"]


def test_docx_automatic_numbering_renders_article_labels():
    doc = docx.Document()
    add_numbering(doc, 90, 91, [("chineseCounting", "第%1条"), ("chineseCounting", "（%2）")])
    add_numbering(doc, 92, 93, [("chineseCountingThousand", "第%1章")])
    doc.add_paragraph("某某市民宿管理条例")
    numbered(doc.add_paragraph("总则"), 93)
    numbered(doc.add_paragraph("为了规范民宿经营，制定本条例。"), 91)
    numbered(doc.add_paragraph("经营者应当遵守下列规定："), 91)
    numbered(doc.add_paragraph("明码标价；"), 91, ilvl=1)
    numbered(doc.add_paragraph("不得强迫消费。"), 91, ilvl=1)
    for _ in range(8):
        numbered(doc.add_paragraph("其他规定。"), 91)
    numbered(doc.add_paragraph("附则"), 93)
    numbered(doc.add_paragraph("本条例自公布之日起施行。"), 91)
    lines = read_document(docx_bytes(doc), "draft.DOCX")
    assert lines[1:5] == ["第一章 总则", "第一条 为了规范民宿经营，制定本条例。", "第二条 经营者应当遵守下列规定：",
                          "（一） 明码标价；"]
    draft = parse_lines(lines)
    assert [d.title for d in draft.divisions] == ["总则", "附则"]
    assert [a.number for a in draft.articles] == list(range(1, 12))
    assert draft.articles[1].paragraphs == ["经营者应当遵守下列规定：\n（一） 明码标价；\n（二） 不得强迫消费。"]
    assert draft.articles[-1].label == "第十一条"
    assert draft.warnings == []


def test_docx_numbering_start_override_and_decimal():
    doc = docx.Document()
    add_numbering(doc, 94, 95, [("decimal", "第%1条")], start_override=101)
    numbered(doc.add_paragraph("甲。"), 95)
    numbered(doc.add_paragraph("乙。"), 95)
    assert read_document(docx_bytes(doc), "x.docx") == ["第101条 甲。", "第102条 乙。"]


LEVELS = [("chineseCounting", "第%1章"), ("chineseCounting", "第%2条"), ("chineseCounting", "（%3）")]


def chapters_articles_items(restarts):
    doc = docx.Document()
    add_numbering(doc, 96, 97, LEVELS, restarts=restarts)
    for text, level in [("总则", 0), ("甲。", 1), ("乙：", 1), ("子；", 2), ("丑。", 2), ("丙：", 1), ("寅。", 2),
                        ("附则", 0), ("丁：", 1), ("卯。", 2)]:
        numbered(doc.add_paragraph(text), 97, ilvl=level)
    return read_document(docx_bytes(doc), "x.docx")


def test_docx_lvl_restart_zero_counts_articles_across_chapters():
    lines = chapters_articles_items({1: 0})
    assert lines == ["第一章 总则", "第一条 甲。", "第二条 乙：", "（一） 子；", "（二） 丑。", "第三条 丙：",
                     "（一） 寅。", "第二章 附则", "第四条 丁：", "（一） 卯。"]
    draft = parse_lines(lines)
    assert [a.number for a in draft.articles] == [1, 2, 3, 4] and draft.warnings == []


def test_docx_lvl_restart_names_the_level_that_restarts_it():
    # Items restart only at a new chapter (level 1 in Word's one-based count), not at each article.
    lines = chapters_articles_items({1: 0, 2: 1})
    assert [ln.split(" ")[0] for ln in lines] == ["第一章", "第一条", "第二条", "（一）", "（二）", "第三条", "（三）",
                                                  "第二章", "第四条", "（一）"]


def test_docx_without_lvl_restart_restarts_after_any_earlier_level():
    lines = chapters_articles_items({2: 5})  # a value that is not an earlier level is ignored
    assert [ln.split(" ")[0] for ln in lines] == ["第一章", "第一条", "第二条", "（一）", "（二）", "第三条", "（一）",
                                                  "第二章", "第一条", "（一）"]


@pytest.mark.parametrize("n, fmt, text", [
    (12, "chineseCounting", "十二"), (110, "chineseCountingThousand", "一百一十"), (3, "decimalEnclosedCircle", "③"),
    (2, "ideographTraditional", "乙"), (4, "upperRoman", "IV"), (12, "decimalFullWidth", "１２"), (5, "bullet", "")])
def test_format_number(n, fmt, text):
    assert format_number(n, fmt) == text


def test_docx_soft_line_break_splits_label_from_body():
    doc = docx.Document()
    para = doc.add_paragraph("第一条")
    para.add_run().add_break()
    para.add_run("为了规范民宿经营，制定本条例。")
    draft = parse_lines(read_document(docx_bytes(doc), "x.docx"))
    assert draft.articles[0].paragraphs == ["为了规范民宿经营，制定本条例。"]


def test_txt_utf8_bom_gb18030_utf16():
    for data in (TEXT.encode("utf-8"), b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT.encode("gb18030"),
                 TEXT.encode("utf-16")):
        lines = read_document(data, "draft.txt")
        assert lines[0] == "某某市民宿管理条例（草案）"
        assert len(parse_lines(lines).articles) == 2


def test_txt_traditional_big5_is_detected():
    data = "第一條 為保障人民權益，特制定本法。\n第二條 本法所稱主管機關為內政部。\n".encode("big5")
    lines = read_document(data, "tw.txt")
    assert lines[0] == "第一條 為保障人民權益，特制定本法。"
    assert [a.key for a in parse_lines(lines).articles] == ["1", "2"]


def test_read_path(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes(TEXT.encode("gb18030"))
    assert read_path(path)[1].startswith("第一条")
    with pytest.raises(LawTextError, match="找不到文件"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(LawTextError, match="不是文件"):
        read_path(tmp_path)


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 b'</Types>')


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `entries`; a word/document.xml gets the [Content_Types].xml of a plain .docx unless given."""
    if "word/document.xml" in entries:
        entries = {"[Content_Types].xml": CONTENT_TYPES, **entries}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data, filename, message", [
    (b"PK\x03\x04 this is not really a zip", "draft.docx", "zip 损坏"),
    (b"\x00\x01\x02\x03binary\x00data", "draft.txt", "二进制"),
    (bytes(range(1, 32)) * 50, "draft.txt", "二进制"),
    (b"%PDF-1.7 ...", "draft.pdf", "不支持的文件类型 .pdf"),
    (b"hello", "README", "不支持的文件类型"),
    (b"", "draft.txt", "空"),
])
def test_bad_files_raise_clear_errors(data, filename, message):
    with pytest.raises(LawTextError, match=message):
        read_document(data, filename)


def test_zip_bomb_is_refused_before_extraction():
    bomb = _zip({"word/document.xml": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(LawTextError, match="zip 炸弹"):
        read_document(bomb, "bomb.docx")


def test_zip_with_huge_total_size_is_refused():
    entries = {f"word/media/{i}.bin": bytes(range(256)) * 4096 * 24 for i in range(5)}  # 5 × 24 MB
    entries["word/document.xml"] = b"<w:document/>"
    data = _zip(entries, compression=zipfile.ZIP_STORED)
    with pytest.raises(LawTextError, match="100 MB"):
        read_document(data, "big.docx", max_bytes=200 * 1024 * 1024)


def test_oversized_input_refused():
    with pytest.raises(LawTextError, match="文件过大"):
        read_document(b"x" * 2048, "draft.txt", max_bytes=1024)


def test_docx_without_document_xml():
    with pytest.raises(LawTextError, match="word/document.xml"):
        read_document(_zip({"hello.txt": b"hi"}), "draft.docx")


def test_docx_with_entity_declarations_is_refused():
    xml = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b'<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    with pytest.raises(LawTextError, match="DTD"):
        read_document(_zip({"word/document.xml": xml}), "draft.docx")


def test_docx_with_broken_xml():
    with pytest.raises(LawTextError, match="无法解析"):
        read_document(_zip({"word/document.xml": b"<w:document><w:body>"}), "draft.docx")


def test_error_messages_are_one_line():
    for data, name in ((b"junk", "a.docx"), (b"\x00", "a.txt"), (b"x", "a.doc")):
        with pytest.raises(LawTextError) as info:
            read_document(data, name)
        assert "\n" not in str(info.value)


def test_docx_tracked_changes_keep_inserted_and_drop_deleted_text():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f'<w:document {w}><w:body><w:p><w:r><w:t>第一条 为了</w:t></w:r>'
           '<w:del w:id="1" w:author="a"><w:r><w:delText>旧的</w:delText></w:r></w:del>'
           '<w:ins w:id="2" w:author="a"><w:r><w:t>规范民宿</w:t></w:r></w:ins>'
           '<w:r><w:instrText>PAGE</w:instrText><w:t>，制定本条例。</w:t></w:r></w:p>'
           '<w:sdt><w:sdtContent><w:p><w:r><w:t>第二条 适用范围。</w:t></w:r></w:p></w:sdtContent></w:sdt>'
           '</w:body></w:document>').encode()
    assert read_document(_zip({"word/document.xml": xml}), "x.docx") == ["第一条 为了规范民宿，制定本条例。",
                                                                         "第二条 适用范围。"]


def test_old_word_doc_renamed_docx_gets_a_clear_message():
    with pytest.raises(LawTextError, match="另存为 .docx"):
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "draft.docx")
