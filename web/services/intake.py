"""Importing apprentices or mentors from the matcher's CSV files: check everything, then write."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.csvio import (
    APPRENTICE_COLUMNS,
    MENTOR_COLUMNS,
    CsvProblem,
    CsvProblems,
    read_apprentices_with_lines,
    read_mentors_with_lines,
)
from matcher.profiles import Apprentice, Mentor
from web import catalog
from web.catalog import slots_to_json
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    Cohort,
    MentorProfile,
    MentorSkill,
    PartnerInstitution,
    Role,
    Skill,
    User,
)
from web.services import (
    audit,
    background_checks,
    guardians,
    import_changes,
    intake_minors,
    minors,
)
from web.single_line import has_line_break

APPRENTICES, MENTORS = "apprentices", "mentors"
KINDS = {APPRENTICES: "Apprentices", MENTORS: "Mentors"}
_READERS: dict[str, Callable] = {
    APPRENTICES: read_apprentices_with_lines,
    MENTORS: read_mentors_with_lines,
}
PROGRESS_EVERY = 200  # rows between two progress reports while an import is written
Progress = Callable[[float, str], None]
_COLUMNS = {APPRENTICES: APPRENTICE_COLUMNS, MENTORS: MENTOR_COLUMNS}
_ROLES = {APPRENTICES: Role.APPRENTICE, MENTORS: Role.MENTOR}


class UnreadableFile(DomainError):
    """The upload is empty or is not UTF-8 text."""


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


@dataclass
class ImportPreview:
    """Every problem in a file, or, when there is none, what importing it would do."""

    kind: str
    cohort_id: int | None
    problems: list[CsvProblem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.problems and bool(self.rows)

    @property
    def creates(self) -> int:
        """How many people importing would add."""
        return sum(row.action == "create" for row in self.rows)

    @property
    def updates(self) -> int:
        """How many existing people importing would update."""
        return sum(row.action == "update" for row in self.rows)

    @property
    def to_confirm(self) -> list[ImportRow]:
        """Rows changing someone in a pair: each is written only if the coordinator ticks it."""
        return [row for row in self.rows if row.changes]


def decode_upload(data: bytes) -> str:
    """The uploaded bytes as text; raise UnreadableFile, naming the line, if it cannot be."""
    if not data.strip():
        raise UnreadableFile("The file is empty. Choose a CSV file with a header row.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"The file is not UTF-8 text: line {_line_at(data, error.start)} has a byte it "
            f"cannot read (position {error.start}). In your spreadsheet, use “Save as CSV "
            "UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        # PostgreSQL cannot store NUL in text: the import would fail after the preview passed.
        line = _line_at(data, data.index(b"\x00"))
        raise UnreadableFile(
            f"The file contains a NUL character (\\x00) on line {line}, which is not text. "
            "Save the file again as CSV from your spreadsheet, or remove the character, "
            "and upload it again."
        )
    return text


def _line_at(data: bytes, position: int) -> int:
    """The 1-based line of the byte at `position`."""
    return data.count(b"\n", 0, position) + 1


def preview_import(kind: str, text: str, cohort: Cohort | None) -> ImportPreview:
    """Parse `text` with the matcher's reader and check every row against the database."""
    preview = ImportPreview(kind=kind, cohort_id=cohort.id if cohort else None)
    if kind == APPRENTICES and cohort is None:
        raise DomainError("Choose the cohort the apprentices join.")
    if cohort is not None and cohort.archived:
        raise DomainError(f"The cohort {cohort.name} is archived: nobody can join it any more.")
    extras = intake_minors.read_extra_columns(text) if kind == APPRENTICES else None
    try:
        numbered = _READERS[kind](io.StringIO(_for_reader(text, extras)))
    except CsvProblems as error:
        preview.problems = _explain_wrong_kind(kind, text, error.problems)
        numbered = error.parsed  # still check the rows that were read, to list every problem
        if not numbered:
            return _with_header_problems(preview, extras)
    if extras and extras.problems:
        return _with_header_problems(preview, extras)
    if not numbered:
        preview.problems = [CsvProblem(1, "", "the file has a header but no people")]
        return preview
    people = [person for _, person in numbered]
    known = _Known.load(kind, [p.email for p in people], any(_excludes(p) for p in people))
    check = (
        _ApprenticeCheck(known, extras, minors.reference_day(cohort))
        if kind == APPRENTICES
        else _MentorCheck(known)
    )
    seen: dict[str, int] = {}
    for line, person in numbered:
        row = ImportRow(line=line, person=person, email=person.email.strip().lower())
        check.row(row, seen, preview.problems)
        preview.rows.append(row)
    if extras:
        read = {row.line for row in preview.rows}
        starts_on = minors.reference_day(cohort)
        preview.problems += intake_minors.problems_of_unread_rows(extras, read, starts_on)
    preview.problems.sort(key=lambda p: p.line)
    bad = {problem.line for problem in preview.problems}
    checked = [row for row in preview.rows if row.line not in bad]
    import_changes.mark_guarded_changes(
        checked, kind == APPRENTICES, known.users, preview.cohort_id
    )
    return preview


