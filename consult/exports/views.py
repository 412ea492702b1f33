"""Export pages: choose an export for a draft, follow its background job, download the file.

Every export runs as a background job (a CSV too): the POST goes through `consult.actions.perform`, the job
thread is started once the job row is committed, and no GET writes (a download's access log entry is
written on its own connection by `services.log_download`).
"""
from __future__ import annotations

import io
from pathlib import Path

from flask import (
    Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for)
from flask_login import current_user
from sqlalchemy import select

from consult.accounts.permissions import can_export, can_export_contacts, can_see_personal_data, is_admin
from consult.actions import perform
from consult.drafts.models import Draft
from consult.drafts.queries import all_drafts
from consult.errors import UserError
from consult.exports import jobs
from consult.exports.downloads import content_disposition
from consult.exports.forms import ExportForm
from consult.exports.models import ExportJob
from consult.exports.recipients import letter_counts
from consult.exports.selection import options_for
from consult.exports.services import start_export_job
from consult.exports.storage import log_download, retention_days, stored_bytes
from consult.extensions import db, login_manager

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.before_request
def _signed_in():
    """Anonymous visitors go to the login page; signed-in users without the right get 403 from each view."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _load_draft(draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        abort(404)
    if not can_export(current_user, draft):
        abort(403)
    return draft


def _load_job(job_id: int) -> ExportJob:
    """The job if this user may see it: its creator (or an admin), still allowed to export what it holds."""
    job = db.session.get(ExportJob, job_id)
    if job is None:
        abort(404)
    draft = db.session.get(Draft, job.draft_id)
    params = job.params or {}
    if (draft is None or not can_export(current_user, draft)
            or (job.created_by_id != current_user.id and not is_admin(current_user))
            or (params.get("with_names") and not can_see_personal_data(current_user))
            or (params.get("with_contacts") and not can_export_contacts(current_user))):
        abort(403)
    return job


def _state(job: ExportJob) -> tuple[str, str]:
    return jobs.shown_state(job, retention_days(current_app.config))


@bp.route("/")
def index():
    """Drafts whose comments can be exported."""
    if not can_export(current_user):
        abort(403)
    return render_template("exports/index.html", drafts=all_drafts())


def _draft_page(draft: Draft, form: ExportForm):
    recent = db.session.scalars(select(ExportJob).where(
        ExportJob.draft_id == draft.id, ExportJob.created_by_id == current_user.id)
        .order_by(ExportJob.id.desc()).limit(10)).all()
    return render_template("exports/draft.html", draft=draft, form=form, jobs=recent, state_of=_state,
                           counts=letter_counts(draft), retention=retention_days(current_app.config))


def _launched(job: ExportJob) -> str:
    """Start the committed job's thread; the job page to go to."""
    jobs.launch(current_app._get_current_object(), job.id)
    return url_for("exports.job", job_id=job.id)


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
def draft(draft_id: int):
    """Choose an export and its options; it is built in the background and its page shows the progress."""
    draft = _load_draft(draft_id)
    form = ExportForm()
    if request.method == "GET":
        form.doc_number.data = current_app.config.get("FEEDBACK_DOC_NUMBER", "")
        return _draft_page(draft, form)
    try:
        options_for(current_user, with_names=form.with_names.data, with_contacts=form.with_contacts.data)
    except PermissionError:
        abort(403)
    return perform(lambda: start_export_job(draft, form.kind.data, form.export_params(), actor=current_user),
                   form=form, success=None, redirect_to=_launched, rerender=lambda: _draft_page(draft, form))


JOBS_SHOWN = 100


@bp.route("/jobs", endpoint="jobs")
def jobs_list():
    """The user's recent export jobs (an admin sees everyone's), newest first."""
    if not can_export(current_user):
        abort(403)
    query = select(ExportJob).order_by(ExportJob.id.desc()).limit(JOBS_SHOWN)
    if not is_admin(current_user):
        query = query.where(ExportJob.created_by_id == current_user.id)
    shown = db.session.scalars(query).all()
    titles = dict(db.session.execute(select(Draft.id, Draft.title).where(
        Draft.id.in_({job.draft_id for job in shown}))).all())
    return render_template("exports/jobs.html", jobs=shown, state_of=_state, titles=titles,
                           limit=JOBS_SHOWN, retention=retention_days(current_app.config))


@bp.route("/jobs/<int:job_id>")
def job(job_id: int):
    """A job's state; the page polls the status endpoint and shows the download link when done."""
    job = _load_job(job_id)
    status, message = _state(job)
    return render_template("exports/job.html", job=job, status=status, message=message,
                           draft=db.session.get(Draft, job.draft_id))


@bp.route("/jobs/<int:job_id>/status")
def status(job_id: int):
    """The job's state as JSON for static/js/exports.js."""
    job = _load_job(job_id)
    status, message = _state(job)
    return jsonify(id=job.id, status=status, progress=job.progress, total=job.total, error=message,
                   filename=job.filename,
                   download_url=url_for("exports.download", job_id=job.id) if status == "done" else None)


@bp.route("/jobs/<int:job_id>/download")
def download(job_id: int):
    """The finished file, after checking the permission again; an expired or purged one says so (410)."""
    job = _load_job(job_id)
    status, message = _state(job)
    if status in ("expired", "purged"):
        return render_template("exports/job.html", job=job, status=status, message=message,
                               draft=db.session.get(Draft, job.draft_id)), 410
    if status != "done":
        abort(404)
    data = stored_bytes(job)
    if data is not None:  # EXPORT_STORAGE=database: any app server serves it
        log_download(job, current_user)
        response = send_file(io.BytesIO(data), as_attachment=True, download_name=job.filename)
        suffix = Path(job.filename).suffix
    else:
        path = Path(job.file_path) if job.file_path else None
        if path is None or not path.is_file():
            abort(404)
        if path.resolve().parent != Path(current_app.config["EXPORT_DIR"]).resolve():
            abort(404)
        log_download(job, current_user)
        response = send_file(path, as_attachment=True, download_name=job.filename)
        suffix = path.suffix
    response.headers["Content-Disposition"] = content_disposition(job.filename, f"export-{job.id}{suffix}")
    return response


@bp.route("/drafts/<int:draft_id>/comparison")
def comparison(draft_id: int):
    """The comparison table (修改对照表) of two versions as a .docx (?from=&to= labels or ids, ?changed_only=1).

    Built in memory on each request: it holds article texts and counted, contact-scrubbed comment excerpts,
    no personal data, so it needs no job, stored file or download log. A bad version (or a draft with one
    version) goes back to the draft's workbench with the one-line reason.
    """
    from consult.exports.comparison import build_comparison  # python-docx: only when a table is asked for
    from consult.exports.comparison_data import comparison_data
    from consult.exports.selection import fonts_from_config

    draft = _load_draft(draft_id)
    try:
        data = comparison_data(draft, request.args.get("from") or None, request.args.get("to") or None,
                               changed_only=request.args.get("changed_only") in ("1", "on", "true"))
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for("review.draft", draft_id=draft.id))
    out = io.BytesIO()
    build_comparison(data, out, fonts=fonts_from_config(current_app.config))
    out.seek(0)
    name = f"{draft.title}修改对照表（{data.from_label}→{data.to_label}）.docx"
    response = send_file(out, as_attachment=True, download_name=f"comparison-{draft.id}.docx",
                         mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = content_disposition(name, f"comparison-{draft.id}.docx")
    return response
