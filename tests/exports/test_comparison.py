"""The comparison table (修改对照表): rows in the new text order, deleted articles in place, a redline in Word
(struck-through deletions, underlined insertions), 修改说明 with the adopted comments counted by source,
rendered by LibreOffice; and the `consult export comparison` command with its one-line errors."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document

from consult.comments.vocabulary import DECISION
from consult.exports.comparison import HEADERS, build_comparison
from consult.exports.comparison_data import AdoptedComment, ArticleSide, ComparisonData, Link, arrange

from .test_summary_pdf import _tool

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

OLD = [
    ArticleSide(1, "第一条", "为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。", 0),
    ArticleSide(2, "第二条", "本市行政区域内的旅游活动，适用本条例。", 1),
    ArticleSide(3, "第三条", "游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）遵守景区秩序；\n（三）尊重当地风俗。\n"
                            "游客违反前款规定的，由景区劝阻。", 2),
    ArticleSide(4, "第四条", "旅游经营者应当诚信经营。\n民宿经营者应当向所在地公安机关登记。", 3),
    ArticleSide(5, "第五条", "本条例自2027年1月1日起施行。", 4),
]
NEW = [
    ("division", ("第一章　总则", 1)),
    ("article", ArticleSide(11, "第一条", "为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。", 0)),
    ("division", ("第二章　游客与经营者", 1)),
    ("article", ArticleSide(12, "第二条", "游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）遵守景区游览秩序；\n"
                                         "（三）尊重当地风俗。\n游客违反前款规定的，由景区管理机构予以制止。", 1)),
    ("article", ArticleSide(13, "第三条", "旅游经营者应当诚信经营。", 2)),
    ("article", ArticleSide(14, "第四条", "民宿经营者应当依法向所在地公安机关办理登记。", 3)),
    ("article", ArticleSide(15, "第五条", "鼓励游客参与文明旅游志愿服务。", 4)),
    ("division", ("第三章　附则", 1)),
    ("article", ArticleSide(16, "第六条", "本条例自2028年7月1日起施行。", 5)),
]
LINKS = [Link(1, 11, "unchanged"), Link(3, 12), Link(4, 13), Link(4, 14), Link(5, 16)]


def _data(changed_only=False, **kw) -> ComparisonData:
    rows = arrange(OLD, NEW, LINKS, changed_only=changed_only)
    for row in rows:
        if [a.id for a in row.old] == [3]:
            row.adopted = [AdoptedComment("adopted", "东湖街道基层立法联系点", "景区秩序的含义不清楚。"),
                           AdoptedComment("adopted", "东湖街道基层立法联系点", "劝阻没有约束力。"),
                           AdoptedComment("partly_adopted", "网上征求意见", "建议由景区管理机构处理。")]
    return ComparisonData("清江市文明旅游促进条例（草案）", "征求意见稿", "二审稿", rows, changed_only=changed_only,
                          **kw)


def _build(data) -> bytes:
    out = io.BytesIO()
    build_comparison(data, out)
    return out.getvalue()


def _rows(data: bytes):
    """Each table row after the header: a heading string, or (old runs, new runs, note text)."""
    doc = Document(io.BytesIO(data))
    table = doc.element.body.find(f"{W}tbl")
    out = []
    for tr in table.findall(f"{W}tr")[1:]:
        cells = tr.findall(f"{W}tc")
        if len(cells) == 1:
            out.append("".join(t.text for t in cells[0].iter(f"{W}t")))
            continue

        def runs(tc):
            found = []
            for r in tc.iter(f"{W}r"):
                text = "".join(t.text for t in r.iter(f"{W}t"))
                mark = ("strike" if r.find(f"{W}rPr/{W}strike") is not None
                        else "underline" if r.find(f"{W}rPr/{W}u") is not None else "")
                found.append((text, mark))
            return found

        note = "\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in cells[2].findall(f"{W}p"))
        out.append((runs(cells[0]), runs(cells[1]), note))
    return out


def _text(runs) -> str:
    return "".join(t for t, _ in runs)


def _marked(runs, mark) -> list[str]:
    return [t for t, m in runs if m == mark]


def test_rows_follow_the_new_text_with_headings_and_deleted_articles_in_their_old_place():
    rows = _rows(_build(_data()))
    shape = [r if isinstance(r, str) else (_text(r[0])[:3], _text(r[1])[:3]) for r in rows]
    assert shape == ["第一章　总则", ("第一条", "第一条"), ("第二条", ""), "第二章　游客与经营者",
                     ("第三条", "第二条"), ("第四条", "第三条"), ("", "第五条"), "第三章　附则", ("第五条", "第六条")]


def test_header_row_repeats_and_the_table_is_landscape():
    doc = Document(io.BytesIO(_build(_data())))
    table = doc.tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == HEADERS
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    section = doc.sections[-1]
    assert section.page_width > section.page_height
    assert len(doc.sections) == 1


def test_deletions_are_struck_and_insertions_underlined():
    rows = _rows(_build(_data()))
    old, new, _ = rows[4]
    assert _marked(old, "strike") == ["劝阻"]
    assert _marked(new, "underline") == ["游览", "管理机构予以制止"]
    assert "游客违反前款规定的，由景区" in _text(old)
    # The date changes as whole numbers, not digit by digit.
    old, new, _ = rows[-1]
    assert _marked(old, "strike") == ["2027年1"] and _marked(new, "underline") == ["2028年7"]
    # An unchanged article has no marks; a deleted one is struck through whole, an added one underlined.
    assert not _marked(rows[1][0], "strike") and not _marked(rows[1][1], "underline")
    assert _marked(rows[2][0], "strike") == ["本市行政区域内的旅游活动，适用本条例。"]
    assert _marked(rows[6][1], "underline") == ["鼓励游客参与文明旅游志愿服务。"]


def test_a_split_article_shows_once_beside_both_new_articles():
    old, new, note = _rows(_build(_data()))[5]
    assert _text(old).count("第四条") == 1
    assert "第三条" in _text(new) and "第四条" in _text(new)
    assert _marked(new, "underline") == ["依法", "办理"]
    assert "将第四条拆分为第三条、第四条" in note


def test_the_note_lists_adopted_comments_by_source_with_counts():
    note = _rows(_build(_data()))[4][2]
    adopted, partly = DECISION.formal("adopted"), DECISION.formal("partly_adopted")
    assert "修改本条（原第三条）" in note
    assert f"相关意见 3 条（{adopted} 2 条、{partly} 1 条）" in note
    assert "东湖街道基层立法联系点 2 条" in note and "网上征求意见 1 条" in note
    assert "景区秩序的含义不清楚。" in note
    notes = [r[2] for r in _rows(_build(_data())) if not isinstance(r, str)]
    assert notes[1] == "删去本条。" and notes[4] == "新增本条。"


def test_changed_only_leaves_out_unchanged_rows_and_empty_headings():
    rows = _rows(_build(_data(changed_only=True)))
    headings = [r for r in rows if isinstance(r, str)]
    assert headings == ["第一章　总则", "第二章　游客与经营者", "第三章　附则"]  # 第一章 keeps the deleted 第二条
    assert all(_text(r[0])[:3] != "第一条" for r in rows if not isinstance(r, str))
    only_unchanged = [("division", ("第一章　总则", 1)), NEW[1]]
    rows = arrange(OLD[:1], only_unchanged, LINKS[:1], changed_only=True)
    assert rows == []


def test_a_merge_is_one_row_with_both_old_articles():
    old = [ArticleSide(1, "第一条", "游客应当文明旅游。", 0), ArticleSide(2, "第二条", "游客应当爱护环境。", 1)]
    new = [("article", ArticleSide(9, "第一条", "游客应当文明旅游，爱护环境。", 0))]
    rows = arrange(old, new, [Link(1, 9), Link(2, 9)])
    assert [(r.status, [a.label for a in r.old]) for r in rows] == [("merged", ["第一条", "第二条"])]
    old_blocks, new_blocks = rows[0].columns()
    assert [a.label for a, _ in old_blocks] == ["第一条", "第二条"]
    assert "".join(s.text for line in old_blocks[1][1] for s in line) == "游客应当爱护环境。"


def test_a_deleted_first_article_comes_first():
    old = [ArticleSide(1, "第一条", "删去的条文。", 0), ArticleSide(2, "第二条", "保留的条文。", 1)]
    new = [("division", ("第一章　总则", 1)), ("article", ArticleSide(9, "第一条", "保留的条文。", 0))]
    rows = arrange(old, new, [Link(2, 9, "unchanged")])
    assert [(r.kind, r.status) for r in rows] == [("division", ""), ("articles", "deleted"),
                                                  ("articles", "unchanged")]


def test_an_unconfirmed_lineage_is_said_so():
    text = "\n".join(p.text for p in Document(io.BytesIO(_build(_data(confirmed=False)))).paragraphs)
    assert "尚未经工作人员确认" in text
    assert "尚未经工作人员确认" not in "\n".join(
        p.text for p in Document(io.BytesIO(_build(_data()))).paragraphs)


def test_fonts_are_set_for_east_asian_text():
    doc = Document(io.BytesIO(_build(_data())))
    label_fonts = {r.get(f"{W}eastAsia") for r in doc.element.body.iter(f"{W}rFonts")}
    assert "黑体" in label_fonts
    styles = doc.styles.element
    assert not [a for f in styles.iter(f"{W}rFonts") for a in f.attrib if a.lower().endswith("theme")]


def test_rendered_by_libreoffice(tmp_path: Path):
    """The table renders to PDF; its text is all there, the page is landscape (look at page 1 yourself)."""
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    source = tmp_path / "comparison.docx"
    source.write_bytes(_build(_data()))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=240)
    pdf = tmp_path / "comparison.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr.decode(errors="replace")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    flat = "".join(text.split())
    for expected in ("修改对照表", "原条文", "修改后条文", "修改说明", "第二章游客与经营者", "管理机构予以制止",
                     "删去本条。", "东湖街道基层立法联系点2条"):
        assert expected in flat, expected
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, check=True).stdout.decode()
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").read_bytes().startswith(b"\x89PNG")


# ---- From the database: two readings of the sample draft, comments decided on the first ----------------

SECOND_READING = """清江市文明旅游促进条例（草案修改稿）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二章　游客与经营者
第二条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区游览秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区管理机构予以制止。
第三条　旅游经营者应当诚信经营。
民宿经营者应当依法向所在地公安机关办理登记。
第四条　鼓励游客参与文明旅游志愿服务，倡导绿色出行和低碳旅游。
第三章　附则
第五条　本条例自2028年7月1日起施行。
"""


@pytest.fixture
def two_readings(scenario, db):
    """The exports scenario's draft (comments on the first reading) plus a second reading."""
    from consult.drafts.services import import_draft

    import_draft(SECOND_READING.encode(), "second.txt", draft=scenario.draft, version_label="二审稿",
                 actor=scenario.staff)
    db.session.commit()
    return scenario