@dataclass(frozen=True)
class Written:
    """What writing an import did: people created and updated, the new accounts' ids, and
    the rows left unchanged because their changes were not confirmed."""

    created: int
    updated: int
    new_user_ids: list[int]
    left_unchanged: list[dict] = field(default_factory=list)


def apply_import(
    preview: ImportPreview,
    actor: User,
    progress: Progress | None = None,
    confirmed: dict[str, list[str]] | None = None,
) -> Written:
    """Write a clean preview's people in the current transaction; say what it created.

    `progress(fraction, message)` hears how far the rows are prepared; nothing reaches the
    database before the one flush at the end, so progress written on another connection
    never waits for this transaction's locks. Rows changing someone in a pair are written
    only if `confirmed` (email -> fields ticked) covers their changes.
    """
    if not preview.clean:
        raise DomainError("The file still has problems; nothing was imported.")
    left = import_changes.leave_unconfirmed(preview, confirmed or {})
    known = _Known.load(preview.kind, [row.email for row in preview.rows], False)
    cohort = db.session.get(Cohort, preview.cohort_id) if preview.cohort_id else None
    write = _write_apprentice if preview.kind == APPRENTICES else _write_mentor
    total = len(preview.rows)
    new_users, minors_written = [], []
    with db.session.no_autoflush:
        for done, row in enumerate(preview.rows):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done / total, f"Preparing {preview.kind}: {done} of {total}")
            user = known.users.get(row.email)
            if user is None:
                user = _new_user(row, _ROLES[preview.kind])
                new_users.append(user)
            profile = write(user, row.values, cohort)
            if row.values.get("minor"):
                minors_written.append(profile)
    if progress:
        progress(1.0, f"Saving {total} {preview.kind}")
    db.session.flush()
    for profile in minors_written:
        guardians.request_if_needed(profile, actor)
    counts = {"created": preview.creates, "updated": preview.updates}
    if left:
        counts["left_unchanged"] = len(left)
    audit.record(actor, f"{preview.kind}.imported", cohort or actor, kind=preview.kind, **counts)
    import_changes.record_confirmed(preview, known.users, actor)
    new_ids = sorted(user.id for user in new_users)
    return Written(preview.creates, preview.updates, new_ids, left)


def _for_reader(text: str, extras: intake_minors.ExtraColumns | None) -> str:
    return intake_minors.with_minor_column(text, extras) if extras else text


def _with_header_problems(preview: ImportPreview, extras) -> ImportPreview:
    preview.problems = intake_minors.with_header_problems(preview.problems, extras)
    return preview


def _explain_wrong_kind(kind: str, text: str, problems: list[CsvProblem]) -> list[CsvProblem]:
    """Replace a list of missing columns with one clear sentence when it is the other file."""
    if not problems or any(p.line != 1 for p in problems):
        return problems
    first = next(csv.reader(io.StringIO(text)), [])
    header = {h.strip().lstrip("\ufeff").casefold() for h in first}
    other = MENTORS if kind == APPRENTICES else APPRENTICES
    if set(_COLUMNS[other]) <= header:
        message = (
            f"this looks like a file of {other}, not {kind}. Choose “{KINDS[other]}” "
            f"as the kind of file, or upload the {kind} file."
        )
        return [CsvProblem(1, "", message)]
    return problems


def _excludes(person: Apprentice | Mentor) -> frozenset[str]:
    return getattr(person, "exclude_mentors", frozenset())


def _term(text: str) -> str:
    """A vocabulary term as people may type it: any case, '&' for 'and', '_' or '-' for spaces."""
    words = text.casefold().replace("&", " and ").replace("_", " ").replace("-", " ").split()
    return " ".join(words)


def _casefold_map(vocabulary: dict[str, str]) -> dict[str, str]:
    """Keys and labels, written loosely (see _term), to keys."""
    out = {_term(key): key for key in vocabulary}
    out.update({_term(label): key for key, label in vocabulary.items()})
    return out


_PATHWAYS = _casefold_map(catalog.PATHWAYS)
_REGIONS = _casefold_map(catalog.REGIONS)
_LANGUAGES = _casefold_map(catalog.LANGUAGES)


