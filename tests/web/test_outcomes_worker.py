"""The end of the year on the real stack: PostgreSQL, Redis, a Celery worker and beat."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import build_program
from tests.factories import make_apprentice
from tests.services import ROOT, wait_until_finished
from tests.web.outcomes_helpers import met_goal, pairs_of
from tests.web.test_program_year_beat import stack, wait_for  # noqa: F401  (fixture)
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    CohortYearClosing,
    OutcomeKind,
    RetentionCheck,
    YearClosingStatus,
)
from web.services import completion, outcomes
from web.services.completion import PairDecision
from web.services.outcomes import OutcomeAnswers

DAY = "2027-04-29"
TASK = "check_retention"


@pytest.fixture
def beat(stack, tmp_path):  # noqa: F811
    """A real `celery beat` process sending the retention job, for DAY, every second."""
    _, env, _, _ = stack
    log_path = tmp_path / "outcomes-beat.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "tests.outcomes_beat", "beat"),
                *("--schedule", str(tmp_path / "outcomes-beat-schedule"), "--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env={**os.environ, **env, "PATHWAYS_TEST_DAY": DAY},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log_path
        finally:
            process.terminate()
            process.wait(timeout=20)


def retention_runs(stack) -> int:  # noqa: F811
    """How many times the worker has finished the retention job."""
    logs = (ROOT / "instance").glob(f"worker-{stack[1]['CELERY_QUEUE']}.log")
    return sum(path.read_text().count(f"workers.outcome_tasks.{TASK}") // 2 for path in logs)


def hire(program, on: date):
    apprentice = make_apprentice(program)
    apprentice.status = ApprenticeStatus.COMPLETED
    answers = OutcomeAnswers(OutcomeKind.HIRED, "Department of Finance", "Programmer/Analyst", on)
    return outcomes.add_outcome(apprentice, answers, program.coordinator, on)


def test_beat_makes_due_retention_checks_on_the_worker_and_asks_once(stack, beat):  # noqa: F811
    app, _, inbox, _ = stack
    program = build_program()
    with app.test_request_context():
        recent = hire(program, date(2026, 10, 1))  # 6 months due 2027-04-01
        older = hire(program, date(2026, 4, 1))  # 6 and 12 months due
        hire(program, date(2026, 11, 15))  # nothing due yet
    db.session.commit()

    wait_for(lambda: retention_runs(stack) >= 3, timeout=90)

    db.session.expire_all()
    checks = db.session.scalars(select(RetentionCheck).order_by(RetentionCheck.id)).all()
    assert sorted((c.outcome_id, c.months) for c in checks) == sorted(
        [(recent.id, 6), (older.id, 6), (older.id, 12)]
    )
    assert all(c.requested_on == date.fromisoformat(DAY) for c in checks)
    received = Counter((rcpt[0], message["Subject"]) for rcpt, message in inbox.messages)
    assert received and max(received.values()) == 1, received
    coordinator_mail = [s for (to, s) in received if to == program.coordinator.email]
    assert len(coordinator_mail) == 3  # one per check, each once across the runs
    partner_mail = [s for (to, s) in received if to == program.partner_a_user.email]
    assert len(partner_mail) == 3


def test_closing_emails_go_out_on_the_worker_with_progress(stack):  # noqa: F811
    app, _, inbox, _ = stack
    program = build_program()
    pairs = pairs_of(program, 3)
    met_goal(pairs[0], "python")
    decisions = {m.id: PairDecision("completed") for m in pairs}
    decisions[pairs[2].id] = PairDecision("ended_early", "Moved to another city")
    with app.test_request_context():
        closing = completion.close_year(program.cohort, decisions, program.coordinator)
    db.session.commit()  # the task reaches Redis through the outbox once this commits

    finished = wait_until_finished(CohortYearClosing, closing.id, timeout=60)

    assert finished.status == YearClosingStatus.SUCCEEDED
    assert (finished.emails_sent, finished.emails_total, finished.progress) == (4, 4, 1.0)
    assert finished.started_at is not None and finished.finished_at is not None
    subjects = {rcpt[0]: message["Subject"] for rcpt, message in inbox.messages}
    assert subjects[pairs[0].apprentice.user.email] == "Your Pathways certificate"
    assert subjects[pairs[2].apprentice.user.email] == "Your Pathways program year has ended"
    assert subjects[program.partner_a_user.email] == (
        "Pathways: the 2027 Spring program year is closed"
    )
    assert len(inbox.messages) == 4
