"""The audit log page: filters, bad dates, pages and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlalchemy import event as event_module

from tests.conftest import make_user, sign_in
from tests.factories import make_apprentice, make_mentor, make_round
from web.extensions import db
from web.models import AuditEvent, MatchStatus, Role
from web.services import audit


def event(actor, action: str, when: datetime, reason: str = "") -> AuditEvent:
    record = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type="ProposedMatch",
        subject_id=7,
        reason=reason,
        details={"round_id": 3},
        at=when,
    )
    db.session.add(record)
    return record


def logged(program):
    """Three events: two by the coordinator, one by a second coordinator, on three days."""
    other = make_user(Role.COORDINATOR, "dana@city.example.gov", "Dana Decider")
    event(program.coordinator, "match.approved", datetime(2027, 3, 1, 10, tzinfo=UTC))
    event(program.coordinator, "match.rejected", datetime(2027, 3, 5, 9, tzinfo=UTC), "=Clash")
    event(other, "match.approved", datetime(2027, 3, 9, 23, 30, tzinfo=UTC))
    db.session.commit()
    return other


def test_audit_log_filters_by_action_actor_and_dates(client, program):
    other = logged(program)
    sign_in(client, program.coordinator)

    everything = client.get("/coordinator/audit").get_data(as_text=True)
    assert "3 events" in everything and "Dana Decider" in everything

    approved = client.get("/coordinator/audit", query_string={"action": "match.approved"})
    assert "2 events match the filters" in approved.get_data(as_text=True)
    by_dana = client.get("/coordinator/audit", query_string={"who": " DANA "}).text
    assert "1 event match" in by_dana and 'value="DANA"' in by_dana
    by_address = client.get("/coordinator/audit", query_string={"who": "@city.example.gov"})
    assert "3 events match" in by_address.text
    assert "2 events match" in client.get("/coordinator/audit?who=coord%40city").text
    nobody = client.get("/coordinator/audit", query_string={"who": "100%_"}).text
    assert "0 events match" in nobody, "% and _ are letters to look for, not wildcards"
    assert other.name not in nobody.split("<tbody>")[0], "nobody's name is offered in a list"
    dated = client.get(
        "/coordinator/audit", query_string={"date_from": "2027-03-05", "date_to": "2027-03-09"}
    ).get_data(as_text=True)
    assert "2 events match the filters" in dated and "=Clash" in dated


def test_bad_dates_get_a_clear_message(client, program):
    logged(program)
    sign_in(client, program.coordinator)

    bad = client.get("/coordinator/audit", query_string={"date_from": "March 5"})
    backwards = client.get(
        "/coordinator/audit", query_string={"date_from": "2027-03-09", "date_to": "2027-03-01"}
    )

    assert bad.status_code == 200
    assert "Enter a date like 2027-02-01" in bad.get_data(as_text=True)
    assert 'value="March 5"' in bad.get_data(as_text=True)
    assert "must not be before the start date" in backwards.get_data(as_text=True)
    refused = client.get("/coordinator/audit.csv", query_string={"date_from": "March 5"})
    assert refused.status_code == 302


def test_who_filters_the_csv_and_stays_in_the_address(client, program):
    logged(program)
    sign_in(client, program.coordinator)

    page = client.get("/coordinator/audit", query_string={"who": "dana"}).text
    rows = csv.DictReader(io.StringIO(client.get("/coordinator/audit.csv?who=dana").text))

    who = re.search(r'<input [^>]*name="who"[^>]*>', page)[0]
    assert 'type="text"' in who and 'value="dana"' in who
    assert "/coordinator/audit.csv?who=dana" in page
    assert [row["actor"] for row in rows] == ["dana@city.example.gov"]
    too_long = client.get("/coordinator/audit", query_string={"who": "x" * 300}).text
    assert "Type at most 254 characters." in too_long and "3 events" in too_long


def test_csv_export_holds_the_filtered_events(client, program):
    logged(program)
    sign_in(client, program.coordinator)

    response = client.get("/coordinator/audit.csv", query_string={"action": "match.rejected"})

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["action"] == "match.rejected"
    assert rows[0]["actor"] == program.coordinator.email
    assert rows[0]["reason"] == "'=Clash"  # never run as a spreadsheet formula
    assert rows[0]["details"] == '{"round_id": 3}'


def test_audit_log_is_paginated(client, program):
    for day in range(1, 56):
        event(
            program.coordinator,
            "round.started",
            datetime(2027, 1, 1, tzinfo=UTC).replace(month=1 + day // 28, day=1 + day % 28),
        )
    db.session.commit()
    sign_in(client, program.coordinator)

    first = client.get("/coordinator/audit").get_data(as_text=True)
    second = client.get("/coordinator/audit", query_string={"page": 2}).get_data(as_text=True)

    assert "55 events" in first and "Page 1 of 2" in first and "page=2" in first
    assert "Page 2 of 2" in second
    assert second.count('data-label="Action">round.started') == 5
    beyond = client.get("/coordinator/audit", query_string={"page": 99}).get_data(as_text=True)
    assert "Page 2 of 2" in beyond


def test_each_event_names_what_it_is_about_with_a_link(client, program):
    apprentice, mentor = make_apprentice(program), make_mentor()
    mentor.user.name = "Maya Chen"
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    audit.record(program.coordinator, "match.approved", match)
    audit.record(program.coordinator, "mentor.background_check_confirmed", mentor)
    audit.record(program.coordinator, "cohort.created", program.cohort)
    gone = AuditEvent(action="match.approved", subject_type="ProposedMatch", subject_id=999)
    db.session.add(gone)
    db.session.commit()
    sign_in(client, program.coordinator)

    page = client.get("/coordinator/audit").get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(client.get("/coordinator/audit.csv").get_data(as_text=True)))

    pair = f"Pair {apprentice.display_name} – Maya Chen (round {match.round_id})"
    assert f'href="/coordinator/rounds/{match.round_id}">{pair}</a>' in page
    assert f'href="/coordinator/mentors/{mentor.id}">Mentor Maya Chen</a>' in page
    assert f"Cohort {program.cohort.name}</a>" in page
    assert "ProposedMatch 999" in page  # a record that is gone still shows what it was
    subjects = {row["subject"] for row in rows}
    assert {pair, "Mentor Maya Chen", "ProposedMatch 999"} <= subjects


def test_naming_the_subjects_takes_a_few_queries_not_one_per_event(client, program):
    for _ in range(12):
        match = make_round(program.cohort, [(make_apprentice(program), make_mentor(), "approved")])
        audit.record(program.coordinator, "match.approved", match.matches[0])
    db.session.commit()
    sign_in(client, program.coordinator)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event_module.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/coordinator/audit").get_data(as_text=True)
    finally:
        event_module.remove(db.engine, "before_cursor_execute", listener)
    assert page.count("Pair ") >= 12
    assert len(statements) < 15, statements
