"""Fixtures for exports: a draft with comments on every kind of anchor, decisions and a duplicate group.

All data goes through the real services (comments, intake, review), so it passes the same rules.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from consult.comments.services import enter_comment, submit_online_comment
from consult.contact_points.services import create_meeting, local_today
from consult.review.services import confirm_group, decide_comment, find_duplicate_groups, publish_comment

PHONE = "13912345678"
DUPLICATE_BODY = "建议明确民宿登记的具体办理期限，方便经营者及时办理相关手续，避免因登记拖延而影响正常经营。"


@dataclass
class Scenario:
    """The objects a test needs to check an export against."""

    draft: object
    staff: object
    point: object
    other_point: object
    meeting: object
    comments: dict = field(default_factory=dict)  # short name → Comment
    duplicates: list = field(default_factory=list)


@pytest.fixture
def scenario(db, make_draft, make_user, make_contact_point) -> Scenario:
    """A small draft with 14 comments: every anchor kind, two points, online, decisions, one confirmed group."""
    draft = make_draft()
    staff = make_user("staff")
    point = make_contact_point("QJ-A-01", "东湖街道基层立法联系点", "东湖区")
    other = make_contact_point("QJ-B-02", "西山镇基层立法联系点", "西山区")
    held = local_today() - timedelta(days=1)
    meeting = create_meeting(draft, point, held_on=held, kind="symposium", place="社区会议室", attendance=23,
                             actor=staff)
    s = Scenario(draft, staff, point, other, meeting)

    def enter(name, anchor, body, *, at=point, meet=meeting, **kw):
        s.comments[name] = enter_comment(draft, contact_point=at, anchor=anchor, body=body, meeting=meet,
                                         actor=staff, **kw)
        return s.comments[name]

    enter("general", "总体意见", "条例整体结构清晰，建议加快出台。", commenter_name="王小明", commenter_category="居民")
    enter("title", "名称", "建议名称改为文明旅游条例。", commenter_name="清江市旅游协会", commenter_category="社会组织")
    enter("a3_item2", "第三条第一款第（二）项", "景区秩序的含义不清楚。", reason="执法难以把握。",
          proposed_text="遵守景区游览秩序", commenter_name="张三", contact=PHONE, wants_feedback=True)
    enter("a3", "第三条", "建议增加文明旅游宣传的规定。", commenter_name="李四")
    enter("a1", "第一条", "立法依据应写明旅游法。", commenter_name="赵六", at=other, meet=None, channel="letter",
          submitted_on=held - timedelta(days=3))
    enter("a4_p2", "第四条第二款", "民宿登记应当网上办理。我的电话 13800001111。", commenter_name="钱七")
    enter("dup1", "第四条", DUPLICATE_BODY, commenter_name="孙八")
    enter("dup2", "第四条", DUPLICATE_BODY + "谢谢。", commenter_name="周九", at=other, meet=None,
          channel="letter")
    enter("dup3", "第四条", DUPLICATE_BODY, commenter_name="吴十")
    enter("new", "新增条款", "建议增加一条关于导游管理的规定。", commenter_name="郑十一")
    enter("a5", "第五条", "施行日期过早，建议推迟半年。", commenter_name="冯十二")
    online = submit_online_comment(draft, anchor="第二条", body="适用范围应包括线上旅游平台。",
                                   commenter_name="陈十三", consent_personal_info=True)
    publish_comment(online, actor=staff)
    s.comments["online"] = online
    s.comments["pending"] = submit_online_comment(draft, anchor="第二条", body="尚未审核的网上意见。",
                                                  commenter_name="褚十四")
    s.comments["minor"] = enter_comment(draft, contact_point=point, anchor="第二条", body="希望景区多设置儿童设施。",
                                        actor=staff, commenter_name="卫小童", is_minor=True, meeting=meeting)
    decide_comment(s.comments["a3_item2"], "adopted", "已修改为“遵守景区游览秩序”。", actor=staff)
    decide_comment(s.comments["a5"], "not_adopted", "施行日期已综合考虑。", actor=staff)
    decide_comment(s.comments["a1"], "partly_adopted", "在说明中写明。", actor=staff)
    db.session.flush()
    groups = find_duplicate_groups(draft, actor=staff)
    for group in groups:
        if {c.id for c in group.comments} >= {s.comments["dup1"].id, s.comments["dup3"].id}:
            confirm_group(group, actor=staff)
            s.duplicates = [c.id for c in group.comments]
    db.session.commit()
    assert len(s.duplicates) >= 2, "the duplicate fixture must form a confirmed group"
    return s


def docx_text(data: bytes | str) -> list[str]:
    """Every paragraph of a .docx in document order, table cells included (row by row)."""
    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else data)
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in child.iter("{*}t")))
        elif tag == "tbl":
            for tr in child.iter("{*}tr"):
                cells = ["\n".join("".join(t.text or "" for t in p.iter("{*}t")) for p in tc.iter("{*}p"))
                         for tc in tr.iter("{*}tc")]
                out.append(" | ".join(cells))
    return out


def table_rows(data: bytes | str) -> list[tuple[str, list[str]]]:
    """(nearest heading before the table, cells) for every data row of every table."""
    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else data)
    rows = []
    heading = ""
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = child.find("{*}pPr/{*}pStyle")
            if style is not None and style.get(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "").startswith("Heading"):
                heading = "".join(t.text or "" for t in child.iter("{*}t"))
        elif tag == "tbl":
            for index, tr in enumerate(child.iter("{*}tr")):
                if index == 0:
                    continue
                cells = []
                for tc in tr.iter("{*}tc"):
                    lines = []
                    for p in tc.iter("{*}p"):
                        text = ""
                        for node in p.iter("{*}t", "{*}br"):
                            text += "\n" if node.tag.endswith("}br") else (node.text or "")
                        lines.append(text)
                    cells.append("\n".join(lines))
                rows.append((heading, cells))
    return rows


def xlsx_rows(source) -> list[tuple]:
    """Every row of the 意见 sheet as values (the workbook is closed again)."""
    workbook = load_workbook(source, read_only=True)
    try:
        return list(workbook["意见"].iter_rows(values_only=True))
    finally:
        workbook.close()


def today() -> date:
    """Local today, as the services see it."""
    return local_today()


def comment_tables(data: bytes | str) -> list[tuple[str, dict[str, str]]]:
    """(heading above the table, {column header: cell text}) for every row of every comment table
    (tables whose first header is 序号: the summary's and the letters'; not the front matter's tally)."""
    doc = Document(io.BytesIO(data) if isinstance(data, bytes) else data)
    rows = []
    heading = ""
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = child.find("{*}pPr/{*}pStyle")
            if style is not None and style.get(f"{W}val", "").startswith("Heading"):
                heading = "".join(t.text or "" for t in child.iter("{*}t"))
        elif tag == "tbl":
            trs = list(child.iter("{*}tr"))
            headers = [_cell_text(tc) for tc in trs[0].iter("{*}tc")]
            if headers[0] != "序号":
                continue
            for tr in trs[1:]:
                rows.append((heading, dict(zip(headers, (_cell_text(tc) for tc in tr.iter("{*}tc"))))))
    return rows


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter("{*}p"):
        text = ""
        for node in p.iter("{*}t", "{*}br"):
            text += "\n" if node.tag.endswith("}br") else (node.text or "")
        lines.append(text)
    return "\n".join(lines)


def decide_all(scenario, db, decision="under_study", reason="正在研究。") -> None:
    """Give every undecided received comment of the scenario a decision (letters are then fit to send)."""
    from consult.comments.models import Comment

    for comment in db.session.query(Comment).filter(Comment.draft_id == scenario.draft.id,
                                                    Comment.decision.is_(None)):
        if comment.moderation_state in ("published", "internal"):
            decide_comment(comment, decision, reason, actor=scenario.staff)
    db.session.commit()
