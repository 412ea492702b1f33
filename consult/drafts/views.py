"""Public pages of drafts: the list, a draft with its table of contents and articles, one article."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from consult.accounts.permissions import can_manage_drafts
from consult.drafts import queries
from consult.drafts.models import Draft
from consult.extensions import db

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
