"""Helpers for the sign-in tests: browsers that take turns, a movable clock, saved cookies."""

from __future__ import annotations

import re

import pytest
from flask import g

from tests.conftest import PASSWORD, submit

SESSION_COOKIE = "session"


@pytest.fixture(autouse=True)
def each_request_starts_from_its_own_cookies(app):
    """Several browsers take turns in one test: forget the user and token `g` cached last.

    The test's app context outlives its requests, so Flask-Login and Flask-WTF would
    otherwise serve one browser as the person of the request before.
    """

    def forget_the_last_browser() -> None:
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_the_last_browser)


def sign_in_with(client, email: str, password: str = PASSWORD, *, follow: bool = True):
    """Post the sign-in form."""
    return submit(client, "/login", {"email": email, "password": password}, follow=follow)


def saved_cookie(client) -> str:
    """The session cookie the browser holds now, as someone copying it would keep it."""
    return client.get_cookie(SESSION_COOKIE).value


def browser_with_cookie(app, value: str):
    """A new browser that sends a saved session cookie."""
    browser = app.test_client()
    browser.set_cookie(SESSION_COOKIE, value, domain="localhost")
    return browser


def sign_out(client, page: str = "/") -> None:
    """Press "Sign out" in the navigation of `page`."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
