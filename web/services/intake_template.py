"""A template file for each kind of import: the importer's own columns and example rows
that pass its checks, so a coordinator starts from a file that imports."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from web.csv_cells import safe_row
from web.extensions import db
from web.models import PartnerInstitution, Skill
from web.services import intake_minors
from web.services.intake_files import FILE_COLUMNS, MENTORS

# Shown when the program has no partner institution yet: the import names what to do.
NO_PARTNER_YET = "Name of a partner institution in Pathways"
_SHARED = {
    "pathways": "software_development;data_analytics",
    "availability": "mon 17:00-20:00;sat 09:00-12:00",
    "mode": "either",
    "region": "west",
    "languages": "english;spanish",
}


def template_csv(kind: str, today: date | None = None) -> str:
    """The CSV text of the template for `kind`: its header and example rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = FILE_COLUMNS[kind]
    writer.writerow(safe_row(list(columns)))
    for example in _examples(kind, today or date.today()):
        writer.writerow(safe_row([example.get(column, "") for column in columns]))
    return out.getvalue()


def _examples(kind: str, today: date) -> list[dict[str, str]]:
    skills = _skills_shown()
    if kind == MENTORS:
        return [_mentor(skills)]
    partner = _partner_name()
    return [_adult(partner, skills), _minor(partner, skills, today)]


def _adult(partner: str, skills: str) -> dict[str, str]:
    return _SHARED | {
        "id": "A-001",
        "name": "Alex Example",
        "email": "alex.example@example.org",
        "partner": partner,
        "skills": skills,
        intake_minors.DATE_OF_BIRTH: "2001-04-15",
    }


def _minor(partner: str, skills: str, today: date) -> dict[str, str]:
    """An apprentice of 16 today: under 18 when any cohort starting this year begins."""
    born = date(today.year - 16, 1, 15)
    return _SHARED | {
        "id": "A-002",
        "name": "Sam Example",
        "email": "sam.example@example.org",
        "partner": partner,
        "skills": skills,
        "mode": "remote",
        "region": "",
        "languages": "english",
        intake_minors.DATE_OF_BIRTH: born.isoformat(),
        intake_minors.GUARDIAN_NAME: "Pat Example",
        intake_minors.GUARDIAN_EMAIL: "pat.example@example.org",
    }


def _mentor(skills: str) -> dict[str, str]:
    return _SHARED | {
        "id": "M-001",
        "name": "Jordan Example",
        "email": "jordan.example@example.org",
        "department": "Department of Innovation and Technology",
        "title": "IT Engineer",
        "skills": skills,
        "capacity": "2",
        "background_checked": "false",
    }


def _partner_name() -> str:
    """The first active partner institution's name, so the example rows import as they are."""
    name = db.session.scalar(
        select(PartnerInstitution.name)
        .where(PartnerInstitution.active.is_(True))
        .order_by(PartnerInstitution.name)
        .limit(1)
    )
    return name or NO_PARTNER_YET


def _skills_shown() -> str:
    """Two skills of the program's list, one at a level, as the skills column writes them."""
    keys = db.session.scalars(select(Skill.key).order_by(Skill.id).limit(2)).all()
    return ";".join(f"{key}:2" if n == 0 else key for n, key in enumerate(keys))
