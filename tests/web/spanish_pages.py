"""Reading a page the way a Spanish speaker sees it, and finding English left in it."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from web.language import TRANSLATIONS_DIR

SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
CATALOGUE = TRANSLATIONS_DIR / "messages.pot"
SPANISH_PO = TRANSLATIONS_DIR / "es" / "LC_MESSAGES" / "messages.po"
# Attributes people read or hear (screen readers speak aria-label, title and alt).
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


class VisibleText(HTMLParser):
    """A page's text nodes and read attributes, outside scripts and parts in another language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.language = ""  # the page's, from <html lang>
        self._skipping: list[str] = []  # tags whose content is skipped, innermost last

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.language = attributes.get("lang", "")
        foreign = tag != "html" and attributes.get("lang", self.language) != self.language
        if tag in ("script", "style", "code") or foreign:
            self._skipping.append(tag)
        if not self._skipping:
            self.texts += [attributes[a] for a in READ_ATTRIBUTES if attributes.get(a)]

    def handle_startendtag(self, tag, attrs):
        if not self._skipping:
            attributes = dict(attrs)
            self.texts += [attributes[a] for a in READ_ATTRIBUTES if attributes.get(a)]

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping:
            self.texts.append(text.removesuffix(" · Pathways"))


def visible_texts(html: str) -> list[str]:
    """What a reader of `html` sees or hears, one text node or attribute at a time."""
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


@functools.cache
def english_patterns() -> tuple[re.Pattern, ...]:
    """Each English message of the catalogue that Spanish says differently, as a pattern.

    Placeholders match any text, so "Sign out (%(name)s)" finds "Sign out (Ana)".
    Messages with markup are whole sentences around links: their pieces are checked instead.
    """
    with SPANISH_PO.open("rb") as handle:
        spanish = read_po(handle)
    patterns = []
    for message in spanish:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if "<" in english or english in strings:
                continue  # markup, or the same in both languages (Hindi, a product name)
            parts = PLACEHOLDER.split(english)[::2]
            patterns.append(re.compile(".+".join(re.escape(part) for part in parts)))
    return tuple(patterns)


def english_left(html: str) -> list[str]:
    """The texts of a rendered Spanish page that are an English message of the catalogue."""
    return sorted(
        {
            text
            for text in visible_texts(html)
            for pattern in english_patterns()
            if pattern.fullmatch(text)
        }
    )


@functools.cache
def spanish_sentences() -> frozenset[str]:
    """The Spanish of every message without placeholders or markup that differs from English."""
    with SPANISH_PO.open("rb") as handle:
        spanish = read_po(handle)
    return frozenset(
        message.string
        for message in spanish
        if isinstance(message.string, str)
        and message.string not in ("", message.id)
        and "%(" not in message.string
        and "<" not in message.string
    )


def spanish_left(html: str) -> list[str]:
    """The texts of a rendered English page that are the Spanish of a catalogue message."""
    return sorted(set(visible_texts(html)) & spanish_sentences())


def assert_spanish(html: str) -> None:
    """The page declares Spanish and shows no message of the catalogue in English."""
    assert '<html lang="es">' in html, html[:200]
    left = english_left(html)
    assert left == [], f"English left on a Spanish page: {left}"
