"""Checking each person of an import file against the program's records, row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.csvio import CsvProblem
from matcher.profiles import Apprentice, Mentor
from web import catalog
from web.catalog import slots_to_json
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, PartnerInstitution, Role, Skill, User
from web.services import import_changes, intake_minors
from web.services.intake_files import APPRENTICES, loose_keys, term
from web.single_line import has_line_break

_PATHWAYS = loose_keys(catalog.PATHWAYS)
_REGIONS = loose_keys(catalog.REGIONS)
_LANGUAGES = loose_keys(catalog.LANGUAGES)


@dataclass
class ImportRow:
    """One person of the file: where they are, who they are, and what importing would do."""

    line: int
    person: Apprentice | Mentor
    email: str
    action: str = "create"
    values: dict = field(default_factory=dict)
    # Guarded fields the update would change (see import_changes); empty for most rows.
    changes: list[import_changes.FieldChange] = field(default_factory=list)
    # Every problem of this line, from its cells and from the records; any one keeps it out.
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        """True when nothing is wrong with this line itself."""
        return not self.problems


@dataclass
class Known:
    """What the database already holds, loaded once per file (never once per row)."""

    partners: dict[str, PartnerInstitution]
    skills: dict[str, Skill]
    users: dict[str, User]
    mentors: dict[str, int]

    @classmethod
    def load(cls, kind: str, emails: list[str], with_mentors: bool) -> Known:
        """Load partners, skills, the file's existing users and (if needed) every mentor."""
        skills: dict[str, Skill] = {}
        for skill in db.session.scalars(select(Skill)):
            skills[skill.label.casefold()] = skills[skill.key.casefold()] = skill
        partners = {p.name.casefold(): p for p in db.session.scalars(select(PartnerInstitution))}
        wanted = {e.strip().lower() for e in emails if e.strip()}
        # Updates compare and replace each profile's skills: loaded with the profiles.
        if kind == APPRENTICES:
            profiles = selectinload(User.apprentice_profile).selectinload(ApprenticeProfile.skills)
        else:
            profiles = selectinload(User.mentor_profile).selectinload(MentorProfile.skills)
        users = db.session.scalars(
            select(User).where(func.lower(User.email).in_(wanted)).options(profiles)
        )
        mentors: dict[str, int] = {}
        if with_mentors:
            rows = db.session.execute(select(MentorProfile.id, User.email).join(MentorProfile.user))
            for mentor_id, email in rows:
                mentors[str(mentor_id)] = mentors[email.lower()] = mentor_id
        return cls(partners, skills, {u.email.lower(): u for u in users}, mentors)


def excludes(person: Apprentice | Mentor) -> frozenset[str]:
    """The mentors an apprentice's row excludes (none for a mentor)."""
    return getattr(person, "exclude_mentors", frozenset())


