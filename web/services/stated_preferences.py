"""Stated preferences: the step a coordinator opens per cohort, ranks and marks saved in it.

An apprentice ranks up to MAX_RANKED of the mentors offered to them (the hard rules allow
the pair); a mentor marks apprentices offered to them as preferred or not a good fit.
Saying nothing is "no preference". Rounds read what was said (web/services/round_inputs).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from matcher.profiles import MAX_RANKED
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    Cohort,
    MentorMark,
    MentorMarkKind,
    MentorProfile,
    MentorRanking,
    MentorVetting,
    User,
)
from web.models.base import utcnow
from web.services import audit, kept_figures
from web.services.cohorts import ensure_not_archived

logger = logging.getLogger(__name__)

# Apprentices who may still state preferences: waiting for a match or for its review.
STATING = (ApprenticeStatus.REGISTERED, ApprenticeStatus.PROPOSED)


class PreferencesClosed(DomainError):
    """The stated-preferences step is not open for this cohort."""


class PreferencesRefused(DomainError):
    """What was stated breaks a rule; the message says which."""


def open_step(cohort: Cohort, user: User) -> None:
    """Open the step: apprentices may rank mentors, mentors may mark apprentices."""
    ensure_not_archived(cohort, user, "open stated preferences")
    if cohort.registration_open:
        raise PreferencesRefused(
            _("Close registration first: preferences are stated once everyone has registered.")
        )
    if cohort.preferences_open:
        raise PreferencesRefused(_("Stated preferences are already open for this cohort."))
    cohort.preferences_opened_at, cohort.preferences_closed_at = utcnow(), None
    audit.record(user, "preferences.opened", cohort)
    db.session.flush()


def close_step(cohort: Cohort, user: User) -> None:
    """Close the step; what was said stays and counts in the cohort's rounds."""
    ensure_not_archived(cohort, user, "close stated preferences")
    if not cohort.preferences_open:
        raise PreferencesRefused(_("Stated preferences are not open for this cohort."))
    cohort.preferences_closed_at = utcnow()
    audit.record(user, "preferences.closed", cohort, **step_counts(cohort))
    db.session.flush()


def open_cohorts():
    """SQL: cohorts whose step is open (and not archived)."""
    return (
        Cohort.preferences_opened_at.is_not(None),
        Cohort.preferences_closed_at.is_(None),
        Cohort.archived_at.is_(None),
    )


def apprentice_may_state(profile: ApprenticeProfile) -> bool:
    """True if the apprentice may rank mentors now (their status page links the step)."""
    return profile.cohort.preferences_open and profile.status in STATING


def mentor_may_state(profile: MentorProfile) -> bool:
    """True if the mentor may mark apprentices now: offered, and some cohort's step open."""
    if not _offered_in_rounds(profile):
        return False
    return db.session.scalar(select(Cohort.id).where(*open_cohorts()).limit(1)) is not None


def ensure_apprentice_may_state(profile: ApprenticeProfile) -> None:
    """Raise PreferencesClosed unless this apprentice may rank mentors now."""
    if not profile.cohort.preferences_open:
        raise PreferencesClosed(_("Ranking mentors is not open for your cohort right now."))
    if profile.status not in STATING:
        raise PreferencesClosed(_("You can rank mentors only while you wait for a match."))


def ranking_of(profile: ApprenticeProfile) -> list[int]:
    """The mentor ids the apprentice ranked, first choice first."""
    return list(
        db.session.scalars(
            select(MentorRanking.mentor_id)
            .where(MentorRanking.apprentice_id == profile.id)
            .order_by(MentorRanking.rank)
        )
    )


def save_ranking(
    profile: ApprenticeProfile,
    chosen: Sequence[int | None],
    offered: Collection[int],
    user: User,
) -> list[int]:
    """Replace the apprentice's ranking with `chosen` (blanks skipped); return it.

    Every mentor must be one `offered` to the apprentice (the hard rules allow the pair).
    """
    ensure_apprentice_may_state(profile)
    ranking = [int(m) for m in chosen if m]
    _check_ranking(ranking, offered)
    db.session.execute(delete(MentorRanking).where(MentorRanking.apprentice_id == profile.id))
    if ranking:
        rows = [
            {"apprentice_id": profile.id, "mentor_id": m, "rank": r, "stated_at": utcnow()}
            for r, m in enumerate(ranking, start=1)
        ]
        db.session.execute(insert(MentorRanking), rows)
    audit.record(user, "preferences.ranked", profile, mentors=ranking)
    db.session.flush()
    return ranking


