"""A pair's rows on the round review, made once and kept by each web process.

A pair's two table rows (the pair and its actions, then why: the explanation and the reject
form) are most of the review page, and change only when the pair or its round does. They are
kept under a key of everything they show (decision, names, score parts, language, whether the
round can still be decided), so kept rows are never out of date: a decision, a rename or an
erasure makes a new key. The hidden fields that differ per view (the CSRF token, the way back
to the same view of the review) are put in each time.
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from web.coordinator.forms import COMPONENT_LABELS
from web.language import current_language
from web.services.round_pairs import PairRow

KEPT_AT_MOST = 2_000  # a few pages of every round a coordinator has open; about 12 MB
ROW_TOKEN = Markup("<!--row-token-->")
_kept: dict[tuple, Markup] = {}


def pair_rows(match: PairRow, decidable: bool, row_token: Markup, refused=None) -> Markup:
    """The pair's two table rows as HTML; `refused` is a reject form to show with its errors."""
    if refused is not None:
        return _render(match, decidable, row_token, refused)
    key = (
        match.id,
        current_language(),
        decidable,
        match.status,
        match.locked,
        match.decision_reason,
        match.apprentice_name,
        match.partner_name,
        match.mentor_name,
        match.mentor_department,
        match.score,
        match.reason,
        repr(match.components),
        repr(match.facts),
    )
    html = _kept.get(key)
    if html is None:
        html = _render(match, decidable, ROW_TOKEN, None)
        if len(_kept) >= KEPT_AT_MOST:
            _kept.clear()
        _kept[key] = html
    return Markup(html.replace(ROW_TOKEN, row_token))


def _render(match: PairRow, decidable: bool, row_token: Markup, refused) -> Markup:
    return Markup(
        render_template(
            "coordinator/_pair_rows.html",
            m=match,
            decidable=decidable,
            row_token=row_token,
            refused=refused is not None,
            reject_form=refused,
            component_labels=COMPONENT_LABELS,
        )
    )
