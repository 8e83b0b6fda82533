"""An import through the production path: PostgreSQL, Redis and a real Celery worker."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.services import wait_until_finished
from tests.web.test_intake import APPRENTICES, confirm, upload
from tests.web.test_production_path import pg_app, pg_program, stack  # noqa: F401
from web.extensions import db
from web.models import ApprenticeProfile, AuditEvent, ImportStatus, PeopleImport
from web.services.people_imports import IMPORT_TASK


def wait_for_import(import_id: int, timeout: float = 60) -> PeopleImport:
    """Poll the database until the worker has finished the import."""
    return wait_until_finished(PeopleImport, import_id, timeout)


def test_the_worker_imports_a_confirmed_file(pg_app, pg_program):  # noqa: F811
    client = pg_app.test_client()
    sign_in(client, pg_program.coordinator)

    status_page = confirm(client, upload(client, APPRENTICES, program=pg_program).text)
    import_id = db.session.scalar(select(PeopleImport.id))
    assert status_page.request.path == f"/coordinator/imports/{import_id}"

    done = wait_for_import(import_id)
    assert done.status == ImportStatus.SUCCEEDED, done.error
    page = client.get(f"/coordinator/imports/{import_id}").get_data(as_text=True)
    assert "Imported 2 apprentices: 2 new, 0 updated." in page
    progress = client.get(f"/coordinator/imports/{import_id}/progress.json").get_json()
    assert (progress["status"], progress["created"]) == ("succeeded", 2)
    assert db.session.scalar(select(func.count()).select_from(ApprenticeProfile)) == 2


def test_two_deliveries_of_one_import_write_it_once(pg_app, pg_program):  # noqa: F811
    people_import = PeopleImport(
        kind="apprentices",
        cohort=pg_program.cohort,
        content=APPRENTICES,
        started_by=pg_program.coordinator,
    )
    db.session.add(people_import)
    db.session.commit()

    celery = pg_app.extensions["celery"]  # not web.database.send_task, which keeps no result
    deliveries = [celery.send_task(IMPORT_TASK, args=[people_import.id]) for _ in range(2)]
    for delivery in deliveries:
        delivery.get(timeout=60)

    done = wait_for_import(people_import.id)
    assert (done.created_count, done.updated_count) == (2, 0)
    assert db.session.scalar(select(func.count()).select_from(ApprenticeProfile)) == 2
    imported = select(func.count()).where(AuditEvent.action == "apprentices.imported")
    assert db.session.scalar(imported) == 1
