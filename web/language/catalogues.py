"""Templates look up their words in the catalogue of the language being written.

Flask-Babel finds that catalogue anew for every string, which on a page of a few hundred
translated strings costs more than the rest of the page. The catalogue is found here once
per language, and `_` in templates calls `gettext` directly rather than through Jinja's alias.
"""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask_babel import get_locale, get_translations

_loaded: dict[Locale | None, NullTranslations] = {}


def current_catalogue() -> NullTranslations:
    """The translations of the language being written now (a page, or an email)."""
    locale = get_locale()
    try:
        return _loaded[locale]
    except KeyError:
        return _loaded.setdefault(locale, get_translations())


def install(jinja_env) -> None:
    """Make `_`, `gettext` and `ngettext` in templates use `current_catalogue`."""
    jinja_env.install_gettext_callables(
        gettext=lambda string: current_catalogue().ugettext(string),
        ngettext=lambda singular, plural, n: current_catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_catalogue().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_catalogue().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    jinja_env.globals["_"] = jinja_env.globals["gettext"]
