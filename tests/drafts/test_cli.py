"""`consult drafts parse|import`, `consult users create`, `consult contact-points import`, `consult demo`."""
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.contact_points.models import ContactPoint
from consult.config import PROJECT_ROOT
from consult.drafts.models import Article, Draft, DraftVersion
from tests.conftest import SMALL_DRAFT

SAMPLES = PROJECT_ROOT / "drafts"


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def small_txt(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(SMALL_DRAFT, encoding="utf-8")
    return path


def test_parse_json_contract(runner, small_txt, db):
    result = runner.invoke(args=["drafts", "parse", str(small_txt), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"title", "version_label", "preamble", "toc", "divisions", "articles", "trailing",
                         "warnings"}
    assert data["title"].startswith("清江市文明旅游促进条例")
    assert data["version_label"] == "草案"
    assert [a["number"] for a in data["articles"]] == [1, 2, 3, 4, 5]
    third = data["articles"][2]
    assert third["label"] == "第三条"
    assert third["paragraphs"][0].startswith("游客应当遵守下列规定：\n（一）爱护旅游资源；")
    assert third["paragraphs"][1] == "游客违反前款规定的，由景区劝阻。"
    assert data["divisions"][third["division"]]["label"] == "第二章"
    assert count(db, Draft) == 0  # parse never saves


def test_parse_sample_docx_and_txt_agree(runner):
    outputs = []
    for name in ("tourism_promotion_draft.txt", "tourism_promotion_draft.docx"):
        result = runner.invoke(args=["drafts", "parse", str(SAMPLES / name), "--json"])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    txt, docx = outputs
    assert len(txt["articles"]) == 53
    assert [a["paragraphs"] for a in txt["articles"]] == [a["paragraphs"] for a in docx["articles"]]
    assert [d["label"] for d in txt["divisions"]] == [d["label"] for d in docx["divisions"]]
    assert txt["warnings"] == [] and docx["warnings"] == []


def test_import_creates_draft_then_new_version(runner, small_txt, db, tmp_path):
    result = runner.invoke(args=["drafts", "import", str(small_txt), "--version-label", "一审稿", "--json"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.output)
    assert first["articles"] == 5 and first["label"] == "一审稿"
    changed = tmp_path / "draft2.txt"
    changed.write_text(SMALL_DRAFT.replace("第五条", "第六条　新增一条。\n第七条"), encoding="utf-8")
    result = runner.invoke(args=["drafts", "import", str(changed), "--draft", str(first["draft_id"]),
                                 "--version-label", "二审稿", "--json"])
    assert result.exit_code == 0, result.output
    second = json.loads(result.output)
    assert second["draft_id"] == first["draft_id"]
    draft = db.session.get(Draft, first["draft_id"])
    assert [v.label for v in draft.versions] == ["一审稿", "二审稿"]
    assert draft.current_version.label == "二审稿"
    assert count(db, DraftVersion) == 2


def test_import_same_file_twice_as_version_is_refused(runner, small_txt, db):
    first = json.loads(runner.invoke(args=["drafts", "import", str(small_txt), "--json"]).output)
    result = runner.invoke(args=["drafts", "import", str(small_txt), "--draft", str(first["draft_id"])])
    assert result.exit_code != 0
    assert "相同" in result.output
    assert count(db, DraftVersion) == 1


def _zip_bomb(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    path.write_bytes(buffer.getvalue())


BAD_FILES = {
    "missing": None,
    "corrupt.docx": b"PK\x03\x04 this is not really a zip archive",
    "binary.txt": bytes(range(256)) * 20,
    "draft.pdf": b"%PDF-1.4 fake",
    "empty.txt": b"",
    "noarticles.txt": "只是一段没有条文的文字。\n".encode("utf-8"),
}


@pytest.mark.parametrize("name", [*BAD_FILES, "bomb.docx"])
@pytest.mark.parametrize("command", ["parse", "import"])
def test_bad_input_exits_nonzero_with_one_line_and_writes_nothing(runner, db, tmp_path, name, command):
    path = tmp_path / name
    if name == "bomb.docx":
        _zip_bomb(path)
    elif BAD_FILES[name] is not None:
        path.write_bytes(BAD_FILES[name])
    result = runner.invoke(args=["drafts", command, str(path)])
    assert result.exit_code != 0
    message = result.output.strip()
    assert message.startswith("Error:") and len(message.splitlines()) == 1, message
    assert "Traceback" not in result.output
    assert count(db, Draft) == 0 and count(db, Article) == 0


def test_import_unknown_draft_id(runner, small_txt, db):
    result = runner.invoke(args=["drafts", "import", str(small_txt), "--draft", "999"])
    assert result.exit_code != 0 and "999" in result.output
    assert count(db, Draft) == 0


def test_users_create_and_contact_points_import(runner, db, tmp_path):
    csv_path = tmp_path / "points.csv"
    csv_path.write_text("code,name,district,kind\nQJ-A-01,甲街道联系点,甲区,legislative_contact_point\n"
                        "QJ-A-02,乙站,甲区,deputy_station\n", encoding="utf-8")
    result = runner.invoke(args=["contact-points", "import", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert count(db, ContactPoint) == 2
    result = runner.invoke(args=["users", "create", "zhao", "--role", "facilitator", "--password", "secret-123",
                                 "--contact-point", "QJ-A-01"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "zhao"))
    assert user.role == "facilitator" and [cp.code for cp in user.contact_points] == ["QJ-A-01"]
    assert user.check_password("secret-123") and user.password_hash != "secret-123"


@pytest.mark.parametrize("content, fragment", [
    ("code,name,colour\nX,Y,red\n", "colour"),
    ("code,name\n,无编码\n", "code"),
    ("code,name,kind\nX,Y,castle\n", "castle"),
    ("code,name\nX,Y\nX,Z\n", "重复"),
])
def test_contact_points_bad_csv_changes_nothing(runner, db, tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["contact-points", "import", str(path)])
    assert result.exit_code != 0 and fragment in result.output
    assert count(db, ContactPoint) == 0


def test_users_create_refuses_unknown_point_and_short_password(runner, db):
    assert runner.invoke(args=["users", "create", "a", "--role", "facilitator", "--password", "long-enough",
                               "--contact-point", "NOPE"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "b", "--role", "staff", "--password", "short"]).exit_code != 0
    assert count(db, User) == 0


@pytest.mark.parametrize("command", ["parse", "import"])
def test_a_directory_is_refused(runner, db, tmp_path, command):
    result = runner.invoke(args=["drafts", command, str(tmp_path)])
    assert result.exit_code != 0 and "not a file" in result.output
    assert count(db, Draft) == 0


def _imported(runner, path) -> int:
    result = runner.invoke(args=["drafts", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["draft_id"]


def test_publish_then_close_from_the_command_line(runner, small_txt, db):
    from datetime import datetime

    draft_id = _imported(runner, small_txt)
    result = runner.invoke(args=["drafts", "publish", str(draft_id), "--opens", "2026-01-05",
                                 "--closes", "2099-02-28"])
    assert result.exit_code == 0, result.output
    assert "2026-01-05 00:00" in result.output and "2099-03-01 00:00" in result.output
    draft = db.session.get(Draft, draft_id)
    # Local (Asia/Shanghai) midnight is 16:00 UTC the day before; a bare closing date runs to its end.
    assert draft.comment_opens_at == datetime(2026, 1, 4, 16, 0)
    assert draft.comment_closes_at == datetime(2099, 2, 28, 16, 0)
    assert draft.is_open()
    result = runner.invoke(args=["drafts", "close", str(draft_id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(Draft, draft_id).is_open()
    again = runner.invoke(args=["drafts", "close", str(draft_id)])
    assert again.exit_code == 1 and "征求意见已经截止" in again.output


def test_publish_refuses_a_blocked_draft_in_one_line(runner, db, tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("清江市测试条例\n第一条　甲。\n第二条　乙。\n第二条　丙。\n", encoding="utf-8")
    draft_id = _imported(runner, path)
    result = runner.invoke(args=["drafts", "publish", str(draft_id), "--closes", "2099-01-01"])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "1 个编号问题" in result.output
    db.session.expire_all()
    assert db.session.get(Draft, draft_id).published_at is None


@pytest.mark.parametrize("args, fragment", [
    (["--closes", "2020-01-01", "--opens", "2020-02-01"], "截止时间必须晚于开始时间"),
    (["--closes", "31/12/2099"], "closes"),
    ([], "--closes"),
])
def test_publish_bad_window_changes_nothing(runner, small_txt, db, args, fragment):
    draft_id = _imported(runner, small_txt)
    result = runner.invoke(args=["drafts", "publish", str(draft_id), *args])
    assert result.exit_code != 0 and fragment in result.output
    db.session.expire_all()
    assert db.session.get(Draft, draft_id).published_at is None
