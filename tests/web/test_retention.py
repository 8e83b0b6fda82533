"""Retention: cohorts archived longer ago than the period lose their personal data, not counts."""

from __future__ import annotations

import importlib
import shlex
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from celery.schedules import crontab
from sqlalchemy import func, select

from tests.conftest import build_program
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web.test_erasure import assert_nowhere
from web.database import send_task
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    CheckIn,
    Cohort,
    MatchStatus,
    ProposedMatch,
    UnmatchedApprentice,
)
from web.services import reports, retention
from workers.schedule import BEAT_SCHEDULE

DAY = date(2028, 6, 1)
RETENTION_TASK = BEAT_SCHEDULE["erase-expired-personal-data"]["task"]


def archived(days_before: int) -> datetime:
    return datetime(2028, 6, 1, 12, tzinfo=UTC) - timedelta(days=days_before)


@pytest.fixture
def cohorts(any_app):
    """An old archived cohort with a round and a pair, a recently archived one, an open one."""
    program = build_program()
    old = program.cohort
    old.archived_at = archived(400)
    apprentice, lonely = make_apprentice(program), make_apprentice(program)
    apprentice.user.name, lonely.user.name = "Rosa Díaz-Ortiz", "Tomás Lee"
    mentor = make_mentor()
    match_round = make_round(
        old, [(apprentice, mentor, MatchStatus.APPROVED)], reason="Shares Python"
    )
    db.session.add(
        UnmatchedApprentice(
            round=match_round,
            apprentice_id=lonely.id,
            code="capacity_taken",
            reason=f"{mentor.user.name} (0.5 with you) went to Rosa Díaz-Ortiz (0.9)",
            details={
                "compatible_mentors": [{"taken_by": [{"apprentice_name": "Rosa Díaz-Ortiz"}]}]
            },
        )
    )
    mentorship = publish_pair(match_round.matches[0])
    db.session.add(
        CheckIn(
            mentorship=mentorship,
            author=apprentice.user,
            author_role="apprentice",
            month="2027-03",
            rating=4,
            note="Rosa loved it",
        )
    )
    recent = Cohort(name="2028 Spring", archived_at=archived(100))
    running = Cohort(name="2028 Fall")
    db.session.add_all([recent, running])
    db.session.flush()
    kept = []
    for cohort in (recent, running):
        profile = make_apprentice(program)
        profile.cohort = cohort
        kept.append(profile)
    db.session.commit()
    return program, old, recent, running, [apprentice, lonely], kept


def test_only_cohorts_past_the_period_are_erased_keeping_their_counts(cohorts):
    program, old, recent, running, gone, kept = cohorts
    before = reports.cohort_summary(old)
    emails = [a.user.email for a in gone]

    assert retention.erase_expired(DAY, days=365) == [old.id]
    db.session.commit()

    db.session.expire_all()
    assert_nowhere("Rosa Díaz-Ortiz", "Tomás Lee", *emails)
    after = reports.cohort_summary(db.session.get(Cohort, old.id))
    assert (after.by_status, after.by_partner) == (before.by_status, before.by_partner)
    profile = db.session.get(ApprenticeProfile, gone[0].id)
    assert profile.user is None and profile.status == "active", "status stays for reports"
    assert profile.pathways == ["software_development"]
    assert db.session.scalar(select(ProposedMatch.reason)) == ""
    assert db.session.scalar(select(ProposedMatch.score)) == 0.8, "scores stay"
    assert db.session.scalar(select(CheckIn.rating)) == 4
    cohort = db.session.get(Cohort, old.id)
    assert cohort.personal_data_erased_at is not None
    assert cohort.retained_statistics["by_status"] == {"active": 1, "registered": 1}
    assert cohort.retained_statistics["by_partner"] == {"Lakeshore Community College": 2}
    for profile in kept:
        assert db.session.get(ApprenticeProfile, profile.id).user is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "cohort.personal_data_erased")
    )
    assert event.subject_id == old.id and event.details["retention_days"] == 365


def test_the_daily_task_uses_the_configured_period_and_runs_once_per_cohort(any_app, cohorts):
    _program, old, recent, _running, _gone, _kept = cohorts
    assert any_app.config["RETENTION_DAYS_AFTER_ARCHIVE"] == 365
    any_app.config["RETENTION_DAYS_AFTER_ARCHIVE"] = 90
    assert send_task(RETENTION_TASK, DAY.isoformat()).get() == [old.id, recent.id]
    assert send_task(RETENTION_TASK, DAY.isoformat()).get() == []
    db.session.expire_all()
    events = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "cohort.personal_data_erased")
    )
    assert events == 2


def test_the_beat_schedule_runs_retention_daily():
    schedule = BEAT_SCHEDULE["erase-expired-personal-data"]["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {3} and schedule.day_of_week == set(range(7))


def test_compose_and_the_readme_start_beat_with_the_schedule():
    root = Path(__file__).resolve().parents[2]
    beat = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["beat"]
    assert shlex.split(beat["command"])[:4] == ["celery", "-A", "workers", "beat"]
    assert "celery -A workers beat" in (root / "README.md").read_text()
    workers = importlib.import_module("workers")
    assert workers.app.conf.beat_schedule is BEAT_SCHEDULE
