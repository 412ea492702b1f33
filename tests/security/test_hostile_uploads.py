"""Every upload path, web and command line, against hostile files: a clear message and no row changed.

Paths: draft upload (/drafts/upload, `consult drafts parse`, `consult drafts import`), comment spreadsheets
(/intake/import, `consult comments import`), contact points (/admin/contact-points, `consult contact-points
import`).
"""
from __future__ import annotations

import io
import re
import time

import pytest

from tests.security import hostile

ZH = {"Accept-Language": "zh-CN"}

# (name, bytes, filename, words the message must contain)
DRAFT_FILES = [
    ("zip-bomb", lambda: hostile.zip_bomb("word/document.xml"), "炸弹.docx", "zip 炸弹"),
    ("xxe", lambda: hostile.docx_with_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", hostile.XXE),
     "xxe.docx", "DTD"),
    ("billion-laughs", lambda: hostile.docx_with_body("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>",
                                                      hostile.BILLION_LAUGHS), "lol.docx", "DTD"),
    ("macro-renamed", hostile.macro_docx, "宏.docx", "含有宏"),
    ("docm", hostile.plain_docx, "宏.docm", "启用宏"),
    ("binary-txt", lambda: hostile.BINARY, "二进制.txt", "二进制"),
    ("control-txt", lambda: (hostile.CONTROL * 50).encode(), "控制符.txt", "二进制"),
    ("utf32-txt", lambda: "第一条 为了规范民宿经营。\n".encode("utf-32"), "utf32.txt", "二进制"),
    ("old-doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "旧版.docx", "另存为 .docx"),
    ("png-as-docx", lambda: hostile.PNG, "图片.docx", "zip 损坏"),
    ("empty", lambda: b"", "空.txt", "空"),
]

COMMENT_FILES = [
    ("zip-bomb", lambda: hostile.zip_bomb("xl/worksheets/sheet1.xml", 30 * 1024 * 1024, hostile.XLSX_TYPES),
     "bomb.xlsx", "压缩炸弹"),
    ("xxe", lambda: hostile.xlsx_with_sheet(
        hostile.inline_row(1, "条款", "意见") + hostile.inline_row(2, "1", "&xxe;"), hostile.XXE),
     "xxe.xlsx", None),
    ("billion-laughs", lambda: hostile.xlsx_with_sheet(
        hostile.inline_row(1, "条款", "意见") + hostile.inline_row(2, "1", "&lol9;"), hostile.BILLION_LAUGHS),
     "lol.xlsx", None),
    ("binary-csv", lambda: hostile.PNG, "photo.csv", "不是文本格式"),
    ("control-csv", lambda: ("条款,意见\n1," + hostile.CONTROL * 40 + "\n").encode(), "ctl.csv", None),
    # 300 KB: under the test client's 500 KB spooling threshold (its temporary file would outlive the test)
    ("huge-cell", lambda: ("条款,意见\n1," + "长" * 100_000 + "\n").encode(), "huge.csv", None),
    ("not-a-zip", lambda: b"this is not a zip" * 20, "broken.xlsx", "文件已损坏"),
    ("empty", lambda: b"", "empty.csv", "文件是空的"),
]

POINT_FILES = [
    ("binary", lambda: hostile.BINARY, "points.csv", "字符编码"),
    ("xlsx-as-csv", lambda: hostile.zip_bomb("xl/workbook.xml", 1024, hostile.XLSX_TYPES), "points.csv",
     "Excel"),
    ("control", lambda: ("code,name\n" + hostile.CONTROL * 40 + ",名称\n").encode(), "points.csv", None),
    ("no-header", lambda: "\n\n".encode(), "points.csv", None),
    ("empty", lambda: b"", "points.csv", "空"),
    ("huge-field", lambda: ("code,name\nQJ-X-1," + "名" * 100_000 + "\n").encode(), "points.csv",
     "超过 200 个字符"),
]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_refused(response, words, before, after):
    """The page says why (in Chinese, no traceback), answers 4xx, and no table changed."""
    text = visible(response.get_data(as_text=True))
    assert 400 <= response.status_code < 500, response.status_code
    assert "Traceback" not in text
    if words:
        assert words in text
    assert after == before


# --- drafts -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, make, filename, words", DRAFT_FILES, ids=[c[0] for c in DRAFT_FILES])
def test_draft_upload_web_refuses(client, auth, staff, snapshot, name, make, filename, words):
    auth.login(staff)
    before = snapshot()
    response = client.post("/drafts/upload", content_type="multipart/form-data", headers=ZH,
                           data={"draft_id": "0", "file": (io.BytesIO(make()), filename)})
    assert_refused(response, words, before, snapshot())


@pytest.mark.parametrize("command", ["parse", "import"])
@pytest.mark.parametrize("name, make, filename, words", DRAFT_FILES, ids=[c[0] for c in DRAFT_FILES])
def test_draft_cli_refuses(runner, db, tmp_path, snapshot, command, name, make, filename, words):
    path = tmp_path / filename
    path.write_bytes(make())
    before = snapshot()
    result = runner.invoke(args=["drafts", command, str(path)])
    assert result.exit_code != 0
    assert words in result.output and "Traceback" not in result.output
    assert snapshot() == before


def test_draft_upload_over_the_size_limit_is_refused_in_chinese(app, client, auth, staff, snapshot):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    auth.login(staff)
    before = snapshot()
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
            + b"x" * (2 * 1024 * 1024) + b"\r\n--b--\r\n")  # raw bytes: no spooled file left behind
    response = client.post("/drafts/upload", content_type="multipart/form-data; boundary=b", headers=ZH,
                           data=body)
    assert response.status_code == 413 and "上传的文件过大" in response.get_data(as_text=True)
    assert snapshot() == before


