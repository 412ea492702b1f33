"""Export verbs shared by the CLI, the background jobs and the views: select, build, audit. Never commit.

`params` is the plain mapping an ExportJob stores: {"selection": Selection.to_args(), "with_text": bool,
"with_names": bool, "with_contacts": bool, "format": "docx"|"xlsx"|"csv"|"zip", and for feedback letters
one of "contact_point": code, "receipt_code": code, "all_contact_points": bool, "all_commenters": bool,
plus "as_draft": bool (征求意见稿) and "doc_number": the 文号}.
"""
from __future__ import annotations

from typing import IO, Mapping

from flask_babel import gettext as _

from consult.audit.services import record
from consult.comments.selection import Selection
from consult.exports.errors import ExportError
from consult.exports.models import ExportJob
from consult.exports.recipients import (
    Letterhead, check_ready, commenter_letter, commenter_letters, contact_point_by_code, contact_point_letter,
    contact_point_letters, letter_counts)
from consult.exports.records import DRAFT_MARK, ProgressFn, summary_title
from consult.exports.selection import (
    ExportOptions, count_selected, iter_rows, options_for, select_comments, selection_for, summary_data)
from consult.exports.wording import titled
from consult.extensions import db

# The builders (python-docx, openpyxl) are imported inside the verbs that write: `consult --help` and the
# app factory never load them.
KINDS = ("summary", "feedback", "sheet")
SHEET_FORMATS = ("xlsx", "csv")
FEEDBACK_TARGETS = ("contact_point", "receipt_code", "all_contact_points", "all_commenters")
# What each export writes, by file extension (the CLI refuses an output name that says otherwise).
EXTENSIONS = {"summary": ("docx",), "sheet": SHEET_FORMATS, "feedback": ("docx", "zip")}


def export_summary(draft, out: str | IO[bytes], *, selection: Selection | Mapping | None = None,
                   options: ExportOptions | None = None, progress: ProgressFn | None = None,
                   actor=None, include_points: bool = False, include_earlier: bool = False) -> int:
    """Write the Word summary of the selected comments; returns the number of table rows.

    `include_points`: each article's edited 意见要点 (consult.themes) above its table.
    `include_earlier`: earlier readings' comments under today's articles (consult.exports.carried)."""
    from consult.exports.summary import build_summary
    from consult.themes.queries import draft_points

    scope = select_comments(draft, selection, options=options)
    rows = build_summary(summary_data(scope, include_earlier=include_earlier), out, fonts=scope.options.fonts,
                         progress=progress,
                         points=draft_points(draft) if include_points else None)
    record(actor, "export.summary", draft, selection=scope.selection.to_args(), rows=rows,
           with_names=scope.options.with_names, with_contacts=scope.options.with_contacts,
           include_earlier=include_earlier)
    return rows


def export_sheet(draft, out: str | IO[bytes], *, fmt: str = "xlsx",
                 selection: Selection | Mapping | None = None, options: ExportOptions | None = None,
                 progress: ProgressFn | None = None, actor=None) -> int:
    """Write every selected comment to an .xlsx or .csv; returns the number of comments."""
    from consult.exports.sheet import build_sheet_csv, build_sheet_xlsx, sheet_columns

    if fmt not in SHEET_FORMATS:
        raise ExportError(_("不支持的表格格式：%(value)s", value=fmt), "format")
    scope = select_comments(draft, selection, options=options)
    opts = scope.options
    columns = sheet_columns(with_contacts=opts.with_contacts, with_internal=opts.with_internal)
    build = build_sheet_xlsx if fmt == "xlsx" else build_sheet_csv
    count = build(iter_rows(scope, with_tags=True), out, columns, progress=progress)
    record(actor, "export.sheet", draft, format=fmt, selection=scope.selection.to_args(), rows=count,
           with_names=scope.options.with_names, with_contacts=scope.options.with_contacts)
    return count


def export_feedback(draft, out: str | IO[bytes], *, contact_point: str | None = None,
                    receipt_code: str | None = None, all_contact_points: bool = False,
                    all_commenters: bool = False, options: ExportOptions | None = None,
                    head: Letterhead = Letterhead(), progress: ProgressFn | None = None, actor=None,
                    include_earlier: bool = False) -> int:
    """Write one letter (.docx) for a contact point or receipt code, or a zip of letters; returns letters.

    Refused (with the count) while a listed comment is undecided, unless `head.as_draft` (征求意见稿).
    `include_earlier`: an earlier reading's comment says the article it became today.
    """
    from consult.exports.carried import letter_marker
    from consult.exports.feedback import build_feedback_letter, build_feedback_zip

    marked = letter_marker(draft) if include_earlier else (lambda letter: letter)

    options = options or ExportOptions()
    if all_contact_points or all_commenters:
        letters = (contact_point_letters(draft, options, head=head) if all_contact_points
                   else commenter_letters(draft, options, head=head))
        count = build_feedback_zip((marked(letter) for letter in letters), out, fonts=options.fonts,
                                   progress=progress)
    elif contact_point or receipt_code:
        letter = (contact_point_letter(draft, contact_point, options, head=head) if contact_point
                  else commenter_letter(draft, receipt_code, options, head=head))
        build_feedback_letter(marked(letter), out, fonts=options.fonts)
        count = 1
    else:
        raise ExportError(_("请选择联系点、回执编号，或全部联系点。"), "feedback_target")
    record(actor, "export.feedback", draft, contact_point=contact_point, receipt_code=receipt_code,
           all_contact_points=all_contact_points, all_commenters=all_commenters, letters=count,
           with_names=options.with_names, as_draft=head.as_draft, doc_number=head.doc_number,
           include_earlier=include_earlier)
    return count


