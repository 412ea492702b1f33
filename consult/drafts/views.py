"""Draft pages: public (list, a draft, one article, privacy) and staff (import, review warnings, publish)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from consult.accounts.access import require
from consult.accounts.permissions import can_manage_drafts
from consult.database import utcnow
from consult.drafts import queries
from consult.drafts.forms import DetailsForm, PublishForm, UploadForm
from consult.drafts.models import Draft
from consult.drafts.services import (
    DraftError, close_draft, import_draft, publish_draft, update_draft_details)
from consult.extensions import db
from consult.intake.views import upload_too_large

bp = Blueprint("drafts", __name__, url_prefix="/drafts")


def load_visible_draft(draft_id: int) -> Draft:
    """The draft if this user may read it (published, or staff), else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        abort(404)
    if not draft.is_published and not can_manage_drafts(current_user):
        abort(404)
    return draft


@bp.route("/")
def index():
    """Published drafts open for comment, then closed ones."""
    drafts = queries.published_drafts()
    return render_template("drafts/index.html", drafts=drafts)


@bp.route("/<int:draft_id>")
def show(draft_id: int):
    """A draft: table of contents and every article, each with its comment count."""
    draft = load_visible_draft(draft_id)
    version = draft.current_version
    return render_template("drafts/show.html", draft=draft, version=version,
                           outline=queries.text_outline(version),
                           counts=queries.article_comment_counts(draft))


@bp.route("/<int:draft_id>/articles/<key>")
def article(draft_id: int, key: str):
    """One article with its paragraphs and items, and its published comments."""
    draft = load_visible_draft(draft_id)
    version = draft.current_version
    art = queries.find_article(version, key)
    if art is None:
        abort(404)
    articles = version.articles
    index = articles.index(art)
    previous = articles[index - 1] if index > 0 else None
    following = articles[index + 1] if index + 1 < len(articles) else None
    return render_template("drafts/article.html", draft=draft, version=version, article=art,
                           previous=previous, following=following,
                           count=queries.article_comment_counts(draft).get(art.id, 0))


@bp.route("/privacy")
def privacy():
    """What personal information is kept, why, who sees it and for how long."""
    return render_template("drafts/privacy.html")


# ---- Staff pages: import, review, publish (法工委) ------------------------------------------------------


staff_required = require(can_manage_drafts)  # draft management pages


def load_draft(draft_id: int) -> Draft:
    """Any draft, published or not (staff), else 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None:
        abort(404)
    return draft


bp.register_error_handler(413, upload_too_large)


@bp.route("/manage")
@staff_required
def manage():
    """Every draft with its state, current version and parse warnings."""
    return render_template("drafts/manage.html", drafts=queries.all_drafts())


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def upload():
    """Import a .docx/.txt file as a new draft or as a new version; a bad file changes nothing."""
    form = UploadForm()
    form.draft_id.choices = [SelectChoice(0, _("（新草案）"))] + [SelectChoice(d.id, d.title)
                                                               for d in queries.all_drafts()]
    if request.method == "GET":
        form.draft_id.data = request.args.get("draft_id", type=int) or 0
    if form.validate_on_submit():
        draft = load_draft(form.draft_id.data) if form.draft_id.data else None
        upload_file = form.file.data
        try:
            version = import_draft(upload_file.read(), upload_file.filename or "", title=form.title.data or None,
                                   version_label=form.version_label.data or None, draft=draft, actor=current_user)
        except DraftError as exc:
            db.session.rollback()
            form.file.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("已导入《%(title)s》%(label)s：%(n)s 条，%(w)s 个提示需要核对。", title=version.draft.title,
                    label=version.label, n=len(version.articles), w=len(version.warnings)), "success")
            return redirect(url_for(".review", draft_id=version.draft_id))
    return render_template("drafts/upload.html", form=form), 422 if request.method == "POST" else 200


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive local (Asia/Shanghai) time from a form → naive UTC for storage."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    return value.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored naive UTC time → naive local time for a datetime-local input."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    return value.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def place_warnings(version) -> dict:
    """Put each parse warning beside the article whose source lines contain it, or the preamble/trailing block."""
    articles = [a for a in version.articles if a.source_line]
    placed = {"all": [], "preamble": [], "trailing": [], "unplaced": [], "articles": {}}
    for index, warning in enumerate(version.warnings or []):
        warning = {**warning, "anchor": f"warning-{index + 1}"}
        placed["all"].append(warning)
        line = warning.get("line")
        if not line:
            placed["unplaced"].append(warning)
            continue
        if not articles or line < articles[0].source_line:
            placed["preamble"].append(warning)
            continue
        owner = None
        for article, following in zip(articles, articles[1:] + [None]):
            end = following.source_line if following else article.source_line + _line_span(article)
            if article.source_line <= line < end:
                owner = article
                break
        if owner is None:
            placed["trailing"].append(warning)
        else:
            placed["articles"].setdefault(owner.id, []).append(warning)
    return placed


def _line_span(article) -> int:
    """Source lines an article takes: its label line plus one per text line (a label alone adds one)."""
    return 2 + sum(len(p.split("\n")) for p in article.paragraphs or [])


def _render_review(draft: Draft, details=None, publish=None, status=200):
    version = draft.current_version
    if details is None:
        details = DetailsForm(formdata=None, title=draft.title, description=draft.description,
                              version_label=version.label if version else "")
    if publish is None:
        now = utc_to_local(utcnow())
        publish = PublishForm(formdata=None, opens_at=utc_to_local(draft.comment_opens_at) or now,
                              closes_at=utc_to_local(draft.comment_closes_at) or now + timedelta(days=30))
    return render_template("drafts/review.html", draft=draft, version=version, details=details, publish=publish,
                           outline=queries.text_outline(version) if version else [],
                           placed=place_warnings(version) if version else None), status


@bp.route("/<int:draft_id>/review")
@staff_required
def review(draft_id: int):
    """The parsed structure of the current version with every warning beside the lines it concerns."""
    return _render_review(load_draft(draft_id))


@bp.route("/<int:draft_id>/details", methods=["POST"])
@staff_required
def details(draft_id: int):
    """Correct the title, version label or description the import guessed."""
    draft = load_draft(draft_id)
    form = DetailsForm()
    if not form.validate_on_submit():
        return _render_review(draft, details=form, status=422)
    update_draft_details(draft, title=form.title.data, version_label=form.version_label.data or "",
                         description=form.description.data or "", actor=current_user)
    db.session.commit()
    flash(_("草案信息已保存。"), "success")
    return redirect(url_for(".review", draft_id=draft.id))


@bp.route("/<int:draft_id>/publish", methods=["POST"])
@staff_required
def publish(draft_id: int):
    """Publish the draft with a comment window given in local time."""
    draft = load_draft(draft_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publish_draft(draft, local_to_utc(form.opens_at.data), local_to_utc(form.closes_at.data),
                          actor=current_user)
        except DraftError as exc:
            db.session.rollback()
            form.closes_at.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("草案已发布，征求意见截止：%(when)s。", when=format_datetime(draft.comment_closes_at,
                                                                      "yyyy-MM-dd HH:mm")), "success")
            return redirect(url_for(".review", draft_id=draft.id))
    return _render_review(draft, publish=form, status=422)


@bp.route("/<int:draft_id>/close", methods=["POST"])
@staff_required
def close(draft_id: int):
    """End the comment window now."""
    draft = load_draft(draft_id)
    try:
        close_draft(draft, actor=current_user)
    except DraftError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("征求意见已截止。"), "success")
    return redirect(url_for(".review", draft_id=draft.id))