class RecordCheck:
    """Checks shared by both kinds; records problems with the row's line."""

    role: Role

    def __init__(self, known: Known):
        self.known = known

    def row(self, row: ImportRow, seen: dict[str, int], problems: list[CsvProblem]) -> None:
        """Check `row`, fill its values and action, and append any problems."""
        self.problems, self.line = problems, row.line
        person = row.person
        self._email(row, seen)
        if not person.name.strip():
            self.problem("name", "must not be empty")
        elif has_line_break(person.name):
            self.problem("name", "must be on one line, without line breaks")
        row.values = {
            "name": person.name.strip(),
            "pathways": self.terms("pathways", person.pathways, _PATHWAYS, "pathway"),
            "skills": self.skills(person.skills),
            "availability": slots_to_json(person.availability),
            "mode": person.mode,
            "region": self.region(person.region),
            "languages": self.terms("languages", person.languages, _LANGUAGES, "language"),
        } | self.extra(person)

    def extra(self, person) -> dict:
        """The values of the kind's own columns."""
        return {}

    def problem(self, column: str, message: str) -> None:
        """Record a problem of the current row's `column`."""
        self.problems.append(CsvProblem(self.line, column, message))

    def _email(self, row: ImportRow, seen: dict[str, int]) -> None:
        if not row.email:
            return self.problem("email", "must not be empty")
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError as error:
            return self.problem("email", f"'{row.email}' is not a valid email address: {error}")
        if row.email in seen:
            return self.problem("email", f"'{row.email}' is also on line {seen[row.email]}")
        seen[row.email] = row.line
        user = self.known.users.get(row.email)
        if user is not None and user.role != self.role:
            self.problem("email", f"'{row.email}' already belongs to a {user.role} account")
        elif user is not None:
            row.action = "update"

    def terms(self, column: str, values, vocabulary: dict[str, str], noun: str) -> list[str]:
        """The vocabulary keys of `values`; a problem names the unknown ones."""
        keys, unknown = [], []
        for value in sorted(values):
            key = vocabulary.get(term(value))
            if key:
                keys.append(key)
            else:
                unknown.append(value)
        if unknown:
            known = ", ".join(sorted(set(vocabulary.values())))
            self.problem(column, f"unknown {noun}: {', '.join(unknown)} (known: {known})")
        return sorted(set(keys))

    def region(self, value: str) -> str:
        """The region's key ("" when empty); a problem if it is unknown."""
        if not value.strip():
            return ""
        key = _REGIONS.get(term(value))
        if key is None:
            known = ", ".join(sorted(set(_REGIONS.values())))
            self.problem("region", f"unknown region: {value} (known: {known})")
        return key or ""

    def skills(self, wanted: dict[str, int]) -> dict[int, int]:
        """Skill ids and levels; a problem names skills not in the list."""
        found, unknown = {}, []
        for name, level in sorted(wanted.items()):
            skill = self.known.skills.get(name.strip().casefold())
            if skill is None:
                unknown.append(name)
            else:
                found[skill.id] = level
        if unknown:
            self.problem("skills", f"not in the skills list: {', '.join(unknown)}")
        return found


class ApprenticeCheck(RecordCheck):
    """An apprentice's partner, excluded mentors, date of birth and guardian."""

    role = Role.APPRENTICE

    def __init__(self, known: Known, extras: intake_minors.ExtraColumns, starts_on):
        super().__init__(known)
        self.extras, self.starts_on = extras, starts_on

    def birth_and_guardian(self, person: Apprentice) -> dict:
        """The row's date of birth, minor flag and guardian, checked."""
        if not self.extras.has_date_of_birth_column:
            return intake_minors.UNKNOWN_BIRTH  # the header's own problem says what to add
        cells = self.extras.by_line.get(self.line, {})
        own = person.email.strip().lower()
        has_minor = self.extras.has_minor_column
        return intake_minors.check_row(cells, self.starts_on, has_minor, own, self.problem)

    def extra(self, person: Apprentice) -> dict:
        """The partner institution and excluded mentors, with the birth and guardian cells."""
        partner = self.known.partners.get(person.partner.strip().casefold())
        if not person.partner.strip():
            self.problem("partner", "must not be empty")
        elif partner is None:
            self.problem("partner", f"unknown partner institution: {person.partner}")
        elif not partner.active:
            self.problem("partner", f"partner institution {partner.name} is deactivated")
        excluded, unknown = [], []
        for item in sorted(person.exclude_mentors):
            mentor_id = self.known.mentors.get(item.strip().lower())
            if mentor_id:
                excluded.append(mentor_id)
            else:
                unknown.append(item)
        if unknown:
            names = ", ".join(unknown)
            self.problem("exclude_mentors", f"no mentor with this email or number: {names}")
        return {"partner": partner, "exclude": excluded} | self.birth_and_guardian(person)


class MentorCheck(RecordCheck):
    """A mentor's department, title, places and background check."""

    role = Role.MENTOR

    def extra(self, person: Mentor) -> dict:
        """The mentor's own columns, as stored."""
        return {
            "department": person.department.strip()[:120],
            "title": person.title.strip()[:120],
            "capacity": person.capacity,
            "background_checked": person.background_checked,
        }