def stored_selection(params: Mapping) -> dict:
    """The selection args a job stores (jobs queued before Selection kept "filters" and "query")."""
    if "selection" in params:
        return dict(params["selection"] or {})
    return {**(params.get("filters") or {}), "q": params.get("query") or ""}


def check_params(draft, kind: str, params: Mapping) -> dict:
    """Validate what an export job will do (bad input raises a UserError now, not in the background)."""
    if kind not in KINDS:
        raise ExportError(_("未知的导出类型：%(value)s", value=kind), "kind")
    clean = {"with_text": bool(params.get("with_text")), "with_names": bool(params.get("with_names")),
             "with_contacts": bool(params.get("with_contacts"))}
    if kind in ("summary", "feedback"):
        clean["include_earlier"] = bool(params.get("include_earlier"))
    if kind == "summary":
        clean["format"] = "docx"
        clean["include_points"] = bool(params.get("include_points"))
    elif kind == "sheet":
        clean["format"] = params.get("format") or "xlsx"
        if clean["format"] not in SHEET_FORMATS:
            raise ExportError(_("不支持的表格格式：%(value)s", value=clean["format"]), "format")
    if kind != "feedback":
        clean["selection"] = selection_for(draft, params.get("selection")).to_args()
        return clean
    target = {k: params.get(k) for k in FEEDBACK_TARGETS if params.get(k)}
    if len(target) != 1:
        raise ExportError(_("请选择一个反馈对象：联系点、回执编号、全部联系点或全部希望反馈的提出人。"),
                          "feedback_target")
    if target.get("contact_point") and contact_point_by_code(target["contact_point"]) is None:
        raise ExportError(_("没有编码为 %(code)s 的联系点。", code=target["contact_point"]), "contact_point")
    if target.get("receipt_code"):
        commenter_letter(draft, target["receipt_code"], head=Letterhead(as_draft=True))  # unknown code raises
    clean["as_draft"] = bool(params.get("as_draft"))
    clean["doc_number"] = (params.get("doc_number") or "").strip()[:60]
    if not clean["as_draft"]:
        check_ready(draft, **target)
    clean.update(target)
    several = target.get("all_contact_points") or target.get("all_commenters")
    clean["format"] = "zip" if several else "docx"
    return clean


def export_filename(draft, kind: str, params: Mapping) -> str:
    """The download name of an export: the summary's title, 意见反馈函_…, 意见清单_…."""
    title = titled(draft.title, draft.current_version.label if draft.current_version else "")
    if kind == "summary":
        return summary_title(title) + ".docx"
    if kind == "sheet":
        return f"意见清单_{draft.title}.{params.get('format', 'xlsx')}"
    mark = f"{DRAFT_MARK}_" if params.get("as_draft") else ""
    if params.get("all_contact_points"):
        return f"意见反馈函_{mark}各联系点_{draft.title}.zip"
    if params.get("all_commenters"):
        return f"意见反馈函_{mark}提出人_{draft.title}.zip"
    return f"意见反馈函_{mark}{params.get('contact_point') or params.get('receipt_code')}_{draft.title}.docx"


def start_export_job(draft, kind: str, params: Mapping, *, actor) -> ExportJob:
    """Queue an export for the background: checks permissions and parameters now, builds later."""
    options_for(actor, with_names=params.get("with_names"), with_contacts=params.get("with_contacts"))
    clean = check_params(draft, kind, params)
    job = ExportJob(kind=kind, draft_id=draft.id, params=clean, status="queued", created_by_id=actor.id,
                    filename=export_filename(draft, kind, clean)[:300])
    db.session.add(job)
    db.session.flush()
    record(actor, "export.queue", job, kind=kind, draft_id=draft.id, params=clean)
    return job


def expected_total(draft, kind: str, params: Mapping) -> int:
    """How many progress steps an export job takes (comments, or letters)."""
    if kind == "feedback":
        if params.get("all_contact_points"):
            return letter_counts(draft)["contact_points"]
        if params.get("all_commenters"):
            return letter_counts(draft)["commenters"]
        return 1
    return count_selected(select_comments(draft, stored_selection(params)))


def run_export(draft, kind: str, params: Mapping, out, *, actor, fonts=None, issuing_body: str = "",
               progress: ProgressFn | None = None) -> int:
    """Build the export a job describes into `out` (the background worker's single call)."""
    options = options_for(actor, with_text=params.get("with_text"), with_names=params.get("with_names"),
                          with_contacts=params.get("with_contacts"), fonts=fonts)
    common = {"options": options, "progress": progress, "actor": actor}
    if kind == "summary":
        return export_summary(draft, out, selection=stored_selection(params),
                              include_points=bool(params.get("include_points")),
                              include_earlier=bool(params.get("include_earlier")), **common)
    if kind == "sheet":
        return export_sheet(draft, out, fmt=params.get("format", "xlsx"), selection=stored_selection(params),
                            **common)
    head = Letterhead(issuing_body=issuing_body or Letterhead.issuing_body,
                      doc_number=params.get("doc_number") or "", as_draft=bool(params.get("as_draft")))
    return export_feedback(draft, out, contact_point=params.get("contact_point"),
                           receipt_code=params.get("receipt_code"),
                           all_contact_points=bool(params.get("all_contact_points")),
                           all_commenters=bool(params.get("all_commenters")), head=head,
                           include_earlier=bool(params.get("include_earlier")), **common)
