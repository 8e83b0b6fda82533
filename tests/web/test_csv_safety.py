"""CSV files out are safe in a spreadsheet; CSV files in that are not text are refused by line."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import make_user, sign_in
from tests.web.test_intake import MENTORS, coordinator_client, people_count, upload  # noqa: F401
from web.csv_cells import neutralise
from web.extensions import db
from web.models import Role, User
from web.services import audit

ATTACK = "=cmd|' /C calc'!A0@example.org"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_neutraliser_quotes_every_formula_start(start):
    assert neutralise(start + "SUM(A1)") == "'" + start + "SUM(A1)"
    assert neutralise("Maya" + start) == "Maya" + start
    assert neutralise(3) == 3


def test_the_audit_csv_neutralises_every_cell_an_actor_can_write(client, program):
    attacker = make_user(Role.COORDINATOR, ATTACK, "Attacker")
    audit.record(attacker, "cohort.created", program.cohort, reason="\tHYPERLINK(x)")
    db.session.commit()
    sign_in(client, program.coordinator)

    rows = list(csv.DictReader(io.StringIO(client.get("/coordinator/audit.csv").text)))

    row = next(r for r in rows if r["action"] == "cohort.created")
    assert row["actor"] == "'" + ATTACK
    assert row["reason"] == "'\tHYPERLINK(x)"


def test_a_partner_csv_cell_starting_with_a_tab_or_return_is_quoted(client, program):
    from tests.factories import make_apprentice

    apprentice = make_apprentice(program)
    apprentice.user.name = "\r=1+1"
    db.session.commit()
    sign_in(client, program.partner_a_user)
    text = client.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv").text
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert "'\r=1+1" in names


def test_a_nul_byte_in_an_upload_is_an_error_naming_its_line(coordinator_client, program):  # noqa: F811
    content = MENTORS.replace("Maya Chen", "Maya\x00Chen").encode()
    response = upload(coordinator_client, content, kind="mentors")
    assert response.status_code == 400
    page = response.text
    assert "NUL character" in page and "on line 2" in page
    assert "Import 1" not in page
    assert people_count(User) == 3


def test_a_latin_1_file_is_refused_naming_its_line(coordinator_client, program):  # noqa: F811
    content = MENTORS.replace("Maya Chen", "Maya Peña").encode("latin-1")
    response = upload(coordinator_client, content, kind="mentors")
    assert response.status_code == 400
    assert "The file is not UTF-8 text: line 2 has a byte" in response.text
