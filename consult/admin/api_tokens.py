"""Admin pages for API tokens: list, create (the secret is shown once), revoke. On the admin blueprint."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.actions import perform
from consult.admin.views import bp
from consult.api import queries
from consult.api.forms import RevokeForm, TokenForm
from consult.api.scopes import SCOPES
from consult.api.services import TokenError, create_token, revoke_token
from consult.contact_points.queries import point_by_code


def _render(form: TokenForm, secret: str | None = None, created=None):
    return render_template("admin/api_tokens.html", form=form, tokens=queries.all_tokens(), scopes=SCOPES,
                           revoke_form=RevokeForm(), secret=secret, created=created)


@bp.route("/api-tokens")
def api_tokens():
    """Every API token with its scopes, point and last use; the form for a new one."""
    return _render(TokenForm())


@bp.route("/api-tokens", methods=["POST"])
def api_token_create():
    """Create a token and show its secret once, on this answer only (it is never stored)."""
    form = TokenForm()
    shown: dict = {}

    def run():
        point = None
        if form.contact_point.data:
            point = point_by_code(form.contact_point.data.strip())
            if point is None:
                raise TokenError(_("没有编码为 %(code)s 的联系点。", code=form.contact_point.data.strip()),
                                 "contact_point")
        token, secret = create_token(form.name.data, form.scopes.data, contact_point=point, actor=current_user)
        shown.update(token=token, secret=secret)
        return token

    response = perform(run, form=form, success=None, redirect_to=url_for(".api_tokens"),
                       rerender=lambda: (_render(form), 422))
    if "secret" not in shown:  # refused: the form again with the message beside its field
        return response
    # Committed; no redirect: the secret must not travel in a URL or in a flash kept in the session cookie.
    return _render(TokenForm(formdata=None), secret=shown["secret"], created=shown["token"])


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
def api_token_revoke(token_id: int):
    """Revoke a token: every later call with it is refused (401 token_revoked)."""
    token = queries.token_by_id(token_id)
    if token is None:
        abort(404)
    return perform(lambda: revoke_token(token, actor=current_user), form=RevokeForm(),
                   success=_("已吊销令牌“%(name)s”。", name=token.name), redirect_to=url_for(".api_tokens"))
