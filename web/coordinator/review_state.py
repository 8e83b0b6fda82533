"""The round review's state lives in its address: filters, order and page.

Forms on the page send that state back as `back`, so after a decision the coordinator
returns to the same filtered page and the pair they acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from flask import request, url_for
from werkzeug.datastructures import MultiDict

REVIEW_KEYS = ("partner", "pathway", "min_score", "status", "sort", "dir", "page", "unmatched_page")
MAX_VALUE_LENGTH = 200


def review_args(source: Mapping[str, str]) -> dict[str, str]:
    """The review's own query arguments found in `source` (request.args or the like)."""
    return {
        key: value[:MAX_VALUE_LENGTH]
        for key in REVIEW_KEYS
        if (value := source.get(key) or "").strip()
    }


def review_source() -> MultiDict:
    """The review state of this request: its address, or the `back` a refused form sent."""
    if request.method == "GET":
        return request.args
    return MultiDict(review_args(dict(parse_qsl(request.form.get("back", "")))))


def encode_back(args: Mapping[str, str]) -> str:
    """The review state as one form value."""
    return urlencode(review_args(args))


def review_url(round_id: int, back: str = "", fragment: str = "") -> str:
    """The review page of a round, with the state a form sent as `back`."""
    args = review_args(dict(parse_qsl(back or "")))
    return url_for("coordinator.round", round_id=round_id, **args) + fragment
