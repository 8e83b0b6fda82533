"""What the report's sections and columns are called on the pages (translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTION_TITLES = {
    "completion": _l("Completion"),
    "nps": _l("Net promoter score and satisfaction"),
    "goals": _l("Goals met"),
    "skills": _l("Skills signed off, by skill"),
    "hires": _l("Hires by department and title"),
    "retention": _l("Retention after a hire"),
}
SECTION_INTROS = {
    "completion": _l(
        "Mentorships of each cohort by how they ended. The completion rate is the share of "
        "ended mentorships that were completed rather than ended early."
    ),
    "nps": _l(
        "Answers to the 30-day pulse and end-of-year surveys. The net promoter score is the "
        "percentage of promoters (9 or 10) minus the percentage of detractors (0 to 6)."
    ),
    "goals": _l("Goals both sides agreed, and how many the mentor signed off as met."),
    "skills": _l("Agreed goals tied to each skill, and how many were signed off as met."),
    "hires": _l("Apprentices hired by the city after the program."),
    "retention": _l("Whether hired apprentices still work for the city 6 and 12 months later."),
}
CHART_VALUES = {
    "completion": _l("Completion rate"),
    "nps": _l("Net promoter score (-100 to 100)"),
    "goals": _l("Share of agreed goals met"),
    "skills": _l("Goals signed off"),
    "hires": _l("Hires"),
    "retention": _l("Still employed, of checks answered"),
}
COLUMN_LABELS = {
    "cohort": _l("Cohort"),
    "mentorships": _l("Mentorships"),
    "completed": _l("Completed"),
    "ended_early": _l("Ended early"),
    "running": _l("Running"),
    "other": _l("Declined or withdrawn"),
    "completion_rate": _l("Completion rate"),
    "survey": _l("Survey"),
    "respondent": _l("Side"),
    "responses": _l("Answers"),
    "promoters": _l("Promoters"),
    "passives": _l("Passives"),
    "detractors": _l("Detractors"),
    "nps": _l("Net promoter score"),
    "mean_satisfaction": _l("Mean satisfaction (1-5)"),
    "proposed": _l("Proposed"),
    "agreed": _l("Agreed"),
    "met": _l("Met"),
    "met_rate": _l("Share met"),
    "skill": _l("Skill"),
    "category": _l("Category"),
    "agreed_goals": _l("Agreed goals"),
    "signed_off": _l("Signed off"),
    "rate": _l("Share signed off"),
    "department": _l("Department"),
    "job_title": _l("Job title"),
    "hires": _l("Hires"),
    "months": _l("Months after the hire"),
    "checks": _l("Checks"),
    "still_employed": _l("Still employed"),
    "left": _l("Left"),
    "awaiting_answer": _l("Not answered yet"),
    "retention_rate": _l("Retention rate"),
}
VALUE_LABELS = {
    "pulse": _l("30-day pulse"),
    "end_of_year": _l("End of year"),
    "apprentice": _l("Apprentices"),
    "mentor": _l("Mentors"),
}
RATE_COLUMNS = {"completion_rate", "met_rate", "rate", "retention_rate"}