def test_comparison_data_from_two_readings(two_readings):
    from consult.exports.comparison_data import comparison_data

    data = comparison_data(two_readings.draft)
    assert (data.from_label, data.to_label) == ("草案", "二审稿")
    articles = [r for r in data.rows if r.kind == "articles"]
    by_old = {tuple(a.label for a in r.old): r for r in articles}
    assert by_old[("第二条",)].status == "deleted"
    assert by_old[("第三条",)].status == "modified" and by_old[("第三条",)].new[0].label == "第二条"
    assert by_old[()].new[0].label == "第四条"  # added
    # 第三条 of the first reading drew the item comment (adopted) and a plain one; only the adopted is listed.
    third = by_old[("第三条",)]
    assert third.comment_count == 2
    assert [c.decision_code for c in third.adopted] == ["adopted"]
    assert "东湖街道基层立法联系点" == third.adopted[0].source
    # 第一条: a letter, partly adopted, from the other point.
    assert [c.decision_code for c in by_old[("第一条",)].adopted] == ["partly_adopted"]
    # 第五条's comment was not adopted: not listed.
    assert by_old[("第五条",)].adopted == []
    # No personal data: no names or phone numbers in what the table prints.
    printed = repr([c for r in articles for c in r.adopted])
    assert "张三" not in printed and "13800001111" not in printed


