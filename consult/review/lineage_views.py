"""The lineage review page (条文对应关系): staff check the links the matcher proposed between a new version
and the one before it, side by side, break, add or change links, then confirm (issue 10 §1).

GET renders the page; each POST loads, checks permission, then hands one service call of
`consult.drafts.lineage_services` to `consult.actions.perform` (the services flush and audit; a refusal
rolls back, so bad input changes nothing). Routes live on the workbench blueprint.
"""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from consult.accounts.access import require
from consult.accounts.permissions import can_review_lineage
from consult.actions import perform
from consult.drafts import lineage_services as lineage
from consult.drafts.forms import ConfirmForm
from consult.drafts.models import ArticleLink, Draft, DraftVersion
from consult.exports.redline import DELETE, EQUAL, diff
from consult.extensions import db
from consult.review.errors import ReviewError
from consult.review.forms import LinkForm
from consult.review.lineage_rows import lineage_counts, lineage_rows
from consult.review.pages import bp, load_draft


def redline_html(old: str, new: str) -> Markup:
    """The new text with the change from the old one marked (<del> removed, <ins> added), the same redline
    as the comparison table (consult.exports.redline: semantic clean-up, numbers whole), escaped."""
    parts = []
    for op, text in diff(old, new):
        if op == EQUAL or text.isspace():
            parts.append(escape(text) if op != DELETE else Markup(""))
        else:
            parts.append((Markup("<del>%s</del>") if op == DELETE else Markup("<ins>%s</ins>")) % text)
    return Markup("").join(parts)


def reviewable_versions(draft: Draft) -> list[DraftVersion]:
    """The versions that have a version before them (each has a lineage to review), oldest first."""
    return [v for v in draft.versions if lineage.previous_version(v) is not None]


def _version_or_404(version_id: int) -> DraftVersion:
    version = db.session.get(DraftVersion, version_id)
    if version is None:
        abort(404)
    return version


def _link_or_404(link_id: int) -> ArticleLink:
    link = db.session.get(ArticleLink, link_id)
    if link is None:
        abort(404)
    return link


def lineage_url(version: DraftVersion, **extra) -> str:
    """The review page of this version's lineage."""
    return url_for("review.lineage", draft_id=version.draft_id, version=version.id, **extra)


def render_lineage(draft: Draft, version: DraftVersion | None, add_form: LinkForm | None = None,
                   change_form: LinkForm | None = None, change: int | None = None):
    """The side-by-side page of one version's lineage (or the explanation when there is none yet)."""
    previous = lineage.previous_version(version) if version is not None else None
    links = lineage.links_for(version) if previous is not None else []
    rows = lineage_rows(previous.articles, version.articles, links) if previous is not None else []
    return render_template(
        "review/lineage.html", draft=draft, version=version, previous=previous, rows=rows,
        counts=lineage_counts(rows), versions=reviewable_versions(draft), diff_html=redline_html,
        linked_old={r.old.id for r in rows if r.link is not None},
        linked_new={r.new.id for r in rows if r.link is not None},
        add_form=add_form or LinkForm(formdata=None), change_form=change_form or LinkForm(formdata=None),
        change=change, confirm=ConfirmForm())


@bp.route("/drafts/<int:draft_id>/lineage", endpoint="lineage")
@require(can_review_lineage)
def lineage_page(draft_id: int):
    """Old | new side by side: every link with its similarity, shape and kind, deleted and added articles."""
    draft = load_draft(draft_id)
    wanted = request.args.get("version", type=int)
    version = draft.current_version
    if wanted is not None:
        version = _version_or_404(wanted)
        if version.draft_id != draft.id:
            abort(404)
    return render_lineage(draft, version, change=request.args.get("change", type=int))


@bp.route("/versions/<int:version_id>/lineage/links", methods=["POST"])
@require(can_review_lineage)
def lineage_add(version_id: int):
    """Add a link between an article of the previous version and one of this version."""
    version = _version_or_404(version_id)
    form = LinkForm()
    return perform(lambda: lineage.add_link(version, form.old_article_id.data, form.new_article_id.data,
                                            current_user),
                   form=form, success=_("已添加对应关系。"), redirect_to=lambda link: lineage_url(version) +
                   f"#link-{link.id}" if getattr(link, "id", None) else lineage_url(version),
                   rerender=lambda: render_lineage(version.draft, version, add_form=form))


@bp.route("/lineage/links/<int:link_id>/remove", methods=["POST"])
@require(can_review_lineage)
def lineage_remove(link_id: int):
    """Break one link: the old article then counts as deleted, the new one as added (unless linked elsewhere)."""
    link = _link_or_404(link_id)
    version = link.to_version
    return perform(lambda: lineage.remove_link(link.id, current_user), form=ConfirmForm(),
                   success=_("已断开 %(old)s 与 %(new)s 的对应关系。", old=link.old_article.label,
                             new=link.new_article.label),
                   redirect_to=lineage_url(version))


@bp.route("/lineage/links/<int:link_id>/change", methods=["POST"])
@require(can_review_lineage)
def lineage_change(link_id: int):
    """Change one link to another pair of articles (break it and add the new one, all or nothing)."""
    link = _link_or_404(link_id)
    version = link.to_version
    form = LinkForm()

    def call():
        if (form.old_article_id.data, form.new_article_id.data) == (link.old_article_id, link.new_article_id):
            raise ReviewError(_("对应关系没有变化。"), "new_article_id")
        lineage.remove_link(link.id, current_user)
        return lineage.add_link(version, form.old_article_id.data, form.new_article_id.data, current_user)

    return perform(call, form=form, success=_("已更改对应关系。"), redirect_to=lineage_url(version),
                   rerender=lambda: render_lineage(version.draft, version, change_form=form, change=link.id))


@bp.route("/versions/<int:version_id>/lineage/confirm", methods=["POST"])
@require(can_review_lineage)
def lineage_confirm(version_id: int):
    """Confirm the lineage as reviewed: from now on comments are carried to this version by it."""
    version = _version_or_404(version_id)

    def call():
        if version.lineage_state == "confirmed":
            raise ReviewError(_("%(label)s的条文对应关系已经确认过了。", label=version.label))
        return lineage.confirm_lineage(version, current_user)

    return perform(call, form=ConfirmForm(),
                   success=_("已确认《%(title)s》%(label)s的条文对应关系。", title=version.draft.title,
                             label=version.label),
                   redirect_to=url_for("review.draft", draft_id=version.draft_id),
                   failure_redirect=lineage_url(version))
