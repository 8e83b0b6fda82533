"""Pulse and end-of-year surveys of both sides, answered once from a signed email link."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from web.errors_domain import DomainError
from web.extensions import db
from web.language import speaking
from web.models import Mentorship, MentorshipStatus, Survey, User
from web.models.base import utcnow
from web.services import audit
from web.services.email_preferences import optional_email, wants_non_essential
from web.services.meetings import local_time
from web.services.notifications import absolute_url
from web.services.pair_activity import mentorships_in, people_of
from web.services.reminders import DueEmail

logger = logging.getLogger(__name__)
PULSE, END_OF_YEAR = "pulse", "end_of_year"
PULSE_AFTER_DAYS = 30
END_OF_YEAR_DAYS_BEFORE_END = 14
LINK_LIFETIME = timedelta(days=60)
TITLES = {PULSE: _l("How is your mentorship going?"), END_OF_YEAR: _l("Your Pathways year")}
_SALT = "pathways.survey"


class SurveyLinkProblem(DomainError):
    """The survey link is not ours, has expired, or was used already."""


def due_surveys(today: date) -> list[DueEmail]:
    """Survey emails due on `today`: a pulse 30 days in, an end-of-year 14 days before the end."""
    due = []
    for mentorship in mentorships_in(MentorshipStatus.ACTIVE):
        for kind in _kinds_due(mentorship, today):
            due += [
                DueEmail(
                    f"survey_{kind}",
                    str(mentorship.id),
                    person,
                    kind,
                    _writer(mentorship, person, kind, today),
                )
                for person in people_of(mentorship)
            ]
    return due


def _kinds_due(mentorship: Mentorship, today: date) -> list[str]:
    started = local_time(mentorship.responded_at or mentorship.published_at).date()
    kinds = [PULSE] if today >= started + timedelta(days=PULSE_AFTER_DAYS) else []
    ends_on = mentorship.apprentice.cohort.ends_on
    if ends_on and today >= ends_on - timedelta(days=END_OF_YEAR_DAYS_BEFORE_END):
        kinds.append(END_OF_YEAR)
    return kinds


def _writer(mentorship: Mentorship, person: User, kind: str, today: date):
    def write() -> EmailMessage | None:
        if not wants_non_essential(person):
            return None
        survey = _survey_for(mentorship, person, kind, today)
        with speaking(person.language):
            lines = [
                _("Hello %(name)s,", name=person.name),
                "",
                _("Three quick questions help the program team improve Pathways."),
                _("The link works once, for 60 days, and needs no sign-in:"),
                absolute_url("program_year.survey", token=survey_token(survey)),
            ]
            return optional_email(person, str(TITLES[kind]), lines)

    return write


def _survey_for(mentorship: Mentorship, person: User, kind: str, today: date) -> Survey:
    survey = db.session.scalar(
        select(Survey).where(
            Survey.mentorship_id == mentorship.id,
            Survey.respondent_id == person.id,
            Survey.kind == kind,
        )
    )
    if survey is None:
        survey = Survey(mentorship=mentorship, respondent=person, kind=kind, sent_on=today)
        db.session.add(survey)
        db.session.flush()
    return survey


def survey_token(survey: Survey) -> str:
    """The signed token of a survey's link."""
    return _serializer().dumps({"survey": survey.id})


def survey_for_token(token: str) -> Survey:
    """The unanswered survey a link is for; raise SurveyLinkProblem otherwise."""
    try:
        survey_id = _serializer().loads(token, max_age=LINK_LIFETIME.total_seconds())["survey"]
    except SignatureExpired:
        raise SurveyLinkProblem(_("This survey link has expired.")) from None
    except (BadData, KeyError, TypeError):
        raise SurveyLinkProblem(_("This link is not complete or was changed.")) from None
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise SurveyLinkProblem(_("This link is not complete or was changed."))
    if survey.answered_at is not None:
        raise SurveyLinkProblem(_("You already answered this survey. Thank you."))
    return survey


def answer_survey(survey: Survey, satisfaction: int, would_recommend: int, comment: str) -> None:
    """Store the answers once; a second submission of the same link is refused."""
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a satisfaction from 1 to 5."))
    if not 0 <= would_recommend <= 10:
        raise DomainError(_("Choose from 0 to 10."))
    result = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.answered_at.is_(None))
        .values(
            answered_at=utcnow(),
            satisfaction=satisfaction,
            would_recommend=would_recommend,
            comment=comment.strip(),
        )
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise SurveyLinkProblem(_("You already answered this survey. Thank you."))
    audit.record(survey.respondent, "survey.answered", survey, kind=survey.kind)
    db.session.flush()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)