def test_cli_writes_the_table(two_readings, runner, tmp_path):
    out = tmp_path / "对照表.docx"
    result = runner.invoke(args=["export", "comparison", str(two_readings.draft.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "草案 → 二审稿" in result.output
    rows = _rows(out.read_bytes())
    assert any(isinstance(r, tuple) and "劝阻" in _marked(r[0], "strike") for r in rows)
    changed = tmp_path / "changed.docx"
    result = runner.invoke(args=["export", "comparison", str(two_readings.draft.id), "--out", str(changed),
                                 "--from", "草案", "--to", "二审稿", "--changed-only"])
    assert result.exit_code == 0, result.output
    assert len(_rows(changed.read_bytes())) < len(rows)


@pytest.mark.parametrize("args, message", [
    (["--from", "三审稿"], "没有版本“三审稿”"),
    (["--to", "草案"], "第一个版本"),
    (["--from", "二审稿", "--to", "草案"], "请把较早的版本放在 --from"),
    (["--from", "草案", "--to", "草案"], "同一个版本"),
    (["--from", "999999"], "没有版本“999999”"),
])
def test_cli_bad_versions_fail_in_one_line_and_write_nothing(two_readings, runner, tmp_path, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "t.docx"
    result = runner.invoke(args=["export", "comparison", str(two_readings.draft.id), "--out", str(out), *args])
    assert result.exit_code != 0
    assert message in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert list(folder.iterdir()) == []


def test_cli_one_version_draft_and_other_bad_input(scenario, make_draft, runner, tmp_path, db):
    from consult.audit.models import AuditEvent

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    before = db.session.query(AuditEvent).count()
    cases = [
        ([str(scenario.draft.id), "--out", str(tmp_path / "a.docx")], "只有一个版本"),
        (["999", "--out", str(tmp_path / "b.docx")], "no draft with id 999"),
        ([str(scenario.draft.id), "--out", str(tmp_path / "c.pdf")], "--out must end in .docx"),
        ([str(scenario.draft.id), "--out", str(tmp_path / "missing" / "d.docx")], "folder not found"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["export", "comparison", *args])
        assert result.exit_code != 0 and message in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    other = make_draft()
    from consult.drafts.services import import_draft

    version = import_draft(SECOND_READING.encode(), "x.txt", draft=other, version_label="二审稿")
    import_draft(SECOND_READING.encode(), "y.txt", draft=scenario.draft, version_label="二审稿")
    db.session.commit()
    assert db.session.query(AuditEvent).count() > before
    before = db.session.query(AuditEvent).count()
    result = runner.invoke(args=["export", "comparison", str(scenario.draft.id), "--out",
                                 str(tmp_path / "e.docx"), "--to", str(version.id)])
    assert result.exit_code != 0 and "另一部草案" in result.output, result.output
    assert list(tmp_path.iterdir()) == []
    assert db.session.query(AuditEvent).count() == before
