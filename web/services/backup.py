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
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from flask import current_app

from web.extensions import db
from web.services.backup_database import (
    DATABASE_FILES,
    BackupError,
    current_revision,
    dump_database,
    engine_name,
    head_revision,
    require_empty_database,
    restore_database,
)

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
INSTANCE_DIR = "instance"
# Not copied from the instance folder: the key (kept apart from the data it protects), the
# default folder of backups themselves, and logs.
SKIPPED_NAMES = {"secret_key", "backups"}
SKIPPED_SUFFIXES = (".log", ".partial")


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
    engine = engine_name()
    with tempfile.TemporaryDirectory(prefix="pathways-backup-") as work_dir:
        work = Path(work_dir)
        database_file = DATABASE_FILES[engine]
        database = dump_database(work / database_file)
        instance = Path(current_app.instance_path)
        _copy_instance_files(instance, work / INSTANCE_DIR, out_dir.resolve())
        members = [p.relative_to(work).as_posix() for p in sorted(work.rglob("*")) if p.is_file()]
        manifest = _manifest(now, engine, database_file, database, work, members)
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
        engine = engine_name()
        if manifest["database"]["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['database']['engine']} database, but the "
                f"configured database is {engine}. Restore it into a "
                f"{manifest['database']['engine']} database."
            )
        require_empty_database()
        instance = Path(current_app.instance_path)
        files = _instance_members(work)
        _refuse_overwriting(files, work / INSTANCE_DIR, instance)
        restore_database(work / manifest["database"]["file"])
        for relative in files:
            target = instance / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / INSTANCE_DIR / relative, target)
    logger.info("backup %s restored", archive)
    return RestoreResult(manifest=manifest, files=len(files), head_revision=head_revision())


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


def _manifest(now, engine_name, database_file, database, work, members) -> dict:
    return {
        "format": ARCHIVE_FORMAT,
        "created_at": now.isoformat(),
        "pathways_version": metadata.version("pathways"),
        "python_version": platform.python_version(),
        "alembic_revision": current_revision(),
        "database": {"engine": engine_name, "file": database_file, **database},
        "files": [
            {"path": m, "size": (work / m).stat().st_size, "sha256": _sha256(work / m)}
            for m in members
        ],
    }


def _copy_instance_files(instance: Path, target: Path, out_dir: Path) -> None:
    """Copy the instance folder's files, except the database, the key, backups and logs."""
    database = Path(db.engine.url.database or "") if db.engine.dialect.name == "sqlite" else None
    for path in sorted(instance.rglob("*")) if instance.is_dir() else []:
        relative = path.relative_to(instance)
        if not path.is_file() or out_dir in path.resolve().parents:
            continue
        if _skipped(relative, path, database):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)


def _skipped(relative: Path, path: Path, database: Path | None) -> bool:
    """The key, the default backups folder, logs, and the SQLite file with its journals."""
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
