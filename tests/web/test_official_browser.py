"""The official-site pieces in a real browser: banner, identifier, notices, report, print."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PHONE, axe_violations, check_page
from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# The first demo partner, Lakeshore Community College (web/demo.py names its contact).
PARTNER_EMAIL = "partners@lakeshorecommunityco.example.org"
NAV_TOPS = "() => [...document.querySelectorAll('.usa-nav__primary > li')].map(li => li.offsetTop)"
# How many lines each navigation item's words take.
NAV_LINES = """() => [...document.querySelectorAll('.usa-nav__primary .usa-nav-link')].map(el => {
  const tops = new Set();
  const words = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = words.nextNode(); node; node = words.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
  }
  return tops.size;
})"""


@pytest.fixture(params=list(SIZES))
def page(request, browser):
    """A fresh page at 1280x800, then at 390x844."""
    size = SIZES[request.param]
    context = browser.new_context(viewport=size, is_mobile=size is PHONE)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def sign_in(page, server: str, email: str) -> None:
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")


def check_official_page(page, name: str) -> None:
    """Banner on top, the notices in the footer, no axe-core violation."""
    check_page(page, f"{name}-{page.size_name}")
    banner = page.locator("section.usa-banner")
    assert "An official website of" in banner.inner_text()
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="Accessibility statement").count() == 1
    assert footer.get_by_role("link", name="Privacy notice").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility"])
def test_public_pages_are_official_and_accessible(live_server, page, path):
    page.goto(live_server + path)
    check_official_page(page, "official" + (path.replace("/", "-") if path != "/" else "-home"))


def test_banner_opens_to_say_how_to_know(live_server, page):
    page.goto(live_server + "/")
    content = page.locator("#official-banner-content")
    assert content.is_hidden()
    page.click(".usa-banner__button")
    assert content.is_visible()
    assert "websites use HTTPS" in content.inner_text()


def start_a_round_once(page, server: str) -> None:
    """Give the dashboard a latest round and apprentices of several statuses."""
    page.goto(server + "/coordinator/")
    if "No rounds yet" in page.locator("table").inner_text():
        page.click("text=2027 Spring cohort")
        page.click("text=Start the round")
        page.wait_for_selector("#pairs")
        page.goto(server + "/coordinator/")


def test_coordinator_dashboard_nav_on_one_line_and_latest_round_visible(live_server, page):
    sign_in(page, live_server, COORDINATOR_EMAIL)
    start_a_round_once(page, live_server)
    assert "Round " in page.locator("td[data-label='Latest round']").first.inner_text()
    check_official_page(page, "official-coordinator-dashboard")
    latest = page.get_by_role("columnheader", name="Latest round")
    if page.size_name == "desktop":
        tops = page.evaluate(NAV_TOPS)
        assert len(tops) >= 5 and len(set(tops)) == 1, tops
        assert set(page.evaluate(NAV_LINES)) == {1}, page.evaluate(NAV_LINES)
        nav = page.locator("nav.usa-nav").bounding_box()
        assert nav["x"] + nav["width"] <= DESKTOP["width"], nav
        assert "Signed in as" in page.locator("header.usa-header").inner_text()
        assert latest.is_visible()
        box = latest.bounding_box()
        assert box["x"] + box["width"] <= DESKTOP["width"], box
    else:
        # Stacked on a phone: each row names its latest round.
        cell = page.locator("td[data-label='Latest round']").first
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], box


def test_partner_cohort_report_reads_and_prints(live_server, page):
    sign_in(page, live_server, PARTNER_EMAIL)
    page.get_by_role("link", name="Cohort report to print").first.click()
    page.wait_for_selector("h1")
    assert "cohort report" in page.locator("h1").inner_text()
    check_official_page(page, "official-partner-report")
    assert page.get_by_role("button", name="Print this report").is_visible()
    assert page.locator("table.pathways-chart").count() >= 2

    page.emulate_media(media="print")
    for hidden in ("header.usa-header", "section.usa-banner", "footer", "nav.usa-breadcrumb"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.get_by_role("button", name="Print this report").is_hidden()
    assert page.locator("table.pathways-chart").first.is_visible()
    # Bars print in black as borders, whatever the browser does with backgrounds.
    border = page.locator(".pathways-bar--100").first.evaluate(
        "el => getComputedStyle(el).borderTopColor + ' ' + getComputedStyle(el).borderTopWidth"
    )
    assert border.startswith("rgb(0, 0, 0)") and not border.endswith(" 0px"), border
    page.emulate_media(media="screen")
    assert page.locator("header.usa-header").is_visible()


def test_error_summary_takes_the_focus_and_its_links_reach_the_first_box(live_server, page):
    page.goto(live_server + "/apprentice/register")
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    link = page.locator("#error-summary a[href='#pathways-0']")
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "pathways-0"
    assert page.evaluate("() => document.activeElement.type") == "checkbox"


def test_import_file_input_is_named_by_its_label(live_server, page):
    sign_in(page, live_server, COORDINATOR_EMAIL)
    page.goto(live_server + "/coordinator/import")
    page.wait_for_selector(".usa-file-input__target")  # the USWDS script has run
    expect(page.locator("#upload")).to_have_accessible_name("CSV file")


def test_api_pages_for_partners_are_accessible(live_server, page):
    sign_in(page, live_server, PARTNER_EMAIL)
    page.goto(live_server + "/partner/tokens")
    check_official_page(page, "official-partner-tokens")
    with page.expect_navigation():
        page.get_by_role("link", name="API reference").click()
    check_official_page(page, "official-api-reference")
