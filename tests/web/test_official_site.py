"""An official city service: banner, identifier, notices, emailed links, log, API pointers, copy."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template
from markupsafe import escape

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice
from tests.web.partner_scenario import build_scenario
from web import cli
from web.extensions import db
from web.services import notifications

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_LINKS = re.compile(r'id="error-summary".*?</ul>', re.S)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def footer_of(page: str) -> str:
    return page[page.index("<footer") : page.index("</footer>")]


def outbox_messages() -> list[email.message.Message]:
    return [
        email.message_from_bytes(path.read_bytes())
        for path in sorted(notifications.outbox_dir().glob("*.eml"))
    ]


@pytest.mark.parametrize(
    "url", ["/", "/login", "/privacy", "/accessibility", "/api/v1/reference", "/no-such-page"]
)
def test_notices_are_linked_from_every_public_page_footer(client, url):
    footer = footer_of(text_of(client.get(url)))
    assert 'href="/accessibility"' in footer and 'href="/privacy"' in footer


@pytest.mark.parametrize(
    "who, url",
    [
        ("coordinator", "/coordinator/"),
        ("partner", "/partner/"),
        ("apprentice", "/apprentice/status"),
        ("partner", "/partner/tokens"),
    ],
)
def test_notices_are_linked_from_every_signed_in_page_footer(client, program, who, url):
    users = {"coordinator": program.coordinator, "partner": program.partner_a_user}
    if who == "apprentice":
        users[who] = make_apprentice(program).user
        db.session.commit()
    sign_in(client, users[who])
    response = client.get(url)
    assert response.status_code == 200
    footer = footer_of(text_of(response))
    assert 'href="/accessibility"' in footer and 'href="/privacy"' in footer


def test_banner_and_identifier_name_the_configured_city(app, client):
    app.config.update(
        CITY_NAME="the City of Lakeview",
        CITY_URL="https://lakeview.example.gov",
        CONTACT_EMAIL="pathways-team@lakeview.example.gov",
        PUBLIC_URL="https://pathways.lakeview.example.gov",
    )
    page = text_of(client.get("/"))
    banner = page[page.index('class="usa-banner') : page.index("</section>")]
    assert "An official website of the City of Lakeview" in banner
    footer = footer_of(page)
    assert "pathways.lakeview.example.gov" in footer
    assert 'href="https://lakeview.example.gov">the City of Lakeview</a>' in footer
    assert 'href="mailto:pathways-team@lakeview.example.gov"' in footer

    app.config["CONTACT_URL"] = "https://lakeview.example.gov/contact"
    assert 'href="https://lakeview.example.gov/contact"' in footer_of(text_of(client.get("/")))


def test_banner_speaks_of_dot_gov_only_on_a_dot_gov_address(app, client):
    app.config.update(CITY_NAME="the City of Lakeview", PUBLIC_URL="https://pathways.lakeview.gov")
    page = text_of(client.get("/"))
    assert "Official websites use .gov" in page and "Secure .gov websites use HTTPS" in page

    app.config["PUBLIC_URL"] = "https://pathways.lakeview.org"
    page = text_of(client.get("/"))
    assert ".gov" not in page[page.index('class="usa-banner') : page.index("</section>")]
    assert "Pathways of the City of Lakeview is at <strong>pathways.lakeview.org</strong>" in page
    assert "Secure websites use HTTPS" in page


def test_defaults_say_the_city_and_write_to_the_sending_address(app, client):
    footer = footer_of(text_of(client.get("/privacy")))
    assert "An official website of the City" in footer
    assert f'href="mailto:{app.config["MAIL_FROM"]}"' in footer


def test_privacy_notice_states_the_configured_periods(app, client):
    app.config.update(RETENTION_DAYS_AFTER_ARCHIVE=90, BACKUP_RETENTION_DAYS=1)
    page = text_of(client.get("/privacy"))
    assert "for 90 days after the cohort is archived" in page
    assert "Each backup is kept for 1 day and then deleted" in page
    for heading in ("What we keep, and why", "Who sees what", "How long we keep it"):
        assert heading in page
    assert "Apprentices under 18" in page and "consent" in page
    assert 'href="/account/my-data.json"' not in page  # described, not a link for visitors


def test_accessibility_statement_says_how_to_report_a_barrier(app, client):
    app.config["CONTACT_EMAIL"] = "access@city.example.gov"
    page = text_of(client.get("/accessibility"))
    assert "WCAG" in page and "axe-core" in page
    assert 'href="mailto:access@city.example.gov"' in page[page.index("<main") :]


def test_emailed_links_use_the_public_url_and_its_path(app, client, program):
    app.config["PUBLIC_URL"] = "https://pathways.city.example.gov/mentoring/"
    response = submit(client, "/password/forgot", {"email": program.partner_a_user.email})
    assert response.status_code == 200
    [message] = outbox_messages()
    body = message.get_payload(decode=True).decode()
    links = re.findall(r"https?://\S+", body)
    assert links and all(
        link.startswith("https://pathways.city.example.gov/mentoring/") for link in links
    ), links
    assert "localhost" not in body


def test_served_url_names_the_host_and_port_people_open():
    assert cli.served_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert cli.served_url("pathways.lan", 5000) == "http://pathways.lan:5000"
    assert cli.served_url("::1", 5000) == "http://[::1]:5000"
    assert cli.served_url("0.0.0.0", 5000).startswith("http://")
    assert "0.0.0.0" not in cli.served_url("0.0.0.0", 5000)


def test_pathways_serve_sets_the_public_url_from_its_host_and_port(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATHWAYS_INSTANCE", str(tmp_path))
    for name in ("PUBLIC_URL", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    served = {}

    def run(app, host, port, **options):
        with app.app_context():
            served["link"] = notifications.absolute_url("auth.login")
        served["where"] = (host, port)

    monkeypatch.setattr("flask.Flask.run", run)
    cli.main(["serve", "--host", "127.0.0.2", "--port", "8765", "--no-demo"])
    assert served == {"where": ("127.0.0.2", 8765), "link": "http://127.0.0.2:8765/login"}
    assert "open http://127.0.0.2:8765/" in capsys.readouterr().out


def test_an_email_kept_in_the_outbox_reaches_the_log_after_migrations(tmp_path):
    """As `pathways serve` runs: logging set up, migrations in-process, then an email."""
    script = """
