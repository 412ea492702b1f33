"""扫码提意见 in Chromium: a facilitator downloads the point's poster, a resident opens its short link on a
phone-sized page and comments, and the workbench shows the comment with the point and channel qr.

The resident's address is the one decoded from the poster's QR code (zxing-cpp), so the printed code is what
is tested. Screenshots land in <live tmp>/journeys/qr/.
"""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.browser.journeys import Journey, comments_with_body, docx_text, in_app

pytestmark = pytest.mark.browser

BODY = "景区门口的二维码海报很方便，建议在公交站也张贴。"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _poster_qr(data: bytes) -> str:
    import zxingcpp
    from PIL import Image

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    assert len(images) == 1, "the poster carries exactly one QR code"
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0])))]
    assert len(found) == 1, "the poster's QR code cannot be read"
    return found[0]


def test_poster_short_link_comment_reaches_the_workbench_with_point_and_channel(page, chromium, live_server):
    """facilitator: / → 登录 → 扫码海报 → 下载海报（Word）; resident (phone): the QR's link → comment;
    staff: workbench → 总体意见 → the comment, 扫码提意见 · the point."""
    j = Journey(page, live_server, "qr")
    j.start()
    j.login("facilitator")
    j.follow("扫码海报", within=page.locator("main"))
    point_name = re.sub(r" 的扫码海报$", "", page.locator("h1").inner_text().strip())
    assert point_name and "/q/" in j.main_text()
    j.shot("facilitator-posters")
    name, data = j.download(page.get_by_role("link", name="下载海报（Word）").first)
    assert name.endswith(".docx")
    url = _poster_qr(data)
    typed = url.split("://", 1)[1]
    assert re.fullmatch(r"127\.0\.0\.1:\d+/q/[2-9A-HJKMNP-Z]{6}", typed), url
    text = docx_text(data)
    assert typed in text and point_name in text and "个人信息说明" in text

    # A resident scans the poster with a phone.
    phone_context = chromium.new_context(locale="zh-CN", **PHONE)
    phone_context.set_default_timeout(15_000)
    phone = phone_context.new_page()
    resident = Journey(phone, live_server, "qr")
    resident.shots = j.shots  # one numbering for the whole story
    try:
        response = phone.goto(url)
        assert response is not None and response.status == 200
        assert "/comments/new/" in phone.url and "via=" in phone.url
        banner = phone.locator("#poster-point")
        assert point_name in banner.inner_text()
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the comment form scrolls sideways on a phone ({width}px)"
        resident.shot("resident-phone-form")
        phone.fill("textarea[name=body]", BODY)
        resident.submit("提交意见", exact=False)
        assert "/comments/submitted" in phone.url
        receipt = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", resident.main_text()).group(0)
        resident.shot("resident-receipt")
    finally:
        phone_context.close()

    stored = comments_with_body(live_server.app, BODY)
    assert len(stored) == 1 and stored[0]["channel"] == "qr" and stored[0]["receipt_code"] == receipt
    point_of, draft_id = in_app(live_server.app, lambda db: _point_and_draft(db, stored[0]["id"]))
    assert point_of == point_name

    # Staff find it in the workbench: filtered to the channel, under 总体意见, with its point.
    page.context.clear_cookies()
    j.start()
    j.login("staff")
    page.goto(live_server.url("review.draft", draft_id=draft_id))
    page.locator("details.filter-box > summary").click()
    page.get_by_label("渠道").select_option(label="扫码提意见")
    j.submit("筛选", within=page.locator("main"))
    j.follow("总体意见", within=page.locator("main"))
    page.get_by_text(BODY).first.scroll_into_view_if_needed()
    assert f"扫码提意见 · {point_name}" in j.main_text()
    j.shot("staff-workbench")


def _point_and_draft(db, comment_id: int) -> tuple[str, int]:
    from consult.comments.models import Comment

    comment = db.session.get(Comment, comment_id)
    return comment.contact_point.name, comment.draft_id
