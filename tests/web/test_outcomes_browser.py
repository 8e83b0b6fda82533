"""Outcomes, survey, flag and pair pages in a real browser: desktop and phone, axe-core clean."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import test_config as config_for
from tests.web.conftest import PHONE, axe_violations, check_page
from tests.web.outcomes_data import build_outcomes_program
from web import create_app
from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD, load_demo_program
from web.extensions import db
from web.models import CheckIn, Cohort, Mentorship, MentorshipStatus, PairFlag, PartnerInstitution

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def outcomes_server(tmp_path_factory, migrated_sqlite):
    """The demo program with a year of outcomes, served over HTTP on a free local port."""
    path = tmp_path_factory.mktemp("outcomes") / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    config = config_for(f"sqlite:///{path}") | {"SERVER_NAME": None, "TESTING": False}
    app = create_app(config, instance_path=str(path.parent))
    with app.app_context():
        load_demo_program(seed=5, apprentices=20, mentors=6)
        partners = db.session.scalars(select(PartnerInstitution).order_by(PartnerInstitution.id))
        first, second = list(partners)[:2]
        program = SimpleNamespace(
            partner_a=first, partner_b=second, cohort=db.session.scalar(select(Cohort))
        )
        build_outcomes_program(program, seed=3, apprentices=40)
        pair = db.session.scalar(
            select(Mentorship).where(Mentorship.status == MentorshipStatus.ACTIVE).limit(1)
        )
        db.session.add_all(
            [
                CheckIn(mentorship=pair, author_role="mentor", month="2027-04", rating=2,
                        note="We missed two meetings"),
                PairFlag(mentorship=pair, kind="idle", period="2027-04-01",
                         reason="No check-in or meeting since 01 April 2027.",
                         raised_on=date(2027, 5, 1)),
            ]
        )  # fmt: skip
        db.session.commit()
        partner_email = first.contact_email
        pair_id = pair.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.server_port}", partner_email=partner_email, pair_id=pair_id
    )
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def _sign_in(page, server, email: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")


def _walk(page, server, name: str, path: str) -> str:
    page.goto(server.url + path)
    page.wait_for_selector("h1")
    # The first view of a report builds it in-process; the page shown is already complete.
    check_page(page, name)  # with axe-core: no violation
    return page.content()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_coordinator_walks_the_outcomes_survey_flag_and_pair_pages(
    outcomes_server, browser, viewport
):
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
    page = context.new_page()
    size = "phone" if viewport == PHONE else "desktop"
    _sign_in(page, outcomes_server, COORDINATOR_EMAIL)
    html = _walk(page, outcomes_server, f"outcomes-{size}", "/coordinator/outcomes/")
    assert "Net promoter score and satisfaction" in html
    page.locator("#section-completion details summary").click()
    assert page.locator("#table-completion").is_visible()
    assert axe_violations(page) == []
    _walk(page, outcomes_server, f"surveys-{size}", "/coordinator/surveys")
    html = _walk(page, outcomes_server, f"flags-{size}", "/coordinator/flags")
    assert "No check-in or meeting since 01 April 2027." in html
    html = _walk(
        page, outcomes_server, f"pair-{size}", f"/coordinator/mentorships/{outcomes_server.pair_id}"
    )
    assert "We missed two meetings" in html
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_partner_opens_its_outcomes_page(outcomes_server, browser, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
    page = context.new_page()
    size = "phone" if viewport == PHONE else "desktop"
    _sign_in(page, outcomes_server, outcomes_server.partner_email)
    html = _walk(page, outcomes_server, f"partner-outcomes-{size}", "/partner/outcomes")
    assert "Only your own apprentices are counted." in html
    context.close()
