"""The end of the year in a real browser, at desktop and phone sizes, axe-core clean:
close the year, open the certificate, record an outcome, record a retention check."""

from __future__ import annotations

import shutil
import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, build_program
from tests.conftest import test_config as settings_for_tests
from tests.web.conftest import PHONE, check_page
from tests.web.outcomes_helpers import met_goal, pairs_of
from web import create_app
from web.database import send_task
from web.extensions import db

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def year_end(migrated_sqlite, tmp_path):
    """A cohort with two running pairs (one with skills signed off), served on a free port."""
    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    config = settings_for_tests(f"sqlite:///{path}") | {"SERVER_NAME": None, "TESTING": False}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        program = build_program()
        done, early = pairs_of(program, 2)
        met_goal(done, "python", "gis")
        people = {
            "coordinator": program.coordinator.email,
            "partner": program.partner_a_user.email,
            "apprentice": done.apprentice.user.email,
            "apprentice_name": done.apprentice.user.name,
            "cohort": program.cohort.id,
            "done": done.id,
            "early": early.id,
        }
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", people
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def sign_in(page, url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")


def looks_right(page, name: str) -> None:
    """Labelled, ordered, fits the screen, and axe-core finds nothing (see check_page)."""
    page.wait_for_selector("h1")
    check_page(page, name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_close_the_year_then_certificate_outcome_and_retention(browser, year_end, viewport):
    app, url, people = year_end
    size = "phone" if viewport == PHONE else "desktop"
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
    page = context.new_page()

    sign_in(page, url, people["coordinator"])
    page.goto(f"{url}/coordinator/cohorts/{people['cohort']}")
    with page.expect_navigation():
        page.click("text=Close the program year")
    looks_right(page, f"close-year-{size}")
    page.click(f"label[for=outcome-{people['early']}-ended]")
    with page.expect_navigation():
        page.click("button[type=submit] >> text=Close the year and send the emails")
    looks_right(page, f"close-year-refused-{size}")  # no reason, no tick: both explained
    assert "Say why this pair ended early." in page.content()
    page.fill(f"#reason-{people['early']}", "The apprentice moved to another city")
    page.click("label[for=confirm]")
    with page.expect_navigation():
        page.click("button[type=submit] >> text=Close the year and send the emails")
    looks_right(page, f"year-closed-{size}")
    assert "All 3 emails were sent." in page.content()

    sign_in(page, url, people["apprentice"])
    page.goto(url + "/apprentice/status")
    with page.expect_navigation():
        page.click("text=See and print your certificate")
    looks_right(page, f"certificate-{size}")
    assert "GIS and mapping" in page.content() and "Python programming" in page.content()
    page.emulate_media(media="print")
    assert not page.locator("header.usa-header").is_visible()
    assert page.locator(".pathways-certificate").is_visible()
    page.emulate_media(media="screen")

    sign_in(page, url, people["partner"])
    page.goto(url + "/outcomes/")
    looks_right(page, f"outcomes-{size}")
    with page.expect_navigation():
        page.click(f"text={people['apprentice_name']}")
    page.click("label[for=kind-1]")  # hired
    page.select_option("#position", "Department of Innovation and Technology|IT Engineer")
    page.fill("#occurred_on", "2026-01-15")
    with page.expect_navigation():
        page.click("text=Record the outcome")
    looks_right(page, f"outcome-recorded-{size}")
    assert "Hired by the city: IT Engineer" in page.content()

    with app.app_context():  # the daily job, for a day six months after the hire
        send_task("workers.outcome_tasks.check_retention", date(2026, 7, 15).isoformat())
        db.session.remove()
    page.goto(url + "/outcomes/retention")
    looks_right(page, f"retention-{size}")
    with page.expect_navigation():
        page.click("text=Record the 6-month check")
    looks_right(page, f"record-retention-{size}")
    page.click("label[for=still_employed-0]")
    with page.expect_navigation():
        page.click("button[type=submit] >> text=Record the check")
    looks_right(page, f"retention-recorded-{size}")
    assert "The retention check is recorded." in page.content()
    assert "Still employed" in page.content()
    context.close()