def _check_ranking(ranking: Sequence[int], offered: Collection[int]) -> None:
    if len(ranking) > MAX_RANKED:
        raise PreferencesRefused(
            _("Rank at most %(count)d mentors.", count=MAX_RANKED),
        )
    if len(set(ranking)) != len(ranking):
        raise PreferencesRefused(_("Each mentor can be ranked only once."))
    strange = [m for m in ranking if m not in offered]
    if not strange:
        return
    known = set(db.session.scalars(select(MentorProfile.id).where(MentorProfile.id.in_(strange))))
    if len(known) < len(strange):
        raise PreferencesRefused(_("One of the mentors you chose does not exist."))
    raise PreferencesRefused(
        _("Choose only mentors from your list: the program's rules do not allow the others.")
    )


def ensure_mentor_may_state(profile: MentorProfile) -> None:
    """Raise PreferencesClosed unless this mentor is offered in rounds."""
    if not _offered_in_rounds(profile):
        raise PreferencesClosed(
            _("You can mark apprentices once your offer is approved and you accept apprentices.")
        )


def _offered_in_rounds(profile: MentorProfile) -> bool:
    return profile.vetting == MentorVetting.APPROVED and profile.accepting


def marks_of(profile: MentorProfile, apprentice_ids: Collection[int]) -> dict[int, str]:
    """Apprentice id -> the mark this mentor gave them (unmarked ones are left out)."""
    if not apprentice_ids:
        return {}
    rows = db.session.execute(
        select(MentorMark.apprentice_id, MentorMark.mark).where(
            MentorMark.mentor_id == profile.id, MentorMark.apprentice_id.in_(apprentice_ids)
        )
    )
    return dict(rows.all())


def save_marks(
    profile: MentorProfile, marks: Mapping[int, str], offered: Collection[int], user: User
) -> dict[str, int]:
    """Set the mentor's marks on the given apprentices ("" = no preference); count them.

    Every apprentice must be one `offered` to the mentor, in a cohort whose step is open.
    """
    ensure_mentor_may_state(profile)
    kinds = {k.value for k in MentorMarkKind}
    if any(mark and mark not in kinds for mark in marks.values()):
        raise PreferencesRefused(_("Choose preferred, not a good fit, or no preference."))
    if any(int(a) not in offered for a in marks):
        raise PreferencesRefused(
            _("Mark only apprentices from your list: the others are not open to marks.")
        )
    ids = [int(a) for a in marks]
    db.session.execute(
        delete(MentorMark).where(
            MentorMark.mentor_id == profile.id, MentorMark.apprentice_id.in_(ids)
        )
    )
    rows = [
        {"mentor_id": profile.id, "apprentice_id": int(a), "mark": m, "stated_at": utcnow()}
        for a, m in marks.items()
        if m
    ]
    if rows:
        db.session.execute(insert(MentorMark), rows)
    counts = {k: sum(1 for r in rows if r["mark"] == k) for k in sorted(kinds)}
    audit.record(user, "preferences.marked", profile, apprentices=len(ids), **counts)
    db.session.flush()
    return counts


def step_counts(cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's apprentices ranked mentors, and the mentors' marks on them.

    Kept until the program changes (web/services/kept_figures.py).
    """
    return kept_figures.kept(f"stated:{cohort.id}", lambda: _count_stated(cohort))


def _count_stated(cohort: Cohort) -> dict[str, int]:
    in_cohort = select(ApprenticeProfile.id).where(ApprenticeProfile.cohort_id == cohort.id)
    ranked = db.session.scalar(
        select(func.count(func.distinct(MentorRanking.apprentice_id))).where(
            MentorRanking.apprentice_id.in_(in_cohort)
        )
    )
    marks = dict(
        db.session.execute(
            select(MentorMark.mark, func.count())
            .where(MentorMark.apprentice_id.in_(in_cohort))
            .group_by(MentorMark.mark)
        ).all()
    )
    mentors = db.session.scalar(
        select(func.count(func.distinct(MentorMark.mentor_id))).where(
            MentorMark.apprentice_id.in_(in_cohort)
        )
    )
    return {
        "apprentices_ranked": int(ranked or 0),
        "mentors_marked": int(mentors or 0),
        "preferred": int(marks.get(MentorMarkKind.PREFERRED, 0)),
        "not_fit": int(marks.get(MentorMarkKind.NOT_FIT, 0)),
    }


def forget_stated(*, apprentice_id: int | None = None, mentor_id: int | None = None) -> None:
    """Delete what a person stated and what was stated about them (on erasure)."""
    for model in (MentorRanking, MentorMark):
        if apprentice_id is not None:
            db.session.execute(delete(model).where(model.apprentice_id == apprentice_id))
        if mentor_id is not None:
            db.session.execute(delete(model).where(model.mentor_id == mentor_id))
