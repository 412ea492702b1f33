"""`consult export` commands: the same export services as the web pages, writing a file (or a folder).

Bad input (unknown draft, contact point or receipt code, bad filter) exits non-zero with a one-line
message and writes no file: the output is built next to its target and moved into place at the end.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from consult.audit.services import record
from consult.cli import fail
from consult.drafts.models import Draft
from consult.exports.filters import ExportError
from consult.exports.feedback import build_feedback_letter, letter_filename
from consult.exports.recipients import contact_point_letters
from consult.exports.selection import ExportOptions, fonts_from_config
from consult.exports.services import export_feedback, export_sheet, export_summary
from consult.extensions import db

export_cli = AppGroup("export", help="Export summaries, feedback letters and spreadsheets of comments.")


def _draft(draft_id: int) -> Draft:
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        fail(f"no draft with id {draft_id}")
    return draft


def _options(with_text=False, with_names=False, with_contacts=False) -> ExportOptions:
    # The CLI runs with the operator's full rights (shell access to the database): staff-level options.
    return ExportOptions(with_text=with_text, with_names=with_names, with_contacts=with_contacts,
                         with_internal=True, fonts=fonts_from_config(current_app.config))


def _write(out: Path, build) -> int:
    """Build into a temporary sibling, then move it into place; nothing is left behind on failure."""
    if out.parent and not out.parent.exists():
        fail(f"folder not found: {out.parent}")
    partial = out.with_name(out.name + ".part")
    try:
        with open(partial, "wb") as handle:
            result = build(handle)
    except ExportError as exc:
        partial.unlink(missing_ok=True)
        db.session.rollback()
        fail(exc.message)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    db.session.commit()
    return result


def _filters(**values) -> dict:
    return {k: v for k, v in values.items() if v}


filter_options = [
    click.option("--query", default="", help="Search text (the same as the comment search)."),
    click.option("--contact-point", default=None, help="Contact point code."),
    click.option("--decision", default=None, help="adopted/partly_adopted/not_adopted/under_study/none."),
    click.option("--district", default=None),
    click.option("--channel", default=None, help="meeting / online / letter / email / department / expert."),
    click.option("--date-from", default=None, help="YYYY-MM-DD"),
    click.option("--date-to", default=None, help="YYYY-MM-DD"),
    click.option("--tag", default=None),
    click.option("--category", default=None),
]


def with_filters(command):
    """Attach the shared filter options to a command."""
    for option in reversed(filter_options):
        command = option(command)
    return command


@export_cli.command("summary")
@click.argument("draft_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="FILE.docx")
@with_filters
@click.option("--with-text", is_flag=True, help="Print each article's text before its comments.")
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
@click.option("--with-contacts", is_flag=True, help="Include contact details.")
def summary_command(draft_id, out, query, with_text, with_names, with_contacts, **filters):
    """Write the Word summary (意见汇总) of a draft's comments, in text order."""
    draft = _draft(draft_id)
    rows = _write(out, lambda handle: export_summary(
        draft, handle, filters=_filters(**filters), query=query,
        options=_options(with_text, with_names, with_contacts)))
    click.echo(f"wrote {out} ({rows} rows)")


@export_cli.command("feedback")
@click.argument("draft_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="FILE.docx, or DIR with --all-contact-points")
@click.option("--contact-point", default=None, help="Letter to this contact point (code).")
@click.option("--commenter-receipt", default=None, help="Letter to the commenter behind this receipt code.")
@click.option("--all-contact-points", is_flag=True, help="One letter per contact point into folder --out.")
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
def feedback_command(draft_id, out, contact_point, commenter_receipt, all_contact_points, with_names):
    """Write feedback letters (意见反馈函) with each comment's decision and reason."""
    draft = _draft(draft_id)
    if sum(bool(x) for x in (contact_point, commenter_receipt, all_contact_points)) != 1:
        fail("choose one of --contact-point, --commenter-receipt, --all-contact-points")
    options = _options(with_names=with_names)
    if all_contact_points:
        _all_letters(draft, out, options)
        return
    _write(out, lambda handle: export_feedback(draft, handle, contact_point=contact_point,
                                               receipt_code=commenter_receipt, options=options))
    click.echo(f"wrote {out}")


def _all_letters(draft, folder: Path, options: ExportOptions) -> None:
    if folder.exists() and not folder.is_dir():
        fail(f"not a folder: {folder}")
    try:
        letters = list(contact_point_letters(draft, options))
    except ExportError as exc:
        fail(exc.message)
    if not letters:
        fail("no contact point has comments on this draft")
    folder.mkdir(parents=True, exist_ok=True)
    for letter in letters:
        path = folder / letter_filename(letter)
        _write(path, lambda handle, letter=letter: build_feedback_letter(letter, handle, fonts=options.fonts))
        click.echo(f"wrote {path}")
    record(None, "export.feedback", draft, all_contact_points=True, letters=len(letters), folder=str(folder))
    db.session.commit()


@export_cli.command("sheet")
@click.argument("draft_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="FILE.xlsx or FILE.csv")
@with_filters
@click.option("--with-names", is_flag=True, help="Show commenters' names unmasked.")
@click.option("--with-contacts", is_flag=True, help="Include contact details.")
def sheet_command(draft_id, out, query, with_names, with_contacts, **filters):
    """Write every comment with all its fields to an .xlsx or .csv file."""
    draft = _draft(draft_id)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        fail("--out must end in .xlsx or .csv")
    count = _write(out, lambda handle: export_sheet(
        draft, handle, fmt=fmt, filters=_filters(**filters), query=query,
        options=_options(with_names=with_names, with_contacts=with_contacts)))
    click.echo(f"wrote {out} ({count} comments)")
