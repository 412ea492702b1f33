"""A consultation with comments from every kind of source, decided by staff, for the report tests."""
from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def staff(make_user):
    """A legislative staff member."""
    return make_user("staff")


@pytest.fixture
def consultation(db, make_draft, make_contact_point, make_user, staff):
    """The five-article draft, still open, with comments on it:

    online, published: 第三条 adopted · 第四条 not adopted · 总体意见 undecided
    online, pending (not counted) · online, rejected (not counted)
    meetings: 东湖区 第三条第一款 partly adopted · 东湖区 第三条 adopted · 西山区 第五条 under study
    """
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.contact_points.services import create_meeting
    from consult.review.services import decide_comment, publish_comment, reject_comment

    draft = make_draft()
    east = make_contact_point("QJ-E-01", "东湖街道联系点", "东湖区")
    west = make_contact_point("QJ-W-01", "西山镇联系点", "西山区")
    facilitator = make_user("facilitator", [east, west])
    comments = {}

    def online(key, anchor, body, publish=True, **fields):
        comment = submit_online_comment(draft, anchor=anchor, body=body, **fields)
        if publish:
            publish_comment(comment, actor=staff)
        comments[key] = comment
        return comment

    online("o3", "3", "建议在第三条增加文明拍照的要求。", commenter_name="张伟")
    online("o4", "4", "民宿登记应当可以网上办理。", commenter_name="李娜")
    online("og", "general", "总体赞成本条例。")
    online("pending", "2", "待审核的意见。", publish=False)
    rejected = online("rejected", "2", "与条例无关的广告。", publish=False)
    reject_comment(rejected, "与草案无关", actor=staff)
    meeting_e = create_meeting(draft, east, held_on=date.today(), kind="symposium", attendance=12, actor=facilitator)
    meeting_w = create_meeting(draft, west, held_on=date.today(), kind="symposium", attendance=7, actor=facilitator)
    comments["e31"] = enter_comment(draft, contact_point=east, meeting=meeting_e, anchor="3.1",
                                    body="第一款的规定要更具体。", commenter_name="王芳", actor=facilitator)
    comments["e3"] = enter_comment(draft, contact_point=east, meeting=meeting_e, anchor="3",
                                   body="第三条很好。", actor=facilitator)
    comments["w5"] = enter_comment(draft, contact_point=west, meeting=meeting_w, anchor="5",
                                   body="施行日期应推迟。", actor=facilitator)
    decide_comment(comments["o3"], "adopted", "", actor=staff)
    decide_comment(comments["o4"], "not_adopted", "已有相关规定。", actor=staff)
    decide_comment(comments["e31"], "partly_adopted", "部分内容已写入。", actor=staff)
    decide_comment(comments["e3"], "adopted", "", actor=staff)
    decide_comment(comments["w5"], "under_study", "", actor=staff)
    db.session.commit()
    return draft, comments


@pytest.fixture
def closed(db, consultation, staff):
    """The consultation with its comment window closed (ready for release)."""
    from consult.drafts.services import close_draft

    draft, comments = consultation
    close_draft(draft, actor=staff)
    db.session.commit()
    return draft, comments


@pytest.fixture
def released(db, closed, staff):
    """The closed consultation with its report released."""
    from consult.report.services import release_report

    draft, comments = closed
    release_report(draft, staff)
    db.session.commit()
    return draft, comments
