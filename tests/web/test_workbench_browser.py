"""The round workbench in a real browser: at 1280 px and on a phone, by mouse and keyboard."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from tests.web.conftest import PHONE, SCREENSHOTS, axe_violations, check_page
from tests.web.test_coordinator_browser import sign_in_as_coordinator

DESKTOP = {"width": 1280, "height": 800}
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def round_url(browser, live_server) -> str:
    """A round of the demo cohort, started once through the cohort page."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in_as_coordinator(page, live_server)
    page.click("text=2027 Spring cohort")
    page.click("text=Start the round")
    page.wait_for_selector("#pairs")
    url = page.url.split("#")[0]
    context.close()
    return url


def _signed_in(browser, live_server, viewport, **options):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, **options)
    page = context.new_page()
    sign_in_as_coordinator(page, live_server)
    return context, page


@pytest.fixture
def desktop(browser, live_server):
    context, page = _signed_in(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def signed_in_phone(browser, live_server):
    context, page = _signed_in(browser, live_server, PHONE, is_mobile=True)
    yield page
    context.close()


def _inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def _bar_fractions(page, scope: str) -> list[tuple[float, float]]:
    """(number shown, bar fill / bar track) of each score bar's row inside `scope`."""
    return page.evaluate(
        """scope => [...document.querySelectorAll(scope + ' .pathways-meter')]
           .filter(bar => bar.getBoundingClientRect().width > 0)
           .map(bar => {
             const number = bar.closest('tr').querySelector('.pathways-score');
             return [parseFloat(number.textContent),
                     bar.firstElementChild.getBoundingClientRect().width /
                       bar.getBoundingClientRect().width];
           })""",
        scope,
    )


def _proportional(bars: list[tuple[float, float]]) -> None:
    assert bars
    for value, fraction in bars:
        assert abs(fraction - value) <= 0.011, (value, fraction)


def test_the_whole_review_fits_1280_px_with_every_control_visible(desktop, round_url):
    desktop.goto(round_url)
    check_page(desktop, "workbench-desktop")
    assert desktop.evaluate(NO_SIDEWAYS_SCROLL)
    for control in (
        "tr.pathways-pair th[scope=row]",
        "tr.pathways-pair [data-label=Score]",
        "tr.pathways-pair [data-label=Decision]",
        "tr.pathways-pair [data-approve]",
        "tr.pathways-pair [data-reject]",
        "tr.pathways-pair .pathways-actions form:last-child button",
    ):
        assert desktop.locator(control).first.is_visible(), control
        assert _inside_viewport(desktop, control), control
    desktop.evaluate("() => document.querySelector('#bulk').scrollIntoView()")
    desktop.screenshot(path=str(SCREENSHOTS / "workbench-desktop-table.png"))
    first_row = desktop.locator("tr.pathways-pair").first.bounding_box()
    assert first_row["height"] <= 80
    assert axe_violations(desktop) == []

    desktop.locator("tr.pathways-pair [data-why]").first.click()
    desktop.screenshot(path=str(SCREENSHOTS / "workbench-desktop-why.png"))
    panel = desktop.locator("tr.pathways-why:target")
    assert panel.is_visible() and "What the score is made of" in panel.inner_text()
    assert desktop.evaluate(NO_SIDEWAYS_SCROLL)
    _proportional(_bar_fractions(desktop, "tr.pathways-why:target"))
    _proportional(_bar_fractions(desktop, "tbody"))
    assert axe_violations(desktop) == []


def test_filters_keep_their_state_in_the_address_and_menus_are_not_clipped(desktop, round_url):
    desktop.goto(round_url)
    partner = desktop.locator("#partner option").nth(1).inner_text()
    desktop.select_option("#partner", label=partner)
    with desktop.expect_navigation():
        desktop.click(".pathways-filters button[type=submit]")
    assert "partner=" in desktop.url
    assert desktop.locator("#partner").input_value() == partner
    with desktop.expect_navigation():
        desktop.click("a.pathways-sort >> text=Mentor")
    assert "sort=mentor" in desktop.url and "partner=" in desktop.url
    clipped = desktop.evaluate(
        "() => [...document.querySelectorAll('.pathways-filters select')]"
        ".filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.id)"
    )
    assert clipped == []


def test_approve_and_reject_from_the_keyboard(desktop, round_url):
    desktop.goto(round_url + "?status=proposed")
    assert desktop.locator("[data-keyboard-help]").is_visible()
    name = desktop.locator("tr.pathways-pair th[scope=row]").first.inner_text()
    desktop.keyboard.press("j")
    assert desktop.evaluate("() => document.activeElement.classList.contains('pathways-pair')")
    with desktop.expect_navigation():
        desktop.keyboard.press("a")
    assert f"Approved {name}" in desktop.locator(".usa-alert--success").inner_text()
    assert "status=proposed" in desktop.url  # back on the same filtered page
    desktop.goto(round_url + "?status=approved")
    assert name in desktop.locator("table.pathways-review").inner_text()

    desktop.goto(round_url + "?status=proposed")
    desktop.keyboard.press("j")
    desktop.keyboard.press("j")
    desktop.keyboard.press("r")
    focused = desktop.evaluate("() => document.activeElement.id")
    assert focused.startswith("reason-")
    desktop.keyboard.type("Mentor is on leave")
    with desktop.expect_navigation():
        desktop.locator(f"#{focused} ~ button").click()
    assert "Rejected" in desktop.locator(".usa-alert--success").inner_text()


def test_bulk_approval_says_how_many_pairs_before_it_acts(desktop, round_url):
    desktop.goto(round_url + "?status=proposed")
    boxes = desktop.locator("tr.pathways-pair input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert desktop.locator("[data-selected-count]").inner_text() == "2 pairs selected."
    with desktop.expect_navigation():
        desktop.click("text=Approve the selected pairs…")
    assert "This will approve 2 pairs." in desktop.locator("#approval-count").inner_text()
    check_page(desktop, "workbench-confirm")
    assert axe_violations(desktop) == []
    with desktop.expect_navigation():
        desktop.click("button:has-text('Approve 2 pairs')")
    assert "Approved 2 pairs." in desktop.locator(".usa-alert--success").inner_text()


def test_on_a_phone_the_review_is_cards_that_read_fully(signed_in_phone, round_url):
    phone = signed_in_phone
    phone.goto(round_url)
    check_page(phone, "workbench-phone")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    card = phone.locator("tr.pathways-pair").first
    card.evaluate("row => row.scrollIntoView()")
    phone.screenshot(path=str(SCREENSHOTS / "workbench-phone-cards.png"))
    assert card.evaluate("row => getComputedStyle(row).display") == "block"
    assert _inside_viewport(phone, "tr.pathways-pair [data-approve]")
    _proportional(_bar_fractions(phone, "tbody"))
    assert axe_violations(phone) == []

    phone.locator("tr.pathways-pair [data-why]").first.click()
    phone.screenshot(path=str(SCREENSHOTS / "workbench-phone-why.png"))
    reason = phone.locator("tr.pathways-why:target p").nth(1)
    assert reason.is_visible()
    assert reason.evaluate(
        "p => p.scrollWidth <= p.clientWidth && p.scrollHeight <= p.clientHeight + 1"
    )
    assert _inside_viewport(phone, "tr.pathways-why:target p")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    _proportional(_bar_fractions(phone, "tr.pathways-why:target"))


TOOK_THE_PLACE = re.compile(
    r": (?P<mentor>[^:;]+?) \([0-9.]+ with you\) went to (?P<taker>[^;]+?) \("
)


def _pair_row(page, round_url: str, apprentice: str):
    """The row of `apprentice`'s pair, found page by page in name order."""
    page.goto(round_url + "?sort=apprentice&dir=asc")
    while True:
        row = page.locator("tr.pathways-pair", has=page.locator(f'th:text-is("{apprentice}")'))
        if row.count():
            return row
        with page.expect_navigation():
            page.locator("#pairs ~ nav a[rel=next], .usa-pagination a[rel=next]").first.click()


def test_pairing_an_unmatched_apprentice_by_hand(signed_in_phone, round_url):
    phone = signed_in_phone
    phone.goto(round_url + "/unmatched")
    check_page(phone, "workbench-unmatched")
    # An apprentice whose compatible mentor's place went to someone else...
    row = phone.locator("#unmatched ~ table tbody tr", has_text="with you) went to").first
    name = row.locator("th").inner_text()
    found = TOOK_THE_PLACE.search(row.locator("td[data-label=Why]").inner_text())
    mentor, taker = found["mentor"], found["taker"]
    choices_url = urljoin(round_url, row.locator("a.pathways-act").get_attribute("href"))
    # ...gets that place once the coordinator rejects the other pair.
    pair = _pair_row(phone, round_url, taker)
    if "Rejected" not in pair.locator("td[data-label=Decision]").inner_text():
        pair.locator("[data-reject]").click()
        phone.locator("tr.pathways-why:target textarea").fill("Schedules changed")
        with phone.expect_navigation():
            phone.locator("tr.pathways-why:target button[type=submit]").click()

    phone.goto(choices_url)
    check_page(phone, "workbench-pair-by-hand")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(phone) == []
    feasible = phone.locator("#feasible ~ table").first
    scores = [v for v, _ in _bar_fractions(phone, "#feasible ~ table")]
    assert scores == sorted(scores, reverse=True)  # best feasible mentor first
    _proportional(_bar_fractions(phone, "tbody"))
    assert "Why not" in phone.locator("#not-feasible ~ table").inner_text()
    with phone.expect_navigation():
        feasible.locator("tr", has_text=mentor).locator("button").click()
    message = phone.locator(".usa-alert--success").inner_text()
    assert f"Paired {name} with {mentor}" in message
