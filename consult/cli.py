"""The `consult` command line: Flask's CLI for this app plus one command group per feature.

Commands call the same services as the views; each command owns its transaction and commits.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup


def _create_app():
    from consult import create_app

    return create_app(command_line=True)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False,
             set_debug_flag=False)
def main():
    """Public consultation on draft legislation."""


def register(app) -> None:
    """Attach every feature's command group to `app.cli`."""
    from consult.accounts.commands import contact_points_cli, users_cli
    from consult.comments.commands import comments_cli, privacy_cli
    from consult.demo import demo_command
    from consult.drafts.commands import drafts_cli
    from consult.exports.commands import export_cli
    from consult.review.commands import review_cli
    from consult.search.commands import search_cli

    for command in (drafts_cli, users_cli, contact_points_cli, comments_cli, privacy_cli, search_cli,
                    export_cli, review_cli, demo_command):
        app.cli.add_command(command)


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
    from consult.drafts.models import Draft
    from consult.extensions import db

    return db.session.get(Draft, draft_id) is not None


DRAFT_ID = DraftIdType()
