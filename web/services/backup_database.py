"""The database half of a backup: a consistent dump, its restore, and what it is at.

PostgreSQL goes through pg_dump (custom format) and pg_restore; SQLite through its backup API.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from web.extensions import db

logger = logging.getLogger(__name__)

DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


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


def engine_name() -> str:
    """The configured database's kind, "postgresql" or "sqlite": the two backups can copy."""
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {name}.")
    return name


def current_revision() -> str | None:
    """The database's Alembic revision, or None before the first migration."""
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def head_revision() -> str | None:
    """The newest Alembic revision this version of the code knows."""
    from alembic.script import ScriptDirectory

    from web import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def dump_database(target: Path) -> dict:
    """Write a consistent copy of the database to `target`; return what made it."""
    if db.engine.dialect.name == "sqlite":
        _sqlite_copy(Path(db.engine.url.database or ""), target)
        return {"sqlite_version": sqlite3.sqlite_version}
    with db.engine.connect() as connection:
        server_version = connection.scalar(text("SHOW server_version"))
    # pg_dump reads everything in one snapshot: the dump is consistent while the service runs.
    _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target))
    return {"server_version": server_version, "dump_tool": _tool_version("pg_dump")}


def restore_database(source: Path) -> None:
    """Load a dump made by `dump_database` into the configured (empty) database."""
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
