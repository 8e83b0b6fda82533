"""Query-string parameters of the API, checked strictly with messages that say what to send."""

from __future__ import annotations

import re

from flask import request

from web.errors_domain import DomainError
from web.models import ApprenticeStatus

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
STATUSES = tuple(status.value for status in ApprenticeStatus)
_DIGITS = re.compile(r"[0-9]{1,9}")


class BadParameter(DomainError):
    """A query parameter has a value the API does not accept."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    """Whole number `name` from the query string, between `minimum` and `maximum`."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise BadParameter(name, f"'{name}' must be a whole number from {minimum} to {maximum}.")
    return int(raw)


def status_arg() -> str | None:
    """The apprentice status to filter by, or None for every status."""
    raw = request.args.get("status")
    if raw is None:
        return None
    if raw not in STATUSES:
        raise BadParameter("status", f"'status' must be one of: {', '.join(STATUSES)}.")
    return raw
