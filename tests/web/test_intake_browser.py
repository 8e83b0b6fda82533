"""Importing people in a real browser, on a desktop and a phone screen, checked with axe-core:
the upload page with its accepted values and templates, and a preview listing every problem."""

from __future__ import annotations

import pytest

from tests.web.conftest import PHONE, check_page
from tests.web.test_coordinator_browser import sign_in_as_coordinator

DESKTOP = {"width": 1280, "height": 800}
FILE = (
    "id,name,email,partner,pathways,skills,availability,mode,region,languages,date_of_birth,"
    "exclude_mentors,guardian_name,guardian_email\n"
    "a1,Rosa Diaz,rosa@students.example.org,Lakeshore Community College,gis,python,"
    "mon 17:00-20:00,remote,,english,2001-03-14,,,\n"
    "a2,Tom Lee,not-an-email,Nowhere College,gis,python,mon 17:00-20:00,by pigeon,,english,"
    "2001-03-14,,,\n"
)


@pytest.fixture(params=["desktop", "phone"])
def screen(request, browser):
    """A fresh page the size of a desktop or of a phone screen."""
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP, device_scale_factor=1, is_mobile=phone
    )
    yield request.param, context.new_page()
    context.close()


def test_the_upload_page_and_a_preview_with_problems(live_server, screen):
    name, page = screen
    sign_in_as_coordinator(page, live_server)
    page.goto(live_server + "/coordinator/import")
    check_page(page, f"import-upload-{name}")
    assert page.locator("#accepted-values code", has_text="in_person").is_visible()
    with page.expect_download() as download:
        page.click("text=Template for mentors (CSV)")
    assert download.value.suggested_filename == "pathways-mentors-template.csv"

    page.select_option("#cohort", index=1)
    page.set_input_files(
        "#upload", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": FILE.encode()}]
    )
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")
    check_page(page, f"import-preview-{name}")
    assert "2 apprentices read from the file" in page.inner_text("#rows-read")
    assert "Not import this line" in page.inner_text("#people-in-the-file")
