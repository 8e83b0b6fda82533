"""Backups: one compressed archive of the database and the instance files, and its restore.

An archive holds `manifest.json` (versions, Alembic revision, time, file list), `SHA256SUMS`,
the database (`database.dump`, pg_dump's custom format, or `database.sqlite3`) and the
instance files under `instance/` (kept imports, the outbox). The secret key is not in it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from web.extensions import db

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
INSTANCE_DIR = "instance"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Not copied from the instance folder: the key (kept apart from the data it protects), the
# default folder of backups themselves, and logs.
SKIPPED_NAMES = {"secret_key", "backups"}
SKIPPED_SUFFIXES = (".log", ".partial")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class RestoreResult:
    """What a restore put back, from the archive's manifest."""

    manifest: dict
    files: int
    head_revision: str | None


def create_backup(out_dir: Path, now: datetime | None = None) -> Path:
    """Write one archive of the database and the instance files into `out_dir`; return it."""
    now = now or datetime.now(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"pathways-backup-{now:%Y%m%d-%H%M%S}Z.tar.gz"
    engine_name = _engine_name()
    with tempfile.TemporaryDirectory(prefix="pathways-backup-") as work_dir:
        work = Path(work_dir)
        database_file = DATABASE_FILES[engine_name]
        database = _dump_database(work / database_file)
        _copy_instance_files(Path(current_app.instance_path), work / INSTANCE_DIR)
        members = [p.relative_to(work).as_posix() for p in sorted(work.rglob("*")) if p.is_file()]
        manifest = _manifest(now, engine_name, database_file, database, work, members)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        sums = "".join(f"{_sha256(work / m)}  {m}\n" for m in [MANIFEST, *members])
        (work / CHECKSUMS).write_text(sums, encoding="utf-8")
        _write_archive(archive, work, [CHECKSUMS, MANIFEST, *members])
    logger.info("backup written to %s", archive)
    return archive


def restore_backup(archive: Path) -> RestoreResult:
    """Check `archive` and restore it into the configured database, which must be empty."""
    if not archive.is_file():
        raise BackupError(f"There is no backup file at {archive}.")
    with tempfile.TemporaryDirectory(prefix="pathways-restore-") as work_dir:
        work = Path(work_dir)
        _extract(archive, work)
        manifest = verify_checksums(work)
        engine_name = _engine_name()
        if manifest["database"]["engine"] != engine_name:
            raise BackupError(
                f"This backup is of a {manifest['database']['engine']} database, but the "
                f"configured database is {engine_name}. Restore it into a "
                f"{manifest['database']['engine']} database."
            )
        require_empty_database()
        instance = Path(current_app.instance_path)
        files = _instance_members(work)
        _refuse_overwriting(files, work / INSTANCE_DIR, instance)
        _restore_database(work / manifest["database"]["file"])
        for relative in files:
            target = instance / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / INSTANCE_DIR / relative, target)
    logger.info("backup %s restored", archive)
    return RestoreResult(manifest=manifest, files=len(files), head_revision=_head_revision())


def verify_checksums(work: Path) -> dict:
    """Check every extracted file against SHA256SUMS and the manifest; return the manifest."""
    sums_file = work / CHECKSUMS
    if not sums_file.is_file() or not (work / MANIFEST).is_file():
        raise BackupError("This is not a Pathways backup: it has no manifest or checksums.")
    expected = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    present = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()}
    if present - {CHECKSUMS} != set(expected):
        raise BackupError("The backup's files do not match its checksum list: it is incomplete.")
    damaged = sorted(name for name, digest in expected.items() if _sha256(work / name) != digest)
    if damaged:
        raise BackupError(f"The backup is damaged: checksum mismatch for {', '.join(damaged)}.")
    manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest["files"]}
    if listed != set(expected) - {MANIFEST}:
        raise BackupError("The backup's manifest does not list the files it holds.")
    return manifest


