"""The same test on SQLite and on PostgreSQL: import `any_app` (and `pg_database`) to use it."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from tests.conftest import require_service
from tests.conftest import test_config as settings_for
from tests.services import postgres_reachable, scratch_database
from tests.web.emptying import empty_tables
from web import create_app
from web.extensions import db
from web.services.taxonomy import ensure_skills


@pytest.fixture(scope="module")
def pg_database(tmp_path_factory):
    """An app on a scratch PostgreSQL database migrated to the head, tasks run in-process."""
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as database_url:
        url = database_url.replace("postgresql://", "postgresql+psycopg://")
        app = create_app(settings_for(url), instance_path=str(tmp_path_factory.mktemp("pg")))
        with app.app_context():
            upgrade()
            ensure_skills()
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, app):
    """The test's app on SQLite, then on PostgreSQL (every table but skills emptied after)."""
    if request.param == "sqlite":
        yield app
        return
    pg_app = request.getfixturevalue("pg_database")
    with pg_app.app_context():
        yield pg_app
        db.session.remove()
        empty_tables()
