"""The main pages in Chromium under the strict Content-Security-Policy: nothing is refused."""

from __future__ import annotations

from web.demo import COORDINATOR_EMAIL, DEMO_PASSWORD, PARTNERS, _partner_email

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""
PUBLIC = ["/", "/login", "/apprentice/register", "/mentor/register", "/password/forgot"]
COORDINATOR = ["/coordinator/", "/coordinator/audit", "/coordinator/mentors", "/coordinator/import"]


def watched(browser):
    """A page that records CSP violations, as events and as console errors."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return context, page, console


def refused(page, console: list[str]) -> list[str]:
    return [*page.evaluate("() => window.__violations"), *console]


def sign_in(page, server: str, email: str) -> None:
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")


def visit(page, console, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.uswdsPresent") is True, "USWDS scripts ran"
    return [f"{url}: {problem}" for problem in refused(page, console)]


def test_public_and_coordinator_pages_break_no_rule_of_the_policy(live_server, browser):
    context, page, console = watched(browser)
    problems = [p for path in PUBLIC for p in visit(page, console, live_server + path)]
    sign_in(page, live_server, COORDINATOR_EMAIL)
    problems += [p for path in COORDINATOR for p in visit(page, console, live_server + path)]
    page.goto(live_server + "/coordinator/")
    page.click("text=2027 Spring cohort")
    page.wait_for_selector("h1")
    problems += refused(page, console)
    with page.expect_navigation():
        page.click("text=Start the round")
    page.wait_for_selector("#pairs")
    page.locator("tr.pathways-pair [data-why]").first.click()
    page.keyboard.press("j")  # the workbench script runs under the policy too
    problems += refused(page, console)
    context.close()
    assert problems == []


def test_partner_pages_with_charts_break_no_rule_of_the_policy(live_server, browser):
    context, page, console = watched(browser)
    sign_in(page, live_server, _partner_email(PARTNERS[0][0]))
    problems = visit(page, console, live_server + "/partner/")
    problems += visit(page, console, live_server + "/partner/tokens")
    context.close()
    assert problems == []
