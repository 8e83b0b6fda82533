"""Every page of every journey in a real browser: English and Spanish, laptop and phone.

The program is the query-count tests' one (matched, published, checked in, some years
closed with outcomes, preferences open), served on a local port. Each page is checked by
`check_page` (labels, headings, no sideways scrolling, axe-core: no violation) and speaks
the language the browser asked for.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.web.conftest import PHONE, check_page
from tests.web.program_at_size import build_sized_program, sqlite_app
from tests.web.test_query_counts import PAGES, page_ids
from web.demo import DEMO_PASSWORD
from web.extensions import db

LAPTOP = {"width": 1280, "height": 800}
LANGUAGES = {"en": "en-US", "es": "es-US"}
PUBLIC = ("/", "/login", "/password/forgot", "/apprentice/register", "/mentor/register")
PUBLIC += ("/accessibility", "/privacy")
HTML_PAGES = {
    name: (role, url)
    for name, (role, url) in PAGES.items()
    if role is not None and not url.split("?")[0].endswith(".csv")
}


@pytest.fixture(scope="module")
def served(migrated_sqlite, tmp_path_factory):
    """The sized program, served over HTTP; yields (base URL, program)."""
    app = sqlite_app(migrated_sqlite, tmp_path_factory.mktemp("walk"))
    program = build_sized_program(app, 40)
    program.app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, program.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", program
    server.shutdown()
    with program.app.app_context():
        db.engine.dispose()


def _visit(page, url: str, language: str, name: str) -> None:
    answer = page.goto(url)
    assert answer.status == 200, (url, answer.status)
    assert page.evaluate("() => document.documentElement.lang") == language
    check_page(page, name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_every_page_in_both_languages_at_both_sizes(served, browser, language, size):
    base, program = served
    viewport = LAPTOP if size == "laptop" else PHONE
    visited = 0
    for who in [None, *dict.fromkeys(role for role, _ in HTML_PAGES.values())]:
        context = browser.new_context(
            viewport=viewport, is_mobile=size == "phone", locale=LANGUAGES[language]
        )
        page = context.new_page()
        if who is None:
            for path in PUBLIC:
                _visit(page, base + path, language, f"walk-{language}-{size}-public{path}")
                visited += 1
        else:
            page.goto(base + "/login")
            page.fill("#email", program.emails[who])
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("form.usa-form button[type=submit]")
            for name, (role, url) in HTML_PAGES.items():
                if role == who:
                    _visit(
                        page,
                        base + url.format(**page_ids(program)),
                        language,
                        f"walk-{language}-{size}-{name}",
                    )
                    visited += 1
        context.close()
    assert visited == len(PUBLIC) + len(HTML_PAGES)
