"""`consult api tokens create | revoke | list`: the admin page's token verbs from the shell."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from consult.cli import fail
from consult.extensions import db

api_cli = AppGroup("api", help="API tokens for other systems.")
tokens_cli = AppGroup("tokens", help="Create, revoke and list API tokens.")
api_cli.add_command(tokens_cli)


def _token_dict(token) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "scopes": list(token.scopes or []),
            "contact_point": token.contact_point.code if token.contact_point else None,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


@tokens_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, help="comments:submit, staff:comments or staff:decisions.")
@click.option("--contact-point", "code", default=None, help="The contact point whose own system this is.")
@click.option("--json", "as_json", is_flag=True, help="Print the token (and its secret) as JSON.")
def create_command(name, scopes, code, as_json):
    """Create a token; its secret is printed once and never stored."""
    from consult.api.services import TokenError, create_token
    from consult.contact_points.queries import point_by_code

    point = None
    if code:
        point = point_by_code(code)
        if point is None:
            fail(f"unknown contact point: {code}")
    try:
        token, secret = create_token(name, scopes, contact_point=point, actor=None)
    except TokenError as exc:
        fail(exc.message)
    db.session.commit()
    if as_json:
        click.echo(json.dumps({**_token_dict(token), "secret": secret}, ensure_ascii=False))
    else:
        click.echo(f"created token {token.id} ({token.name}); its secret, shown only now:")
        click.echo(secret)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token: every later call with it is refused."""
    from consult.api.queries import token_by_id
    from consult.api.services import TokenError, revoke_token

    token = token_by_id(token_id)
    if token is None:
        fail(f"no API token with id {token_id}")
    try:
        revoke_token(token, actor=None)
    except TokenError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(f"revoked token {token.id} ({token.name})")


@tokens_cli.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json):
    """Every token (never its secret)."""
    from consult.api.queries import all_tokens

    tokens = [_token_dict(t) for t in all_tokens()]
    if as_json:
        click.echo(json.dumps(tokens, ensure_ascii=False))
        return
    for t in tokens:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
        click.echo(f"{t['id']}\t{t['prefix']}…\t{t['name']}\t{','.join(t['scopes']) or '-'}\t"
                   f"{t['contact_point'] or '-'}\t{state}")
