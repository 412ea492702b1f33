"""Every review route as anonymous, citizen, facilitator, staff and admin: allowed or forbidden, and a
forbidden POST changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.review import services

ROLES = ("anonymous", "citizen", "facilitator", "staff", "admin")
ALLOWED = {"staff", "admin"}
SAME = "建议在第四条中明确民宿经营者应当在入住时告知游客消防设施位置和使用方法，保障游客人身安全。"


@pytest.fixture
def world(db, draft, online, entered, staff):
    """A draft with a pending online comment and a confirmed duplicate group of meeting comments."""
    pending = online()
    first, second = entered(body=SAME), entered(body=SAME + "谢谢")
    group = services.find_duplicate_groups(draft)[0]
    services.confirm_group(group, actor=staff)
    db.session.commit()
    return {"draft": draft.id, "pending": pending.id, "comment": first.id, "member": second.id,
            "group": group.id, "code": first.receipt_code,
            "staff": staff.id}


@pytest.fixture
def login_as(make_user, auth, point):
    """Sign in with a fresh user of this role (anonymous: nobody)."""
    def login(role):
        if role == "anonymous":
            return None
        user = make_user(role, [point] if role == "facilitator" else ())
        auth.login(user)
        return user

    return login


GET_ROUTES = [
    "/review/",
    "/review/drafts/{draft}",
    "/review/drafts/{draft}?channel=meeting&date_from=2026-01-01",
    "/review/drafts/{draft}/articles/3",
    "/review/drafts/{draft}/articles/general",
    "/review/moderation",
    "/review/moderation?draft_id={draft}",
    "/review/drafts/{draft}/duplicates",
    "/review/drafts/{draft}/duplicates?page=2",
    "/review/comments/{member}/split",
    "/review/drafts/{draft}/stats",
    "/review/drafts/{draft}/charts/time.svg",
    "/review/drafts/{draft}/charts/contact_point.svg",
]

POST_ROUTES = [
    ("/review/comments/{pending}/publish", {}),
    ("/review/comments/{pending}/reject", {"reason": "广告"}),
    ("/review/comments/{comment}/decision", {"decision": "adopted", "reason": ""}),
    ("/review/comments/{comment}/tags", {"tags": "民宿"}),
    ("/review/comments/{comment}/note", {"note": "待研究"}),
    ("/review/comments/{comment}/assign", {"assignee": "{staff}"}),
    ("/review/comments/{comment}/lock", {"locked": "1"}),
    ("/review/comments/{member}/split", {}),
    ("/review/comments/{pending}/duplicate-of", {"other": "{code}"}),
    ("/review/drafts/{draft}/bulk", {"action": "lock", "locked": "1", "comment_ids": "{comment}"}),
    ("/review/moderation/bulk", {"action": "publish", "comment_ids": "{pending}"}),
    ("/review/drafts/{draft}/duplicates/refresh", {}),
    ("/review/groups/{group}/confirm", {}),
    ("/review/groups/{group}/decision", {"decision": "under_study", "reason": ""}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", GET_ROUTES)
def test_get_routes(client, world, login_as, role, route):
    login_as(role)
    response = client.get(route.format(**world))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route,data", POST_ROUTES)
def test_post_routes(client, db, world, login_as, role, route, data):
    login_as(role)
    before = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.notin_(
        ("user.login", "user.create"))))
    response = client.post(route.format(**world), data={k: v.format(**world) for k, v in data.items()})
    after = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.notin_(
        ("user.login", "user.create"))))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
        assert after == before
    elif role in ALLOWED:
        assert response.status_code == 302
        assert after > before, "the allowed action was carried out and audited"
    else:
        assert response.status_code == 403
        assert after == before


def test_unknown_ids_are_404(client, world, login_as):
    login_as("staff")
    assert client.get("/review/drafts/999").status_code == 404
    assert client.get("/review/drafts/{draft}/articles/99".format(**world)).status_code == 404
    assert client.get("/review/drafts/{draft}/charts/nope.svg".format(**world)).status_code == 404
    assert client.post("/review/comments/999/publish").status_code == 404
    assert client.post("/review/groups/999/confirm").status_code == 404
