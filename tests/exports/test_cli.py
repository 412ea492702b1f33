"""`consult export summary|feedback|sheet`: files written, and no file on bad input."""
from __future__ import annotations

import csv

import pytest

from consult.audit.models import AuditEvent

from .conftest import PHONE, comment_tables, decide_all, docx_text, xlsx_rows


def test_summary_command(runner, scenario, tmp_path, db):
    out = tmp_path / "summary.docx"
    result = runner.invoke(args=["export", "summary", str(scenario.draft.id), "--out", str(out), "--with-text"])
    assert result.exit_code == 0, result.output
    assert "11 rows" in result.output
    text = docx_text(str(out))
    assert "关于《清江市文明旅游促进条例（草案）》征求意见情况的汇总" in text
    assert "民宿经营者应当向所在地公安机关登记。" in text
    assert not (tmp_path / "summary.docx.part").exists()
    assert db.session.query(AuditEvent).filter_by(action="export.summary").count() == 1


def test_summary_command_with_filters_and_names(runner, scenario, tmp_path):
    out = tmp_path / "s.docx"
    result = runner.invoke(args=["export", "summary", str(scenario.draft.id), "--out", str(out),
                                 "--contact-point", "QJ-A-01", "--decision", "adopted", "--with-names"])
    assert result.exit_code == 0, result.output
    rows = comment_tables(str(out))
    assert len(rows) == 1 and rows[0][1]["提出人/单位"] == "张三"


@pytest.mark.parametrize("args, message", [
    (["summary", "999", "--out", "{out}"], "no draft with id 999"),
    (["summary", "{draft}", "--out", "{out}", "--contact-point", "NOPE"], "没有编码为 NOPE 的联系点"),
    (["summary", "{draft}", "--out", "{out}", "--date-from", "yesterday"], "日期格式"),
    (["summary", "{draft}", "--out", "{out}", "--decision", "maybe"], "未知的采纳情况"),
    (["feedback", "{draft}", "--out", "{out}", "--contact-point", "NOPE"], "没有编码为 NOPE 的联系点"),
    (["feedback", "{draft}", "--out", "{out}", "--commenter-receipt", "NOPE"], "没有回执编号为 NOPE 的意见"),
    (["feedback", "{draft}", "--out", "{out}"], "choose one of"),
    (["feedback", "999", "--out", "{out}", "--contact-point", "QJ-A-01"], "no draft with id 999"),
    (["sheet", "{draft}", "--out", "{out}.ods"], "--out must end in .xlsx or .csv"),
    (["sheet", "999", "--out", "{out}.xlsx"], "no draft with id 999"),
    (["summary", "{draft}", "--out", "{dir}/summary.pdf"], "--out must end in .docx (got summary.pdf)"),
    (["summary", "{draft}", "--out", "{dir}/summary.xlsx"], "--out must end in .docx"),
    (["feedback", "{draft}", "--out", "{dir}/letter.zip", "--contact-point", "QJ-B-02"],
     "--out must end in .docx"),
    (["feedback", "{draft}", "--out", "{dir}/letters.docx", "--all-contact-points"],
     "must be a folder or end in .zip"),
    (["feedback", "{draft}", "--out", "{out}", "--contact-point", "QJ-B-02"], "尚未作出采纳决定"),
    (["feedback", "{draft}", "--out", "{dir}/all.zip", "--all-contact-points"], "还有 9 条意见尚未作出采纳决定"),
    (["sheet", "{draft}", "--out", "{dir}/comments.docx"], "--out must end in .xlsx or .csv"),
    (["summary", "{draft}", "--out", "{out}", "--channel", "pigeon"], "未知的渠道"),
])
def test_bad_input_exits_non_zero_with_one_line_and_no_file(runner, scenario, tmp_path, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.docx"
    args = [a.format(out=out, draft=scenario.draft.id, dir=folder) for a in args]
    result = runner.invoke(args=["export", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert len([line for line in result.output.strip().splitlines() if line.strip()]) == 1
    assert list(folder.iterdir()) == []


def test_feedback_command_for_a_contact_point(runner, scenario, tmp_path, db, app):
    app.config["ISSUING_BODY"] = "清江市人大常委会法制工作委员会"
    decide_all(scenario, db)
    out = tmp_path / "letter.docx"
    result = runner.invoke(args=["export", "feedback", str(scenario.draft.id), "--contact-point", "QJ-B-02",
                                 "--doc-number", "清法工函〔2027〕3号", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = docx_text(str(out))
    assert text[:4] == ["清江市人大常委会法制工作委员会", "清法工函〔2027〕3号", "意见反馈函", "西山镇基层立法联系点："]


def test_feedback_command_draft_letter_while_undecided(runner, scenario, tmp_path):
    out = tmp_path / "letter.docx"
    result = runner.invoke(args=["export", "feedback", str(scenario.draft.id), "--contact-point", "QJ-B-02",
                                 "--draft-letter", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(docx_text(str(out)))
    assert "意见反馈函（征求意见稿）" in text and "尚未答复" in text and "未处理" not in text


def test_feedback_command_for_a_commenter(runner, scenario, tmp_path):
    out = tmp_path / "letter.docx"
    code = scenario.comments["a3_item2"].receipt_code
    result = runner.invoke(args=["export", "feedback", str(scenario.draft.id), "--commenter-receipt", code,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(docx_text(str(out)))
    assert "张三：" in text and code in text and PHONE not in text


def test_feedback_command_for_all_contact_points(runner, scenario, tmp_path, db):
    decide_all(scenario, db)
    archive = tmp_path / "letters.zip"
    result = runner.invoke(args=["export", "feedback", str(scenario.draft.id), "--all-contact-points",
                                 "--out", str(archive)])
    assert result.exit_code == 0 and "(2 letters)" in result.output, result.output
    folder = tmp_path / "letters"
    result = runner.invoke(args=["export", "feedback", str(scenario.draft.id), "--all-contact-points",
                                 "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "意见反馈函_QJ-A-01_东湖街道基层立法联系点.docx", "意见反馈函_QJ-B-02_西山镇基层立法联系点.docx"]


def test_sheet_command_xlsx_and_csv(runner, scenario, tmp_path):
    xlsx, csv_path = tmp_path / "c.xlsx", tmp_path / "c.csv"
    for path in (xlsx, csv_path):
        result = runner.invoke(args=["export", "sheet", str(scenario.draft.id), "--out", str(path),
                                     "--channel", "letter"])
        assert result.exit_code == 0, result.output
        assert "(2 comments)" in result.output
    rows = xlsx_rows(xlsx)
    assert len(rows) == 3
    with open(csv_path, encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 3
