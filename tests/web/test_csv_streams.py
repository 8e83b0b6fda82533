"""CSV exports stream from a server-side cursor, a batch at a time, on both databases."""

from __future__ import annotations

import csv
import io

from flask import g

from tests.conftest import sign_in
from web.extensions import db
from web.services import audit, reports


def test_the_audit_csv_streams_every_event_across_batches(world, monkeypatch):
    client, program, mentorship = world
    monkeypatch.setattr(reports, "CSV_BATCH", 7)
    for n in range(20):
        audit.record(program.coordinator, "mentorship.noted", mentorship, reason=f"note {n}")
    db.session.commit()

    response = client.get("/coordinator/audit.csv")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    notes = [r for r in rows if r["action"] == "mentorship.noted"]
    assert sorted(r["reason"] for r in notes) == sorted(f"note {n}" for n in range(20))
    assert all(r["subject"].startswith("Mentorship ") for r in notes)


def test_the_partner_csv_streams_with_the_mentor(world, any_app):
    _, program, mentorship = world
    for cached in ("_login_user", "csrf_token"):  # the coordinator's, in this app context
        g.pop(cached, None)
    partner = any_app.test_client()
    sign_in(partner, program.partner_a_user)
    response = partner.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["mentor_name"] for r in rows] == [mentorship.mentor.user.name]
