"""The program's vocabulary: pathways, regions, languages, modes and city IT departments.

Labels are stored and matched (CSV imports, reports) in English; pages and emails show them
through `shown`, which translates them into the language being written.
"""

from __future__ import annotations

from flask_babel import gettext

from matcher.profiles import TimeSlot


def N_(text: str) -> str:
    """Mark a label for the message catalogue; `shown` translates it where it is displayed."""
    return text


def shown(text: str | None) -> str:
    """A catalogue label (or a skill's stored label) in the current language."""
    return gettext(text) if text else (text or "")


PATHWAYS = {
    "software_development": N_("Software development"),
    "data_analytics": N_("Data and analytics"),
    "cybersecurity": N_("Cybersecurity"),
    "cloud_infrastructure": N_("Cloud and infrastructure"),
    "it_support": N_("IT support and help desk"),
    "gis": N_("Maps and GIS"),
    "project_management": N_("IT project management"),
    "digital_services": N_("Digital services and user experience"),
}

REGIONS = {
    "north": N_("North Side"),
    "northwest": N_("Northwest Side"),
    "west": N_("West Side"),
    "central": N_("Central / Loop"),
    "south": N_("South Side"),
    "southwest": N_("Southwest Side"),
    "far_south": N_("Far South Side"),
}

LANGUAGES = {
    "english": N_("English"),
    "spanish": N_("Spanish"),
    "polish": N_("Polish"),
    "chinese": N_("Chinese"),
    "arabic": N_("Arabic"),
    "tagalog": N_("Tagalog"),
    "hindi": N_("Hindi"),
    "korean": N_("Korean"),
    "vietnamese": N_("Vietnamese"),
}

MODES = {
    "in_person": N_("In person"),
    "remote": N_("Online"),
    "either": N_("In person or online"),
}

DAYS = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}

SKILL_LEVELS_WANTED = {1: N_("The basics"), 2: N_("Working knowledge"), 3: N_("In depth")}
SKILL_LEVELS_OFFERED = {1: N_("Working knowledge"), 2: N_("Strong"), 3: N_("Expert")}

DEPARTMENTS = (
    "Department of Innovation and Technology",
    "Chicago Public Library",
    "Office of the City Clerk",
    "Department of Finance",
    "Department of Transportation",
    "Office of Emergency Management and Communications",
    "Department of Public Health",
    "Department of Water Management",
)

JOB_TITLES = (
    "IT Engineer",
    "IT Project Manager",
    "Security Specialist",
    "Solution Architect",
    "Project Manager/Business Analyst",
    "Data Engineer",
    "GIS Analyst",
    "Programmer/Analyst",
    "Network Engineer",
    "User Experience Designer",
    "Help Desk Supervisor",
    "Database Administrator",
)

_VOCABULARIES = (PATHWAYS, REGIONS, LANGUAGES, MODES, DAYS)
# Every key's label in one lookup; where vocabularies share a key, the first one's label.
_LABELS = {key: text for vocabulary in reversed(_VOCABULARIES) for key, text in vocabulary.items()}


def label(key: str) -> str:
    """Human-readable label of a vocabulary key, or the key itself if it is free text."""
    return _LABELS.get(key, key)


def shown_label(key: str | None) -> str:
    """The label of a vocabulary key in the current language (free text stays as typed)."""
    return shown(label(key)) if key else ""


def slots_from_json(rows: list[list[int]]) -> tuple[TimeSlot, ...]:
    """Stored availability (a list of [day, start, end]) as matcher time slots."""
    return tuple(sorted(TimeSlot(int(d), int(s), int(e)) for d, s, e in rows))


def slots_to_json(slots: tuple[TimeSlot, ...]) -> list[list[int]]:
    """Matcher time slots in the shape they are stored."""
    return [[slot.day, slot.start, slot.end] for slot in sorted(slots)]


