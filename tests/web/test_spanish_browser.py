"""Registering in Spanish in Chromium, wide and on a phone: the skills follow the careers ticked."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.web.conftest import PHONE, check_page

HEIGHT = "() => document.documentElement.scrollHeight"
SKILL_SELECTS_SHOWN = "() => [...document.querySelectorAll('select[name^=skill_levels-]')]" + (
    ".filter(el => el.offsetParent !== null).length"
)


SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def spanish_browser(request, browser):
    """A browser asking for Spanish, on a 1280x800 screen, then on a phone."""
    size = SIZES[request.param]
    context = browser.new_context(viewport=size, is_mobile=size is PHONE, locale="es-US")
    page = context.new_page()
    yield page
    context.close()


def tick(page, name: str, value: str) -> None:
    """Tick a USWDS checkbox or radio by clicking its label, as a person does."""
    box = page.locator(f'input[name="{name}"][value="{value}"]')
    page.locator(f"label[for={box.get_attribute('id')}]").click()


def test_registering_in_spanish(live_server, spanish_browser):
    page = spanish_browser
    page.goto(live_server + "/apprentice/register")
    assert page.evaluate("() => document.documentElement.lang") == "es"
    check_page(page, f"spanish-register-{page.viewport_size['width']}")  # axe-core included
    general_only = page.evaluate(SKILL_SELECTS_SHOWN)
    short = page.evaluate(HEIGHT)

    tick(page, "pathways", "software_development")
    with_one_career = page.evaluate(SKILL_SELECTS_SHOWN)
    assert page.locator("#skill_levels-python").is_visible()
    assert not page.locator("#skill_levels-sql").is_visible()  # data and analytics not ticked
    for pathway in ("data_analytics", "cybersecurity", "cloud_infrastructure", "it_support"):
        tick(page, "pathways", pathway)
    for pathway in ("gis", "project_management", "digital_services"):
        tick(page, "pathways", pathway)
    every_career = page.evaluate(SKILL_SELECTS_SHOWN)
    tall = page.evaluate(HEIGHT)
    width = page.viewport_size["width"]
    print(f"registration at {width}px wide: {short}px tall with no career ticked, {tall}px with 8")
    assert general_only < with_one_career < every_career == 28
    assert short < 0.8 * tall  # the hidden groups take a fifth of the page or more

    page.goto(live_server + "/apprentice/register")
    page.fill("#name", "Lucía Hernández")
    page.fill("#email", f"lucia.hernandez.{width}@students.example.org")
    page.fill("#password", PASSWORD + "-spanish")
    page.fill("#confirm", PASSWORD + "-spanish")
    page.select_option("#partner_id", index=1)
    page.select_option("#cohort_id", index=1)
    tick(page, "pathways", "data_analytics")
    page.select_option("#skill_levels-sql", "2")
    tick(page, "availability", "2-evening")
    tick(page, "mode", "either")
    page.select_option("#region", "south")
    tick(page, "languages", "spanish")
    page.fill("#date_of_birth", "2001-03-14")
    with page.expect_navigation():
        page.locator("form.usa-form button[type=submit]").last.click()
    assert "/login" in page.url
    assert "Gracias por inscribirte" in page.content()
    check_page(page, f"spanish-registered-{width}")
