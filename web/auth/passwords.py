"""Password rules and hashing: Argon2id at OWASP's parameters, and a list of common passwords.

Hashes made by Werkzeug (scrypt or pbkdf2, before Argon2id) still verify, and report that
they need upgrading, which the sign-in does with the password it has just checked.
"""

from __future__ import annotations

import functools
import gzip
import string
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
PASSWORD_HINT = _l(
    "At least %(num)d characters, and not a common password. "
    "A few unrelated words are easy to remember.",
    num=MIN_PASSWORD_LENGTH,
)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
# OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_WERKZEUG_PREFIXES = ("scrypt:", "pbkdf2:")
# What people add around a common word: "Summer2026!" is "summer" to an attacker's list.
_DECORATION = string.digits + string.punctuation + string.whitespace
_SHORTEST_LISTED = 6


@dataclass(frozen=True)
class Verification:
    """Whether a password matched, and whether its hash should be made again."""

    matches: bool
    needs_rehash: bool = False


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> Verification:
    """Check `password` against `stored_hash`, an Argon2id or an older Werkzeug hash."""
    if stored_hash.startswith(_WERKZEUG_PREFIXES):
        matches = check_password_hash(stored_hash, password)
        return Verification(matches, needs_rehash=matches)
    try:
        HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return Verification(False)
    return Verification(True, needs_rehash=HASHER.check_needs_rehash(stored_hash))


def verify_dummy(password: str) -> None:
    """Spend the time of a real check, for an email that names no account."""
    verify_password(_dummy_hash(), password)


def password_problem(password: str) -> str | None:
    """Why `password` may not be used, in words for the person choosing it; None if it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
    if is_common(password):
        return _(
            "This password is too common: it appears in lists of leaked passwords that "
            "attackers try first. Choose another, for example three or four unrelated words."
        )
    return None


def is_common(password: str) -> bool:
    """True if `password`, or its word without added digits and symbols, is a common one."""
    lowered = password.lower()
    core = lowered.strip(_DECORATION)
    if len(set(lowered)) <= 2:  # "aaaaaaaaaaaa", "abababababab"
        return True
    listed = common_passwords()
    return lowered in listed or (len(core) >= _SHORTEST_LISTED and core in listed)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords shipped with Pathways, lower-cased."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(
            line.strip() for line in lines if line.strip() and not line.startswith("#")
        )


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("not the password of any account")
