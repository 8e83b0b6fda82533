"""The import preview shows every problem of every line, counts every row, says which rows
will not be imported; the upload page lists accepted values and offers template files."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.web.test_intake import (
    APPRENTICE_HEADER,
    confirm,
    people_count,
    upload,
)
from web import catalog
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, PartnerInstitution, User
from web.services.intake_files import FILE_COLUMNS

GOOD = (
    "a1,Rosa Diaz,rosa@students.example.org,Lakeshore Community College,gis,python,"
    "mon 17:00-20:00,remote,,english,2001-03-14,\n"
)
# A cell the reader refuses (mode), and record problems (partner, email) on the same line.
BAD = (
    "a2,Tom Lee,not-an-email,Nowhere College,gis,python,"
    "mon 17:00-20:00,by pigeon,,english,2001-03-14,\n"
)
ALSO_GOOD = (
    "a3,Ann Park,ann@students.example.org,Lakeshore Community College,gis,python,"
    "sat 09:00-12:00,either,,english,2000-07-01,\n"
)


@pytest.fixture
def admin(client, program):
    """A client signed in as the program's admin coordinator."""
    sign_in(client, program.coordinator)
    return client


def people_rows(html: str) -> dict[str, str]:
    """The people table: each line number and what importing it will do."""
    table = html.split('id="people-in-the-file"')[1].split("</table>")[0]
    cells = r'data-label="Line">(\d+)</td>.*?data-label="Import will">(.*?)</td>'
    rows = re.findall(cells, table, re.S)
    return {line: " ".join(re.sub(r"<[^>]+>", "", will).split()) for line, will in rows}


def problems_of(html: str) -> set[tuple[int, str]]:
    """(line, column) of each row of the problems table."""
    table = html.split('id="problems"')[1].split("</table>")[0]
    rows = re.findall(r"Line (\d+)</td>\s*<td data-label=\"Column\">([^<]*)</td>", table)
    return {(int(line), column) for line, column in rows}


def test_a_bad_line_shows_its_format_and_record_problems_together(admin, program):
    html = upload(admin, APPRENTICE_HEADER + GOOD + BAD, program=program).text

    assert {(3, "mode"), (3, "partner"), (3, "email")} <= problems_of(html)
    assert "must be one of in_person, remote, either, got &#39;by_pigeon&#39;" in html
    assert "unknown partner institution: Nowhere College" in html
    assert "&#39;not-an-email&#39; is not a valid email address" in html
    assert people_count(ApprenticeProfile) == 0


def test_counts_match_the_rows_and_lines_with_problems_say_they_are_not_imported(admin, program):
    html = upload(admin, APPRENTICE_HEADER + GOOD + BAD + ALSO_GOOD, program=program).text

    assert "3 apprentices read from the file" in html
    assert "3 problems to fix, on 1 line" in html
    assert "1 person of the file has a problem on their line" in html
    assert "the other 2 are ready once the file is corrected" in html
    assert people_rows(html) == {
        "2": "Add, once the file is corrected",
        "3": "Not import this line: 3 problems to fix (mode, email, partner)",
        "4": "Add, once the file is corrected",
    }
    assert 'name="upload_id"' not in html


def test_a_clean_file_says_add_or_update_for_each_line(admin, program):
    html = upload(admin, APPRENTICE_HEADER + GOOD + ALSO_GOOD, program=program).text

    assert "2 apprentices read from the file" in html
    assert "2 new apprentices will be added" in html
    assert people_rows(html) == {"2": "Add", "3": "Add"}
    assert "Import 2 people" in html


def test_a_line_with_more_cells_than_the_header_says_so(admin, program):
    every_cell = GOOD.replace("2001-03-14,", "2001-03-14,,Pat Diaz,pat@family.example.org")
    shifted = every_cell.replace("Rosa Diaz", "Diaz, Rosa")
    html = upload(admin, APPRENTICE_HEADER + shifted, program=program).text

    assert "the line has 1 cell more than the header has columns" in html
    assert "is a comma inside a value without quotes around it?" in html
    assert "1 apprentice read from the file" in html


