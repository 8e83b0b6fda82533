"""The language switch: pages follow the browser, then the choice, remembered per person."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import g

from tests.conftest import sign_in
from web.extensions import db
from web.language import LANGUAGE_COOKIE, TRANSLATIONS_DIR, available_languages, speaking
from web.language.formats import number


def test_spanish_is_offered_from_its_translation_file():
    assert available_languages()[0] == "en"
    assert "es" in available_languages()


def test_a_page_speaks_the_browsers_language(client):
    page = client.get("/", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Ir al contenido principal" in html
    assert ">English</button>" in html

    english = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Skip to main content" in english
    assert ">Español</button>" in english


def test_choosing_a_language_is_remembered_by_the_browser(client):
    answer = client.post("/language", data={"language": "es", "next": "/login"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/login")
    assert client.get_cookie(LANGUAGE_COOKIE).value == "es"
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page


def test_a_signed_in_persons_choice_follows_them_to_another_browser(app, program):
    first = app.test_client()
    sign_in(first, program.coordinator)
    first.post("/language", data={"language": "es"})
    db.session.refresh(program.coordinator)
    assert program.coordinator.language == "es"

    for cached in ("_login_user", "csrf_token"):  # both browsers share the test's app context
        g.pop(cached, None)
    second = app.test_client()
    sign_in(second, program.coordinator)
    page = second.get("/", headers={"Accept-Language": "en"}, follow_redirects=True)
    page = page.get_data(as_text=True)
    assert '<html lang="es">' in page


def test_an_unknown_language_or_an_outside_address_is_refused(client):
    refused = client.post("/language", data={"language": "xx"})
    assert refused.status_code == 400
    assert client.get_cookie(LANGUAGE_COOKIE) is None
    elsewhere = client.post(
        "/language",
        data={"language": "es", "next": "//evil.example.com/"},
    )
    assert elsewhere.headers["Location"] in ("/", "http://localhost/")


def test_counts_are_grouped_the_way_the_page_language_writes_them(app):
    with app.test_request_context(), speaking("en"):
        assert [number(n) for n in (7, 17138, 1234567, None)] == ["7", "17,138", "1,234,567", "0"]
    with app.test_request_context(), speaking("es"):
        assert [number(n) for n in (17138, 1234567)] == ["17.138", "1.234.567"]


def test_every_compiled_catalogue_matches_its_source():
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = Path(po_path).with_suffix(".mo")
        with po_path.open("rb") as po, mo_path.open("rb") as mo:
            source, compiled = read_po(po), read_mo(mo)
        translated = [m for m in source if m.id and _filled(m.string) and not m.fuzzy]
        wanted = {_key(m.id): _key(m.string) for m in translated}
        # An untranslated plural is compiled with its English forms: only translations compare.
        got = {_key(m.id): _key(m.string) for m in compiled if m.id}
        got = {key: text for key, text in got.items() if key in wanted or isinstance(text, str)}
        assert got == wanted, f"{mo_path} is stale: run pybabel compile -d web/translations"


def _key(text):
    """A message's id or translation; a plural's forms as a tuple, however the file read it."""
    return text if isinstance(text, str) else tuple(text)


def _filled(text) -> bool:
    """True if a translation, or every form of a plural one, is written."""
    return bool(text) if isinstance(text, str) else all(text)
