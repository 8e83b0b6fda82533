"""Every page, CSV and API answer, the round review's bulk approvals, an import from preview
to status, and a round on the worker, run as many SQL statements at 200 apprentices as at 40,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from unittest import mock

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.web.emptying import empty_tables
from tests.web.program_at_size import build_sized_program, counted_statements, sqlite_app
from web import database
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    PartnerInstitution,
    PeopleImport,
    Role,
    User,
)

SMALL, LARGE = 40, 200
# The registration form and one registration (its email task queued, not run: in production
# the task is saved in the outbox, which adds its INSERT and, once sent, its DELETE). A
# registration also raises the program's version, so kept counts are counted again. The
# form's choices are kept with the set-up's version, which a registration leaves alone.
REGISTRATION = {"registration form": 1, "registration": 7}
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
    "round without a mentor": (Role.COORDINATOR, "/coordinator/rounds/{round}/unmatched?page=2"),
    "round report": (Role.COORDINATOR, "/coordinator/rounds/{round}/report"),
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
    "audit log, by who": (Role.COORDINATOR, "/coordinator/audit?who=Coordinator"),
    "audit CSV": (Role.COORDINATOR, "/coordinator/audit.csv"),
    "audit CSV, by who": (Role.COORDINATOR, "/coordinator/audit.csv?who=example"),
    "import upload": (Role.COORDINATOR, "/coordinator/import"),
    "import template, apprentices": (Role.COORDINATOR, "/coordinator/import/template-{kind}.csv"),
    "import template, mentors": (Role.COORDINATOR, "/coordinator/import/template-mentors.csv"),
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
IMPORT_STEPS = (
    "import preview, every apprentice again",
    "import preview, a problem on every other line",
    "import confirm",
    "import status, queued",
    "import status, done",
)


def page_ids(program) -> dict:
    """The values of the placeholders in PAGES' addresses, for `program`."""
    return {
        "cohort": program.cohort_id,
        "round": program.round_id,
        "mentor": program.mentor_id,
        "next_round": program.next_round_id,
        "unmatched": program.unmatched_id,
        "mentorship": program.mentorship_id,
        "kind": "apprentices",
    }


def _statements(program) -> dict[str, int]:
    """Statements each page runs, from a session that has nothing loaded yet."""
    counts = {}
    ids = page_ids(program)
    with program.app.app_context():
        engine = db.engine
    # Each request runs in its own app context and session, as in production.
    for name, (role, url) in PAGES.items():
        client = program.clients[role] if role else program.app.test_client()
        headers = program.api_headers if role is None else {}
        program.app.extensions["kept_parts"].forget_all()  # each page as its first view
        with counted_statements(engine) as count:
            response = client.get(url.format(**ids), headers=headers)
            body = response.get_data()  # a streamed answer runs its queries here
        assert response.status_code == 200, (name, response.status_code)
        assert body and b">0 events" not in body and b" 0 events" not in body, name
        counts[name] = count[0]
    counts |= _import_statements(program, engine)  # it rewrites every apprentice
    counts |= _registration_statements(program, engine)
    counts["a round on the worker"] = program.round_statements
    counts |= program.post_statements
    engine.dispose()
    return counts


def _import_statements(program, engine) -> dict[str, int]:
    """Statements of each step of importing a file that lists every apprentice again."""
    client, counts = program.clients[Role.COORDINATOR], {}
    token = csrf_token_from(client.get("/coordinator/import").get_data(as_text=True))
    clean, with_problems = _files_listing_every_apprentice(program)

    def preview(text: str) -> str:
        form = {"csrf_token": token, "kind": "apprentices", "cohort": str(program.cohort_id)}
        form["upload"] = (io.BytesIO(text.encode()), "people.csv")
        response = client.post("/coordinator/import", data=form)
        return response.get_data(as_text=True)

    with counted_statements(engine) as count:
        problems_page = preview(with_problems)
    assert "problems to fix" in problems_page and 'name="upload_id"' not in problems_page
    counts[IMPORT_STEPS[1]] = count[0]
    with counted_statements(engine) as count:
        page = preview(clean)
    assert "The file is ready to import" in page, re.findall(r"Line \d+.*?</tr>", page)[:3]
    counts[IMPORT_STEPS[0]] = count[0]

    upload_id = re.search(r'name="upload_id" type="hidden" value="([0-9a-f]{32})"', page)[1]
    queued = []
    # The queue takes the import without running it, so the confirm counts only its own.
    with mock.patch.object(database, "send_task", lambda *task: queued.append(task)):
        with counted_statements(engine) as count:
            response = client.post(
                "/coordinator/import/confirm", data={"csrf_token": token, "upload_id": upload_id}
            )
    assert response.status_code == 302 and len(queued) == 1
    counts[IMPORT_STEPS[2]] = count[0]
    status_url = response.headers["Location"]
    counts[IMPORT_STEPS[3]] = _page_statements(engine, client, status_url, "Waiting to start")
    with program.app.app_context():
        database.send_task(*queued[0])  # the worker's run
        assert db.session.get(PeopleImport, queued[0][1]).status == "succeeded"
    counts[IMPORT_STEPS[4]] = _page_statements(engine, client, status_url, "Imported")
    return counts


