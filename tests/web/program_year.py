"""Shared builders for the program-year tests: a live pair and a real SMTP inbox."""

from __future__ import annotations

from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import MatchStatus, Mentorship, MentorshipStatus


def live_pair(program, status=MentorshipStatus.ACTIVE, **fields) -> Mentorship:
    """A published pair of a new apprentice of partner A and a new mentor."""
    apprentice, mentor = make_apprentice(program), make_mentor()
    match_round = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)])
    mentorship = publish_pair(match_round.matches[0], status, **fields)
    db.session.commit()
    return mentorship


def switch_person(app, user):
    """Another person's browser, signed in as `user`, with cookies of its own."""
    from flask import g

    from tests.conftest import sign_in

    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    client = app.test_client()
    sign_in(client, user)
    return client
