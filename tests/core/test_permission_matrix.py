"""Every route, visited as every role: the answer is exactly the one the role is entitled to.

Each endpoint is classified below; a new route fails `test_every_route_is_classified` until someone
decides who may see it.
"""
from __future__ import annotations

from datetime import date

import pytest

from consult.comments.services import enter_comment, submit_online_comment
from consult.exports.models import ExportJob
from consult.contact_points.services import create_meeting

PUBLIC, LOGIN, FACILITATOR, OWN_POINT, STAFF, ADMIN = "public", "login", "facilitator", "own-point", "staff", \
    "admin"
CITIZEN = "citizen"  # a citizen's own account pages (我的意见, claim, follow)
TOKEN = "token"  # API routes that need an API token (the API ignores sessions): no signed-in role reaches them

# endpoint → (who may, URL template filled from the world below)
GET_ROUTES = {
    "index": (PUBLIC, "/"),
    "accounts.login": (PUBLIC, "/accounts/login"),
    "accounts.me": (LOGIN, "/accounts/me"),
    "drafts.index": (PUBLIC, "/drafts/"),
    "drafts.show": (PUBLIC, "/drafts/{draft}"),
    "drafts.article": (PUBLIC, "/drafts/{draft}/articles/3"),
    "drafts.privacy": (PUBLIC, "/drafts/privacy"),
    "drafts.changes": (PUBLIC, "/drafts/{draft}/changes"),
    "drafts.manage": (STAFF, "/drafts/manage"),
    "drafts.upload": (STAFF, "/drafts/upload"),
    "drafts.review": (STAFF, "/drafts/{draft}/review"),
    "drafts.close_confirm": (STAFF, "/drafts/{draft}/close"),
    "drafts.delete_confirm": (STAFF, "/drafts/{draft}/delete"),
    "drafts.new_version": (STAFF, "/drafts/{draft}/versions/new"),
    "comments.new": (PUBLIC, "/comments/new/{draft}?anchor=3"),
    "comments.receipt": (PUBLIC, "/comments/receipt?code={receipt}"),
    "comments.submitted": (PUBLIC, "/comments/submitted?code={receipt}"),
    "search.public": (PUBLIC, "/search/?q=旅游"),
    "search.comments": (STAFF, "/search/comments?q=景区&draft_id={draft}"),
    "search.group": (STAFF, "/search/comments/group/{version}/3?q=景区&draft_id={draft}"),
    "intake.index": (FACILITATOR, "/intake/"),
    "intake.meeting_new": (FACILITATOR, "/intake/meetings/new"),
    "intake.import_comments": (FACILITATOR, "/intake/import"),
    "intake.comment_template": (FACILITATOR, "/intake/import/template.csv"),
    "intake.resolve": (FACILITATOR, "/intake/resolve?draft_id={draft}&anchor=3"),
    "intake.entry": (OWN_POINT, "/intake/meetings/{meeting}"),
    "intake.meeting_edit": (OWN_POINT, "/intake/meetings/{meeting}/edit"),
    "intake.comments": (OWN_POINT, "/intake/drafts/{draft}/points/{point}"),
    "intake.edit_comment": (OWN_POINT, "/intake/comments/{meeting_comment}/edit"),
    "intake.entry_row": (OWN_POINT, "/intake/comments/{meeting_comment}/row"),
    "intake.token": (FACILITATOR, "/intake/token"),
    "intake.service_worker": (PUBLIC, "/intake/sw.js"),
    "review.index": (STAFF, "/review/"),
    "review.draft": (STAFF, "/review/drafts/{draft}"),
    "review.article": (STAFF, "/review/drafts/{draft}/articles/3"),
    "review.moderation": (STAFF, "/review/moderation"),
    "review.duplicates": (STAFF, "/review/drafts/{draft}/duplicates"),
    "review.stats": (STAFF, "/review/drafts/{draft}/stats"),
    "review.chart": (STAFF, "/review/drafts/{draft}/charts/channel.svg"),
    "review.split_confirm": (STAFF, "/review/comments/{online_comment}/split"),
    "review.comment": (STAFF, "/review/comments/{online_comment}"),
    "review.lineage": (STAFF, "/review/drafts/{draft}/lineage"),
    "themes.draft": (STAFF, "/themes/drafts/{draft}"),
    "themes.article": (STAFF, "/themes/drafts/{draft}/articles/3"),
    "themes.cluster": (STAFF, "/themes/clusters/{theme}"),
    "exports.index": (STAFF, "/exports/"),
    "exports.draft": (STAFF, "/exports/drafts/{draft}"),
    "exports.jobs": (STAFF, "/exports/jobs"),
    "exports.job": (STAFF, "/exports/jobs/{job}"),
    "exports.status": (STAFF, "/exports/jobs/{job}/status"),
    "exports.download": (STAFF, "/exports/jobs/{job}/download"),
    "exports.comparison": (STAFF, "/exports/drafts/{draft}/comparison"),
    "admin.index": (ADMIN, "/admin/"),
    "admin.users": (ADMIN, "/admin/users"),
    "admin.user_new": (ADMIN, "/admin/users/new"),
    "admin.user_edit": (ADMIN, "/admin/users/{user}/edit"),
    "admin.contact_points": (ADMIN, "/admin/contact-points"),
    "outreach.enter_code": (PUBLIC, "/q/"),
    "outreach.resolve": (PUBLIC, "/q/{code}"),
    "outreach.qr_image": (PUBLIC, "/outreach/qr/{code}.svg"),
    "outreach.draft_codes": (FACILITATOR, "/outreach/drafts/{draft}"),
    "outreach.point_posters": (OWN_POINT, "/outreach/points/{point}"),
    "outreach.poster": (OWN_POINT, "/outreach/points/{point}/drafts/{draft}/poster.docx"),
    "outreach.kit": (OWN_POINT, "/outreach/meetings/{meeting}/kit"),
    "outreach.kit_download": (OWN_POINT, "/outreach/meetings/{meeting}/kit.docx"),
    # The public report is public once released (tests/report/test_release.py, test_report_crawl.py); the
    # world's draft is still open, so before release only staff see these pages (a preview).
    "report.show": (STAFF, "/report/drafts/{draft}"),
    "report.participation": (STAFF, "/report/drafts/{draft}/participation"),
    "report.chart": (STAFF, "/report/drafts/{draft}/charts/channel.svg"),
    "report.open_data_csv": (STAFF, "/report/drafts/{draft}/comments.csv"),
    "report.open_data_json": (STAFF, "/report/drafts/{draft}/comments.json"),
    "report.dictionary": (STAFF, "/report/drafts/{draft}/data-dictionary"),
    "report.schema": (STAFF, "/report/drafts/{draft}/schema.json"),
    "report.release_confirm": (STAFF, "/report/drafts/{draft}/release"),
    "api.drafts": (PUBLIC, "/api/v1/drafts"),
    "api.draft": (PUBLIC, "/api/v1/drafts/{draft}"),
    "api.versions": (PUBLIC, "/api/v1/drafts/{draft}/versions"),
    "api.version": (PUBLIC, "/api/v1/drafts/{draft}/versions/{version}"),
    "api.articles": (PUBLIC, "/api/v1/drafts/{draft}/articles"),
    "api.article": (PUBLIC, "/api/v1/drafts/{draft}/articles/3"),
    "api.article_comments": (PUBLIC, "/api/v1/drafts/{draft}/articles/3/comments"),
    "api.receipt": (PUBLIC, "/api/v1/receipts/{receipt}"),
    "api.staff_comments": (TOKEN, "/api/v1/staff/comments"),
    "api.staff_decisions": (TOKEN, "/api/v1/staff/decisions"),
    "api.not_found": (TOKEN, "/api/v1/no-such-thing"),
    "api.openapi": (PUBLIC, "/api/openapi.json"),
    "api.docs": (PUBLIC, "/api/docs"),
    "admin.api_tokens": (ADMIN, "/admin/api-tokens"),
    "citizens.register": (PUBLIC, "/accounts/register"),
    "citizens.registered": (PUBLIC, "/accounts/registered"),
    "citizens.reset_request": (PUBLIC, "/accounts/reset"),
    "citizens.my_comments": (CITIZEN, "/accounts/my-comments"),
    "notifications.status": (STAFF, "/notifications/drafts/{draft}"),
}

