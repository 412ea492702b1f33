"""`consult users` commands."""
from __future__ import annotations


import click
from flask.cli import AppGroup

from consult.accounts.services import AccountError, create_user
from consult.cli import fail
from consult.extensions import db

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["citizen", "facilitator", "staff", "admin"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.option("--email", default=None)
@click.option("--contact-point", "codes", multiple=True, help="Code of a contact point (facilitators).")
def create_user_command(username, role, password, display_name, email, codes):
    """Create a user account."""
    # A command is an entry point that composes packages: accounts sit below contact points, so the
    # lookup is imported where the command runs, not when the accounts package loads.
    from consult.contact_points.queries import point_by_code

    points = []
    for code in codes:
        cp = point_by_code(code)
        if cp is None:
            fail(f"unknown contact point: {code}")
        points.append(cp)
    try:
        user = create_user(username, password, role, display_name=display_name, email=email,
                           contact_points=points)
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"created user {user.username} (id {user.id}, role {user.role})")
