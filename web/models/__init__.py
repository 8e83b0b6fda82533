"""Pathways data model, one module per part of the program."""

from web.models.accounts import ApiToken, CoordinatorRole, Role, User
from web.models.audit import AuditEvent
from web.models.imports import ImportStatus, PeopleImport
from web.models.matching import (
    MatchRound,
    MatchStatus,
    ProposedMatch,
    RoundStatus,
    UnmatchedApprentice,
)
from web.models.mentorships import CheckIn, Mentorship, MentorshipStatus
from web.models.profiles import (
    ApprenticeProfile,
    ApprenticeSkill,
    ApprenticeStatus,
    MentorProfile,
    MentorSkill,
    MentorVetting,
)
from web.models.program import Cohort, PartnerInstitution, Skill
from web.models.readiness import ReadinessCheck

__all__ = [
    "ApiToken",
    "ApprenticeProfile",
    "ApprenticeSkill",
    "ApprenticeStatus",
    "AuditEvent",
    "CheckIn",
    "Cohort",
    "CoordinatorRole",
    "ImportStatus",
    "MatchRound",
    "MatchStatus",
    "MentorProfile",
    "MentorSkill",
    "MentorVetting",
    "Mentorship",
    "MentorshipStatus",
    "PartnerInstitution",
    "PeopleImport",
    "ProposedMatch",
    "ReadinessCheck",
    "Role",
    "RoundStatus",
    "Skill",
    "UnmatchedApprentice",
    "User",
]
