"""A realistic demo program: partners, a cohort, city IT mentors and a few hundred apprentices."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache

from sqlalchemy import select

from web import bulk_rows
from web.auth.passwords import hash_password
from web.catalog import DEPARTMENTS, JOB_TITLES, PATHWAYS, REGIONS
from web.demo_bulk import email_local_part, insert_rows, unique_names
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    Cohort,
    CoordinatorRole,
    MentorProfile,
    MentorSkill,
    PartnerInstitution,
    Role,
    User,
)
from web.models.base import utcnow
from web.services import background_checks, minors
from web.services.taxonomy import ensure_skills

DEMO_PASSWORD = "pathways-demo-2026"
COORDINATOR_EMAIL = "coordinator@pathways.example"

PARTNERS = (
    ("Lakeshore Community College", "community_college"),
    ("Westside Technical High School", "high_school"),
    ("South Loop University", "university"),
    ("Code Forward Chicago", "nonprofit"),
    ("Far South STEM Academy", "high_school"),
)

FIRST_NAMES = (
    "Aaliyah Alejandro Amara Andre Ana Brianna Carlos Chen DeShawn Diana Elena Emmanuel "
    "Fatima Gabriel Grace Hector Imani Isaiah Jasmine Jamal Jorge Kayla Kwame Laila Luis "
    "Malik Maria Marcus Mei Miguel Nadia Nia Omar Patrick Priya Rashad Rosa Samir Sofia "
    "Tamika Thanh Tyrone Valeria Wei Xavier Yasmin Zainab Zoe"
).split()
LAST_NAMES = (
    "Adams Alvarez Baker Banks Castillo Chen Davis Diaz Edwards Flores Garcia Gonzalez Green "
    "Hernandez Jackson Johnson Kim Kowalski Lee Lopez Martinez Moore Nguyen Nowak Okafor Patel "
    "Perez Ramirez Reyes Robinson Rodriguez Sanchez Santos Smith Taylor Thomas Torres Walker "
    "Washington Williams Wilson Wong Young"
).split()

# Skills each pathway leans on; mentors' titles map to pathways.
PATHWAY_SKILLS = {
    "software_development": ["python", "java", "javascript", "ruby", "sdlc", "testing", "ci_cd"],
    "data_analytics": ["sql", "python", "data_analysis", "open_data", "office_suite"],
    "cybersecurity": ["security", "incident_response", "networking", "linux"],
    "cloud_infrastructure": [
        "cloud_aws",
        "cloud_azure",
        "service_models",
        "linux",
        "ci_cd",
        "disaster_recovery",
        "networking",
    ],
    "it_support": ["help_desk", "networking", "office_suite", "documentation"],
    "gis": ["gis", "sql", "python", "data_analysis"],
    "project_management": [
        "project_management",
        "business_analysis",
        "requirements",
        "documentation",
    ],
    "digital_services": ["ux_design", "javascript", "requirements", "testing"],
}
TITLE_PATHWAYS = {
    "IT Engineer": ["cloud_infrastructure", "software_development"],
    "IT Project Manager": ["project_management"],
    "Security Specialist": ["cybersecurity"],
    "Solution Architect": ["cloud_infrastructure", "software_development"],
    "Project Manager/Business Analyst": ["project_management", "digital_services"],
    "Data Engineer": ["data_analytics", "software_development"],
    "GIS Analyst": ["gis", "data_analytics"],
    "Programmer/Analyst": ["software_development", "data_analytics"],
    "Network Engineer": ["cloud_infrastructure", "cybersecurity"],
    "User Experience Designer": ["digital_services"],
    "Help Desk Supervisor": ["it_support"],
    "Database Administrator": ["data_analytics", "cloud_infrastructure"],
}
EVENING_SLOTS = [[d, 17 * 60, 20 * 60] for d in range(5)]
LUNCH_SLOTS = [[d, 12 * 60, 13 * 60] for d in range(5)]
WEEKEND_SLOTS = [[5, 9 * 60, 12 * 60], [5, 13 * 60, 16 * 60]]
AFTER_SCHOOL_SLOTS = [[d, 15 * 60 + 30, 18 * 60] for d in range(5)]


def load_demo_program(seed: int = 7, apprentices: int = 300, mentors: int = 40) -> list:
    """Create the demo program deterministically from `seed`; return the demo sign-ins."""
    rng = random.Random(seed)
    skills = {skill.key: skill for skill in ensure_skills()}
    partners = [
        PartnerInstitution(name=n, kind=k, contact_email=_partner_email(n)) for n, k in PARTNERS
    ]
    db.session.add_all(partners)
    cohort = Cohort(
        name="2027 Spring cohort",
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 12, 15),
        description="The city's spring intake of apprentices from all partners.",
    )
    db.session.add(cohort)
    db.session.add(_user("Program Coordinator", COORDINATOR_EMAIL, Role.COORDINATOR))
    for partner in partners:
        contact = _user(f"{partner.name} contact", partner.contact_email, Role.PARTNER)
        contact.partner = partner
        db.session.add(contact)
    db.session.flush()
    names = unique_names(rng, FIRST_NAMES, LAST_NAMES, apprentices + mentors)
    people = [_demo_mentor(rng, names[index], index, skills) for index in range(mentors)]
    _insert_people(MentorProfile, MentorSkill, people)
    people = [
        _demo_apprentice(rng, names[mentors + index], index, skills, partners, cohort)
        for index in range(apprentices)
    ]
    _insert_people(ApprenticeProfile, ApprenticeSkill, people)
    return demo_logins()


def demo_logins() -> list[tuple[str, str]]:
    """(role, email) of one demo account per role."""
    logins = []
    for role in Role:
        email = db.session.scalar(
            select(User.email).where(User.role == role).order_by(User.id).limit(1)
        )
        if email:
            logins.append((role.value, email))
    return logins


def _partner_email(name: str) -> str:
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
    return f"partners@{slug}.example.org"


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; one hash serves every demo account.
    return hash_password(DEMO_PASSWORD)


def _user(name: str, email: str, role: Role) -> User:
    user = User(name=name, email=email, role=role, password_hash=_demo_password_hash())
    if role == Role.COORDINATOR:
        user.coordinator_role = CoordinatorRole.ADMIN
    return user


def _user_row(name: str, email: str, role: Role) -> dict:
    return {
        "name": name,
        "email": email,
        "role": role.value,
        "password_hash": _demo_password_hash(),
        "active": True,
        "created_at": utcnow(),
    }


def _insert_people(profile_model: type, skill_model: type, people: list[tuple]) -> None:
    """Bulk-insert (user, profile, skills) triples: users, then profiles, then their skills."""
    owner = "mentor_id" if profile_model is MentorProfile else "apprentice_id"
    user_ids = insert_rows(User, [user for user, _, _ in people], "email")
    profiles = [profile | {"user_id": user_ids[user["email"]]} for user, profile, _ in people]
    profile_ids = insert_rows(profile_model, profiles, "user_id")
    bulk_rows.insert_all(
        skill_model,
        [
            {owner: profile_ids[user_ids[user["email"]]], "skill_id": skill_id, "level": level}
            for user, _, skills in people
            for skill_id, level in skills
        ],
    )


def _demo_mentor(rng: random.Random, name: str, index: int, skills: dict) -> tuple:
    title = JOB_TITLES[index % len(JOB_TITLES)]
    user = _user_row(name, f"{email_local_part(name)}@cityofchicago.example", Role.MENTOR)
    pathways = TITLE_PATHWAYS[title]
    offered = {key for p in pathways for key in rng.sample(PATHWAY_SKILLS[p], 3)}
    mentor = dict(
        department=DEPARTMENTS[0] if index % 3 else rng.choice(DEPARTMENTS),
        job_title=title,
        pathways=list(pathways),
        capacity=rng.choice([1, 1, 2, 2, 2, 3, 4]),
        availability=rng.choice([EVENING_SLOTS, LUNCH_SLOTS, EVENING_SLOTS[:3] + WEEKEND_SLOTS]),
        mode=rng.choice(["either", "either", "remote", "in_person"]),
        region=rng.choice(list(REGIONS)),
        languages=["english"] + (["spanish"] if rng.random() < 0.3 else []),
    )
    # Most checks are confirmed from the city's records; some mentors wait for a coordinator.
    check = rng.random()
    mentor |= {
        "background_check_declared": check < 0.75,
        "background_checked": check < 0.6,
        "background_checked_at": utcnow() if check < 0.6 else None,
        "background_check_expires_at": (
            utcnow() + timedelta(days=background_checks.valid_days()) if check < 0.6 else None
        ),
    }
    levels = [(skills[k].id, rng.randint(1, 3)) for k in sorted(offered)]
    return user, mentor, levels


def _demo_apprentice(rng, name, index, skills, partners, cohort) -> tuple:
    partner = partners[index % len(partners)]
    minor = partner.kind == "high_school" and rng.random() < 0.7
    email = f"{email_local_part(name)}.{index}@students.example.org"
    user = _user_row(name, email, Role.APPRENTICE)
    pathways = rng.sample(list(PATHWAYS), rng.choice([1, 1, 2]))
    wanted = {key for p in pathways for key in rng.sample(PATHWAY_SKILLS[p], 2)}
    slots = AFTER_SCHOOL_SLOTS if minor else rng.choice([EVENING_SLOTS, WEEKEND_SLOTS, LUNCH_SLOTS])
    apprentice = dict(
        partner_id=partner.id,
        cohort_id=cohort.id,
        pathways=pathways,
        availability=rng.sample(slots, min(len(slots), rng.randint(2, 4))),
        mode=rng.choice(["either", "either", "remote", "in_person"]),
        region=rng.choice(list(REGIONS)),
        languages=["english"] + (["spanish"] if rng.random() < 0.35 else []),
    ) | _birth_and_guardian(index, minor, cohort, name)
    levels = [(skills[k].id, rng.randint(1, 3)) for k in sorted(wanted)]
    return user, apprentice, levels


def _birth_and_guardian(index: int, minor: bool, cohort: Cohort, name: str) -> dict:
    """A date of birth that makes the apprentice a minor (or not) when the cohort starts.

    Most minors' guardians have consented; one in ten is still waiting. A random generator of
    its own keeps the rest of the demo the same as before dates of birth were asked.
    """
    ages = random.Random(index)
    age = ages.randint(15, 17) if minor else ages.randint(18, 34)
    born = cohort.starts_on - timedelta(days=365 * age + ages.randint(1, 360))
    is_minor = minors.is_minor_on(born, cohort.starts_on)
    first, _, last = name.partition(" ")
    return {
        "date_of_birth": born,
        "is_minor": is_minor,
        "guardian_name": f"{FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]} {last}"
        if is_minor
        else "",
        "guardian_email": (
            f"guardian.{email_local_part(first)}.{index}@family.example.org" if is_minor else ""
        ),
        "guardian_consent_at": utcnow() if is_minor and index % 10 else None,
    }
