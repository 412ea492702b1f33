"""API tokens: stored hashed, shown once, revocable, scoped; the admin page and the CLI."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from consult.api.models import ApiToken
from consult.audit.models import AuditEvent


def test_token_is_stored_as_the_sha256_of_its_secret_only(db, make_token):
    token, secret = make_token(["comments:submit"])
    row = db.session.execute(select(ApiToken.__table__)).mappings().one()
    assert secret.startswith("cst_") and len(secret) > 40
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["prefix"] == secret[:10]


def test_unknown_malformed_and_revoked_tokens_are_refused_everywhere(client, db, make_token, bearer, admin):
    from consult.api.services import revoke_token

    token, secret = make_token([])
    assert client.get("/api/v1/drafts", headers=bearer(secret)).status_code == 200
    for header in ({"Authorization": "Bearer cst_nope"}, {"Authorization": "Basic abc"},
                   {"Authorization": "Bearer"}):
        response = client.get("/api/v1/drafts", headers=header)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "token_invalid"
    revoke_token(token, actor=admin)
    db.session.commit()
    response = client.get("/api/v1/drafts", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "token_revoked", "message": "该 API 令牌已被吊销。",
                                             "field": None}}


def test_scopes_are_enforced(client, make_token, bearer):
    _submit, submit_secret = make_token(["comments:submit"])
    _staff, staff_secret = make_token(["staff:comments"])
    assert client.get("/api/v1/staff/comments").get_json()["error"]["code"] == "token_required"
    refused = client.get("/api/v1/staff/comments", headers=bearer(submit_secret))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/staff/comments", headers=bearer(staff_secret)).status_code == 200
    assert client.get("/api/v1/staff/decisions", headers=bearer(staff_secret)).status_code == 403


def test_a_contact_points_token_cannot_carry_staff_scopes(db, admin, make_contact_point):
    import pytest

    from consult.api.services import TokenError, create_token

    point = make_contact_point()
    with pytest.raises(TokenError):
        create_token("联系点系统", ["staff:comments"], contact_point=point, actor=admin)
    with pytest.raises(TokenError):
        create_token("", ["comments:submit"], actor=admin)
    with pytest.raises(TokenError):
        create_token("系统", ["everything"], actor=admin)
    db.session.rollback()
    assert db.session.scalars(select(ApiToken)).all() == []


def test_admin_page_creates_shows_the_secret_once_and_revokes(client, db, auth, admin):
    auth.login(admin)
    index = client.get("/admin/").get_data(as_text=True)
    assert "/admin/api-tokens" in index
    page = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "/api/docs" in page and "/api/openapi.json" in page
    created = client.post("/admin/api-tokens", data={"name": "12345 热线", "scopes": ["comments:submit"]})
    html = created.get_data(as_text=True)
    token = db.session.scalars(select(ApiToken)).one()
    secret = html.split('<code class="token-secret">')[1].split("</code>")[0]
    assert created.status_code == 200 and token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    again = client.get("/admin/api-tokens").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "12345 热线" in again
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["api.token.create", "api.token.revoke"]


def test_admin_page_refuses_an_unknown_point_and_saves_nothing(client, db, auth, admin):
    auth.login(admin)
    response = client.post("/admin/api-tokens", data={"name": "系统", "scopes": ["comments:submit"],
                                                       "contact_point": "NOPE"})
    assert response.status_code == 422 and "没有编码为 NOPE 的联系点" in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_only_admins_reach_the_token_page(client, auth, make_user):
    auth.login(make_user("staff"))
    assert client.get("/admin/api-tokens").status_code == 403


def test_cli_creates_lists_and_revokes(runner, db, make_contact_point):
    make_contact_point()
    created = runner.invoke(args=["api", "tokens", "create", "小程序", "--scope", "comments:submit",
                                  "--contact-point", "QJ-T-01", "--json"])
    assert created.exit_code == 0, created.output
    data = json.loads(created.output)
    assert data["secret"].startswith("cst_") and data["contact_point"] == "QJ-T-01"
    listed = runner.invoke(args=["api", "tokens", "list", "--json"])
    assert data["secret"] not in listed.output and json.loads(listed.output)[0]["name"] == "小程序"
    assert runner.invoke(args=["api", "tokens", "revoke", str(data["id"])]).exit_code == 0
    again = runner.invoke(args=["api", "tokens", "revoke", str(data["id"])])
    assert again.exit_code == 1 and "已被吊销" in again.output
    missing = runner.invoke(args=["api", "tokens", "revoke", "999"])
    assert missing.exit_code == 1 and "no API token with id 999" in missing.output
    bad = runner.invoke(args=["api", "tokens", "create", "x", "--scope", "root"])
    assert bad.exit_code == 1 and "未知的权限范围" in bad.output
    assert len(db.session.scalars(select(ApiToken)).all()) == 1
