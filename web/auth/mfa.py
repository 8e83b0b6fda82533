"""The second sign-in step: codes from an authenticator app (TOTP), and recovery codes."""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from flask import current_app
from sqlalchemy import func, select, update

from web.auth import sessions
from web.extensions import db
from web.models import RecoveryCode, Role, User
from web.models.base import utcnow

ISSUER = "Pathways"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o or 1/l/i to misread
# Codes from the step before and after the current one pass: phone clocks drift.
VALID_WINDOW = 1
_ROLES_REQUIRED = {Role.COORDINATOR, Role.PARTNER}


def required_for(user: User) -> bool:
    """True if `user` must confirm sign-ins with a second factor."""
    if user.mfa_enabled_at is not None:
        return True
    return bool(current_app.config["MFA_REQUIRED"]) and Role(user.role) in _ROLES_REQUIRED


def is_enrolled(user: User) -> bool:
    """True once `user` has set up an authenticator app."""
    return user.mfa_enabled_at is not None


def secret_for_enrolment(user: User) -> str:
    """The secret to show at set-up: made once, kept until the first code confirms it."""
    if user.totp_secret is None or not is_enrolled(user):
        user.totp_secret = user.totp_secret or pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(user: User) -> str:
    """The set-up QR code as inline SVG, drawn on the server."""
    title = "QR code to add Pathways to your authenticator app"
    return segno.make(provisioning_uri(user), error="m").svg_inline(scale=4, title=title)


def check_code(user: User, code: str) -> bool:
    """True for a current TOTP code of `user` not used before (each code works once)."""
    code = "".join(code.split())
    if not (user.totp_secret and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = sessions.clock()
    step = int(now // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = step + offset
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            if user.totp_last_step is not None and candidate <= user.totp_last_step:
                return False  # a code already used, perhaps seen over a shoulder
            user.totp_last_step = candidate
            db.session.flush()
            return True
    return False


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn the second factor on if `code` proves the app works; return new recovery codes."""
    if not check_code(user, code):
        return None
    user.mfa_enabled_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes with fresh ones; only their hashes are kept."""
    db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id).values(used_at=utcnow())
    )
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of `user`; False if it is not one or was used."""
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return spent.rowcount == 1


def recovery_codes_left(user: User) -> int:
    """How many of `user`'s recovery codes are unused."""
    unused = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(unused)


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _digest(code: str) -> str:
    # Codes carry 59 bits of chance, so a fast hash suffices; spaces and dashes do not count.
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def reset(user: User) -> None:
    """Forget `user`'s authenticator app and recovery codes: they set it up again next time."""
    user.totp_secret = None
    user.mfa_enabled_at = None
    user.totp_last_step = None
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    sessions.end_all_sessions(user)
