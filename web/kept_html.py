"""Parts of busy pages rendered once per web process and kept under a key of what they show.

The questions of a blank registration form (every skill with its levels, the week's grid)
are the same for every visitor in a language, and most of the page's cost. A template keeps
such a part with `{% call kept_html(key, ...) %}...{% endcall %}`: the block is rendered for
a key not seen yet, and the kept HTML is used after that. The key must name everything the
block shows; a part showing what someone typed (a form sent back with its errors) is not
kept (`keep=False`), so no answer stays in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

KEPT_AT_MOST = 200  # parts × languages; a few kilobytes to a few tens of kilobytes each
_kept: dict[tuple, Markup] = {}


def kept_html(*key, caller: Callable[[], str], keep: bool = True) -> Markup:
    """The HTML of the calling block, kept under `key` (lists in it count by their items)."""
    if not keep:
        return Markup(caller())
    key = tuple(tuple(part) if isinstance(part, list) else part for part in key)
    html = _kept.get(key)
    if html is None:
        html = Markup(caller())
        if len(_kept) >= KEPT_AT_MOST:
            _kept.clear()
        _kept[key] = html
    return html
