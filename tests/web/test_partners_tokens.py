"""Partner API tokens: created and shown once, stored as a hash, listed, revoked, audited."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in, submit
from web.extensions import db
from web.models import ApiToken, AuditEvent

SECRET = re.compile(r'<code id="new-token"[^>]*>(pw_[A-Za-z0-9_\-]+)</code>')


def create(client, name: str):
    return submit(client, "/partner/tokens", {"name": name})


def test_new_token_is_shown_once_and_stored_as_hash(client, program):
    sign_in(client, program.partner_a_user)
    response = create(client, "Student records system")
    page = response.get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and secret not in (token.prefix, token.token_hash)
    assert token.partner_id == program.partner_a.id
    assert token.created_by_id == program.partner_a_user.id
    listing = client.get("/partner/tokens").get_data(as_text=True)
    assert secret not in listing
    assert "Student records system" in listing and f"{token.prefix}…" in listing
    assert "Never" in listing
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.created"))
    assert event.subject_id == token.id and event.actor_id == program.partner_a_user.id
    assert secret not in str(event.details)


def test_token_name_is_required_and_limited(client, program):
    sign_in(client, program.partner_a_user)
    page = create(client, "   ").get_data(as_text=True)
    assert "Give the token a name" in page
    page = create(client, "x" * 81).get_data(as_text=True)
    assert "80 characters or fewer" in page
    assert 'value="' + "x" * 81 + '"' in page  # what was typed stays
    assert db.session.scalar(select(ApiToken)) is None


def test_two_working_tokens_cannot_share_a_name(client, program):
    sign_in(client, program.partner_a_user)
    create(client, "Reports")
    page = create(client, "Reports").get_data(as_text=True)
    assert "already have a working token with this name" in page
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_revoking_a_token_records_it(client, program):
    sign_in(client, program.partner_a_user)
    create(client, "Reports")
    token = db.session.scalar(select(ApiToken))
    response = submit(client, f"/partner/tokens/{token.id}/revoke", {}, form_url="/partner/tokens")
    assert "is revoked" in response.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.revoked"))
    assert event.subject_id == token.id
    page = client.get("/partner/tokens").get_data(as_text=True)
    assert "Revoked " in page
    # Its name is free again for a new working token.
    assert "Your new token" in create(client, "Reports").get_data(as_text=True)


def test_revoking_twice_says_so(client, program):
    sign_in(client, program.partner_a_user)
    create(client, "Reports")
    token = db.session.scalar(select(ApiToken))
    csrf = csrf_token_from(client.get("/partner/tokens").get_data(as_text=True))
    client.post(f"/partner/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    response = client.post(
        f"/partner/tokens/{token.id}/revoke", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "was already revoked" in response.get_data(as_text=True)
    revocations = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
    ).all()
    assert len(revocations) == 1


def test_revoke_without_csrf_token_is_refused(client, program):
    sign_in(client, program.partner_a_user)
    create(client, "Reports")
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/partner/tokens/{token.id}/revoke").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None


def test_unknown_token_revoke_is_404(client, program):
    sign_in(client, program.partner_a_user)
    response = submit(client, "/partner/tokens/777/revoke", {}, form_url="/partner/tokens")
    assert response.status_code == 404