def format_availability(rows: list[list[int]], day_names=None, joined=None) -> str:
    """Stored availability for people to read, days sharing a time range together.

    [[0, 720, 780], [1, 720, 780], [5, 540, 720]] reads "Mon and Tue 12:00–13:00; Sat 09:00–12:00".
    `day_names` (Monday first) and `joined` (a list in words) let a page write it in its language.
    """
    names = day_names or [key.capitalize() for key in DAYS]
    days_by_window: dict[tuple[int, int], list[str]] = {}
    for slot in sorted(slots_from_json(rows or []), key=lambda s: (s.day, s.start)):
        days_by_window.setdefault((slot.start, slot.end), []).append(names[slot.day])
    return "; ".join(
        f"{(joined or _and)(days)} {_clock(start)}–{_clock(end)}"
        for (start, end), days in days_by_window.items()
    )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# The skills taxonomy, drawn from the city's IT job class specifications: key, label, category.
SKILL_TAXONOMY = (
    ("python", N_("Python programming"), N_("Programming")),
    ("java", N_("Java programming"), N_("Programming")),
    ("javascript", N_("JavaScript and web front ends"), N_("Programming")),
    ("ruby", N_("Ruby programming"), N_("Programming")),
    ("sql", N_("SQL and relational databases"), N_("Data")),
    ("data_analysis", N_("Data analysis and visualization"), N_("Data")),
    ("open_data", N_("Open data portals"), N_("Data")),
    ("gis", N_("GIS and mapping"), N_("Data")),
    ("cloud_aws", N_("Cloud computing on AWS"), N_("Cloud and infrastructure")),
    ("cloud_azure", N_("Cloud computing on Azure"), N_("Cloud and infrastructure")),
    ("service_models", N_("Service models (SaaS, IaaS, PaaS)"), N_("Cloud and infrastructure")),
    ("networking", N_("Networking"), N_("Cloud and infrastructure")),
    ("linux", N_("Linux and server administration"), N_("Cloud and infrastructure")),
    ("ci_cd", N_("Continuous integration and delivery"), N_("Cloud and infrastructure")),
    ("disaster_recovery", N_("Backup and disaster recovery"), N_("Cloud and infrastructure")),
    ("security", N_("Information security"), N_("Security")),
    ("incident_response", N_("Security incident response"), N_("Security")),
    ("it_architecture", N_("IT architecture and design"), N_("Engineering practice")),
    ("requirements", N_("Requirements analysis"), N_("Engineering practice")),
    ("testing", N_("Systems testing and quality control"), N_("Engineering practice")),
    ("documentation", N_("Technical documentation"), N_("Engineering practice")),
    ("sdlc", N_("Software development life cycle"), N_("Engineering practice")),
    ("project_management", N_("Project management"), N_("Working with people")),
    ("business_analysis", N_("Business analysis"), N_("Working with people")),
    ("ux_design", N_("User experience and service design"), N_("Working with people")),
    ("help_desk", N_("Help desk and user support"), N_("Working with people")),
    ("office_suite", N_("Microsoft Office (Excel, PowerPoint, Word)"), N_("Working with people")),
    ("problem_solving", N_("Complex problem solving"), N_("Working with people")),
)


# Where each skill sits on the registration form: under the career pathway it belongs to most,
# so the form shows only the skills of the careers ticked. Skills of no pathway (and any added
# to the taxonomy later) are shown to everyone.
PATHWAY_SKILLS = {
    "software_development": ("python", "java", "javascript", "ruby", "sdlc", "testing", "ci_cd"),
    "data_analytics": ("sql", "data_analysis", "open_data"),
    "cybersecurity": ("security", "incident_response"),
    "cloud_infrastructure": (
        "cloud_aws",
        "cloud_azure",
        "service_models",
        "networking",
        "linux",
        "disaster_recovery",
        "it_architecture",
    ),
    "it_support": ("help_desk", "office_suite"),
    "gis": ("gis",),
    "project_management": ("project_management", "business_analysis", "requirements"),
    "digital_services": ("ux_design",),
}
PATHWAY_OF_SKILL = {skill: pathway for pathway, keys in PATHWAY_SKILLS.items() for skill in keys}
