"""Export pages: choose an export for a draft, follow its background job, download the file."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, send_file,
    stream_with_context, url_for)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.http import dump_options_header

from consult.accounts.permissions import can_export, can_export_contacts, can_see_personal_data, is_admin
from consult.audit.services import record
from consult.drafts.models import Draft
from consult.drafts.queries import all_drafts
from consult.exports import jobs
from consult.exports.filters import ExportError
from consult.exports.forms import ExportForm
from consult.exports.models import ExportJob
from consult.exports.recipients import letter_counts
from consult.exports.selection import iter_rows, options_for, select_comments
from consult.exports.services import export_filename, start_export_job
from consult.exports.sheet import iter_sheet_csv, sheet_columns
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
    if jobs.fail_if_abandoned(job):
        db.session.commit()
    return job


@bp.route("/")
def index():
    """Drafts whose comments can be exported."""
    if not can_export(current_user):
        abort(403)
    return render_template("exports/index.html", drafts=all_drafts())


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
def draft(draft_id: int):
    """Choose an export and its options; a long one runs in the background, a CSV streams at once."""
    draft = _load_draft(draft_id)
    form = ExportForm()
    if form.validate_on_submit():
        params = form.export_params()
        try:
            if form.kind.data == "sheet" and params.get("format") == "csv":
                return _stream_csv(draft, params)
            job = start_export_job(draft, form.kind.data, params, actor=current_user)
        except PermissionError:
            abort(403)
        except ExportError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            jobs.launch(current_app._get_current_object(), job.id)
            return redirect(url_for("exports.job", job_id=job.id))
    recent = db.session.scalars(select(ExportJob).where(
        ExportJob.draft_id == draft.id, ExportJob.created_by_id == current_user.id)
        .order_by(ExportJob.id.desc()).limit(10)).all()
    return render_template("exports/draft.html", draft=draft, form=form, jobs=recent,
                           counts=letter_counts(draft))


def _stream_csv(draft: Draft, params: dict) -> Response:
    """A CSV straight to the browser, row by row (no job, no file)."""
    options = options_for(current_user, with_names=params["with_names"],
                          with_contacts=params["with_contacts"])
    sel = select_comments(draft, params["filters"], params["query"], options)
    record(current_user, "export.sheet", draft, format="csv", filters=sel.filters, query=sel.query,
           with_names=options.with_names, with_contacts=options.with_contacts)
    db.session.commit()
    columns = sheet_columns(with_contacts=options.with_contacts, with_internal=options.with_internal)
    response = Response(stream_with_context(iter_sheet_csv(iter_rows(sel, with_tags=True), columns)),
                        mimetype="text/csv; charset=utf-8")
    name = export_filename(draft, "sheet", {"format": "csv"})
    response.headers["Content-Disposition"] = dump_options_header("attachment", {"filename": name})
    return response


@bp.route("/jobs/<int:job_id>")
def job(job_id: int):
    """A job's state; the page polls the status endpoint and shows the download link when done."""
    job = _load_job(job_id)
    return render_template("exports/job.html", job=job, draft=db.session.get(Draft, job.draft_id))


@bp.route("/jobs/<int:job_id>/status")
def status(job_id: int):
    """The job's state as JSON for static/js/exports.js."""
    job = _load_job(job_id)
    return jsonify(id=job.id, status=job.status, progress=job.progress, total=job.total, error=job.error,
                   filename=job.filename,
                   download_url=url_for("exports.download", job_id=job.id) if job.status == "done" else None)


@bp.route("/jobs/<int:job_id>/download")
def download(job_id: int):
    """The finished file, after checking the permission again."""
    job = _load_job(job_id)
    path = Path(job.file_path) if job.file_path else None
    if job.status != "done" or path is None or not path.is_file():
        abort(404)
    if path.resolve().parent != Path(current_app.config["EXPORT_DIR"]).resolve():
        abort(404)
    record(current_user, "export.download", job, filename=job.filename)
    db.session.commit()
    return send_file(path, as_attachment=True, download_name=job.filename)