@dataclass
class _Known:
    """What the database already holds, loaded once per file (never once per row)."""

    partners: dict[str, PartnerInstitution]
    skills: dict[str, Skill]
    users: dict[str, User]
    mentors: dict[str, int]

    @classmethod
    def load(cls, kind: str, emails: list[str], with_mentors: bool) -> _Known:
        """Load partners, skills, the file's existing users and (if needed) every mentor."""
        skills: dict[str, Skill] = {}
        for skill in db.session.scalars(select(Skill)):
            skills[skill.label.casefold()] = skills[skill.key.casefold()] = skill
        partners = {p.name.casefold(): p for p in db.session.scalars(select(PartnerInstitution))}
        wanted = {e.strip().lower() for e in emails if e.strip()}
        profile = User.apprentice_profile if kind == APPRENTICES else User.mentor_profile
        users = db.session.scalars(
            select(User).where(func.lower(User.email).in_(wanted)).options(selectinload(profile))
        )
        mentors: dict[str, int] = {}
        if with_mentors:
            rows = db.session.execute(select(MentorProfile.id, User.email).join(MentorProfile.user))
            for mentor_id, email in rows:
                mentors[str(mentor_id)] = mentors[email.lower()] = mentor_id
        return cls(partners, skills, {u.email.lower(): u for u in users}, mentors)


class _Check:
    """Checks shared by both kinds; records problems with the row's line."""

    role: Role

    def __init__(self, known: _Known):
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
        return {}

    def problem(self, column: str, message: str) -> None:
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
        keys, unknown = [], []
        for value in sorted(values):
            key = vocabulary.get(_term(value))
            if key:
                keys.append(key)
            else:
                unknown.append(value)
        if unknown:
            known = ", ".join(sorted(set(vocabulary.values())))
            self.problem(column, f"unknown {noun}: {', '.join(unknown)} (known: {known})")
        return sorted(set(keys))

    def region(self, value: str) -> str:
        if not value.strip():
            return ""
        key = _REGIONS.get(_term(value))
        if key is None:
            known = ", ".join(sorted(set(_REGIONS.values())))
            self.problem("region", f"unknown region: {value} (known: {known})")
        return key or ""

    def skills(self, wanted: dict[str, int]) -> dict[int, int]:
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


class _ApprenticeCheck(_Check):
    role = Role.APPRENTICE

    def __init__(self, known: _Known, extras: intake_minors.ExtraColumns, starts_on):
        super().__init__(known)
        self.extras, self.starts_on = extras, starts_on

    def birth_and_guardian(self, person: Apprentice) -> dict:
        cells = self.extras.by_line.get(self.line, {})
        own = person.email.strip().lower()
        has_minor = self.extras.has_minor_column
        return intake_minors.check_row(cells, self.starts_on, has_minor, own, self.problem)

    def extra(self, person: Apprentice) -> dict:
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


class _MentorCheck(_Check):
    role = Role.MENTOR

    def extra(self, person: Mentor) -> dict:
        return {
            "department": person.department.strip()[:120],
            "title": person.title.strip()[:120],
            "capacity": person.capacity,
            "background_checked": person.background_checked,
        }


def _new_user(row: ImportRow, role: Role) -> User:
    """An account with an unusable password: the person is invited to set one later."""
    user = User(email=row.email, name=row.values["name"], role=role)
    user.password_hash = "!" + secrets.token_hex(16)  # no hash format matches: cannot sign in
    db.session.add(user)
    return user


def _shared_fields(profile, values: dict) -> None:
    for name in ("pathways", "availability", "mode", "region", "languages"):
        setattr(profile, name, values[name])


def _write_apprentice(user: User, values: dict, cohort: Cohort) -> None:
    user.name = values["name"]
    profile = user.apprentice_profile or ApprenticeProfile(user=user)
    _shared_fields(profile, values)
    profile.partner, profile.cohort = values["partner"], cohort
    profile.date_of_birth, profile.is_minor = values["date_of_birth"], values["minor"]
    guardians.guardian_changed(profile, *values["guardian"])
    kept = set(profile.exclude_mentor_ids or [])
    profile.exclude_mentor_ids = sorted(kept | set(values["exclude"]))
    profile.skills = [ApprenticeSkill(skill_id=s, level=n) for s, n in values["skills"].items()]
    db.session.add(profile)
    return profile


def _write_mentor(user: User, values: dict, cohort: Cohort | None) -> None:
    user.name = values["name"]
    profile = user.mentor_profile or MentorProfile(user=user)
    _shared_fields(profile, values)
    profile.department, profile.job_title = values["department"], values["title"]
    profile.capacity = values["capacity"]
    background_checks.set_from_program_records(profile, values["background_checked"])
    profile.skills = [MentorSkill(skill_id=s, level=n) for s, n in values["skills"].items()]
    db.session.add(profile)
