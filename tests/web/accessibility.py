"""axe-core in the browser: the accessibility rules a page breaks, as the engine reports them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import axe_playwright_python

# WCAG 2.1 A and AA, the level the city's digital services commit to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page) -> list[dict]:
    """Each rule the page breaks with the elements that break it (empty when none)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Runtime evaluation is not a page script, so the Content-Security-Policy allows it.
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