def test_a_missing_date_of_birth_column_still_lists_each_lines_problems(admin, program):
    header = APPRENTICE_HEADER.replace("date_of_birth,", "")
    row = BAD.replace(",2001-03-14,", ",")
    html = upload(admin, header + row, program=program).text

    assert {(1, "date_of_birth"), (2, "mode"), (2, "partner"), (2, "email")} == problems_of(html)


def test_a_quote_never_closed_is_named_with_its_line(admin, program):
    runaway = APPRENTICE_HEADER + GOOD + 'a2,"Tom' + "x" * 140_000 + "\n"
    response = upload(admin, runaway, program=program)

    assert response.status_code == 400
    assert "cannot be read as CSV from line 3" in response.text
    assert "opens a quote (&#34;) that is never closed" in response.text


def test_the_upload_page_lists_every_accepted_value_and_the_columns(admin):
    html = admin.get("/coordinator/import").text
    accepted = html.split('id="accepted-values"')[1].split("</section>")[0]

    for column, vocabulary in (
        ("mode", catalog.MODES),
        ("pathways", catalog.PATHWAYS),
        ("languages", catalog.LANGUAGES),
        ("region", catalog.REGIONS),
    ):
        assert f'<h3 id="accepted-{column}"><code>{column}</code>' in accepted
        for key, label in vocabulary.items():
            assert f"<tr><td><code>{key}</code></td><td>{label}</td></tr>" in accepted
    columns = html.split('id="columns"')[1].split("</section>")[0]
    for kind_columns in FILE_COLUMNS.values():
        assert ", ".join(f"<code>{c}</code>" for c in kind_columns) in columns
    assert 'href="/coordinator/import/template-apprentices.csv"' in html
    assert 'href="/coordinator/import/template-mentors.csv"' in html


@pytest.mark.parametrize("kind", ["apprentices", "mentors"])
def test_a_template_downloads_and_imports_as_it_is(admin, program, kind):
    response = admin.get(f"/coordinator/import/template-{kind}.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=pathways-{kind}-template.csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == FILE_COLUMNS[kind]
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)

    preview = upload(admin, response.data, kind=kind, program=program).text
    assert "The file is ready to import" in preview, problems_of(preview)
    done = confirm(admin, preview).text
    assert f"Imported {len(rows) - 1} {kind}: {len(rows) - 1} new, 0 updated" in done
    model = ApprenticeProfile if kind == "apprentices" else MentorProfile
    assert people_count(model) == len(rows) - 1


def test_the_apprentice_template_shows_a_minor_with_a_guardian(admin, program):
    text = admin.get("/coordinator/import/template-apprentices.csv").text
    confirm(admin, upload(admin, text, program=program).text)

    minors = db.session.scalars(
        select(ApprenticeProfile).where(ApprenticeProfile.is_minor.is_(True))
    ).all()
    assert [(p.guardian_name, p.guardian_email) for p in minors] == [
        ("Pat Example", "pat.example@example.org")
    ]
    assert db.session.scalar(select(User).where(User.email == "alex.example@example.org"))


def test_template_cells_are_never_run_as_formulas(admin, program):
    for partner in db.session.scalars(select(PartnerInstitution)):
        partner.name = "=HYPERLINK(" + partner.name + ")"
    db.session.commit()

    text = admin.get("/coordinator/import/template-apprentices.csv").text

    partners = {row["partner"] for row in csv.DictReader(io.StringIO(text))}
    assert partners and all(name.startswith("'=HYPERLINK(") for name in partners)


def test_a_template_of_an_unknown_kind_is_not_found(admin):
    assert admin.get("/coordinator/import/template-partners.csv").status_code == 404
