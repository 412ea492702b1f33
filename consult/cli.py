"""The `consult` command line: Flask's CLI for this app plus one command group per feature.

Commands call the same services as the views; each command owns its transaction and commits.
`consult --help` lists the commands from `COMMANDS` without building the app, so it starts in a fraction
of the time (no SQLAlchemy, Alembic, feature modules); `consult COMMAND …` builds the app as usual.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

# Every top-level command with its one-line help, as `consult --help` shows it. tests/core/test_cli.py
# checks this table against the commands the app really registers (ours, Flask's and the plugins').
COMMANDS = {
    "api": "API tokens for other systems.",
    "backup": "Write every table and the stored export files to a zip archive.",
    "check": "Tell what this configuration shares between app servers and what it keeps on one machine.",
    "comments": "Comments: import from spreadsheets.",
    "contact-points": "Contact points (基层立法联系点).",
    "db": "Perform database migrations.",
    "demo": "Create the schema if needed and load the sample data (users share the password consult-demo).",
    "drafts": "Draft regulations: parse, import, publish and close.",
    "export": "Export summaries, feedback letters and spreadsheets of comments.",
    "limiter": "Flask-Limiter maintenance & utility commands",
    "notifications": "E-mail notifications of released decisions: send, status.",
    "privacy": "Personal information: purge contact details.",
    "report": "Public report on the comments: release it, write its open data.",
    "restore": "Load a backup into an empty database (--force: replace everything); rebuild the index.",
    "review": "Staff workbench: near-duplicate detection.",
    "routes": "Show the routes for the app.",
    "run": "Run a development server.",
    "search": "search commands.",
    "shell": "Run a shell in the app context.",
    "users": "User accounts.",
    "worker": "Run background jobs from the RQ queue (JOB_QUEUE=rq); start as many as you need.",
}


def _create_app():
    from consult import create_app

    return create_app(command_line=True)


class ConsultGroup(FlaskGroup):
    """Flask's command group, except that the top-level help is listed without loading the app."""

    def list_commands(self, ctx):
        """The command names (for help and completion) from the table above."""
        return sorted(COMMANDS)

    def format_commands(self, ctx, formatter):
        """Write the Commands section from the table, shortened the way click shortens help."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, click.Command(name, help=COMMANDS[name]).get_short_help_str(limit))
                                for name in names])


@click.group(cls=ConsultGroup, create_app=_create_app, add_version_option=False, load_dotenv=False,
             set_debug_flag=False)
def main():
    """Public consultation on draft legislation."""


def register(app) -> None:
    """Attach every feature's command group to `app.cli`."""
    from flask_migrate.cli import db as migrate_cli

    from consult.accounts.commands import users_cli
    from consult.api.commands import api_cli
    from consult.backup import backup_command, restore_command
    from consult.comments.commands import comments_cli
    from consult.contact_points.commands import contact_points_cli
    from consult.db_copy import copy_command
    from consult.demo import demo_command
    from consult.drafts.commands import drafts_cli
    from consult.exports.commands import export_cli
    from consult.exports.privacy_commands import privacy_cli
    from consult.operations import check_command, worker_command
    from consult.report.commands import report_cli
    from consult.review.commands import review_cli
    from consult.search.commands import search_cli

    for command in (drafts_cli, users_cli, contact_points_cli, comments_cli, privacy_cli, search_cli,
                    export_cli, review_cli, demo_command, backup_command, restore_command, api_cli,
                    check_command, worker_command):
        app.cli.add_command(command)
    app.cli.add_command(report_cli)
    from consult.notifications.commands import notifications_cli

    app.cli.add_command(notifications_cli)
    migrate_cli.add_command(copy_command)  # `consult db copy --to postgresql://…` in Flask-Migrate's group


def fail(message: str) -> None:
    """Stop a command with a one-line message and a non-zero exit code."""
    raise click.ClickException(message)


class DraftIdType(click.ParamType):
    """A draft id that must exist: `--draft 999` stops with `Error: no draft with id 999` and exit code 1.

    Every command that takes a draft id uses `DRAFT_ID` (the app context is active while options are
    converted), so an unknown id never yields an empty result that looks like success.
    """

    name = "draft_id"

    def convert(self, value, param, ctx):
        """The id as an int, once the draft is known to exist."""
        try:
            draft_id = int(str(value).strip())
        except ValueError:
            fail(f"not a draft id: {value}")
        if not _draft_exists(draft_id):
            fail(f"no draft with id {draft_id}")
        return draft_id


def _draft_exists(draft_id: int) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from consult.drafts.models import Draft
    from consult.extensions import db

    try:
        return db.session.get(Draft, draft_id) is not None
    except SQLAlchemyError as exc:  # e.g. a new database without tables: one line, not a traceback
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"cannot read the drafts ({reason}); run `consult db upgrade` or `consult demo` first")


DRAFT_ID = DraftIdType()
