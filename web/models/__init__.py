"""Pathways data model, one module per part of the program."""

from web.models.accounts import ApiToken, CoordinatorRole, Role, User
from web.models.audit import AuditEvent
from web.models.imports import ImportStatus, PeopleImport
from web.models.kept_figures import KeptFigures, ProgramVersion
from web.models.matching import (
    MatchRound,
    MatchStatus,
    ProposedMatch,
    RoundStatus,
    UnmatchedApprentice,
)
from web.models.mentorships import CheckIn, Mentorship, MentorshipOutcome, MentorshipStatus
from web.models.operations import OutboxMessage, WorkerHeartbeat
from web.models.outcomes import (
    RETENTION_MONTHS,
    CohortYearClosing,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    RetentionCheck,
    YearClosingStatus,
)
from web.models.preferences import MentorMark, MentorMarkKind, MentorRanking
from web.models.profiles import (
    ApprenticeProfile,
    ApprenticeSkill,
    ApprenticeStatus,
    MentorProfile,
    MentorSkill,
    MentorVetting,
)
from web.models.program import Cohort, PartnerInstitution, Skill
from web.models.program_year import (
    CohortReminderSettings,
    EmailPreference,
    Goal,
    Meeting,
    PairFlag,
    ReminderSent,
    Survey,
)
from web.models.readiness import ReadinessCheck
from web.models.reports import BuildStatus, ReportBuild
from web.models.security import RecoveryCode, SecurityEvent

__all__ = [
    "ApiToken",
    "ApprenticeProfile",
    "ApprenticeSkill",
    "ApprenticeStatus",
    "AuditEvent",
    "BuildStatus",
    "CheckIn",
    "Cohort",
    "CohortYearClosing",
    "CohortReminderSettings",
    "CoordinatorRole",
    "EmailPreference",
    "Goal",
    "ImportStatus",
    "KeptFigures",
    "MatchRound",
    "MatchStatus",
    "Meeting",
    "MentorMark",
    "MentorMarkKind",
    "MentorProfile",
    "MentorRanking",
    "MentorSkill",
    "MentorVetting",
    "Mentorship",
    "MentorshipOutcome",
    "MentorshipStatus",
    "PairFlag",
    "OutboxMessage",
    "Outcome",
    "OutcomeKind",
    "OutcomeSource",
    "PartnerInstitution",
    "PeopleImport",
    "ProgramVersion",
    "ProposedMatch",
    "ReadinessCheck",
    "RecoveryCode",
    "ReportBuild",
    "RETENTION_MONTHS",
    "ReminderSent",
    "RetentionCheck",
    "Role",
    "RoundStatus",
    "SecurityEvent",
    "Skill",
    "Survey",
    "UnmatchedApprentice",
    "User",
    "WorkerHeartbeat",
    "YearClosingStatus",
]
