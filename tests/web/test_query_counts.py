"""Every page, CSV and API answer, the round review's bulk approvals, and a round on the worker,
run as many SQL statements at 200 apprentices as at 40."""

from __future__ import annotations

import pytest

from tests.web.program_at_size import build_sized_program, counted_statements
from web.extensions import db
from web.models import Role

SMALL, LARGE = 40, 200
POSTS = (
    "bulk approval: how many, selected",
    "bulk approval: selected",
    "bulk approval: how many, by score",
    "bulk approval: by score",
)

PAGES = {
    "coordinator dashboard": (Role.COORDINATOR, "/coordinator/"),
    "coordinator cohort": (Role.COORDINATOR, "/coordinator/cohorts/{cohort}"),
    "round review": (Role.COORDINATOR, "/coordinator/rounds/{round}"),
    "round review, filtered": (
        Role.COORDINATOR,
        "/coordinator/rounds/{round}?partner=South+Loop+University&sort=mentor&page=2",
    ),
    "round published": (Role.COORDINATOR, "/coordinator/rounds/{round}/published"),
    "compare rounds": (Role.COORDINATOR, "/coordinator/rounds/{round}/compare/{next_round}"),
    "pair by hand": (Role.COORDINATOR, "/coordinator/rounds/{next_round}/unmatched/{unmatched}"),
    "mentorships": (Role.COORDINATOR, "/coordinator/mentorships"),
    "mentorships, flagged": (Role.COORDINATOR, "/coordinator/mentorships?flagged=y"),
    "mentors": (Role.COORDINATOR, "/coordinator/mentors"),
    "one mentor": (Role.COORDINATOR, "/coordinator/mentors/{mentor}"),
    "one mentorship": (Role.COORDINATOR, "/coordinator/mentorships/{mentorship}"),
    "survey answers": (Role.COORDINATOR, "/coordinator/surveys"),
    "open flags": (Role.COORDINATOR, "/coordinator/flags"),
    "outcomes report": (Role.COORDINATOR, "/coordinator/outcomes/"),
    "outcomes CSV": (Role.COORDINATOR, "/coordinator/outcomes/skills.csv"),
    "open-data CSV": (Role.COORDINATOR, "/coordinator/outcomes/open-data.csv"),
    "partner outcomes report": (Role.PARTNER, "/partner/outcomes"),
    "API outcomes": (None, "/api/v1/outcomes"),
    "audit log": (Role.COORDINATOR, "/coordinator/audit"),
    "audit CSV": (Role.COORDINATOR, "/coordinator/audit.csv"),
    "close the year": (Role.COORDINATOR, "/coordinator/cohorts/{cohort}/close-year"),
    "outcomes": (Role.COORDINATOR, "/outcomes/"),
    "outcomes of a cohort": (Role.COORDINATOR, "/outcomes/?cohort={cohort}"),
    "retention checks": (Role.COORDINATOR, "/outcomes/retention"),
    "partner outcomes": (Role.PARTNER, "/outcomes/"),
    "partner retention checks": (Role.PARTNER, "/outcomes/retention"),
    "partner dashboard": (Role.PARTNER, "/partner/"),
    "partner cohort": (Role.PARTNER, "/partner/cohorts/{cohort}"),
    "partner cohort CSV": (Role.PARTNER, "/partner/cohorts/{cohort}/apprentices.csv"),
    "partner cohort report": (Role.PARTNER, "/partner/cohorts/{cohort}/report"),
    "apprentice status": (Role.APPRENTICE, "/apprentice/status"),
    "mentor dashboard": (Role.MENTOR, "/mentor/"),
    "apprentice ranks mentors": ("waiting apprentice", "/preferences/apprentice/mentors"),
    "mentor marks apprentices": ("mentor with room", "/preferences/mentor/apprentices"),
    "API cohorts": (None, "/api/v1/cohorts"),
    "API cohort": (None, "/api/v1/cohorts/{cohort}"),
    "API cohort apprentices": (None, "/api/v1/cohorts/{cohort}/apprentices"),
    "API cohort apprentices, page 2": (
        None,
        "/api/v1/cohorts/{cohort}/apprentices?page=2&per_page=5",
    ),
}


def _statements(program) -> dict[str, int]:
    """Statements each page runs, from a session that has nothing loaded yet."""
    counts = {}
    ids = {
        "cohort": program.cohort_id,
        "round": program.round_id,
        "mentor": program.mentor_id,
        "next_round": program.next_round_id,
        "unmatched": program.unmatched_id,
        "mentorship": program.mentorship_id,
    }
    with program.app.app_context():
        engine = db.engine
    # Each request runs in its own app context and session, as in production.
    for name, (role, url) in PAGES.items():
        client = program.clients[role] if role else program.app.test_client()
        headers = program.api_headers if role is None else {}
        with counted_statements(engine) as count:
            response = client.get(url.format(**ids), headers=headers)
            body = response.get_data()  # a streamed answer runs its queries here
        assert response.status_code == 200, (name, response.status_code)
        assert body
        counts[name] = count[0]
    counts["a round on the worker"] = program.round_statements
    counts |= program.post_statements
    engine.dispose()
    return counts


@pytest.fixture(scope="module")
def counts(migrated_sqlite, tmp_path_factory) -> dict[int, dict[str, int]]:
    """Statements per page at both sizes."""
    return {
        size: _statements(
            build_sized_program(migrated_sqlite, tmp_path_factory.mktemp(f"p{size}"), size)
        )
        for size in (SMALL, LARGE)
    }


@pytest.mark.parametrize("page", [*PAGES, "a round on the worker", *POSTS])
def test_statements_do_not_grow_with_the_program(counts, page):
    assert counts[LARGE][page] == counts[SMALL][page], {s: c[page] for s, c in counts.items()}
    assert counts[LARGE][page] <= 40
