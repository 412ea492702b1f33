"""Outreach pages: /q/<code> short links, QR images, the codes of a draft, a point's posters, a meeting's kit.

The blueprint has no URL prefix because /q/<code> must stay short enough to type from a poster; its other
pages live under /outreach/.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from consult.accounts.access import require
from consult.accounts.permissions import can_enter_comments, can_print_materials
from consult.actions import mark_error, perform
from consult.contact_points import queries as point_queries
from consult.contact_points.models import ContactPoint, Meeting
from consult.contact_points.vocabulary import MEETING_KIND
from consult.drafts.models import Draft
from consult.drafts.queries import text_outline
from consult.errors import UserError
from consult.extensions import db, limiter
from consult.outreach import materials, queries, services
from consult.outreach.forms import KitForm, SignInForm
from consult.outreach.pdf import docx_to_pdf
from consult.outreach.provenance import poster_token
from consult.outreach.qr import qr_png, qr_svg

bp = Blueprint("outreach", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _lookup_limit() -> str:
    return current_app.config["RECEIPT_RATE_LIMIT"]


def _unknown_code(code: str):
    """The page for a code that opens nothing: say so and let the person type it again."""
    return render_template("outreach/unknown.html", code=code), 404


@bp.route("/q/")
def enter_code():
    """Type the code printed under a QR code (the form of the unknown-code page)."""
    code = queries.normalise_code(request.args.get("code"))
    if not code:
        return render_template("outreach/unknown.html", code=""), 200
    return redirect(url_for(".resolve", code=code))


@bp.route("/q/<code>")
@limiter.limit(_lookup_limit, deduct_when=lambda response: response.status_code == 404)
def resolve(code: str):
    """Open what a short link names: the draft, a chapter, an article, or the comment form of a point's poster."""
    link = queries.link_by_code(code)
    if link is None or not link.draft.is_published or link.draft.current_version is None:
        return _unknown_code(code)
    draft = link.draft
    if link.kind == "point":
        point = link.contact_point
        if point is None or not point.active:
            return redirect(url_for("comments.new", draft_id=draft.id, anchor="general"))
        return redirect(url_for("comments.new", draft_id=draft.id, anchor="general", via=poster_token(point, draft)))
    if link.kind == "article":
        article = queries.current_article(link)
        if article is not None:
            return redirect(url_for("drafts.article", draft_id=draft.id, key=article.address))
    if link.kind == "division":
        division = queries.current_division(link)
        if division is not None:
            return redirect(url_for("drafts.show", draft_id=draft.id, _anchor=f"div-{division.id}"))
    return redirect(url_for("drafts.show", draft_id=draft.id))


@bp.route("/outreach/qr/<code>.<fmt>")
def qr_image(code: str, fmt: str):
    """The QR code of a short link, as SVG (pages) or PNG (print, chat apps)."""
    link = queries.link_by_code(code)
    if link is None or fmt not in ("svg", "png") or not link.draft.is_published:
        abort(404)
    url = materials.link_url(link)
    if fmt == "svg":
        body, mimetype = qr_svg(url, title=url), "image/svg+xml"
    else:
        body, mimetype = qr_png(url), "image/png"
    response = current_app.response_class(body, mimetype=mimetype)
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f"attachment; filename=qr-{link.code}.{fmt}"
    response.cache_control.max_age = 3600
    return response


def _made(call):
    """Run a get-or-create of short links and keep them: the one GET here that writes (a link is made once).

    Two first visits at the same moment may both insert a target's link: the loser's unique violation is
    rolled back and the call runs again, finding the winner's link.
    """
    for attempt in range(2):
        try:
            result = call()
            db.session.commit()
            return result
        except UserError as error:
            db.session.rollback()
            abort(404, description=error.message)
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise


