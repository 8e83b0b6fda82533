"""Parts of busy pages rendered once per web process and kept under a key of what they show.

The questions of a blank registration form (every skill with its levels, the week's grid)
are the same for every visitor in a language, and most of the page's cost. A template keeps
such a part with `{% call kept_html(key, ...) %}...{% endcall %}`: the block is rendered for
a key not seen yet, and the kept HTML is used after that. A view keeps a whole section with
`kept_part(key, render)`, so a kept section also saves the reads behind it.

The key must name everything the part shows; parts read from the program name the program's
version (`kept_figures.version_seen`), so any committed change makes a new key. A part
showing what someone typed (a form sent back with its errors) is not kept (`keep=False`), so
no answer stays in memory. What differs per view and per person (the CSRF token) is rendered
as a placeholder and filled in each time (`fill`). Each app keeps its own parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, current_app
from markupsafe import Markup


class KeptParts:
    """The parts one app keeps, forgotten all at once when they grow past their bound."""

    def __init__(self, characters_at_most: int) -> None:
        self.characters_at_most = characters_at_most
        self.parts: dict[tuple, Markup] = {}
        self.characters = 0

    def get(self, key: tuple) -> Markup | None:
        return self.parts.get(key)

    def keep(self, key: tuple, html: Markup) -> None:
        if len(html) > self.characters_at_most:
            return
        if self.characters + len(html) > self.characters_at_most:
            self.forget_all()
        self.characters += len(html) - len(self.parts.get(key, ""))
        self.parts[key] = html

    def forget_all(self) -> None:
        self.parts.clear()
        self.characters = 0


def init_app(app: Flask) -> None:
    app.extensions["kept_parts"] = KeptParts(app.config["KEPT_HTML_CHARACTERS"])


def kept_html(*key, caller: Callable[[], str], keep: bool = True) -> Markup:
    """The HTML of the calling block, kept under `key` (lists in it count by their items)."""
    return kept_part(key, caller, keep=keep)


def kept_part(
    key: tuple,
    render: Callable[[], str],
    *,
    keep: bool = True,
    fill: Mapping[str, str] | None = None,
) -> Markup:
    """`render()`'s HTML, kept under `key`, with each placeholder of `fill` replaced."""
    if not keep:
        return _filled(Markup(render()), fill)
    kept: KeptParts = current_app.extensions["kept_parts"]
    key = tuple(tuple(part) if isinstance(part, list) else part for part in key)
    html = kept.get(key)
    if html is None:
        html = Markup(render())
        kept.keep(key, html)
    return _filled(html, fill)


def _filled(html: Markup, fill: Mapping[str, str] | None) -> Markup:
    for placeholder, value in (fill or {}).items():
        html = Markup(html.replace(placeholder, value))
    return html
