"""A pair's explanation on the round review, made once and kept by each web process.

The explanation (why the pair, the parts of its score, the time they share) is most of the
review page and never changes for a pair. Its key holds everything it shows, the language
and both names included, so a kept explanation is never out of date: a renamed or erased
person, or the same id given to another pair after a re-run, makes a new key.
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from web.language import current_language
from web.models import ProposedMatch

KEPT_AT_MOST = 2_000  # a few pages of every round a coordinator has open; about 6 MB
_kept: dict[tuple, Markup] = {}


def explanation(match: ProposedMatch, component_labels: dict[str, str]) -> Markup:
    """The explanation panel's content for `match`, as HTML."""
    key = (
        match.id,
        current_language(),
        match.apprentice.display_name,
        match.mentor.user.name,
        match.score,
        match.reason,
        repr(match.components),
        repr(match.facts),
        repr(component_labels),
    )
    try:
        return _kept[key]
    except KeyError:
        pass
    html = Markup(
        render_template(
            "coordinator/_pair_explanation.html", m=match, component_labels=component_labels
        )
    )
    if len(_kept) >= KEPT_AT_MOST:
        _kept.clear()
    _kept[key] = html
    return html
