"""What each audit event is about, in words and with a link: "Pair Rosa Diaz – Maya Chen"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    ApiToken,
    ApprenticeProfile,
    AuditEvent,
    Cohort,
    MatchRound,
    MentorProfile,
    Mentorship,
    PartnerInstitution,
    PeopleImport,
    ProposedMatch,
    User,
)


@dataclass(frozen=True)
class Subject:
    """An audit event's subject as a coordinator reads it, and where to see it (if anywhere)."""

    text: str
    url: str | None = None


def _pair(match: ProposedMatch) -> Subject:
    text = (
        f"Pair {match.apprentice.display_name} – {match.mentor.user.name} (round {match.round_id})"
    )
    return Subject(text, url_for("coordinator.round", round_id=match.round_id))


def _mentorship(mentorship: Mentorship) -> Subject:
    return Subject(
        f"Mentorship {mentorship.apprentice.display_name} – {mentorship.mentor.user.name}",
        url_for("coordinator.mentor", mentor_id=mentorship.mentor_id),
    )


def _round(match_round: MatchRound) -> Subject:
    return Subject(
        f"Round {match_round.id} of {match_round.cohort.name}",
        url_for("coordinator.round", round_id=match_round.id),
    )


def _import(people_import: PeopleImport) -> Subject:
    return Subject(
        f"Import {people_import.id} of {people_import.kind}",
        url_for("coordinator.import_status", import_id=people_import.id),
    )


_DESCRIBE: dict[str, tuple[type, Callable[[object], Subject]]] = {
    "ProposedMatch": (ProposedMatch, _pair),
    "Mentorship": (Mentorship, _mentorship),
    "MatchRound": (MatchRound, _round),
    "PeopleImport": (PeopleImport, _import),
    "Cohort": (
        Cohort,
        lambda c: Subject(f"Cohort {c.name}", url_for("coordinator.cohort", cohort_id=c.id)),
    ),
    "MentorProfile": (
        MentorProfile,
        lambda m: Subject(f"Mentor {m.user.name}", url_for("coordinator.mentor", mentor_id=m.id)),
    ),
    "ApprenticeProfile": (ApprenticeProfile, lambda a: Subject(f"Apprentice {a.display_name}")),
    "User": (
        User,
        lambda u: Subject(f"Account of {u.name}", url_for("admin.account", user_id=u.id)),
    ),
    "PartnerInstitution": (
        PartnerInstitution,
        lambda p: Subject(f"Partner {p.name}", url_for("admin.partner", partner_id=p.id)),
    ),
    "ApiToken": (ApiToken, lambda t: Subject(f"API token “{t.name}”")),
}


# What each kind's words need, loaded with it rather than one query per event.
_RELATED = {
    "ProposedMatch": (
        selectinload(ProposedMatch.apprentice).selectinload(ApprenticeProfile.user),
        selectinload(ProposedMatch.mentor).selectinload(MentorProfile.user),
    ),
    "Mentorship": (
        selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user),
        selectinload(Mentorship.mentor).selectinload(MentorProfile.user),
    ),
    "MatchRound": (selectinload(MatchRound.cohort),),
}


def describe(events: Iterable[AuditEvent]) -> dict[tuple[str, int], Subject]:
    """The subject of each event, loading each kind of record once for all the events."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_type in _DESCRIBE and event.subject_id is not None:
            wanted[event.subject_type].add(event.subject_id)
    described = {}
    for kind, ids in wanted.items():
        model, render = _DESCRIBE[kind]
        query = select(model).where(model.id.in_(ids)).options(*_RELATED.get(kind, ()))
        for record in db.session.scalars(query):
            described[(kind, record.id)] = render(record)
    return described


def text_of(subjects: dict[tuple[str, int], Subject], event: AuditEvent) -> str:
    """The subject's words, or its kind and id when the record is gone or unknown."""
    subject = subjects.get((event.subject_type, event.subject_id))
    return subject.text if subject else f"{event.subject_type} {event.subject_id or ''}".strip()
