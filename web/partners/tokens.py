"""A partner's API tokens: created once, stored only as a hash, revoked for good."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApiToken, User
from web.models.base import utcnow
from web.partners.services import LARGEST_ID, NotFoundForPartner
from web.services import audit

TOKEN_PREFIX = "pw_"
PREFIX_LENGTH = 10


class TokenNameTaken(DomainError):
    """The partner already has a working token with this name."""


class TokenAlreadyRevoked(DomainError):
    """The token was revoked before; revoking is done once."""


def hash_token(secret: str) -> str:
    """The sha256 hex digest stored in place of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def partner_tokens(partner_id: int) -> list[ApiToken]:
    """The partner's tokens, working ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.partner_id == partner_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def create_token(partner_id: int, name: str, created_by: User) -> tuple[ApiToken, str]:
    """Store a new token for the partner; return it with the secret, which is never kept."""
    name = name.strip()
    taken = db.session.scalar(
        select(ApiToken.id).where(
            ApiToken.partner_id == partner_id,
            ApiToken.name == name,
            ApiToken.revoked_at.is_(None),
        )
    )
    if taken:
        raise TokenNameTaken("You already have a working token with this name. Choose another.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        partner_id=partner_id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_by_id=created_by.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(created_by, "api_token.created", token, name=name, prefix=token.prefix)
    return token, secret


def revoke_token(partner_id: int, token_id: int, revoked_by: User) -> ApiToken:
    """Revoke one of the partner's tokens; another partner's token is NotFoundForPartner."""
    token = None
    if 0 < token_id <= LARGEST_ID:
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.id == token_id, ApiToken.partner_id == partner_id)
        )
    if token is None:
        raise NotFoundForPartner("We could not find that token.")
    if token.revoked_at is not None:
        raise TokenAlreadyRevoked(f"The token “{token.name}” was already revoked.")
    token.revoked_at = utcnow()
    audit.record(revoked_by, "api_token.revoked", token, name=token.name, prefix=token.prefix)
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The working token whose secret is `secret`, or None if unknown or revoked."""
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)
        )
    )