# Reached only through a signed link in an e-mail (verification, password reset, unsubscribe): without a
# valid token they answer 400 to everyone. Their token checks are tested in tests/accounts and
# tests/notifications.
MAIL_LINK_ROUTES = {"citizens.verify", "citizens.reset_password", "notifications.unsubscribe"}

# POST-only endpoints: the lowest level that may act.
POST_ROUTES = {
    "accounts.logout": (LOGIN, "/accounts/logout"),
    "report.release": (STAFF, "/report/drafts/{draft}/release"),
    "report.save_summary": (STAFF, "/report/drafts/{draft}/articles/1/summary"),
    "drafts.details": (STAFF, "/drafts/{draft}/details"),
    "drafts.publish": (STAFF, "/drafts/{draft}/publish"),
    "drafts.close": (STAFF, "/drafts/{draft}/close"),
    "drafts.delete": (STAFF, "/drafts/{draft}/delete"),
    "drafts.accept": (STAFF, "/drafts/{draft}/warnings/0/accept"),
    "intake.delete_comment": (OWN_POINT, "/intake/comments/{meeting_comment}/delete"),
    "outreach.sign_in": (OWN_POINT, "/outreach/meetings/{meeting}/sign-in"),
    "review.assign": (STAFF, "/review/comments/{online_comment}/assign"),
    "review.bulk": (STAFF, "/review/drafts/{draft}/bulk"),
    "review.decide": (STAFF, "/review/comments/{online_comment}/decision"),
    "review.duplicates_refresh": (STAFF, "/review/drafts/{draft}/duplicates/refresh"),
    "review.group_confirm": (STAFF, "/review/groups/{group}/confirm"),
    "review.group_decide": (STAFF, "/review/groups/{group}/decision"),
    "review.lock": (STAFF, "/review/comments/{online_comment}/lock"),
    "review.moderation_bulk": (STAFF, "/review/moderation/bulk"),
    "review.note": (STAFF, "/review/comments/{online_comment}/note"),
    "review.publish": (STAFF, "/review/comments/{online_comment}/publish"),
    "review.reject": (STAFF, "/review/comments/{online_comment}/reject"),
    "review.split": (STAFF, "/review/comments/{online_comment}/split"),
    "review.duplicate_of": (STAFF, "/review/comments/{online_comment}/duplicate-of"),
    "review.tags": (STAFF, "/review/comments/{online_comment}/tags"),
    "themes.run": (STAFF, "/themes/drafts/{draft}/run"),
    "themes.points": (STAFF, "/themes/drafts/{draft}/articles/3/points"),
    "themes.decide": (STAFF, "/themes/clusters/{theme}/decision"),
    "themes.remove": (STAFF, "/themes/clusters/{theme}/members/{online_comment}/remove"),
    "review.lineage_add": (STAFF, "/review/versions/{version}/lineage/links"),
    "review.lineage_remove": (STAFF, "/review/lineage/links/1/remove"),
    "review.lineage_change": (STAFF, "/review/lineage/links/1/change"),
    "review.lineage_confirm": (STAFF, "/review/versions/{version}/lineage/confirm"),
    "api.submit_comment": (PUBLIC, "/api/v1/drafts/{draft}/comments"),
    "admin.api_token_create": (ADMIN, "/admin/api-tokens"),
    "admin.api_token_revoke": (ADMIN, "/admin/api-tokens/1/revoke"),
    "citizens.resend_verification": (PUBLIC, "/accounts/verify/resend"),
    "citizens.claim": (CITIZEN, "/accounts/my-comments/claim"),
    "citizens.follow": (CITIZEN, "/accounts/follow/{draft}"),
}

