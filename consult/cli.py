"""The `consult` command line: Flask's CLI for this app plus one command group per feature.

Commands call the same services as the views; each command owns its transaction and commits.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup


def _create_app():
    from consult import create_app

    return create_app()


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
