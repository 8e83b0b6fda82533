"""A person's own data, as JSON they can download from their page."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    CheckIn,
    MentorMark,
    MentorProfile,
    MentorRanking,
    Mentorship,
    Outcome,
    Role,
    User,
)
from web.services.outcomes import outcomes_by_apprentice


def personal_data(user: User) -> dict:
    """Everything Pathways keeps about `user`: account, profile, mentorships, their records."""
    data: dict = {"account": _account(user)}
    if user.role == Role.APPRENTICE and user.apprentice_profile:
        data["apprentice_profile"] = _apprentice(user.apprentice_profile)
        data["mentorships"] = _mentorships(Mentorship.apprentice_id, user.apprentice_profile.id)
    elif user.role == Role.MENTOR and user.mentor_profile:
        data["mentor_profile"] = _mentor(user.mentor_profile)
        data["mentorships"] = _mentorships(Mentorship.mentor_id, user.mentor_profile.id)
    elif user.role == Role.PARTNER and user.partner:
        data["partner_institution"] = {"name": user.partner.name, "kind": user.partner.kind}
    data["check_ins"] = [_check_in(c) for c in _check_ins_by(user)]
    data["activity"] = [_event(e) for e in _events_by(user)]
    return data


def download_name() -> str:
    """The file name of the download, with the day it was made."""
    return f"pathways-my-data-{date.today():%Y-%m-%d}.json"


def _account(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "created_at": _when(user.created_at),
    }


def _shared(profile: ApprenticeProfile | MentorProfile) -> dict:
    return {
        "pathways": list(profile.pathways),
        "skills": {s.skill.label: s.level for s in profile.skills},
        "availability": list(profile.availability),
        "mode": profile.mode,
        "region": profile.region,
        "languages": list(profile.languages),
        "created_at": _when(profile.created_at),
    }


def _apprentice(profile: ApprenticeProfile) -> dict:
    return _shared(profile) | {
        "partner_institution": profile.partner.name,
        "cohort": profile.cohort.name,
        "status": profile.status,
        "under_18": profile.is_minor,
        "goals": profile.goals,
        "excluded_mentor_ids": list(profile.exclude_mentor_ids),
        "ranked_mentor_ids": _ranked(profile.id),
        "outcomes": [_outcome(o) for o in outcomes_by_apprentice([profile.id]).get(profile.id, [])],
    }


def _outcome(outcome: Outcome) -> dict:
    return {
        "kind": outcome.kind,
        "department": outcome.department,
        "job_title": outcome.job_title,
        "occurred_on": outcome.occurred_on.isoformat(),
        "note": outcome.note,
        "retention_checks": [
            {"months": c.months, "due_on": c.due_on.isoformat(), "still_employed": c.still_employed}
            for c in outcome.retention_checks
        ],
    }


def _mentor(profile: MentorProfile) -> dict:
    return _shared(profile) | {
        "department": profile.department,
        "job_title": profile.job_title,
        "capacity": profile.capacity,
        "phone": profile.phone,
        "accepting_apprentices": profile.accepting,
        "background_check_declared": profile.background_check_declared,
        "background_check_confirmed": profile.background_checked,
        "background_check_confirmed_at": _when(profile.background_checked_at),
        "apprentice_marks": _marks(profile.id),
    }


def _ranked(apprentice_id: int) -> list[int]:
    """The mentors the apprentice ranked, first choice first."""
    return list(
        db.session.scalars(
            select(MentorRanking.mentor_id)
            .where(MentorRanking.apprentice_id == apprentice_id)
            .order_by(MentorRanking.rank)
        )
    )


def _marks(mentor_id: int) -> dict[str, str]:
    """Apprentice id -> "preferred" or "not_fit", as the mentor marked them."""
    rows = db.session.execute(
        select(MentorMark.apprentice_id, MentorMark.mark)
        .where(MentorMark.mentor_id == mentor_id)
        .order_by(MentorMark.apprentice_id)
    )
    return {str(apprentice_id): mark for apprentice_id, mark in rows}


def _mentorships(column, profile_id: int) -> list[dict]:
    mentorships = db.session.scalars(
        select(Mentorship).where(column == profile_id).order_by(Mentorship.id)
    )
    return [
        {
            "id": m.id,
            "apprentice": m.apprentice.display_name,
            "mentor": m.mentor.user.name,
            "status": m.status,
            "published_at": _when(m.published_at),
            "ended_at": _when(m.ended_at),
            "outcome": m.end_outcome,
            "end_reason": m.end_reason,
        }
        for m in mentorships
    ]


def _check_ins_by(user: User) -> list[CheckIn]:
    query = select(CheckIn).where(CheckIn.author_id == user.id).order_by(CheckIn.month)
    return list(db.session.scalars(query))


def _check_in(check_in: CheckIn) -> dict:
    return {
        "mentorship_id": check_in.mentorship_id,
        "month": check_in.month,
        "rating": check_in.rating,
        "note": check_in.note,
    }


def _events_by(user: User) -> list[AuditEvent]:
    """What the person did, and what was done to their own account, in the audit log."""
    about_them = (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user.id)
    query = select(AuditEvent).where(or_(AuditEvent.actor_id == user.id, about_them))
    return list(db.session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))


def _event(event: AuditEvent) -> dict:
    return {"at": _when(event.at), "action": event.action, "reason": event.reason}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
