"""The coordinator's matching pages in a real browser, on a phone screen."""

from __future__ import annotations

from tests.web.conftest import check_page
from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD


def sign_in_as_coordinator(page, server: str) -> None:
    page.goto(server + "/login")
    page.fill("#email", COORDINATOR_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.usa-form button[type=submit]")
    page.wait_for_url(server + "/coordinator/")


def test_a_round_from_the_cohort_page_to_its_results(live_server, phone):
    sign_in_as_coordinator(phone, live_server)
    check_page(phone, "coordinator-dashboard")
    phone.click("text=2027 Spring cohort")
    phone.wait_for_selector("h1")
    check_page(phone, "coordinator-cohort")

    phone.click("text=Start the round")
    phone.wait_for_selector("#pairs")
    check_page(phone, "coordinator-round")
    phone.locator("tr.pathways-pair [data-why]").first.click()
    assert phone.locator("tr.pathways-why:target >> text=What the score is made of").is_visible()

    phone.goto(live_server + "/coordinator/audit")
    check_page(phone, "coordinator-audit")


def test_confirming_a_mentors_background_check_from_the_mentor_list(live_server, phone):
    sign_in_as_coordinator(phone, live_server)
    phone.click("button.usa-menu-btn")
    with phone.expect_navigation():
        phone.click("nav >> text=Mentors")
    phone.select_option("#check", "confirmed")
    with phone.expect_navigation():
        phone.click("form.usa-form button[type=submit]")
    check_page(phone, "coordinator-mentors")
    assert "Not done" not in phone.locator("table").inner_text()
    phone.select_option("#check", "")
    with phone.expect_navigation():
        phone.click("form.usa-form button[type=submit]")
    first = phone.locator("tr:not(:has-text('Confirmed')) a").first
    name = first.inner_text()
    with phone.expect_navigation():
        first.click()
    check_page(phone, "coordinator-mentor")

    with phone.expect_navigation():
        phone.click("text=Confirm the background check")
    phone.locator(".usa-alert--success").wait_for(state="visible")
    assert f"{name}'s background check is confirmed." in phone.content()
