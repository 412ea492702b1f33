"""`consult export` commands: the same export services as the web pages, writing a file (or a folder).

Bad input (unknown draft, contact point or receipt code, bad selection, an output name whose extension
is not what the command writes) exits non-zero with a one-line message and writes no file: the output is
built next to its target and moved into place at the end.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from consult.audit.services import record
from consult.cli import DRAFT_ID, fail
from consult.comments.selection import Selection
from consult.drafts.models import Draft
from consult.errors import UserError
from consult.exports import jobs
from consult.exports.recipients import Letterhead, commenter_letters, contact_point_letters
from consult.exports.selection import ExportOptions, fonts_from_config
from consult.exports.services import EXTENSIONS, export_feedback, export_sheet, export_summary
from consult.extensions import db

export_cli = AppGroup("export", help="Export summaries, feedback letters and spreadsheets of comments.")


def _draft(draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        fail(f"no draft with id {draft_id}")
    return draft


def _extension(out: Path, allowed: tuple[str, ...]) -> str:
    """The output's extension if it is one this command writes; otherwise stop with one line."""
    ext = out.suffix.lower().lstrip(".")
    if ext not in allowed:
        fail(f"--out must end in {' or '.join('.' + a for a in allowed)} (got {out.name})")
    return ext


def _options(with_text=False, with_names=False, with_contacts=False) -> ExportOptions:
    # The CLI runs with the operator's full rights (shell access to the database): staff-level options.
    return ExportOptions(with_text=with_text, with_names=with_names, with_contacts=with_contacts,
                         with_internal=True, fonts=fonts_from_config(current_app.config))


def _selection(draft, values: dict) -> Selection:
    try:
        return Selection.from_args({k: v for k, v in values.items() if v}, draft=draft, strict=True)
    except UserError as exc:
        fail(exc.message)


def _write(out: Path, build) -> int:
    """Build into a temporary sibling, then move it into place; nothing is left behind on failure."""
    if out.parent and not out.parent.exists():
        fail(f"folder not found: {out.parent}")
    if out.is_dir():
        fail(f"is a folder: {out}")
    partial = out.with_name(out.name + ".part")
    try:
        with open(partial, "wb") as handle:
            result = build(handle)
    except UserError as exc:
        partial.unlink(missing_ok=True)
        db.session.rollback()
        fail(exc.message)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    db.session.commit()
    return result


selection_options = [
    click.option("--query", "q", default="", help="Search text (the same as the comment search)."),
    click.option("--contact-point", default=None, help="Contact point code."),
    click.option("--decision", default=None, help="adopted/partly_adopted/not_adopted/under_study/none."),
    click.option("--district", default=None),
    click.option("--channel", default=None, help="meeting / online / letter / email / department / expert."),
    click.option("--date-from", default=None, help="YYYY-MM-DD"),
    click.option("--date-to", default=None, help="YYYY-MM-DD"),
    click.option("--tag", default=None),
    click.option("--category", default=None),
]


def with_selection(command):
    """Attach the Selection options to a command."""
    for option in reversed(selection_options):
        command = option(command)
    return command


@export_cli.command("summary")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="FILE.docx")
@with_selection
@click.option("--with-text", is_flag=True, help="Print each article's text before its comments.")
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
@click.option("--with-contacts", is_flag=True, help="Include contact details.")
@click.option("--include-earlier", is_flag=True,
              help="Earlier readings' comments under the article each became in the current version.")
def summary_command(draft_id, out, with_text, with_names, with_contacts, include_earlier, **criteria):
    """Write the Word summary (意见汇总) of a draft's comments, in text order."""
    draft = _draft(draft_id)
    _extension(out, EXTENSIONS["summary"])
    selection = _selection(draft, criteria)
    rows = _write(out, lambda handle: export_summary(
        draft, handle, selection=selection, options=_options(with_text, with_names, with_contacts),
        include_earlier=include_earlier))
    click.echo(f"wrote {out} ({rows} rows)")


@export_cli.command("feedback")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="FILE.docx; with --all-contact-points / --all-commenters a FOLDER or FILE.zip")
@click.option("--contact-point", default=None, help="Letter to this contact point (code).")
@click.option("--commenter-receipt", default=None, help="Letter to the commenter behind this receipt code.")
@click.option("--all-contact-points", is_flag=True, help="One letter per contact point.")
@click.option("--all-commenters", is_flag=True, help="One letter per commenter who asked for feedback.")
@click.option("--doc-number", default=None, help="文号, e.g. 清法工函〔2027〕12号 ({n}: the letter's number).")
@click.option("--draft-letter", is_flag=True, help="A 征求意见稿 while some comments are still undecided.")
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
@click.option("--include-earlier", is_flag=True,
              help="Say beside each earlier reading's comment the article it became in the current version.")