def _published_draft(draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_published or draft.current_version is None:
        abort(404)
    return draft


@bp.route("/outreach/drafts/<int:draft_id>")
@require(can_enter_comments)
def draft_codes(draft_id: int):
    """QR codes and short links of a draft, its chapters and articles, and the posters of the user's points."""
    draft = _published_draft(draft_id)
    links = _made(lambda: services.draft_links(draft))
    points = [cp for cp in point_queries.contact_points_for(current_user)]
    return render_template("outreach/draft.html", draft=draft, links=links, points=points,
                           outline=text_outline(draft.current_version), typed=materials.typed_link)


def _point(contact_point_id: int) -> ContactPoint:
    point = db.session.get(ContactPoint, contact_point_id)
    if point is None:
        abort(404)
    if not can_print_materials(current_user, point):
        abort(403)
    return point


@bp.route("/outreach/points/<int:contact_point_id>")
@require(can_enter_comments)
def point_posters(contact_point_id: int):
    """A contact point's posters: one per published draft open for comment, with its code and short link."""
    point = _point(contact_point_id)
    drafts = [d for d in point_queries.intake_drafts() if d.is_open()] if point.active else []
    links = _made(lambda: {d.id: services.link_for(d, contact_point=point) for d in drafts})
    return render_template("outreach/point.html", point=point, drafts=drafts, links=links,
                           typed=materials.typed_link, deadline=materials.deadline_text)


def _download(data: bytes, fmt: str, filename: str):
    if fmt == "pdf":
        try:
            data = docx_to_pdf(data)
        except UserError as error:
            flash(error.message, "error")
            return redirect(request.referrer or url_for("intake.index"))
    mimetype = "application/pdf" if fmt == "pdf" else DOCX
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=outreach.{fmt}; filename*=UTF-8''{quote(filename + '.' + fmt)}")
    return response


@bp.route("/outreach/points/<int:contact_point_id>/drafts/<int:draft_id>/poster.<fmt>")
@require(can_enter_comments)
def poster(contact_point_id: int, draft_id: int, fmt: str):
    """The A4 poster of a point for a draft, as Word or PDF (LibreOffice)."""
    point = _point(contact_point_id)
    draft = _published_draft(draft_id)
    if fmt not in ("docx", "pdf"):
        abort(404)
    data = _made(lambda: materials.poster(point, draft))
    return _download(data, fmt, f"海报-{point.code}-{draft.title}")


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.draft.current_version is None:
        abort(404)
    if not can_print_materials(current_user, meeting.contact_point):
        abort(403)
    return meeting


def _kit_form(meeting, formdata=None) -> KitForm:
    form = KitForm(formdata)
    form.articles.choices = [(str(a.id), f"{a.label}{('【' + a.caption + '】') if a.caption else ''}")
                             for a in meeting.draft.current_version.articles]
    return form


def _render_kit(meeting, form=None, sign_in=None, status=200):
    return render_template("outreach/kit.html", meeting=meeting, form=form or _kit_form(meeting),
                           sign_in=sign_in or SignInForm(count=meeting.attendance or None),
                           meeting_kind=MEETING_KIND), status


@bp.route("/outreach/meetings/<int:meeting_id>/kit")
@require(can_enter_comments)
def kit(meeting_id: int):
    """The meeting kit page: choose the articles to discuss first, download; enter the sign-in count after."""
    return _render_kit(_meeting(meeting_id))


@bp.route("/outreach/meetings/<int:meeting_id>/kit.<fmt>")
@require(can_enter_comments)
def kit_download(meeting_id: int, fmt: str):
    """The meeting kit as Word (or PDF): draft text with a QR code per article, sign-in sheet, comment form."""
    meeting = _meeting(meeting_id)
    if fmt not in ("docx", "pdf"):
        abort(404)
    form = _kit_form(meeting, request.args)
    try:
        chosen = services.chosen_articles(meeting.draft.current_version, form.articles.data or ())
    except UserError as error:
        mark_error(form, error)
        return _render_kit(meeting, form=form, status=422)
    if not meeting.draft.is_published:
        abort(404)
    data = _made(lambda: materials.meeting_kit(meeting, [a.id for a in chosen]))
    return _download(data, fmt, f"座谈会材料-{meeting.contact_point.code}-{meeting.held_on.isoformat()}")


@bp.route("/outreach/meetings/<int:meeting_id>/sign-in", methods=["POST"])
@require(can_enter_comments)
def sign_in(meeting_id: int):
    """After the meeting: the number of names on the sign-in sheet becomes the meeting's attendance."""
    meeting = _meeting(meeting_id)
    form = SignInForm()
    return perform(lambda: services.record_sign_in(meeting, form.count.data, actor=current_user), form=form,
                   success=lambda m: _("已记录签到人数：%(n)s 人（即本次会议的参加人数）。", n=m.attendance),
                   redirect_to=url_for(".kit", meeting_id=meeting.id),
                   rerender=lambda: _render_kit(meeting, sign_in=form, status=422))
