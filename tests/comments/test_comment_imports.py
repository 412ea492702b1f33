"""Spreadsheet import: formats, headers, per-row errors with row and column, all-or-nothing, bad files."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from consult.comments.imports import (
    TEMPLATE_HEADER, ImportRejected, comment_template, format_error, import_comments_file)
from consult.comments.models import Comment, CommentImport
from consult.contact_points.models import Meeting

ROOT = Path(__file__).resolve().parents[2]
# Columns may come in any order: the consent columns are last here, so most rows leave them blank.
HEADER = ["条款", "意见", "理由", "建议修改为", "提出人", "类别", "联系方式", "联系点", "渠道", "日期", "希望反馈",
          "同意保存联系方式"]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    """A CSV file with `header` and `rows`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    """An .xlsx workbook with `header` and `rows` on its first sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD_ROWS = [
    ["3", "景区秩序要有人维护", "人多", "", "王五", "居民", "13900002222", "QJ-T-01", "meeting", "2026-11-18", "是", "是"],
    ["第四条第二款", "民宿登记要简化", "", "民宿经营者应当在开业后三十日内登记。", "", "个体工商户", "", "QJ-T-01",
     "座谈会", "2026/11/19"],
    ["总体", "条例很好", "", "", "清江市旅游协会", "社会组织", "", "", "letter", "2026年11月20日"],
]


def rejected(**kwargs) -> list[dict]:
    """The errors of an import that must be refused."""
    with pytest.raises(ImportRejected) as excinfo:
        import_comments_file(**kwargs)
    return excinfo.value.errors


# --- good files -------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding(db, draft, point, encoding, count):
    result = import_comments_file(csv_bytes(GOOD_ROWS, encoding=encoding), "会议记录.csv", draft=draft)
    db.session.commit()
    assert result["created"] == 3 and count(Comment) == 3
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    first, second, third = comments
    assert first.article.number == 3 and first.anchor_kind == "article"
    assert second.anchor_kind == "paragraph" and second.paragraph_no == 2 and second.channel == "meeting"
    assert third.anchor_kind == "general" and third.channel == "letter" and third.is_organisation
    assert [c.submitted_on for c in comments] == [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]
    assert all(c.import_id == result["import_id"] and c.moderation_state == "internal" for c in comments)
    assert all(c.created_at is not None and c.updated_at is not None for c in comments)
    assert all(c.version_id == draft.current_version.id and c.receipt_code for c in comments)
    assert first.contact_point_id == point.id and third.contact_point_id is None
    assert first.commenter_contact == "13900002222" and first.wants_feedback
    assert second.proposed_text == "民宿经营者应当在开业后三十日内登记。"
    batch = db.session.get(CommentImport, result["import_id"])
    assert batch.row_count == 3 and batch.filename == "会议记录.csv" and len(batch.file_hash) == 64


def test_xlsx_with_english_headers_in_any_order(db, draft, point, count):
    header = ["date", "channel", "body", "article", "contact_point", "commenter_name"]
    rows = [[datetime(2026, 11, 18, 9, 30), "meeting", "第二条适用范围要写清楚", 2, "QJ-T-01", "赵六"],
            [date(2026, 11, 19), "email", "第三项要具体", "3.1.3", None, None],
            [None, None, None, None, None, None]]  # a blank row is ignored
    result = import_comments_file(xlsx_bytes(rows, header), "comments.xlsx", draft=draft)
    db.session.commit()
    assert result["created"] == 2
    first, second = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert first.article.number == 2 and first.submitted_on == date(2026, 11, 18)
    assert first.contact_point_id == point.id
    assert second.item_no == 3 and second.channel == "email"


def test_default_contact_point_and_meeting_give_provenance(db, draft, point, facilitator, meeting):
    rows = [["3", "会上的意见", "", "", "", "", "", "", "", ""]]
    result = import_comments_file(csv_bytes(rows), "m.csv", draft=draft, meeting=meeting, actor=facilitator)
    db.session.commit()
    comment = db.session.scalar(select(Comment))
    assert result["created"] == 1
    assert comment.meeting_id == meeting.id and comment.contact_point_id == point.id
    assert comment.submitted_on == meeting.held_on and comment.created_by_id == facilitator.id


def test_demo_groups_meetings_and_publishes_online_rows(db, draft, point, other_point):
    rows = [["3", "一", "", "", "", "", "", "QJ-T-01", "meeting", "2026-11-18"],
            ["3", "二", "", "", "", "", "", "QJ-T-01", "meeting", "2026-11-18"],
            ["3", "三", "", "", "", "", "", "QJ-T-02", "meeting", "2026-11-18"],
            ["3", "四", "", "", "", "", "", "QJ-T-01", "meeting", "2026-11-19"],
            ["3", "五", "", "", "", "", "", "", "online", "2026-11-19"]]
    import_comments_file(csv_bytes(rows), "demo.csv", draft=draft, demo=True)
    db.session.commit()
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
    assert [(m.contact_point.code, m.held_on.day, len(m.comments)) for m in meetings] == [
        ("QJ-T-01", 18, 2), ("QJ-T-02", 18, 1), ("QJ-T-01", 19, 1)]
    online = db.session.scalar(select(Comment).where(Comment.channel == "online"))
    assert online.moderation_state == "published"


# --- headers ----------------------------------------------------------------------------------------

def test_unknown_columns_are_listed(db, draft, count):
    errors = rejected(data=csv_bytes([["3", "意见", "x", "y"]], ["条款", "意见", "备注", "心情"]), filename="a.csv",
                      draft=draft)
    assert errors[0]["row"] == 1 and "未知的列：备注、心情" in errors[0]["message"]
    assert count(Comment) == 0


@pytest.mark.parametrize("header, missing", [(["意见", "理由"], "条款"), (["条款", "理由"], "意见"),
                                             (["理由"], "条款、意见")])
def test_missing_required_columns(db, draft, header, missing):
    errors = rejected(data=csv_bytes([["x"] * len(header)], header), filename="a.csv", draft=draft)
    assert any(f"缺少必需的列：{missing}" in e["message"] for e in errors)


def test_repeated_column_refused(db, draft):
    errors = rejected(data=csv_bytes([["3", "a", "b"]], ["条款", "意见", "body"]), filename="a.csv", draft=draft)
    assert "重复的列" in errors[0]["message"]


# --- bad rows: every error with row and column, nothing saved ----------------------------------------

def test_every_bad_row_reported_with_row_and_column_and_nothing_saved(db, draft, point, count):
    rows = [GOOD_ROWS[0],
            ["99", "意见", "", "", "", "", "", "", "", ""],                     # row 3: unknown article
            ["3", "   ", "", "", "", "", "", "", "", ""],                       # row 4: empty comment
            ["3", "意见", "", "", "", "", "", "", "", "2026-13-45"],             # row 5: bad date
            ["3", "意见", "", "", "", "", "", "QJ-NOPE", "", ""],                # row 6: unknown point
            ["3", "意见", "", "", "", "", "", "", "pigeon", ""],                 # row 7: bad channel
            ["3.9", "意见", "", "", "", "外星人", "", "", "", "yesterday"]]      # row 8: three errors
    before = count(Comment)
    errors = rejected(data=csv_bytes(rows), filename="bad.csv", draft=draft)
    found = {(e["row"], e["column"]) for e in errors}
    assert found == {(3, "条款"), (4, "意见"), (5, "日期"), (6, "联系点"), (7, "渠道"), (8, "条款"), (8, "类别"),
                     (8, "日期")}
    messages = {(e["row"], e["column"]): e["message"] for e in errors}
    assert messages[(3, "条款")] == "草案中没有第九十九条。"
    assert "QJ-NOPE" in messages[(6, "联系点")] and "pigeon" in messages[(7, "渠道")]
    assert format_error(errors[0]) == "row 3, 条款: 草案中没有第九十九条。"
    assert count(Comment) == before and count(CommentImport) == 0


def test_column_named_as_written_in_the_file(db, draft):
    errors = rejected(data=csv_bytes([["99", "x"]], ["article", "body"]), filename="a.csv", draft=draft)
    assert (errors[0]["row"], errors[0]["column"]) == (2, "article")


def test_facilitator_cannot_import_for_another_point(db, draft, point, other_point, facilitator, count):
    rows = [["3", "本点意见", "", "", "", "", "", "QJ-T-01", "", ""],
            ["3", "别的点", "", "", "", "", "", "QJ-T-02", "", ""],
            ["3", "没写联系点", "", "", "", "", "", "", "", ""]]
    errors = rejected(data=csv_bytes(rows), filename="a.csv", draft=draft, actor=facilitator)
    assert [(e["row"], e["column"]) for e in errors] == [(3, "联系点"), (4, "联系点")]
    assert "不是联系点 QJ-T-02 的联络员" in errors[0]["message"]
    assert count(Comment) == 0
    errors = rejected(data=csv_bytes(rows[:1]), filename="b.csv", draft=draft, contact_point=other_point,
                      actor=facilitator)
    assert errors[0]["row"] == 0 and "权限" in errors[0]["message"]


def test_citizen_cannot_import(db, draft, make_user):
    errors = rejected(data=csv_bytes(GOOD_ROWS), filename="a.csv", draft=draft, actor=make_user("citizen"))
    assert "权限" in errors[0]["message"]


def test_meeting_of_another_draft_refused(db, make_draft, point, meeting):
    other = make_draft(title="另一部草案")
    errors = rejected(data=csv_bytes(GOOD_ROWS[:1]), filename="a.csv", draft=other, meeting=meeting)
    assert "不是关于这部草案" in errors[0]["message"]


def test_closed_draft_refuses_import(db, draft, point, close_window, count):
    close_window(draft)
    errors = rejected(data=csv_bytes(GOOD_ROWS), filename="a.csv", draft=draft)
    assert "已截止" in errors[0]["message"] and count(Comment) == 0


def test_same_file_twice_is_refused(db, draft, point, count):
    data = csv_bytes(GOOD_ROWS)
    import_comments_file(data, "a.csv", draft=draft)
    db.session.commit()
    errors = rejected(data=data, filename="renamed.csv", draft=draft)
    assert "已经导入过" in errors[0]["message"] and "a.csv" in errors[0]["message"]
    assert count(Comment) == 3


def test_header_only_file_refused(db, draft):
    errors = rejected(data=csv_bytes([]), filename="a.csv", draft=draft)
    assert "没有意见" in errors[0]["message"]


# --- bad files ----------------------------------------------------------------------------------------

def zip_bomb() -> bytes:
    """A small .xlsx-shaped zip declaring 30 MB of zeros (ratio ≈ 1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("make_data, filename, message", [
    (zip_bomb, "bomb.xlsx", "压缩炸弹"),
    (lambda: b"this is not a zip at all" * 10, "broken.xlsx", "文件已损坏"),
    (lambda: xlsx_bytes([GOOD_ROWS[0]])[:-200], "truncated.xlsx", "文件已损坏"),
    (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "photo.csv", "不是文本格式"),
    (lambda: xlsx_bytes([GOOD_ROWS[0]]), "renamed.csv", "扩展名改回 .xlsx"),
    (lambda: b"a,b\n1,2\n", "comments.xls", "不支持的文件类型：.xls"),
    (lambda: b"a,b\n1,2\n", "comments.txt", "不支持的文件类型：.txt"),
    (lambda: b"", "empty.csv", "文件是空的"),
    (lambda: b"\n\n", "blank.csv", "没有任何内容"),
])
def test_bad_files_get_a_clear_message(db, draft, count, make_data, filename, message):
    errors = rejected(data=make_data(), filename=filename, draft=draft)
    assert len(errors) == 1 and errors[0]["row"] == 0
    assert message in errors[0]["message"]
    assert count(Comment) == 0 and count(CommentImport) == 0


def test_zip_without_workbook_refused(db, draft):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    errors = rejected(data=out.getvalue(), filename="a.xlsx", draft=draft)
    assert "不是有效的 .xlsx" in errors[0]["message"]


def test_more_than_10000_rows_refused(db, draft, count):
    rows = [["3", f"意见{i}"] for i in range(10_001)]
    errors = rejected(data=csv_bytes(rows, ["条款", "意见"]), filename="big.csv", draft=draft)
    assert "10000" in errors[0]["message"]
    assert count(Comment) == 0


class TestFullSheet:
    """A sheet at the row limit; indexing is left to the external worker so the test measures the import."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "SEARCH_INDEXING": "external"}

    def test_exactly_10000_rows_accepted(self, db, draft, count):
        rows = [["3", f"意见{i}"] for i in range(10_000)] + [["", ""]] * 3
        result = import_comments_file(csv_bytes(rows, ["条款", "意见"]), "big.csv", draft=draft)
        db.session.commit()
        assert result["created"] == 10_000 and count(Comment) == 10_000
        assert len(set(db.session.scalars(select(Comment.receipt_code)))) == 10_000
        from consult.outbox import SearchOutbox
        # every comment is queued for the index (duplicate detection after the import may queue some again)
        assert len(set(db.session.scalars(
            select(SearchOutbox.entity_id).where(SearchOutbox.entity == "comment")))) == 10_000


# --- template and the real sample data ------------------------------------------------------------------

@pytest.fixture
def tourism_draft(db, make_draft, make_contact_point):
    """The real sample draft and contact points shipped in drafts/."""
    from consult.contact_points.imports import import_contact_points

    import_contact_points((ROOT / "drafts" / "contact_points.csv").read_text("utf-8"))
    return make_draft((ROOT / "drafts" / "tourism_promotion_draft.txt").read_text("utf-8"),
                      filename="tourism_promotion_draft.txt")


def test_real_sample_comments_import_cleanly(db, tourism_draft, count):
    data = (ROOT / "drafts" / "sample_comments.csv").read_bytes()
    expected = sum(1 for row in csv.reader(io.StringIO(data.decode("utf-8"))) if any(row)) - 1
    result = import_comments_file(data, "sample_comments.csv", draft=tourism_draft, demo=True)
    db.session.commit()
    assert result["created"] == expected == count(Comment)
    assert count(Meeting) > 0
    published = count(Comment, Comment.moderation_state == "published")
    assert published == count(Comment, Comment.channel == "online")
    assert count(Comment, Comment.article_id.is_(None), Comment.anchor_kind.in_(("article", "paragraph",
                                                                                 "item"))) == 0


def test_csv_template_examples_are_refused_not_imported(db, tourism_draft, count):
    data = comment_template("csv")
    assert data.startswith("\ufeff条款,意见".encode("utf-8"))
    errors = rejected(data=data, filename="template.csv", draft=tourism_draft)
    assert [(e["row"], e["column"]) for e in errors] == [(2, "意见"), (3, "意见")]
    assert all("模板中的示例行" in e["message"] for e in errors)
    assert count(Comment) == 0


def test_xlsx_template_keeps_examples_on_their_own_sheet(db, tourism_draft, count):
    workbook = openpyxl.load_workbook(io.BytesIO(comment_template("xlsx")), read_only=True)
    assert workbook.sheetnames == ["意见", "示例", "填写说明"]
    rows = list(workbook["意见"].iter_rows(values_only=True))
    assert rows == [tuple(TEMPLATE_HEADER)]
    examples = list(workbook["示例"].iter_rows(values_only=True))
    assert len(examples) == 3 and {row[TEMPLATE_HEADER.index("渠道")] for row in examples[1:]} == {"座谈会", "来信"}
    errors = rejected(data=comment_template("xlsx"), filename="template.xlsx", draft=tourism_draft)
    assert "只有表头" in errors[0]["message"] and count(Comment) == 0
    with pytest.raises(ValueError):
        comment_template("ods")
