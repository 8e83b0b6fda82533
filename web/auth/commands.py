"""Commands for the Pathways team: `flask --app web auth reset-second-step EMAIL`."""

from __future__ import annotations

import click

from web.auth import bp, mfa
from web.auth.services import find_user_by_email
from web.extensions import db
from web.services import audit, security_events


@bp.cli.command("reset-second-step")
@click.argument("email")
def reset_second_step(email: str) -> None:
    """Let someone who lost their phone and recovery codes set up an authenticator again."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    mfa.reset(user)
    audit.record(None, "mfa.reset", user)
    security_events.record(security_events.MFA_RESET, user=user)
    db.session.commit()
    click.echo(f"{user.email} will set up an authenticator app at their next sign-in.")