ROLES = ("anonymous", "citizen", "facilitator", "other_facilitator", "staff", "admin")


def allowed(level: str, role: str) -> bool:
    """Who the classification lets in."""
    return {
        PUBLIC: True,
        LOGIN: role != "anonymous",
        FACILITATOR: role in ("facilitator", "other_facilitator", "staff", "admin"),
        OWN_POINT: role in ("facilitator", "staff", "admin"),
        STAFF: role in ("staff", "admin"),
        ADMIN: role == "admin",
        CITIZEN: role == "citizen",
        TOKEN: False,
    }[level]


@pytest.fixture
def world(db, make_draft, make_contact_point, make_user):
    """A published draft, two contact points with one facilitator each, comments, a meeting, a job, a group."""
    from consult.comments.models import DuplicateGroup

    draft = make_draft()
    point = make_contact_point("QJ-M-01", "一号联系点", "甲区")
    other_point = make_contact_point("QJ-M-02", "二号联系点", "乙区")
    users = {
        "citizen": make_user("citizen"),
        "facilitator": make_user("facilitator", [point]),
        "other_facilitator": make_user("facilitator", [other_point]),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", attendance=8,
                             actor=users["facilitator"])
    meeting_comment = enter_comment(draft, contact_point=point, meeting=meeting, anchor="3.1.2",
                                    body="景区秩序应写得更具体。", actor=users["facilitator"])
    online = submit_online_comment(draft, anchor="4", body="民宿登记手续要简化。", consent_personal_info=True)
    group = DuplicateGroup(draft_id=draft.id)
    db.session.add(group)
    db.session.flush()
    online.duplicate_group_id = group.id
    job = ExportJob(kind="sheet", draft_id=draft.id, status="failed", error="test",
                    created_by_id=users["staff"].id)
    db.session.add(job)
    theme = _theme(db, draft, online, users["staff"])
    from consult.outreach.services import link_for

    short_link = link_for(draft)
    db.session.commit()
    from consult.search.services import sync_pending

    sync_pending()
    ids = {"version": draft.current_version.id, "draft": draft.id, "point": point.id, "meeting": meeting.id, "meeting_comment": meeting_comment.id,
           "online_comment": online.id, "receipt": online.receipt_code, "group": group.id, "job": job.id,
           "user": users["citizen"].id, "theme": theme.id, "code": short_link.code}
    return ids, users