def require_empty_database() -> None:
    """Refuse to restore over existing data: the target database must have no tables."""
    tables = sorted(inspect(db.engine).get_table_names())
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"The database {db.engine.url.database} is not empty: it has {len(tables)} "
            f"tables ({shown}). Restore only into an empty database: create a new one "
            "(for PostgreSQL, createdb), point DATABASE_URL at it and run restore again."
        )


def _engine_name() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.")
    return name


def _manifest(now, engine_name, database_file, database, work, members) -> dict:
    return {
        "format": ARCHIVE_FORMAT,
        "created_at": now.isoformat(),
        "pathways_version": metadata.version("pathways"),
        "python_version": platform.python_version(),
        "alembic_revision": _current_revision(),
        "database": {"engine": engine_name, "file": database_file, **database},
        "files": [
            {"path": m, "size": (work / m).stat().st_size, "sha256": _sha256(work / m)}
            for m in members
        ],
    }


def _current_revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from web import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _dump_database(target: Path) -> dict:
    """Write a consistent copy of the database to `target`; return what made it."""
    if db.engine.dialect.name == "sqlite":
        _sqlite_copy(Path(db.engine.url.database or ""), target)
        return {"sqlite_version": sqlite3.sqlite_version}
    with db.engine.connect() as connection:
        server_version = connection.scalar(text("SHOW server_version"))
    # pg_dump reads everything in one snapshot: the dump is consistent while the service runs.
    _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target))
    return {"server_version": server_version, "dump_tool": _tool_version("pg_dump")}


def _restore_database(source: Path) -> None:
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        _sqlite_copy(source, Path(db.engine.url.database or ""))
        return
    _pg_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(source),
    )


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy an SQLite database with its backup API, which is safe while it is in use."""
    if not source.name or not source.is_file():
        raise BackupError(f"The SQLite database file {source} does not exist.")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _pg_tool(tool: str, *arguments: str) -> str:
    """Run a PostgreSQL client tool on the configured database; the password goes by env."""
    url: URL = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    dbname = url.set(drivername="postgresql", password=None).render_as_string()
    return _run([tool, f"--dbname={dbname}", *arguments], env)


def _tool_version(tool: str) -> str:
    return _run([tool, "--version"], dict(os.environ)).strip()


def _run(command: list[str], env: dict) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(on Debian: apt-get install postgresql-client)."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _copy_instance_files(instance: Path, target: Path) -> None:
    """Copy the instance folder's files, except the database, the key, backups and logs."""
    database = Path(db.engine.url.database or "") if db.engine.dialect.name == "sqlite" else None
    for path in sorted(instance.rglob("*")) if instance.is_dir() else []:
        relative = path.relative_to(instance)
        if not path.is_file() or _skipped(relative, path, database):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)


def _skipped(relative: Path, path: Path, database: Path | None) -> bool:
    if relative.parts[0] in SKIPPED_NAMES or path.name.endswith(SKIPPED_SUFFIXES):
        return True
    if database is None:
        return False
    return path.name.startswith(database.name) and path.parent == database.parent


def _instance_members(work: Path) -> list[Path]:
    root = work / INSTANCE_DIR
    return [p.relative_to(root) for p in sorted(root.rglob("*")) if p.is_file()]


def _refuse_overwriting(files: list[Path], source: Path, instance: Path) -> None:
    clashes = [
        str(f)
        for f in files
        if (instance / f).exists() and _sha256(instance / f) != _sha256(source / f)
    ]
    if clashes:
        raise BackupError(
            f"The instance folder {instance} already has different files of the same name "
            f"({', '.join(clashes[:5])}). Restore into an empty instance folder."
        )


def _write_archive(archive: Path, work: Path, members: list[str]) -> None:
    """Write the archive under a temporary name, readable by its owner only, then rename it."""
    partial = archive.with_name(archive.name + ".partial")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for member in members:
                tar.add(work / member, arcname=member, recursive=False)
    partial.replace(archive)


def _extract(archive: Path, work: Path) -> None:
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from error


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