def feedback_command(draft_id, out, contact_point, commenter_receipt, all_contact_points, all_commenters,
                     doc_number, draft_letter, with_names, include_earlier):
    """Write feedback letters (意见反馈函) with each comment's decision and reason."""
    draft = _draft(draft_id)
    if sum(bool(x) for x in (contact_point, commenter_receipt, all_contact_points, all_commenters)) != 1:
        fail("choose one of --contact-point, --commenter-receipt, --all-contact-points, --all-commenters")
    config = current_app.config
    if doc_number is None:
        doc_number = config.get("FEEDBACK_DOC_NUMBER", "")
    head = Letterhead(issuing_body=config.get("ISSUING_BODY") or Letterhead.issuing_body,
                      doc_number=doc_number, as_draft=draft_letter)
    options = _options(with_names=with_names)
    several = all_contact_points or all_commenters
    if several and out.suffix and out.suffix.lower() != ".zip":
        fail(f"--out must be a folder or end in .zip for a batch of letters (got {out.name})")
    if several and not out.suffix:
        _letters_into_folder(draft, out, options, head, all_contact_points, include_earlier)
        return
    if not several:
        _extension(out, ("docx",))
    count = _write(out, lambda handle: export_feedback(
        draft, handle, contact_point=contact_point, receipt_code=commenter_receipt,
        all_contact_points=all_contact_points, all_commenters=all_commenters, options=options, head=head,
        include_earlier=include_earlier))
    click.echo(f"wrote {out}" + (f" ({count} letters)" if several else ""))


def _letters_into_folder(draft, folder: Path, options: ExportOptions, head: Letterhead, points: bool,
                         include_earlier: bool = False) -> None:
    from consult.exports.carried import letter_marker
    from consult.exports.feedback import build_feedback_letter, letter_filename  # python-docx: only here

    if folder.exists() and not folder.is_dir():
        fail(f"not a folder: {folder}")
    try:
        letters = list(contact_point_letters(draft, options, head=head) if points
                       else commenter_letters(draft, options, head=head))
    except UserError as exc:
        fail(exc.message)
    if not letters:
        fail("no contact point has comments on this draft" if points else "no commenter asked for feedback")
    if include_earlier:
        marked = letter_marker(draft)
        letters = [marked(letter) for letter in letters]
    folder.mkdir(parents=True, exist_ok=True)
    for letter in letters:
        path = folder / letter_filename(letter)
        _write(path, lambda handle, letter=letter: build_feedback_letter(letter, handle, fonts=options.fonts))
        click.echo(f"wrote {path}")
    record(None, "export.feedback", draft, all_contact_points=points, all_commenters=not points,
           letters=len(letters), folder=str(folder), as_draft=head.as_draft)
    db.session.commit()


@export_cli.command("sheet")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="FILE.xlsx or FILE.csv")
@with_selection
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
@click.option("--with-contacts", is_flag=True, help="Include contact details.")
def sheet_command(draft_id, out, with_names, with_contacts, **criteria):
    """Write every comment with all its fields to an .xlsx or .csv file."""
    draft = _draft(draft_id)
    fmt = _extension(out, EXTENSIONS["sheet"])
    selection = _selection(draft, criteria)
    count = _write(out, lambda handle: export_sheet(
        draft, handle, fmt=fmt, selection=selection,
        options=_options(with_names=with_names, with_contacts=with_contacts)))
    click.echo(f"wrote {out} ({count} comments)")


@export_cli.command("comparison")
@click.argument("draft_id", type=DRAFT_ID)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="FILE.docx")
@click.option("--from", "from_ref", default=None, help="Older version: label or id (default: the one before --to).")
@click.option("--to", "to_ref", default=None, help="Newer version: label or id (default: the current one).")
@click.option("--changed-only", is_flag=True, help="Leave out the articles that did not change.")
def comparison_command(draft_id, out, from_ref, to_ref, changed_only):
    """Write the comparison table (修改对照表) of two versions: 原条文 | 修改后条文 | 修改说明 with a redline."""
    from consult.exports.comparison import summary_line
    from consult.exports.comparison_data import export_comparison

    draft = _draft(draft_id)
    _extension(out, ("docx",))
    data = _write(out, lambda handle: export_comparison(
        draft, handle, from_ref=from_ref, to_ref=to_ref, changed_only=changed_only,
        fonts=fonts_from_config(current_app.config)))
    click.echo(f"wrote {out} ({data.from_label} → {data.to_label}; {summary_line(data)})")


@export_cli.command("cleanup")
def cleanup_command():
    """Delete stored export files older than EXPORT_RETENTION_DAYS (and fail jobs whose build died)."""
    expired = jobs.cleanup()
    db.session.commit()
    days = current_app.config.get("EXPORT_RETENTION_DAYS")
    click.echo(f"deleted {len(expired)} export files older than {days} days"
               + "".join(f"\n  job {job.id}: {job.filename}" for job in expired))
