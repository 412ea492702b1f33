"""`consult backup PATH` / `consult restore PATH`: every table's rows and the stored export files in one zip.

The archive is portable between SQLite and PostgreSQL: `manifest.json` (format, version, tables in
dependency order with their row counts), `tables/<table>.jsonl` (one JSON object per row; dates and
times as tagged ISO strings) and `exports/<path>` (the files under EXPORT_DIR). The search index is
derived data: it is not archived, and a restore rebuilds it.

A backup holds every personal datum the database holds (names, contacts, password hashes): store it as
the database itself is stored (docs/SECURITY.md, "Backups"), and purge old archives with the retention.
"""
from __future__ import annotations

import base64
import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text

from consult.extensions import db

FORMAT = "consult-backup"
VERSION = 1
BATCH = 1000


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; the message says why in one line."""


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "$datetime":
            return datetime.fromisoformat(raw)
        if tag == "$date":
            return date.fromisoformat(raw)
        if tag == "$bytes":
            return base64.b64decode(raw)
    return value


def _tables():
    return list(db.metadata.sorted_tables)  # parents before children


def row_counts() -> dict[str, int]:
    """Rows per table of the current database."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in _tables()}


def write_backup(path: str | os.PathLike) -> dict[str, int]:
    """Write the archive at `path` (refuses to overwrite); returns the rows written per table."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name")
    counts: dict[str, int] = {}
    export_dir = Path(current_app.config["EXPORT_DIR"])
    with zipfile.ZipFile(path, "x", zipfile.ZIP_DEFLATED) as archive:
        for table in _tables():
            primary = list(table.primary_key.columns)
            n = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                for row in db.session.execute(select(table).order_by(*primary)).mappings().yield_per(BATCH):
                    line = {key: _encode(value) for key, value in row.items()}
                    out.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
                    n += 1
            counts[table.name] = n
        exports = sorted(p for p in export_dir.rglob("*") if p.is_file()) if export_dir.is_dir() else []
        for file in exports:
            archive.write(file, "exports/" + file.relative_to(export_dir).as_posix())
        manifest = {"format": FORMAT, "version": VERSION, "tables": [t.name for t in _tables()],
                    "rows": counts, "exports": len(exports), "database": db.engine.dialect.name}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return counts


def _open_archive(path: Path) -> tuple[zipfile.ZipFile, dict]:
    if not path.is_file():
        raise BackupError(f"file not found: {path}")
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise BackupError(f"{path.name} is not a consult backup (no readable manifest.json)") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        archive.close()
        raise BackupError(f"{path.name} is not a consult backup of version {VERSION}")
    unknown = set(manifest.get("tables", [])) - {t.name for t in _tables()}
    if unknown:
        archive.close()
        raise BackupError(f"the backup has tables this version does not know: {', '.join(sorted(unknown))}")
    return archive, manifest


def restore_backup(path: str | os.PathLike, *, force: bool = False) -> dict[str, int]:
    """Load an archive into this database (empty, or emptied first with `force`); returns rows per table."""
    archive, manifest = _open_archive(Path(path))
    with archive:
        present = {name: n for name, n in row_counts().items() if n}
        if present and not force:
            raise BackupError(f"the database is not empty ({sum(present.values())} rows in {len(present)} "
                              "tables); restore into a fresh database, or pass --force to replace everything")
        for table in reversed(_tables()):
            db.session.execute(table.delete())
        restored: dict[str, int] = {}
        for table in _tables():
            if table.name not in manifest["tables"]:
                continue
            restored[table.name] = _load_table(archive, table)
        _reset_sequences()
        _restore_exports(archive, Path(current_app.config["EXPORT_DIR"]))
    return restored


def _load_table(archive: zipfile.ZipFile, table) -> int:
    n, batch = 0, []
    columns = {c.name for c in table.columns}
    with archive.open(f"tables/{table.name}.jsonl") as lines:
        for raw in lines:
            row = {k: _decode(v) for k, v in json.loads(raw).items() if k in columns}
            batch.append(row)
            if len(batch) >= BATCH:
                db.session.execute(table.insert(), batch)
                n, batch = n + len(batch), []
    if batch:
        db.session.execute(table.insert(), batch)
        n += len(batch)
    return n


def _reset_sequences(connection=None) -> None:
    """PostgreSQL: move every id sequence past the restored ids (SQLite derives them from the rows).

    `connection`: another database's connection (`consult db copy`); default this app's session.
    """
    target = db.session if connection is None else connection
    if (db.engine if connection is None else connection).dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto"
                                                and column.type.python_type is int):
                target.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))


def _restore_exports(archive: zipfile.ZipFile, export_dir: Path) -> None:
    """Extract exports/… under EXPORT_DIR after checking every name first (no ../, no absolute paths)."""
    root = export_dir.resolve()
    files = []
    for info in archive.infolist():
        if not info.filename.startswith("exports/") or info.is_dir():
            continue
        relative = PurePosixPath(info.filename[len("exports/"):])
        target = (root / Path(*relative.parts)).resolve()
        if relative.is_absolute() or ".." in relative.parts or root not in target.parents:
            raise BackupError(f"unsafe file name in the backup: {info.filename}")
        files.append((info, target))
    for info, target in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write every table and the stored export files to a zip archive."""
    counts = write_backup(path)
    click.echo(f"wrote {path}: {sum(counts.values())} rows in {len(counts)} tables")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the rows of a database that is not empty.")
@with_appcontext
def restore_command(path: Path, force: bool):
    """Load a backup into an empty database (--force: replace everything); rebuild the index."""
    from consult.search.services import rebuild

    try:
        counts = restore_backup(path, force=force)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    indexed = rebuild()
    click.echo(f"restored {sum(counts.values())} rows in {len(counts)} tables; indexed {indexed} comments")