def _theme(db, draft, comment, staff):
    """A finished themes analysis with one cluster holding `comment` (what an analysis run stores)."""
    from consult.themes.models import Theme, ThemeMember, ThemeRun

    run = ThemeRun(draft_id=draft.id, status="done", comments=1, created_by_id=staff.id)
    db.session.add(run)
    db.session.flush()
    theme = Theme(run_id=run.id, draft_id=draft.id, article_id=comment.article_id, rank=1, size=1,
                  representative_id=comment.id, terms=["民宿"])
    db.session.add(theme)
    db.session.flush()
    db.session.add(ThemeMember(theme_id=theme.id, comment_id=comment.id))
    return theme


def _login(client, user):
    response = client.post("/accounts/login", data={"username": user.username, "password": "password123"})
    assert response.status_code == 302, f"login failed for {user.username}"


def _is_refusal(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/accounts/login" in response.headers.get("Location", "")


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(GET_ROUTES) | set(POST_ROUTES) | MAIL_LINK_ROUTES, "classify new routes in this test"


@pytest.mark.parametrize("role", ROLES)
def test_get_routes_answer_each_role(app, client, world, role):
    ids, users = world
    if role != "anonymous":
        _login(client, users[role])
    wrong = []
    for endpoint, (level, template) in GET_ROUTES.items():
        response = client.get(template.format(**ids))
        if allowed(level, role):
            ok = response.status_code in (200, 302) and not _is_refusal(response)
            if endpoint == "exports.download":  # the job failed: no file, but never a refusal or a crash
                ok = response.status_code in (200, 302, 404, 409) and response.status_code != 403
        else:
            ok = _is_refusal(response)
        if not ok:
            wrong.append(f"{endpoint} as {role}: {response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_post_routes_refuse_roles_below_their_level(app, client, world, db, role):
    from sqlalchemy import func, select

    from consult.audit.models import AuditEvent

    ids, users = world
    if role != "anonymous":
        _login(client, users[role])
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    wrong = []
    for endpoint, (level, template) in POST_ROUTES.items():
        if allowed(level, role):
            continue
        response = client.post(template.format(**ids), data={"decision": "adopted", "reason": "x",
                                                                "comment_ids": [ids["online_comment"]]})
        if not _is_refusal(response):
            wrong.append(f"{endpoint} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    db.session.expire_all()
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert after - before <= 1  # at most the login itself was audited: every refused POST changed nothing
