"""Working API tokens for tests, made through the same service the tokens page uses."""

from __future__ import annotations

from web.extensions import db
from web.partners.tokens import create_token


def bearer_for(user, name: str = "Test token") -> dict:
    """Headers carrying a new working token of `user`'s partner."""
    _, secret = create_token(user.partner_id, name, user)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