import logging
from email.message import EmailMessage
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
from web import create_app
from web.cli import prepare_database
from web.services.notifications import deliver
app = create_app()
with app.app_context():
    prepare_database()
    message = EmailMessage()
    message["To"] = "someone@example.org"
    message["Subject"] = "Proof the log is heard"
    message.set_content("Hello")
    deliver(message)
"""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST")
    }
    environment["PATHWAYS_INSTANCE"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "INFO web.services.notifications: no SMTP_HOST: email kept in" in done.stderr
    assert "Subject: Proof the log is heard" in done.stderr


def test_token_page_says_where_the_api_is_and_links_its_description(client, program):
    sign_in(client, program.partner_a_user)
    page = text_of(client.get("/partner/tokens"))
    assert '<code class="pathways-break-all">http://localhost/api/v1</code>' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert 'href="/api/v1/reference"' in page


def test_api_reference_is_rendered_from_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/reference")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = text_of(response)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} /api/v1{path}" in page
            assert str(escape(operation["summary"])) in page
            assert f'id="{operation["operationId"]}"' in page
    for name, schema in document["components"]["schemas"].items():
        assert f'id="schema-{name}"' in page
        for field in schema.get("properties", {}):
            assert f"<code>{field}</code>" in page
    per_page = document["components"]["parameters"]["per_page"]["schema"]
    limits = (
        f"integer, {per_page['minimum']} to {per_page['maximum']}, default {per_page['default']}"
    )
    assert f"<td>{limits}</td>" in page
    assert "cdn" not in page.lower() and "swagger" not in page.lower()


def test_an_apprentice_in_a_cohort_named_cohort_reads_it_once(client, program):
    program.cohort.name = "2027 Spring cohort"
    apprentice = make_apprentice(program)
    db.session.commit()
    sign_in(client, apprentice.user)
    page = text_of(client.get("/apprentice/profile"))
    assert "cohort cohort" not in page
    assert "in the cohort 2027 Spring cohort;" in page


def test_counts_of_one_are_singular(app):
    readiness = SimpleNamespace(
        error=None,
        ready=True,
        apprentices=1,
        mentors=1,
        places=1,
        places_per_apprentice=1.0,
        pathways=[],
        skills=[],
        no_compatible_mentor=[],
        names={},
    )
    with app.test_request_context():
        html = render_template(
            "coordinator/_readiness.html", readiness=readiness, readiness_labels={}
        )
    assert "1 apprentice, 1 mentor, 1 free place (1.00 per apprentice)." in html
    readiness.apprentices, readiness.mentors, readiness.places = 2, 3, 0
    with app.test_request_context():
        html = render_template(
            "coordinator/_readiness.html", readiness=readiness, readiness_labels={}
        )
    assert "2 apprentices, 3 mentors, 0 free places" in html


def test_partner_dashboard_counts_one_apprentice_in_the_singular(client, program):
    make_apprentice(program)
    db.session.commit()
    sign_in(client, program.partner_a_user)
    page = text_of(client.get("/partner/"))
    assert "1 apprentice registered." in page and "1 apprentices" not in page


def test_pair_reasons_speak_about_the_apprentice_to_the_coordinator():
    from matcher.explain import _skills_phrase

    assert _skills_phrase(["Python", "SQL"], ["Python"]) == (
        "shares 1 of the apprentice's 2 skills to learn (Python)"
    )
    assert "you" not in _skills_phrase(["Python"], [])


def test_error_summary_links_lead_to_a_control_the_focus_can_reach(client, program):
    apprentice = make_apprentice(program)
    db.session.commit()
    sign_in(client, apprentice.user)
    response = submit(client, "/apprentice/profile", {"pathways": [], "availability": []})
    page = text_of(response)
    summary = SUMMARY_LINKS.search(page).group(0)
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert len(targets) >= 2, summary
    for target in targets:
        element = re.search(rf'<(\w+)[^>]*\bid="{re.escape(target)}"', page)
        assert element and element.group(1) in ("input", "select", "textarea"), target
    assert "pathways-0" in targets
    assert '<script src="/static/error-summary.js' in page


def test_import_file_input_is_named_by_its_visible_label(client, program):
    sign_in(client, program.coordinator)
    page = text_of(client.get("/coordinator/import"))
    label = re.search(r'<label[^>]*for="upload"[^>]*id="([^"]+)"[^>]*>([^<]+)</label>', page)
    assert label, "the upload label has an id"
    field = re.search(r'<input class="usa-file-input"[^>]*>', page, re.S).group(0)
    assert f'aria-labelledby="{label.group(1)}"' in field


def test_signed_in_people_see_their_name_above_the_navigation(client, program):
    sign_in(client, program.coordinator)
    page = text_of(client.get("/coordinator/"))
    start = page.index('<header class="usa-header')
    header = page[start : page.index("</header>", start)]
    assert "Signed in as Casey Coordinator" in header
    assert ">Sign out</button>" in header


def test_partner_cohort_report_counts_and_names_no_one(client, program):
    scenario = build_scenario(program)
    sign_in(client, program.partner_a_user)
    response = client.get(f"/partner/cohorts/{program.cohort.id}/report")
    assert response.status_code == 200
    page = text_of(response)
    assert "2027 Spring: cohort report" in page and "Lakeshore Community College" in page
    assert "4 apprentices registered." in page and "Match rate: 75%" in page
    # The funnel: each step with its share of the first, under an axis 0 .. 2 .. 4.
    assert re.search(r"Matched</th>\s*<td[^>]*>3</td>\s*<td[^>]*>75%</td>", page)
    ticks = re.findall(r'pathways-axis__tick">([^<]+)<', page)
    assert ticks[:3] == ["0", "2", "4"], ticks
    assert "Check-ins for" in page and "Rated low (2 or less)" in page
    named = [scenario.registered, scenario.proposed, scenario.active_low, scenario.active_missing]
    assert all(a.user.name not in page for a in named)
    assert scenario.mentor.user.name not in page
    assert '<script src="/static/print-button.js' in page
    assert 'media="print"' in page and "/static/print.css" in page


def test_cohort_report_is_the_partners_own(client, program):
    build_scenario(program)
    sign_in(client, program.partner_b_user)
    other = client.get(f"/partner/cohorts/{program.cohort.id}/report")
    assert other.status_code == 200  # B has an apprentice in the shared cohort
    assert "1 apprentice registered." in text_of(other)
    assert client.get("/partner/cohorts/999/report").status_code == 404
