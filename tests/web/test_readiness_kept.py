"""The cohort page's readiness check runs on the worker, once per change of the program."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import make_apprentice, make_mentor
from web import database
from web.extensions import db
from web.models import ReadinessCheck
from web.services import readiness_checks, reports

CHECKING = "The matching service is checking this cohort now"


def _count_checks(monkeypatch) -> list:
    runs = []
    real = reports.cohort_readiness

    def counted(cohort, parameters):
        runs.append(cohort.id)
        return real(cohort, parameters)

    monkeypatch.setattr(reports, "cohort_readiness", counted)
    return runs


def test_the_check_is_kept_until_the_program_changes(client, program, monkeypatch):
    make_apprentice(program)
    make_mentor()
    db.session.commit()
    runs = _count_checks(monkeypatch)
    sign_in(client, program.coordinator)
    url = f"/coordinator/cohorts/{program.cohort.id}"

    first = client.get(url).get_data(as_text=True)
    second = client.get(url).get_data(as_text=True)
    assert "Is the cohort ready to match?" in first and CHECKING not in first
    assert "1 apprentice, 1 mentor" in second
    assert runs == [program.cohort.id]  # the second view read the kept check

    make_apprentice(program)
    db.session.commit()
    assert "2 apprentices, 1 mentor" in client.get(url).get_data(as_text=True)
    assert len(runs) == 2
    assert db.session.scalar(select(ReadinessCheck.result)) is not None


def test_with_a_worker_the_page_asks_once_and_never_computes(client, program, monkeypatch):
    make_apprentice(program)
    db.session.commit()
    runs = _count_checks(monkeypatch)
    sent = []
    monkeypatch.setattr(database, "send_task", lambda *args: sent.append(args))
    sign_in(client, program.coordinator)
    url = f"/coordinator/cohorts/{program.cohort.id}"

    assert CHECKING in client.get(url).get_data(as_text=True)
    assert CHECKING in client.get(url).get_data(as_text=True)
    assert runs == []
    assert sent == [(readiness_checks.CHECK_TASK, program.cohort.id, sent[0][2])]

    readiness_checks.run_check(*sent[0][1:])  # what the worker does
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert CHECKING not in page and "1 apprentice, 0 mentors" in page


def test_a_broker_that_refuses_leaves_the_page_up_and_asks_again(client, program, monkeypatch):
    make_apprentice(program)
    db.session.commit()
    asked = []

    def refuse(*args):
        asked.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(database, "send_task", refuse)
    sign_in(client, program.coordinator)
    url = f"/coordinator/cohorts/{program.cohort.id}"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "could not be reached" in response.get_data(as_text=True)
    assert len(asked) == 2
