"""Stated preferences in a real browser, on a laptop and a phone, checked with axe-core.

A program admin closes registration and opens the step; an apprentice ranks mentors; a
mentor marks an apprentice; the admin runs a stable round and reads the comparison.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.web.conftest import PHONE, check_page
from web import create_app
from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD, load_demo_program
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, User

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def served(tmp_path, migrated_sqlite):
    """A fresh demo program served over HTTP, and its app for looking people up."""
    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, instance_path=str(tmp_path))
    with app.app_context():
        load_demo_program(seed=5, apprentices=40, mentors=10)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def person(browser, viewport, server: str, email: str):
    """A signed-in browser tab of its own."""
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=viewport == PHONE
    )
    page = context.new_page()
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")
    return page


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def adult_apprentice(app) -> str:
    with app.app_context():
        return db.session.scalar(
            select(User.email)
            .join(ApprenticeProfile, ApprenticeProfile.user_id == User.id)
            .where(ApprenticeProfile.is_minor.is_(False))
            .order_by(User.id)
            .limit(1)
        )


def mentor_email(app, mentor_id: int) -> str:
    with app.app_context():
        return db.session.get(MentorProfile, mentor_id).user.email


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_apprentice_ranks_mentor_marks_and_a_stable_round_compares_objectives(
    served, browser, viewport
):
    server, app = served
    size = "phone" if viewport == PHONE else "laptop"
    coordinator = person(browser, viewport, server, COORDINATOR_EMAIL)
    coordinator.goto(server + "/coordinator/cohorts/1")
    click(coordinator, "button:has-text('Close registration')")
    click(coordinator, "button:has-text('Open stated preferences')")
    assert "Stated preferences are open." in coordinator.content()
    check_page(coordinator, f"preferences-cohort-{size}")

    apprentice = person(browser, viewport, server, adult_apprentice(app))
    click(apprentice, "a:has-text('Rank mentors')")
    check_page(apprentice, f"preferences-rank-{size}")
    options = apprentice.locator("#choice_1 option").evaluate_all("os => os.map(o => o.value)")
    first, second = options[1], options[2]
    apprentice.select_option("#choice_1", first)
    apprentice.select_option("#choice_2", second)
    click(apprentice, "button:has-text('Save my ranking')")
    assert "Your ranking of 2 mentors is saved." in apprentice.content()

    mentor = person(browser, viewport, server, mentor_email(app, int(first)))
    click(mentor, "a:has-text('Mark apprentices')")
    check_page(mentor, f"preferences-mark-{size}")
    mentor.locator("label.usa-radio__label", has_text="Preferred").first.click()
    click(mentor, "button:has-text('Save my marks')")
    assert "1 preferred" in mentor.content()

    coordinator.goto(server + "/coordinator/cohorts/1")
    assert "1 of " in coordinator.locator("#preferences ~ ul").first.inner_text()
    coordinator.locator("label.usa-radio__label", has_text="Stable:").click()
    click(coordinator, "button:has-text('Start the round')")
    coordinator.wait_for_selector(".pathways-tabs")  # the round is done: its sections show
    click(coordinator, ".pathways-tabs a:has-text('Quality report')")
    coordinator.wait_for_selector("#objectives-table")
    table = coordinator.locator("#objectives-table").inner_text()
    assert "Stable" in table and "this round" in table and "Greedy" in table
    stable_column = coordinator.locator("#objectives-table thead th").all_inner_texts()
    blocking = coordinator.locator("#objectives-table tr:has-text('Blocking pairs') td")
    assert (
        blocking.nth(
            stable_column.index(next(t for t in stable_column if "Stable" in t)) - 1
        ).inner_text()
        == "0"
    )
    # The pair table's sorted-column link is left to the table's redesign (its own tests).
    check_page(coordinator, f"preferences-round-{size}")
