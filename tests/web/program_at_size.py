"""A demo program of a chosen size, taken through a round, publishing and check-ins.

The query-count tests build it at two sizes and compare what each page costs.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select, update

from tests.conftest import csrf_token_from, submit, test_config
from tests.web.api_tokens import bearer_for
from tests.web.outcomes_at_size import finish_some_with_outcomes
from web import create_app
from web.demo import DEMO_PASSWORD, load_demo_program
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    Cohort,
    Goal,
    MatchRound,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorVetting,
    Outcome,
    PairFlag,
    Role,
    Skill,
    Survey,
    UnmatchedApprentice,
    User,
)
from web.models.base import utcnow
from web.services import mentorships, publishing, rounds, stated_preferences
from web.services.outcomes import FINISHED


@dataclass
class SizedProgram:
    """Ids and signed-in clients of a program built by `build_sized_program`."""

    app: object
    cohort_id: int
    round_id: int
    mentor_id: int
    round_statements: int = 0
    next_round_id: int = 0
    unmatched_id: int = 0
    mentorship_id: int = 0
    post_statements: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    emails: dict = field(default_factory=dict)
    api_headers: dict = field(default_factory=dict)


@contextmanager
def counted_statements(engine):
    """Count the SQL statements `engine` runs inside the block; yields a one-item list."""
    count = [0]

    def before_cursor_execute(*_args):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def sqlite_app(template: Path, folder: Path):
    """An app on a copy of the migrated SQLite database `template`, in `folder`."""
    path = folder / "pathways.db"
    shutil.copy(template, path)
    return create_app(test_config(f"sqlite:///{path}"), instance_path=str(folder / "instance"))


def build_sized_program(app, apprentices: int) -> SizedProgram:
    """The demo at `apprentices` (and a quarter as many mentors), matched and published,
    in `app`'s database (migrated, holding nothing but the skills)."""
    with app.app_context():
        load_demo_program(seed=3, apprentices=apprentices, mentors=apprentices // 4)
        db.session.commit()
        coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
        match_round = rounds.start_round(db.session.scalar(select(Cohort)), {}, coordinator)
        db.session.commit()  # the round runs in-process once this commits
        round_id, engine, email = match_round.id, db.engine, coordinator.email
        db.session.remove()
    # The coordinator approves the round's pairs on the review page, as a person would.
    post_statements = _bulk_approval_statements(_signed_in(app, email), engine, round_id)
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
        cohort = db.session.scalar(select(Cohort))
        match_round = db.session.get(MatchRound, round_id)
        publishing.publish_round(match_round, coordinator)
        db.session.commit()
        _confirm_half(coordinator)
        _open_preferences(cohort, coordinator)
        _program_year_rows()
        program = SizedProgram(app, cohort.id, match_round.id, _busiest_mentor())
        program.mentorship_id = db.session.scalar(select(func.min(Mentorship.id)))
        program.post_statements = post_statements
        program.round_statements = _statements_of_a_round(cohort, coordinator)
        finish_some_with_outcomes(coordinator)
        program.next_round_id = db.session.scalar(select(func.max(MatchRound.id)))
        program.unmatched_id = db.session.scalar(
            select(func.min(UnmatchedApprentice.apprentice_id)).where(
                UnmatchedApprentice.round_id == program.next_round_id
            )
        )
        emails = _people_with_something_to_see()
        partner = db.session.scalar(select(User).where(User.email == emails[Role.PARTNER]))
        program.api_headers = bearer_for(partner)
        db.session.remove()
    # Requests run outside this app context: each gets its own, as in production.
    program.emails = emails
    program.clients = {role: _signed_in(app, email) for role, email in emails.items()}
    return program


def _bulk_approval_statements(client, engine, round_id: int) -> dict[str, int]:
    """Statements of the review's bulk approvals: half the first page by hand, then the rest."""
    url = f"/coordinator/rounds/{round_id}"
    page = client.get(url).get_data(as_text=True)
    token = csrf_token_from(page)
    chosen = re.findall(r'name="match_ids" value="(\d+)"', page)[::2]
    posts = {
        "bulk approval: how many, selected": {"match_ids": chosen},
        "bulk approval: selected": {"match_ids": chosen, "confirmed": "yes"},
        "bulk approval: how many, by score": {"min_score": "0"},
        "bulk approval: by score": {"min_score": "0", "confirmed": "yes"},
    }
    counts = {}
    for name, data in posts.items():
        with counted_statements(engine) as count:
            response = client.post(f"{url}/approve", data={**data, "csrf_token": token})
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = count[0]
    return counts


def _statements_of_a_round(cohort: Cohort, coordinator: User) -> int:
    """Statements of starting and running a second round (in-process, on commit)."""
    with counted_statements(db.engine) as count:
        rounds.start_round(cohort, {}, coordinator)
        db.session.commit()
    return count[0]


def _confirm_half(coordinator: User) -> None:
    """Mentors confirm every other mentorship and write a check-in for it."""
    waiting = db.session.scalars(select(Mentorship).order_by(Mentorship.id)).all()
    for mentorship in waiting[::2]:
        mentor_user = mentorship.mentor.user
        mentorships.respond_to_match(mentorship, mentor_user, accept=True)
    db.session.commit()


def _open_preferences(cohort: Cohort, coordinator: User) -> None:
    """Mentors offer more places, registration closes, and those still waiting state
    preferences (so the preference pages list people at both sizes)."""
    db.session.execute(update(MentorProfile).values(capacity=MentorProfile.capacity + 1))
    cohort.registration_open = False
    stated_preferences.open_step(cohort, coordinator)
    db.session.commit()


def _waiting_apprentice() -> str:
    """An apprentice waiting for a match or its review (they may rank mentors)."""
    return db.session.scalar(
        select(User.email)
        .join(ApprenticeProfile, ApprenticeProfile.user_id == User.id)
        .where(
            ApprenticeProfile.status.in_(stated_preferences.STATING),
            ApprenticeProfile.is_minor.is_(False),
            User.email_verified,
        )
        .order_by(User.id)
        .limit(1)
    )


def _mentor_with_room() -> str:
    """An approved mentor with a place left (apprentices may be offered to them)."""
    taken = rounds.places_taken()
    mentors = db.session.scalars(
        select(MentorProfile)
        .where(MentorProfile.accepting, MentorProfile.vetting == MentorVetting.APPROVED)
        .order_by(MentorProfile.id)
    )
    return next(m.user.email for m in mentors if m.capacity > taken.get(m.id, 0))


def _program_year_rows() -> None:
    """Each running pair: check-ins with notes, an answered survey, a goal met, a flag, a hire."""
    running = db.session.scalars(
        select(Mentorship).where(Mentorship.status == MentorshipStatus.ACTIVE)
    ).all()
    skill_ids = list(db.session.scalars(select(Skill.id).limit(2)))
    for n, mentorship in enumerate(running):
        apprentice_user, mentor_user = mentorship.apprentice.user, mentorship.mentor.user
        db.session.add_all(
            [
                CheckIn(mentorship=mentorship, author_id=mentor_user.id, author_role="mentor",
                        month="2027-04", rating=1 + n % 5, note="On track"),
                Survey(mentorship=mentorship, respondent=apprentice_user, kind="pulse",
                       sent_on=date(2027, 5, 1), answered_at=utcnow(), satisfaction=1 + n % 5,
                       would_recommend=n % 11, comment="Helpful"),
                Goal(mentorship=mentorship, title="Ship a pull request", skill_ids=skill_ids,
                     agreed_at=utcnow(), met_at=utcnow() if n % 2 else None),
                PairFlag(mentorship=mentorship, kind="idle", period=f"p{n}", reason="Idle",
                         raised_on=date(2027, 5, 1)),
                Outcome(apprentice_id=mentorship.apprentice_id, kind="hired",
                        department=f"Department {n % 3}", job_title="IT Engineer",
                        occurred_on=date(2027, 6, 1)),
            ]
        )  # fmt: skip
    db.session.commit()


def _busiest_mentor() -> int:
    return db.session.scalar(
        select(Mentorship.mentor_id)
        .where(Mentorship.status == MentorshipStatus.ACTIVE)
        .order_by(Mentorship.id)
        .limit(1)
    )


def _people_with_something_to_see() -> dict:
    """One email per role, each of a person with something to see."""
    apprentice = db.session.scalar(
        select(User)
        .join(ApprenticeProfile, ApprenticeProfile.user_id == User.id)
        .join(Mentorship, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Mentorship.status == MentorshipStatus.ACTIVE)
        .order_by(Mentorship.id)
        .limit(1)
    )
    mentor = db.session.get(MentorProfile, _busiest_mentor()).user
    emails = {
        Role.COORDINATOR: db.session.scalar(
            select(User.email).where(User.role == Role.COORDINATOR)
        ),
        # A partner with a finished apprentice hired, so its outcome pages list someone.
        Role.PARTNER: db.session.scalar(
            select(User.email)
            .join(ApprenticeProfile, ApprenticeProfile.partner_id == User.partner_id)
            .join(Outcome, Outcome.apprentice_id == ApprenticeProfile.id)
            .where(User.role == Role.PARTNER, ApprenticeProfile.status.in_(FINISHED))
            .order_by(User.id)
            .limit(1)
        ),
        Role.APPRENTICE: apprentice.email,
        Role.MENTOR: mentor.email,
        "waiting apprentice": _waiting_apprentice(),
        "mentor with room": _mentor_with_room(),
    }
    return emails


def _signed_in(app, email: str):
    client = app.test_client()
    response = submit(client, "/login", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    return client
