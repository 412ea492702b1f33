"""Staff pages for reading many comments (主题分析): per draft the state of the analysis and each article's
key terms; per article its clusters (each decided like a duplicate group) and the 意见要点 draft; per
cluster its comments. Blueprint `themes` at /themes."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.access import require
from consult.accounts.permissions import can_decide, is_staff
from consult.actions import perform
from consult.comments.models import Comment
from consult.drafts.queries import find_article
from consult.extensions import db
from consult.review.forms import DecisionForm, decision_form
from consult.review.pages import load_draft
from consult.review.queries import NON_ARTICLE_ANCHORS
from consult.themes import jobs, queries, services
from consult.themes.forms import PointsForm
from consult.themes.models import Theme

bp = Blueprint("themes", __name__, url_prefix="/themes")


def _anchor(draft, key: str):
    """(article or None, article_id, anchor_kind) for an article address or a non-article anchor; 404."""
    if key in NON_ARTICLE_ANCHORS:
        return None, None, key
    article = find_article(draft.current_version, key)
    if article is None:
        abort(404)
    return article, article.id, "article"


def _theme_or_404(theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        abort(404)
    return theme


def _theme_key(theme: Theme) -> str:
    return theme.article.address if theme.article is not None else theme.anchor_kind


@bp.route("/drafts/<int:draft_id>")
@require(is_staff)
def draft(draft_id: int):
    """The analysis of a draft: its state, the button that (re)starts it, every article's key terms."""
    draft = load_draft(draft_id)
    run = queries.latest_run(draft)
    abandoned = run is not None and jobs.is_abandoned(run)  # shown as failed; a GET never writes
    state = "failed" if abandoned else getattr(run, "status", None)
    error = jobs.abandoned_message() if abandoned else getattr(run, "error", "")
    shown = queries.shown_run(draft)
    return render_template("themes/draft.html", draft=draft, run=run, state=state, error=error, shown=shown,
                           overview=queries.overview(shown), articles=draft.current_version.articles,
                           comments=services.analysable_count(draft), non_article=NON_ARTICLE_ANCHORS)


def _started(run) -> str:
    jobs.launch(current_app._get_current_object(), run.id)
    return url_for("themes.draft", draft_id=run.draft_id)


@bp.route("/drafts/<int:draft_id>/run", methods=["POST"])
@require(is_staff)
def run(draft_id: int):
    """Start the analysis of the draft's comments in the background (分析意见主题)."""
    draft = load_draft(draft_id)
    return perform(lambda: services.start_run(draft, actor=current_user),
                   success=_("已开始分析意见主题，完成后本页显示结果。"), redirect_to=_started,
                   failure_redirect=url_for("themes.draft", draft_id=draft.id))


def render_article(draft, key: str, failed: dict | None = None):
    """An article's key terms, clusters and 意见要点 (`failed`: a refused form shown again in place)."""
    article, article_id, anchor_kind = _anchor(draft, key)
    shown = queries.shown_run(draft)
    themes = queries.anchor_themes(shown, article_id, anchor_kind)
    failed = failed or {}
    forms = {t.id: decision_form(f"t{t.id}") for t in themes}
    if failed.get("theme") in forms:
        forms[failed["theme"]] = failed["form"]
    saved = services.points_for(draft, article_id, anchor_kind)
    points_form = failed.get("points") or PointsForm(
        formdata=None, data={"text": saved.text if saved is not None else services.suggested_points(themes)})
    return render_template(
        "themes/article.html", draft=draft, article=article, key=key, anchor_kind=anchor_kind, shown=shown,
        terms=queries.key_terms(shown, article_id, anchor_kind), themes=themes, forms=forms,
        counts={t.id: queries.decision_counts(t) for t in themes}, saved=saved, points_form=points_form)


@bp.route("/drafts/<int:draft_id>/articles/<key>")
@require(is_staff)
def article(draft_id: int, key: str):
    """One article's (or 总体意见's …) key terms, clusters with their representatives, and 意见要点."""
    return render_article(load_draft(draft_id), key)


@bp.route("/drafts/<int:draft_id>/articles/<key>/points", methods=["POST"])
@require(can_decide)
def points(draft_id: int, key: str):
    """Save the edited 意见要点 of an article."""
    draft = load_draft(draft_id)
    _article, article_id, anchor_kind = _anchor(draft, key)
    form = PointsForm()
    return perform(lambda: services.save_points(draft, article_id, anchor_kind, form.text.data,
                                                actor=current_user),
                   form=form, success=_("意见要点已保存。"),
                   redirect_to=url_for("themes.article", draft_id=draft.id, key=key) + "#points",
                   rerender=lambda: render_article(draft, key, {"points": form}))


@bp.route("/clusters/<int:theme_id>")
@require(is_staff)
def cluster(theme_id: int):
    """Every comment of one cluster, representative first, paged; a comment that does not belong can leave."""
    theme = _theme_or_404(theme_id)
    draft = load_draft(theme.draft_id)
    comments, total, page = queries.members_page(theme, request.args.get("page", 1, type=int))
    return render_template("themes/cluster.html", draft=draft, theme=theme, key=_theme_key(theme),
                           comments=comments, total=total, page=page,
                           pages=max(1, -(-total // queries.MEMBERS_PER_PAGE)),
                           form=decision_form(f"t{theme.id}"), counts=queries.decision_counts(theme))


@bp.route("/clusters/<int:theme_id>/decision", methods=["POST"])
@require(can_decide)
def decide(theme_id: int):
    """Decide once for every comment of a cluster (each decision audited)."""
    theme = _theme_or_404(theme_id)
    draft = load_draft(theme.draft_id)
    key = _theme_key(theme)
    form = DecisionForm().for_target(f"t{theme.id}")
    back = url_for("themes.article", draft_id=draft.id, key=key) + f"#t-{theme.id}"
    return perform(lambda: services.decide_theme(theme, form.decision.data, form.reason.data,
                                                 actor=current_user),
                   form=form, success=lambda n: _("已对 %(n)s 条意见统一作出处理。", n=n), redirect_to=back,
                   rerender=lambda: render_article(draft, key, {"theme": theme.id, "form": form}))


@bp.route("/clusters/<int:theme_id>/members/<int:comment_id>/remove", methods=["POST"])
@require(can_decide)
def remove(theme_id: int, comment_id: int):
    """Take a comment that does not make the cluster's point out of it."""
    theme = _theme_or_404(theme_id)
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return perform(lambda: services.remove_member(theme, comment, actor=current_user),
                   success=_("已将该意见移出主题。"), redirect_to=url_for("themes.cluster", theme_id=theme.id))