def test_huge_draft_file_refused_by_the_cli(runner, db, tmp_path, snapshot):
    path = tmp_path / "big.txt"
    path.write_bytes(("第一条 " + "字" * 100 + "\n").encode() * 80_000)  # ~24 MB
    before = snapshot()
    result = runner.invoke(args=["drafts", "import", str(path)])
    assert result.exit_code != 0 and "文件过大" in result.output
    assert snapshot() == before


# --- comment spreadsheets -----------------------------------------------------------------------------------

def _post_comments(client, draft, point, data: bytes, filename: str):
    return client.post("/intake/import", content_type="multipart/form-data", headers=ZH, data={
        "draft_id": str(draft.id), "contact_point_id": str(point.id), "meeting_id": "0",
        "file": (io.BytesIO(data), filename)})


@pytest.mark.parametrize("name, make, filename, words", COMMENT_FILES, ids=[c[0] for c in COMMENT_FILES])
def test_comment_import_web_refuses(client, auth, facilitator, draft, point, snapshot, name, make, filename,
                                    words):
    auth.login(facilitator)
    before = snapshot()
    response = _post_comments(client, draft, point, make(), filename)
    assert_refused(response, words, before, snapshot())


@pytest.mark.parametrize("name, make, filename, words", COMMENT_FILES, ids=[c[0] for c in COMMENT_FILES])
def test_comment_import_cli_refuses(runner, draft, point, tmp_path, snapshot, name, make, filename, words):
    path = tmp_path / filename
    path.write_bytes(make())
    before = snapshot()
    result = runner.invoke(args=["comments", "import", str(path), "--draft", str(draft.id),
                                 "--contact-point", point.code])
    assert result.exit_code != 0 and "Traceback" not in result.output
    if words:
        assert words in result.output
    assert snapshot() == before


def test_blank_row_bomb_is_refused_quickly(runner, draft, point, tmp_path, snapshot):
    """Issue 9 #8 (intake engineer): work bounded by rows of any kind, not only filled ones."""
    path = tmp_path / "blank.xlsx"
    path.write_bytes(hostile.blank_row_bomb())
    before = snapshot()
    started = time.perf_counter()
    result = runner.invoke(args=["comments", "import", str(path), "--draft", str(draft.id),
                                 "--contact-point", point.code])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert time.perf_counter() - started < 10
    assert snapshot() == before


def test_big5_csv_is_read_or_refused_never_garbage(runner, db, draft, point, tmp_path):
    """Issue 9 #11 (intake engineer): a Big5 CSV is decoded as the draft reader does, or refused."""
    from sqlalchemy import select

    from consult.comments.models import Comment

    path = tmp_path / "big5.csv"
    path.write_bytes("article,body\n1,建議增加停車位，方便遊客。\n".encode("big5"))
    result = runner.invoke(args=["comments", "import", str(path), "--draft", str(draft.id),
                                 "--contact-point", point.code])
    bodies = list(db.session.scalars(select(Comment.body)))
    if result.exit_code == 0:
        assert bodies and all("停車位" in body or "停车位" in body for body in bodies)
    else:
        assert bodies == [] and "编码" in result.output


def test_macro_workbook_keeps_nothing_but_cell_text(runner, db, draft, point, tmp_path):
    """A workbook with a VBA project: only cell values are read; no file bytes are ever stored."""
    from consult.comments.models import Comment, CommentImport

    path = tmp_path / "macro.xlsx"
    path.write_bytes(hostile.macro_xlsx())
    result = runner.invoke(args=["comments", "import", str(path), "--draft", str(draft.id),
                                 "--contact-point", point.code])
    stored_columns = {c.name for c in CommentImport.__table__.columns}
    assert stored_columns <= {"id", "draft_id", "file_hash", "filename", "row_count", "created_by_id",
                              "created_at"}
    if result.exit_code == 0:
        assert [c.body for c in db.session.query(Comment)] == ["意见"]


# --- contact points -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, make, filename, words", POINT_FILES, ids=[c[0] for c in POINT_FILES])
def test_contact_point_import_web_refuses(client, auth, admin, snapshot, name, make, filename, words):
    auth.login(admin)
    before = snapshot()
    response = client.post("/admin/contact-points", content_type="multipart/form-data", headers=ZH,
                           data={"file": (io.BytesIO(make()), filename)})
    assert_refused(response, words, before, snapshot())


@pytest.mark.parametrize("name, make, filename, words", POINT_FILES, ids=[c[0] for c in POINT_FILES])
def test_contact_point_import_cli_refuses(runner, db, tmp_path, snapshot, name, make, filename, words):
    path = tmp_path / filename
    path.write_bytes(make())
    before = snapshot()
    result = runner.invoke(args=["contact-points", "import", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    if words:
        assert words in result.output
    assert snapshot() == before