def _registration_statements(program, engine) -> dict[str, int]:
    """Statements of the registration form and of one registration, its cohort open again."""
    with program.app.app_context():
        db.session.get(Cohort, program.cohort_id).registration_open = True
        db.session.commit()
        partner_id = db.session.scalar(
            select(PartnerInstitution.id).where(PartnerInstitution.active).limit(1)
        )
    client, counts, queued = program.app.test_client(), {}, []
    client.get("/apprentice/register")  # the first view since the cohort opened keeps choices
    with counted_statements(engine) as count:
        page = client.get("/apprentice/register").get_data(as_text=True)
    assert f'<option value="{program.cohort_id}">' in page
    counts["registration form"] = count[0]
    form = {
        "csrf_token": csrf_token_from(page),
        "name": "Rosa Diaz",
        "email": f"rosa.{program.cohort_id}@students.example.org",
        "password": "a-long-passphrase",
        "confirm": "a-long-passphrase",
        "partner_id": str(partner_id),
        "cohort_id": str(program.cohort_id),
        "pathways": ["software_development"],
        "skill_levels-python": "3",
        "skill_levels-sql": "1",
        "availability": ["0-evening", "2-evening"],
        "mode": "either",
        "region": "south",
        "languages": ["english"],
        "date_of_birth": "2001-03-14",
    }
    with mock.patch.object(database, "send_task", lambda *task: queued.append(task)):
        with counted_statements(engine) as count:
            response = client.post("/apprentice/register", data=form)
    assert response.status_code == 302 and len(queued) == 1, response.get_data(as_text=True)
    counts["registration"] = count[0]
    return counts


def _page_statements(engine, client, url: str, says: str) -> int:
    with counted_statements(engine) as count:
        response = client.get(url)
    assert response.status_code == 200 and says in response.get_data(as_text=True)
    return count[0]


def _files_listing_every_apprentice(program) -> tuple[str, str]:
    """The cohort's apprentices as an import file; and the same with a problem every 2nd line."""
    header = ["id", "name", "email", "partner", "pathways", "skills", "availability", "mode"]
    header += ["region", "languages", "exclude_mentors", "date_of_birth"]
    header += ["guardian_name", "guardian_email"]
    clean, broken = io.StringIO(), io.StringIO()
    writers = csv.writer(clean), csv.writer(broken)
    for writer in writers:
        writer.writerow(header)
    with program.app.app_context():
        people = db.session.execute(
            select(User, ApprenticeProfile, PartnerInstitution.name)
            .join(ApprenticeProfile.user)
            .join(ApprenticeProfile.partner)
            .where(ApprenticeProfile.cohort_id == program.cohort_id)
            .order_by(User.id)
        ).all()
        for n, (user, profile, partner) in enumerate(people):
            row = [f"a{n}", user.name, user.email, partner, "", "", "", "either", "", "english"]
            row += ["", profile.date_of_birth.isoformat()]
            row += [profile.guardian_name, profile.guardian_email]
            writers[0].writerow(row)
            if n % 2:
                row[3], row[7] = "Nowhere College", "by pigeon"
            writers[1].writerow(row)
        db.session.remove()
    return clean.getvalue(), broken.getvalue()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def counts(request, migrated_sqlite, tmp_path_factory) -> dict[int, dict[str, int]]:
    """Statements per page at both sizes, on each database."""
    by_size = {}
    for size in (SMALL, LARGE):
        if request.param == "sqlite":
            app = sqlite_app(migrated_sqlite, tmp_path_factory.mktemp(f"p{size}"))
        else:
            app = request.getfixturevalue("pg_stack")
            with app.app_context():
                empty_tables()
        by_size[size] = _statements(build_sized_program(app, size))
    return by_size


@pytest.mark.parametrize(
    "page", [*PAGES, *IMPORT_STEPS, *REGISTRATION, "a round on the worker", *POSTS]
)
def test_statements_do_not_grow_with_the_program(counts, page):
    assert counts[LARGE][page] == counts[SMALL][page], {s: c[page] for s, c in counts.items()}
    assert counts[LARGE][page] <= 40


@pytest.mark.parametrize("page", REGISTRATION)
def test_registration_runs_its_few_statements(counts, page):
    by_size = {size: c[page] for size, c in counts.items()}
    assert by_size == dict.fromkeys(counts, REGISTRATION[page])
