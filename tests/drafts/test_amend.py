"""Amendment drafts applied: each kind of item on the small draft, an item that cannot be applied is a
warning on that item, the result is the draft's new version with its lineage and comparison table."""
import json

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.drafts.amend import Provision, apply_items
from consult.drafts.models import DraftVersion
from tests.conftest import SMALL_DRAFT

AMENDMENT = """清江市人民代表大会常务委员会关于修改《清江市文明旅游促进条例》的决定（草案）

一、将第二条修改为：“本市行政区域内的旅游活动及其监督管理，适用本条例。”
二、删去第四条第二款。
三、在第三条后增加一条，作为第三条之一：“旅游经营者应当为游客提供安全、便利的服务。”
四、将第五条中的“2027年1月1日”修改为“2028年1月1日”。
五、将第九条修改为：“本条不存在。”
本决定自公布之日起施行。
"""


def base():
    return [Provision(1, None, "第一条", ["为了促进文明旅游，制定本条例。"]),
            Provision(2, None, "第二条", ["本市行政区域内的旅游活动，适用本条例。"]),
            Provision(3, None, "第三条", ["游客应当遵守下列规定：\n（一）爱护旅游资源；", "游客违反前款规定的，由景区劝阻。"]),
            Provision(4, None, "第四条", ["旅游经营者应当诚信经营。", "民宿经营者应当向所在地公安机关登记。"]),
            Provision(5, None, "第五条", ["本条例自2027年1月1日起施行。"])]


def texts(amended):
    return {a.label: a.paragraphs for a in amended.articles}


def test_every_kind_of_item():
    amended = apply_items(base(), [
        ("一、", "将第二条修改为：“本市行政区域内的旅游活动及其监督管理，适用本条例。”"),
        ("二、", "删去第四条第二款。"),
        ("三、", "在第三条后增加一条，作为第三条之一：“旅游经营者应当为游客提供安全的服务。”"),
        ("四、", "将第五条中的“2027年1月1日”修改为“2028年1月1日”。"),
        ("五、", "将第一条中的“文明旅游”修改为“文明、安全旅游”，“制定”修改为“特制定”。"),
        ("六、", "删去第三条第二款中的“，由景区劝阻”。"),
        ("七、", "在第四条中的“诚信”后增加“守法”。"),
        ("八、", "增加一款，作为第三条第三款：“景区应当公示游客须知。”"),
        ("九、", "将第三条第一款修改为：“游客应当爱护旅游资源。”"),
    ])
    assert [o.applied for o in amended.outcomes] == [True] * 9
    assert texts(amended) == {
        "第一条": ["为了促进文明、安全旅游，特制定本条例。"],
        "第二条": ["本市行政区域内的旅游活动及其监督管理，适用本条例。"],
        "第三条": ["游客应当爱护旅游资源。", "游客违反前款规定的。", "景区应当公示游客须知。"],
        "第三条之一": ["旅游经营者应当为游客提供安全的服务。"],
        "第四条": ["旅游经营者应当诚信守法经营。"],
        "第五条": ["本条例自2028年1月1日起施行。"],
    }
    assert [a.label for a in amended.articles] == ["第一条", "第二条", "第三条", "第三条之一", "第四条", "第五条"]


def test_deleting_an_article_and_renumbering_when_the_amendment_says_so():
    amended = apply_items(base(), [("一、", "删去第二条。"), ("二、", "条文顺序作相应调整。")])
    assert [a.label for a in amended.articles] == ["第一条", "第二条", "第三条", "第四条"]
    assert amended.articles[1].paragraphs[0].startswith("游客应当遵守") and amended.renumbered
    kept = apply_items(base(), [("一、", "删去第二条。")])
    assert [a.label for a in kept.articles] == ["第一条", "第三条", "第四条", "第五条"] and not kept.renumbered


@pytest.mark.parametrize("item, reason", [
    ("将第九条修改为：“不存在。”", "原文中没有第九条"),
    ("删去第四条第五款。", "第四条没有第五款（共2款）"),
    ("将第五条中的“2030年”修改为“2031年”。", "第五条中没有“2030年”"),
    ("删去第一条中的“不存在的话”。", "第一条中没有“不存在的话”"),
    ("在第三条后增加一条，作为第四条：“重复的条号。”", "原文已有第四条"),
    ("请研究修改第二条。", "无法识别的修改方式"),
])
def test_an_item_that_cannot_be_applied_is_a_warning_on_that_item_and_changes_nothing(item, reason):
    amended = apply_items(base(), [("一、", item), ("二、", "删去第一条。")])
    first, second = amended.outcomes
    assert not first.applied and reason in first.message and first.label == "一、"
    assert second.applied
    assert texts(amended) == {a.label: a.paragraphs for a in base()[1:]}


def test_an_article_deleted_by_an_earlier_item_is_named():
    amended = apply_items(base(), [("一、", "删去第二条。"), ("二、", "将第二条中的“旅游”修改为“游览”。")])
    assert not amended.outcomes[1].applied and "已被本决定前面的项删去" in amended.outcomes[1].message


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def files(tmp_path):
    base_path, amendment_path = tmp_path / "base.txt", tmp_path / "amend.txt"
    base_path.write_text(SMALL_DRAFT, encoding="utf-8")
    amendment_path.write_text(AMENDMENT, encoding="utf-8")
    return base_path, amendment_path


