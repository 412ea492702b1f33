"""The public report pages (/report/drafts/<id>…): the report, the participation charts, the open data
and its dictionary; staff release it (confirm page) and write each article's summary on the workbench.

Before the release only staff see the pages (as a preview, marked as such); everyone else gets the
"not yet released" page with status 404.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.access import require
from consult.accounts.permissions import can_decide, can_release_report, is_staff
from consult.accounts.views import is_safe_next
from consult.actions import perform
from consult.drafts.models import Article, Draft
from consult.extensions import db
from consult.report import charts, opendata, queries, services
from consult.report.forms import ReleaseForm, SummaryForm
from consult.report.models import ArticleSummary

bp = Blueprint("report", __name__, url_prefix="/report")


def load_report(draft_id: int) -> queries.Report:
    """The released report; staff get the preview before the release; anyone else the 404 page."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_published or draft.current_version is None:
        abort(404)
    release = queries.release_of(draft)
    if release is None and not is_staff(current_user):
        abort(Response(render_template("report/not_released.html", draft=draft), 404))
    preview = release is None or (request.args.get("preview") == "1" and is_staff(current_user))
    return queries.load_report(draft, preview=preview)


@bp.route("/drafts/<int:draft_id>")
def show(draft_id: int):
    """What became of the public's comments, article by article, with staff's summary of the changes."""
    report = load_report(draft_id)
    rows = queries.article_rows(report)
    following = queries.next_version(report.draft, report.version)
    return render_template("report/show.html", report=report, draft=report.draft, rows=rows,
                           decisions=queries.by_decision(report), channels=queries.by_channel(report),
                           districts=queries.by_district(report), figures=queries.meeting_figures(report),
                           following=following, comparison=_comparison_url(report.draft, report.version,
                                                                           following))


@bp.route("/drafts/<int:draft_id>/participation")
def participation(draft_id: int):
    """Who took part, through which channels and districts, over time: each chart beside its table."""
    report = load_report(draft_id)
    return render_template("report/participation.html", report=report, draft=report.draft,
                           titles=charts.chart_titles(), tables=charts.chart_rows(report))


@bp.route("/drafts/<int:draft_id>/charts/<name>.svg")
def chart(draft_id: int, name: str):
    """One participation chart as an SVG image (no script, no external URL)."""
    report = load_report(draft_id)
    if name not in charts.CHARTS:
        abort(404)
    svg = charts.render_chart(name, charts.chart_series(report, name))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store" if report.preview else "public, max-age=300"
    return response


@bp.route("/drafts/<int:draft_id>/comments.csv")
def open_data_csv(draft_id: int):
    """The released comments as CSV (UTF-8 with BOM), streamed."""
    report = load_report(draft_id)
    return _download(Response(_streamed(report, "csv"), mimetype="text/csv"), report, "csv")


@bp.route("/drafts/<int:draft_id>/comments.json")
def open_data_json(draft_id: int):
    """The released comments as one JSON document, streamed."""
    report = load_report(draft_id)
    return _download(Response(_streamed(report, "json"), mimetype="application/json"), report, "json")


def _meta(report) -> dict:
    released = report.release if not report.preview else None
    return {"draft": {"id": report.draft.id, "title": report.draft.title},
            "version": report.version.label if report.version else "",
            "released_at": released.released_at.isoformat() if released else None,
            "revision": released.revision if released else None, "preview": report.preview}


def _streamed(report, fmt: str):
    """The open data in chunks, produced after the view returned: each chunk in an app context of its own.

    The request's session is gone while the client reads, so each batch loads the report again; no
    context or cursor stays open between chunks (a download nobody reads leaves nothing behind).
    """
    app = current_app._get_current_object()
    draft_id, preview = report.draft.id, report.preview

    def fetch(after_id: int):
        with app.app_context():
            current = queries.load_report(db.session.get(Draft, draft_id), preview=preview)
            return _meta(current), list(opendata.iter_records(current, after_id, batch))

    batch = opendata.BATCH
    return opendata.iter_document(fetch, fmt, batch)


@bp.route("/drafts/<int:draft_id>/data-dictionary")
def dictionary(draft_id: int):
    """What each column of the open data means, and what the open data leaves out."""
    report = load_report(draft_id)
    return render_template("report/dictionary.html", report=report, draft=report.draft,
                           fields=opendata.FIELDS)


@bp.route("/drafts/<int:draft_id>/schema.json")
def schema(draft_id: int):
    """The open data's columns as a Table Schema (JSON)."""
    load_report(draft_id)
    return Response(json.dumps(opendata.table_schema(), ensure_ascii=False, indent=1),
                    mimetype="application/json")


def _download(response: Response, report, ext: str) -> Response:
    name = f"report-{report.draft.id}{'-preview' if report.preview else ''}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _comparison_url(draft, version, following) -> str | None:
    """The comparison of the report's version with the next one (/drafts/<id>/changes), if there is a next."""
    if version is None or following is None:
        return None
    return url_for("drafts.changes", draft_id=draft.id, **{"from": version.id, "to": following.id})


# ---- Staff: release, article summaries ------------------------------------------------------------------


def _staff_draft(draft_id: int, *, published: bool = False) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or (published and not draft.is_published):
        abort(404)
    return draft


@bp.route("/drafts/<int:draft_id>/release")
@require(is_staff)
def release_confirm(draft_id: int):
    """The release step: what will be published, whether the window is closed, the last release."""
    draft = _staff_draft(draft_id, published=True)
    report = queries.load_report(draft, preview=True)
    return render_template("report/release.html", draft=draft, report=report, form=ReleaseForm(),
                           release=queries.release_of(draft), decisions=queries.by_decision(report),
                           readiness=queries.readiness(draft))


@bp.route("/drafts/<int:draft_id>/release", methods=["POST"])
@require(can_release_report)
def release(draft_id: int):
    """Release (or release again) the report; refused while the comment window is open."""
    draft = _staff_draft(draft_id)
    form = ReleaseForm()
    here = url_for("report.release_confirm", draft_id=draft.id)
    return perform(lambda: services.release_report(draft, current_user), form=form,
                   success=lambda r: _("已发布意见处理情况报告（第 %(n)s 次发布）。", n=r.revision),
                   redirect_to=url_for("report.show", draft_id=draft.id), failure_redirect=here)


@bp.route("/drafts/<int:draft_id>/articles/<int:article_id>/summary", methods=["POST"])
@require(can_decide)
def save_summary(draft_id: int, article_id: int):
    """Save staff's summary of what changed in an article and why (public with the next release)."""
    draft = _staff_draft(draft_id)
    article = db.session.get(Article, article_id)
    if article is None or article.version.draft_id != draft.id:
        abort(404)
    form = SummaryForm()
    back = form.next.data if is_safe_next(form.next.data) else url_for(
        "review.article", draft_id=draft.id, key=article.address)
    return perform(lambda: services.save_article_summary(draft, article, form.text.data, current_user),
                   form=form, success=_("已保存修改情况说明，下次发布报告时公开。"),
                   redirect_to=back + "#summary")


@bp.app_template_global("article_summary")
def article_summary(draft, article) -> ArticleSummary | None:
    """The summary staff wrote for this article (the workbench article page shows and edits it)."""
    return queries.article_summary(draft, article)


@bp.app_template_global("report_is_released")
def report_is_released(draft) -> bool:
    """True once the draft's report is public (the draft page links to it then)."""
    return queries.release_of(draft) is not None


@bp.app_template_global("released_reports")
def released_reports() -> list[Draft]:
    """Drafts whose report is public, newest release first (the home page lists them)."""
    return queries.released_drafts()
