"""The administration pages in a real browser on a phone: labelled, ordered, no sideways scroll."""

from __future__ import annotations

from tests.web.conftest import check_page
from tests.web.test_coordinator_browser import sign_in_as_coordinator

PAGES = {
    "admin-home": "/coordinator/admin/",
    "admin-partners": "/coordinator/admin/partners",
    "admin-partner": "/coordinator/admin/partners/1",
    "admin-new-partner": "/coordinator/admin/partners/new",
    "admin-coordinators": "/coordinator/admin/coordinators",
    "admin-accounts": "/coordinator/admin/accounts?role=partner",
    "admin-account": "/coordinator/admin/accounts/2",
    "admin-pending-mentors": "/coordinator/admin/mentors/pending",
    "admin-cohort-edit": "/coordinator/admin/cohorts/1/edit",
}


def test_every_administration_page_reads_well_on_a_phone(live_server, phone):
    sign_in_as_coordinator(phone, live_server)
    phone.click("button.usa-menu-btn")
    with phone.expect_navigation():
        phone.click("nav >> text=Administration")
    for name, path in PAGES.items():
        phone.goto(live_server + path)
        phone.wait_for_selector("h1")
        check_page(phone, name)
