"""Language access: which language pages and emails speak, and the switch between them.

English is the source language. Every other language is a folder of `web/translations`
holding a compiled catalogue (`<code>/LC_MESSAGES/messages.mo`): adding a language is adding
a translation file, not changing code.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path

from babel import Locale
from flask import Blueprint, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, refresh
from flask_login import current_user

bp = Blueprint("language", __name__)
babel = Babel()

SOURCE_LANGUAGE = "en"
LANGUAGE_COOKIE = "pathways_language"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


@cache
def available_languages() -> tuple[str, ...]:
    """The source language, then every language with a compiled catalogue, by code."""
    translated = sorted(
        folder.name
        for folder in TRANSLATIONS_DIR.iterdir()
        if (folder / "LC_MESSAGES" / "messages.mo").is_file()
    )
    return (SOURCE_LANGUAGE, *translated)


def language_name(code: str) -> str:
    """A language's name written in that language ("English", "Español")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def supported(code: str | None) -> str | None:
    """`code` if Pathways speaks it, else None."""
    return code if code in available_languages() else None


def select_language() -> str:
    """The page's language: the user's choice, else the browser's cookie, else its request.

    Outside a request (a worker's task, a CLI command) it is the source language; emails to a
    person are written inside `speaking(their language)`.
    """
    if not has_request_context():
        return SOURCE_LANGUAGE
    if current_user and current_user.is_authenticated:
        if chosen := supported(getattr(current_user, "language", None)):
            return chosen
    if chosen := supported(request.cookies.get(LANGUAGE_COOKIE)):
        return chosen
    return request.accept_languages.best_match(available_languages()) or SOURCE_LANGUAGE


def current_language() -> str:
    """The language of what is being written now (a page, or an email under `speaking`)."""
    return str(get_locale() or SOURCE_LANGUAGE)


@contextmanager
def speaking(code: str | None):
    """Write what follows (an email, a CSV) in `code`, or the source language if unknown."""
    with force_locale(supported(code) or SOURCE_LANGUAGE):
        yield


def speaking_to(code: str | None):
    """Speak `code` on a page opened from an email to its reader, unless this browser chose.

    A guardian's consent page, a survey or an unsubscribe link reaches someone who may never
    have visited: they read the language their email was written in.
    """
    if request.cookies.get(LANGUAGE_COOKIE) or not supported(code):
        return nullcontext()
    return speaking(code)


def init_app(app) -> None:
    """Bind Flask-Babel and make the language switch available to every template."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_language)
    catalogues.install(app.jinja_env)
    # Flask-Babel keeps the language on `g`; a request inside a longer app context (a test,
    # a CLI command) chooses again rather than inherit the previous request's.
    app.before_request(refresh)
    app.jinja_env.globals.update(
        available_languages=available_languages,
        language_name=language_name,
        current_language=current_language,
    )


from web.language import catalogues, views  # noqa: E402,F401  (routes register on bp)