def test_cli_applies_the_amendment_as_the_new_version_with_lineage_and_warnings(runner, files, db):
    base_path, amendment_path = files
    first = json.loads(runner.invoke(args=["drafts", "import", str(base_path), "--version-label", "一审稿",
                                           "--json"]).output)
    result = runner.invoke(args=["drafts", "amend", str(amendment_path), "--draft", str(first["draft_id"]),
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["label"] == "修正稿" and data["articles"] == 6
    assert [item["applied"] for item in data["items"]] == [True, True, True, True, False]
    assert "原文中没有第九条" in data["items"][4]["message"]
    version = db.session.get(DraftVersion, data["version_id"])
    assert version.is_current and [a.label for a in version.articles] == [
        "第一条", "第二条", "第三条", "第三条之一", "第四条", "第五条"]
    assert version.articles[4].paragraphs == ["旅游经营者应当诚信经营。"]
    assert version.divisions[1].heading == "第二章 游客与经营者"
    warning = next(w for w in version.warnings if w["code"] == "amendment_item")
    assert "五、" in warning["message"] and "原文中没有第九条" in warning["message"]
    compared = json.loads(runner.invoke(args=["drafts", "compare", str(first["draft_id"]), "--json"]).output)
    assert compared["added"] == ["第三条之一"] and compared["deleted"] == []
    assert {(l["old"], l["kind"]) for l in compared["links"]} >= {("第二条", "modified"), ("第一条", "unchanged")}
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "draft.amendment_apply"))[
        "failed"] == 1


def test_cli_bad_input_is_one_line_and_changes_nothing(runner, files, db, tmp_path):
    base_path, amendment_path = files
    first = json.loads(runner.invoke(args=["drafts", "import", str(base_path), "--json"]).output)
    nothing = tmp_path / "nothing.txt"
    nothing.write_text("关于修改《清江市文明旅游促进条例》的决定（草案）\n\n一、将第九条修改为：“不存在。”\n",
                       encoding="utf-8")
    before = (count(db, DraftVersion), count(db, AuditEvent))
    cases = [
        (["drafts", "amend", str(base_path), "--draft", str(first["draft_id"])], "不是修改决定或修正案"),
        (["drafts", "amend", str(nothing), "--draft", str(first["draft_id"])], "没有一项修改能够适用"),
        (["drafts", "amend", str(amendment_path), "--draft", "999"], "no draft with id 999"),
        (["drafts", "amend", str(tmp_path / "missing.txt"), "--draft", str(first["draft_id"])], "file not found"),
    ]
    for args, words in cases:
        result = runner.invoke(args=args)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code != 0 and len(lines) == 1 and words in lines[0], (args, result.output)
    assert (count(db, DraftVersion), count(db, AuditEvent)) == before


def test_renumbering_carries_the_cross_references_along():
    articles = base() + [Provision(6, None, "第六条", ["违反本条例第四条规定的，依照《中华人民共和国旅游法》第五条处理；"
                                                     "违反第五条规定的，由景区劝阻；第二条不再适用。"])]
    amended = apply_items(articles, [("一、", "删去第二条。"), ("二、", "本决定对条文顺序作相应调整。")])
    assert [a.label for a in amended.articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert amended.articles[-1].paragraphs == [   # old 第四条 is now 第三条, old 第五条 第四条; 旅游法 untouched
        "违反本条例第三条规定的，依照《中华人民共和国旅游法》第五条处理；违反第四条规定的，由景区劝阻；第二条不再适用。"]
    assert amended.notes == ["第五条（原第六条）引用的第二条已被删去，请核对。"]


@pytest.mark.parametrize("item, third", [
    ("删去第三条第一款第二项。", "游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）尊重当地风俗。"),
    ("在第三条第一款中增加一项，作为第二项：“（二）文明拍照；”",
     "游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）文明拍照；\n（三）遵守景区秩序；\n（四）尊重当地风俗。"),
    ("将第三条第（三）项修改为：“尊重当地风俗习惯。”",
     "游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）遵守景区秩序；\n（三）尊重当地风俗习惯。"),
    ("将第三条第一款第一项中的“爱护”修改为“保护”。",
     "游客应当遵守下列规定：\n（一）保护旅游资源；\n（二）遵守景区秩序；\n（三）尊重当地风俗。"),
])
def test_items_are_amended_and_the_following_items_renumbered(item, third):
    articles = base()
    articles[2] = Provision(3, None, "第三条", ["游客应当遵守下列规定：\n（一）爱护旅游资源；\n（二）遵守景区秩序；\n"
                                                "（三）尊重当地风俗。", "游客违反前款规定的，由景区劝阻。"])
    amended = apply_items(articles, [("一、", item)])
    assert amended.outcomes[0].applied, amended.outcomes[0].message
    assert texts(amended)["第三条"] == [third, "游客违反前款规定的，由景区劝阻。"]


@pytest.mark.parametrize("item, reason", [
    ("删去第三条第五项。", "第三条没有第（五）项（共1项）"),
    ("删去第一条第一项。", "第一条没有分项"),
    ("将第三条第一项中的“不存在”修改为“存在”。", "第（一）项中没有“不存在”"),
])
def test_item_instructions_that_cannot_be_applied(item, reason):
    amended = apply_items(base(), [("一、", item)])
    assert not amended.outcomes[0].applied and reason in amended.outcomes[0].message, amended.outcomes[0].message
    assert texts(amended) == {a.label: a.paragraphs for a in base()}
