"""Score bars as wide as a score is high (0 to 1), in 1% steps.

pathways.css has a class per step, as the Content-Security-Policy allows no style attributes;
the numbers are in the text beside each bar, so the bar is hidden from screen readers.
"""

from __future__ import annotations

from markupsafe import Markup

_BARS = tuple(
    Markup(
        '<span class="pathways-meter" aria-hidden="true">'
        f'<span class="pathways-meter__fill pathways-fill--{percent}"></span></span>'
    )
    for percent in range(101)
)


def score_meter(value: float | None) -> Markup:
    """The bar of a score from 0 to 1 (clamped), rounded to the nearest percent."""
    percent = min(max(round(100 * (value or 0)), 0), 100)
    return _BARS[percent]
