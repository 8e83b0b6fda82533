"""Backup and restore: a populated database comes back row for row, damage is refused."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from tests import conftest
from tests.conftest import require_service, submit
from tests.factories import round_form
from tests.services import postgres_reachable, scratch_database
from web import MIGRATIONS_DIR, create_app
from web.config import celery_settings
from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD, load_demo_program
from web.extensions import db
from web.models import Cohort, MatchRound, PartnerInstitution, RoundStatus
from web.services.taxonomy import ensure_skills

# The newest migration: a backup records it, a restore says it.
HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def build_app(database_url: str, instance: Path):
    """An app on `database_url` whose tasks run in-process."""
    settings = conftest.test_config(database_url) | {"REDIS_URL": "", "CELERY": celery_settings("")}
    return create_app(settings, instance_path=str(instance))


def populate(app) -> None:
    """The demo program, one finished round started by its coordinator, and an outbox file."""
    with app.app_context():
        upgrade()
        ensure_skills()
        load_demo_program(seed=3, apprentices=60, mentors=12)
        db.session.commit()
        cohort_id = db.session.scalar(select(Cohort.id))
        client = app.test_client()
        submit(client, "/login", {"email": COORDINATOR_EMAIL, "password": DEMO_PASSWORD})
        cohort_url = f"/coordinator/cohorts/{cohort_id}"
        submit(client, f"{cohort_url}/rounds", round_form(), form_url=cohort_url)
        db.session.expire_all()
        assert db.session.scalar(select(MatchRound.status)) == RoundStatus.SUCCEEDED
    outbox = Path(app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "round-1-apprentice.eml").write_bytes(b"Subject: Your mentor\r\n\r\nHello\r\n")
    (Path(app.instance_path) / "secret_key").write_text("not-in-backups")


def every_row(app) -> dict[str, list]:
    """Every table's rows, in a comparable order."""
    with app.app_context(), db.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}"'))),
                key=repr,
            )
            for name in names
        }


def run(app, *args: str):
    """Run `flask --app web <args>` for `app`."""
    return app.test_cli_runner().invoke(args=list(args))


def backup(app, out: Path) -> Path:
    result = run(app, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    (archive,) = out.glob("pathways-backup-*.tar.gz")
    assert f"Backup written: {archive}" in result.output
    return archive


def assert_same_program(source, restored) -> None:
    before, after = every_row(source), every_row(restored)
    assert set(before) == set(after)
    assert {"users", "match_rounds", "proposed_matches", "alembic_version"} <= set(before)
    assert len(before["proposed_matches"]) > 0 and len(before["users"]) == 78
    for table in before:
        assert before[table] == after[table], f"table {table} differs after restore"
    outbox = "outbox/round-1-apprentice.eml"
    source_file = Path(source.instance_path) / outbox
    assert (Path(restored.instance_path) / outbox).read_bytes() == source_file.read_bytes()
    assert (Path(restored.instance_path) / "secret_key").read_text() != "not-in-backups"


@pytest.fixture(scope="module")
def postgres_source(tmp_path_factory):
    """A scratch PostgreSQL database with the demo program and a finished round."""
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as url:
        app = build_app(
            url.replace("postgresql://", "postgresql+psycopg://"), tmp_path_factory.mktemp("source")
        )
        populate(app)
        yield app
        with app.app_context():
            db.engine.dispose()


def test_postgresql_backup_restores_into_a_fresh_database_row_for_row(postgres_source, tmp_path):
    archive = backup(postgres_source, tmp_path / "backups")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert set(names) == {
        "SHA256SUMS",
        "manifest.json",
        "database.dump",
        "instance/outbox/round-1-apprentice.eml",
    }
    assert manifest["alembic_revision"] == HEAD
    assert manifest["database"]["engine"] == "postgresql"
    assert manifest["database"]["dump_tool"].startswith("pg_dump (PostgreSQL)")
    assert {entry["path"] for entry in manifest["files"]} == set(names) - {
        "SHA256SUMS",
        "manifest.json",
    }

    with scratch_database() as url:
        restored = build_app(
            url.replace("postgresql://", "postgresql+psycopg://"), tmp_path / "restored"
        )
        result = run(restored, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert f"database revision {HEAD}, 1 instance files" in result.output
        assert_same_program(postgres_source, restored)
        with restored.app_context():
            # The sequences came back too: new rows get fresh ids.
            db.session.add(PartnerInstitution(name="New partner", kind="nonprofit"))
            db.session.commit()
            db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(postgres_source, tmp_path):
    archive = backup(postgres_source, tmp_path / "backups")
    before = every_row(postgres_source)
    result = run(postgres_source, "restore", str(archive))
    assert result.exit_code == 1
    assert (
        "is not empty" in result.output and "Restore only into an empty database" in result.output
    )
    assert every_row(postgres_source) == before


@pytest.fixture
def sqlite_source(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'source' / 'pathways.db'}", tmp_path / "source")
    populate(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_sqlite_backup_restores_row_for_row(sqlite_source, tmp_path):
    archive = backup(sqlite_source, tmp_path / "backups")
    restored = build_app(f"sqlite:///{tmp_path / 'new' / 'pathways.db'}", tmp_path / "new")
    result = run(restored, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert_same_program(sqlite_source, restored)
    with restored.app_context():
        db.engine.dispose()


def test_a_damaged_backup_is_refused_and_nothing_restored(sqlite_source, tmp_path):
    archive = backup(sqlite_source, tmp_path / "backups")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    with open(unpacked / "database.sqlite3", "r+b") as database:
        database.seek(200)
        database.write(b"\x00garbled")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            tar.add(path, arcname=path.relative_to(unpacked).as_posix(), recursive=False)

    restored = build_app(f"sqlite:///{tmp_path / 'new' / 'pathways.db'}", tmp_path / "new")
    result = run(restored, "restore", str(damaged))
    assert result.exit_code == 1
    assert "checksum mismatch for database.sqlite3" in result.output
    assert every_row(restored) == {}
    assert not (tmp_path / "new" / "outbox").exists()
    with restored.app_context():
        db.engine.dispose()


def test_a_file_that_is_not_a_backup_is_refused(app, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    shutil.make_archive(str(tmp_path / "notes"), "gztar", root_dir=app.instance_path)
    result = run(app, "restore", str(not_a_backup))
    assert result.exit_code == 1
    assert "not a Pathways backup" in result.output


def test_archives_kept_in_the_instance_folder_are_not_backed_up_again(sqlite_source):
    out = Path(sqlite_source.instance_path) / "archives"
    backup(sqlite_source, out)
    result = run(sqlite_source, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    (archive,) = out.glob("pathways-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "instance/outbox/round-1-apprentice.eml" in names
    assert not [name for name in names if "archives" in name or "secret_key" in name]
