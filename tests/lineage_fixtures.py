"""A draft with two readings and comments on both, shared by the tests of comments carried across readings
(selection, workbench, search). The first reading is tests/conftest.py's SMALL_DRAFT."""
from __future__ import annotations

from datetime import date

from consult.comments.services import enter_comment
from consult.drafts.services import import_draft

# 第一条 unchanged, 第二条 reworded, a new 第三条, old 第三条 renumbered 第四条 (same text), old 第四条 (民宿登记)
# deleted, 第五条 reworded.
SECOND_READING = """清江市文明旅游促进条例（草案修改稿）

第一章　总则
第一条　为了促进文明旅游，根据有关法律、行政法规，结合本市实际，制定本条例。
第二条　本市行政区域内的旅游活动及其监督管理，适用本条例。
第二章　游客与经营者
第三条　市人民政府应当建立文明旅游宣传机制，每年组织宣传活动。
第四条　游客应当遵守下列规定：
（一）爱护旅游资源；
（二）遵守景区秩序；
（三）尊重当地风俗。
游客违反前款规定的，由景区劝阻。
第三章　附则
第五条　本条例自2028年1月1日起施行。
"""


def import_second_reading(db, draft, label="二审稿"):
    """Import SECOND_READING as the draft's next version (its lineage is proposed by the import)."""
    version = import_draft(SECOND_READING.encode("utf-8"), "second.txt", version_label=label, draft=draft)
    db.session.commit()
    return version


def comments_across_readings(db, draft, point, staff) -> dict:
    """Comments on the first reading (articles 2, 3, 4 and the whole draft), then the second reading
    imported and one comment on its 第三条. Returns {name: comment} plus "second": the new version."""
    def enter(anchor, body):
        return enter_comment(draft, contact_point=point, anchor=anchor, body=body, submitted_on=date(2026, 11, 18),
                             actor=staff)

    made = {"on_2": enter("2", "适用范围应当写明监督管理。"),
            "on_3": enter("3", "游客守则应当包括文明用语。"),
            "on_4": enter("4", "民宿登记手续应当简化。"),
            "general": enter("general", "整部条例应当更简洁。")}
    db.session.commit()
    made["second"] = import_second_reading(db, draft)
    made["new_3"] = enter("3", "宣传机制应当明确责任部门。")
    db.session.commit()
    return made
