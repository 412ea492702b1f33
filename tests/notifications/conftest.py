"""A consultation whose commenters asked for feedback by e-mail, with the SMTP server fixture."""
from __future__ import annotations

from datetime import date

import pytest

from tests.smtp_fixture import smtp_server

smtp = pytest.fixture(smtp_server, name="smtp")


@pytest.fixture
def app_config(tmp_path, smtp):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_DEFAULT_SENDER": "fgw@example.gov.cn",
            "PUBLIC_BASE_URL": "http://consult.test", "NOTIFY_RETRY_SECONDS": 60}


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def decided(db, make_draft, make_contact_point, make_user, staff):
    """Closed draft: two comments by wang@example.com (feedback wanted), one by a phone-only commenter,
    one by li@example.com without feedback wanted, a meeting comment of a point whose facilitator has an
    e-mail address. All decided."""
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.contact_points.services import create_meeting
    from consult.drafts.services import close_draft
    from consult.review.services import decide_comment, publish_comment

    draft = make_draft()
    point = make_contact_point("QJ-E-01", "东湖街道联系点", "东湖区")
    facilitator = make_user("facilitator", [point])
    facilitator.email = "facilitator@example.com"
    feedback = dict(wants_feedback=True, consent_personal_info=True)
    comments = {
        "w1": submit_online_comment(draft, anchor="3", body="建议增加文明拍照的要求。", commenter_name="王伟",
                                    contact="Wang@Example.com", **feedback),
        "w2": submit_online_comment(draft, anchor="4", body="民宿登记应当可以网上办理。", commenter_name="王伟",
                                    contact="wang@example.com", **feedback),
        "phone": submit_online_comment(draft, anchor="2", body="赞成。", contact="13912345678", **feedback),
        "li": submit_online_comment(draft, anchor="5", body="施行日期应推迟。"),
    }
    meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", attendance=5,
                             actor=facilitator)
    comments["m"] = enter_comment(draft, contact_point=point, meeting=meeting, anchor="3", body="第三条很好。",
                                  actor=facilitator)
    for key in ("w1", "w2", "phone", "li"):
        publish_comment(comments[key], actor=staff)
    decide_comment(comments["w1"], "adopted", "已在第三条增加规定。", actor=staff)
    decide_comment(comments["w2"], "not_adopted", "已有相关规定，联系电话13812345678。", actor=staff)
    decide_comment(comments["phone"], "adopted", "", actor=staff)
    decide_comment(comments["li"], "under_study", "", actor=staff)
    decide_comment(comments["m"], "adopted", "", actor=staff)
    close_draft(draft, actor=staff)
    db.session.commit()
    return draft, comments
