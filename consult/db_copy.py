"""`consult db copy --to postgresql://…`: move an installation's rows onto an empty, migrated PostgreSQL.

The current database (normally the embedded SQLite file) is read table by table in foreign-key order
(`consult.backup` knows the order and how to move PostgreSQL's id sequences past copied ids), in batches
ordered by primary key, and written into the target in one transaction: either every row arrives, or the
target stays as it was. Row counts are compared per table before the commit. The search index is derived
data: `search_documents` is not copied (`consult search rebuild` with SEARCH_BACKEND=postgres fills it),
and export files kept under EXPORT_DIR (EXPORT_STORAGE=directory) stay where they are (docs/DEPLOYMENT.md).
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from consult.backup import BATCH, BackupError, _reset_sequences, _tables
from consult.extensions import db

DERIVED = {"search_documents"}  # rebuilt from the copied rows, never copied


class CopyError(BackupError):
    """A copy that cannot go ahead; the message says why in one line."""


def _revision(connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _target_engine(url: str):
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CopyError(f"not a database URL: {url}") from None
    if parsed.get_backend_name() != "postgresql":
        raise CopyError("--to must be a postgresql:// URL (the copy moves an installation onto PostgreSQL)")
    source = db.engine.url
    if (parsed.host, parsed.port, parsed.database) == (source.host, source.port, source.database):
        raise CopyError("--to names the current database; give the URL of the new one")
    return create_engine(parsed)


def _check_target(connection, source_revision: str | None) -> None:
    """The target has exactly this version's schema and not one row yet (else CopyError, nothing written)."""
    safe = connection.engine.url.render_as_string(hide_password=True)
    present = set(inspect(connection).get_table_names())
    missing = [t.name for t in _tables() if t.name not in present]
    if missing:
        raise CopyError(f"{safe} has no table {missing[0]} (and {len(missing) - 1} more missing): "
                        f"run `DATABASE_URL={safe} consult db upgrade` first")
    revision = _revision(connection)
    if source_revision is not None and revision != source_revision:
        raise CopyError(f"the target's schema is at revision {revision}, this database's at "
                        f"{source_revision}: upgrade both (`consult db upgrade`) first")
    for table in _tables():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise CopyError(f"{safe} is not empty (table {table.name} has rows); copy into a new database "
                            "created with `consult db upgrade`")


def copy_database(url: str, progress=None) -> dict[str, int]:
    """Copy every table (search index aside) into the empty PostgreSQL at `url`; returns rows per table."""
    engine = _target_engine(url)
    source = db.session
    try:
        with engine.begin() as target:  # one transaction: committed only if every count matches
            _check_target(target, _revision(source.connection()))
            copied = {}
            for table in _tables():
                if table.name in DERIVED:
                    continue
                copied[table.name] = _copy_table(source, target, table)
                if progress is not None:
                    progress(table.name, copied[table.name])
            _reset_sequences(target)
            _verify_counts(source, target, copied)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CopyError(f"the copy stopped and wrote nothing: {reason}") from None
    finally:
        engine.dispose()
    return copied


def _copy_table(source, target, table) -> int:
    """Rows of one table in batches ordered by primary key (keyset paging, constant memory)."""
    primary = list(table.primary_key.columns)
    n = 0
    batch: list[dict] = []
    for row in source.execute(select(table).order_by(*primary)).mappings().yield_per(BATCH):
        batch.append(dict(row))
        if len(batch) >= BATCH:
            target.execute(table.insert(), batch)
            n, batch = n + len(batch), []
    if batch:
        target.execute(table.insert(), batch)
        n += len(batch)
    return n


def _verify_counts(source, target, copied: dict[str, int]) -> None:
    for table in _tables():
        if table.name in DERIVED:
            continue
        want = source.scalar(select(func.count()).select_from(table))
        got = target.execute(select(func.count()).select_from(table)).scalar()
        if not want == got == copied[table.name]:
            raise CopyError(f"table {table.name}: {want} rows here, {got} in the target; nothing was committed")


@click.command("copy")
@click.option("--to", "url", required=True, metavar="postgresql://…",
              help="An empty PostgreSQL database already migrated with `consult db upgrade`.")
@with_appcontext
def copy_command(url: str):
    """Copy every row of this database into an empty, migrated PostgreSQL database."""
    def progress(name: str, n: int) -> None:
        if n:
            click.echo(f"  {name}: {n} rows")

    counts = copy_database(url, progress=progress)
    safe = make_url(url).render_as_string(hide_password=True)
    click.echo(f"copied {sum(counts.values())} rows in {len(counts)} tables; row counts match")
    click.echo(f"next: DATABASE_URL={safe} SEARCH_BACKEND=postgres consult search rebuild")
