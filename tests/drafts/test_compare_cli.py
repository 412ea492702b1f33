"""`consult drafts import --draft` proposes the lineage; `consult drafts compare` prints it (JSON contract)."""
import json

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.drafts.models import ArticleLink, DraftVersion
from tests.conftest import SMALL_DRAFT

# 二审稿 of the small draft: a new 第二条 (everything after it renumbered), 第四条 split in two,
# 第五条 reworded (date changed).
SECOND = """清江市文明旅游促进条例（草案）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二条　本条例所称文明旅游，是指旅游者和旅游经营者在旅游活动中遵守公共秩序、尊重当地风俗、爱护环境的行为。
第三条　本市行政区域内的旅游活动，适用本条例。
第二章　游客与经营者
第四条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区劝阻。
第五条　旅游经营者应当诚信经营。
第六条　民宿经营者应当向所在地公安机关登记。
第三章　附则
第七条　本条例自2028年1月1日起施行。
"""


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def invoke_json(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def readings(runner, tmp_path, db):
    first_path, second_path = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first_path.write_text(SMALL_DRAFT, encoding="utf-8")
    second_path.write_text(SECOND, encoding="utf-8")
    first = invoke_json(runner, "drafts", "import", str(first_path), "--version-label", "一审稿", "--json")
    assert "lineage" not in first                       # a first version has nothing to match
    result = runner.invoke(args=["drafts", "import", str(second_path), "--draft", str(first["draft_id"]),
                                 "--version-label", "二审稿"])
    assert result.exit_code == 0, result.output
    return first, result.output


def test_import_of_a_new_version_prints_the_proposed_lineage(readings, db):
    _first, output = readings
    assert "proposed lineage: 6 links (3 unchanged), 0 deleted, 1 added" in output
    assert count(db, ArticleLink) == 6


def test_import_json_carries_the_lineage_counts(runner, tmp_path, db):
    first_path, second_path = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first_path.write_text(SMALL_DRAFT, encoding="utf-8")
    second_path.write_text(SECOND, encoding="utf-8")
    first = invoke_json(runner, "drafts", "import", str(first_path), "--json")
    second = invoke_json(runner, "drafts", "import", str(second_path), "--draft", str(first["draft_id"]), "--json")
    assert second["lineage"] == {"links": 6, "unchanged": 3, "deleted": 0, "added": 1}


def test_compare_json_is_the_contract(runner, readings, db):
    first, _ = readings
    data = invoke_json(runner, "drafts", "compare", str(first["draft_id"]), "--json")
    versions = db.session.scalars(select(DraftVersion).order_by(DraftVersion.id)).all()
    assert data == {
        "from": {"version_id": versions[0].id, "label": "一审稿"},
        "to": {"version_id": versions[1].id, "label": "二审稿"},
        "links": [
            {"old": "第一条", "new": "第一条", "kind": "unchanged", "shape": "one-to-one", "similarity": 1.0},
            {"old": "第二条", "new": "第三条", "kind": "unchanged", "shape": "one-to-one", "similarity": 1.0},
            {"old": "第三条", "new": "第四条", "kind": "unchanged", "shape": "one-to-one", "similarity": 1.0},
            {"old": "第四条", "new": "第五条", "kind": "modified", "shape": "split",
             "similarity": data["links"][3]["similarity"]},
            {"old": "第四条", "new": "第六条", "kind": "modified", "shape": "split",
             "similarity": data["links"][4]["similarity"]},
            {"old": "第五条", "new": "第七条", "kind": "modified", "shape": "one-to-one",
             "similarity": data["links"][5]["similarity"]},
        ],
        "deleted": [],
        "added": ["第二条"],
    }
    assert all(0 < link["similarity"] < 1 for link in data["links"][3:])
    by_label = invoke_json(runner, "drafts", "compare", str(first["draft_id"]), "--from", "一审稿", "--to", "二审稿",
                           "--json")
    by_id = invoke_json(runner, "drafts", "compare", str(first["draft_id"]), "--from", str(versions[0].id),
                        "--to", str(versions[1].id), "--json")
    assert by_label == by_id == data


def test_compare_text_output(runner, readings):
    first, _ = readings
    result = runner.invoke(args=["drafts", "compare", str(first["draft_id"])])
    assert result.exit_code == 0, result.output
    assert "一审稿" in result.output and "第四条 → 第六条  modified split" in result.output
    assert "第二条 added" in result.output


def test_compare_bad_input_one_line_error_nonzero_and_nothing_changed(runner, readings, tmp_path, db):
    first, _ = readings
    lone_path = tmp_path / "lone.txt"
    lone_path.write_text(SMALL_DRAFT.replace("文明旅游促进条例", "旅游厕所管理条例"), encoding="utf-8")
    lone = invoke_json(runner, "drafts", "import", str(lone_path), "--json")
    before = (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion))
    draft = str(first["draft_id"])
    cases = [
        (["drafts", "compare", str(lone["draft_id"]), "--json"], "只有一个版本"),
        (["drafts", "compare", draft, "--from", "三审稿", "--json"], "没有版本“三审稿”"),
        (["drafts", "compare", draft, "--to", "三审稿", "--json"], "没有版本“三审稿”"),
        (["drafts", "compare", draft, "--from", str(lone["version_id"]), "--json"], "属于另一部草案"),
        (["drafts", "compare", draft, "--from", "二审稿", "--to", "一审稿", "--json"], "晚于"),
        (["drafts", "compare", draft, "--from", "一审稿", "--to", "一审稿", "--json"], "同一个版本"),
        (["drafts", "compare", "999", "--json"], "no draft with id 999"),
        (["drafts", "compare", "abc", "--json"], "not a draft id"),
    ]
    for args, words in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0], (args, result.output)
    assert (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion)) == before


def test_refused_import_of_a_new_version_leaves_the_lineage_alone(runner, readings, tmp_path, db):
    first, _ = readings
    before = (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion))
    same = tmp_path / "same.txt"
    same.write_text(SECOND, encoding="utf-8")              # identical to the current version: refused
    empty = tmp_path / "empty.txt"
    empty.write_text("没有条文的文件\n", encoding="utf-8")
    for path in (same, empty):
        result = runner.invoke(args=["drafts", "import", str(path), "--draft", str(first["draft_id"])])
        assert result.exit_code != 0
    assert (count(db, ArticleLink), count(db, AuditEvent), count(db, DraftVersion)) == before
