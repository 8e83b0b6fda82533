"""The open-data export: counts that match the raw rows, small ones suppressed for good."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict

import numpy as np
import pytest
from scipy.optimize import linprog
from sqlalchemy import select

from tests.conftest import sign_in
from tests.web.outcomes_data import build_outcomes_program
from web.extensions import db
from web.models import ApprenticeProfile, Cohort, Mentorship, PartnerInstitution, User
from web.models.program import PARTNER_KINDS
from web.services.suppression import CountTable, suppress


def _export(client, threshold=None) -> list[dict]:
    if threshold is not None:
        client.application.config["OPEN_DATA_MIN_COUNT"] = threshold
    response = client.get("/coordinator/outcomes/open-data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _tables(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    found = defaultdict(list)
    for row in rows:
        found[row["cohort"], row["table"]].append(row)
    return found


def _ranges(cells: list[dict]) -> dict[tuple[str, str], tuple[float, float]]:
    """What a reader can work out of each suppressed count from the published rows alone."""
    counts = [c for c in cells if c["measure"] not in ("nps", "mean_satisfaction")]
    hidden = [(c["row"], c["measure"]) for c in counts if c["status"] == "suppressed"]
    if not hidden:
        return {}
    value = {(c["row"], c["measure"]): c for c in counts}
    index = {cell: k for k, cell in enumerate(hidden)}
    rows = {c["row"] for c in counts} - {"All"}
    measures = {c["measure"] for c in counts} - {"total"}
    lines = []
    if any(m == "total" for _, m in value):
        lines += [([(r, m) for m in measures], (r, "total")) for r in rows | {"All"}]
    if any(r == "All" for r, _ in value):
        lines += [([(r, m) for r in rows], ("All", m)) for m in measures | {"total"}]
    a_eq, b_eq = [], []
    for parts, total in lines:
        if total not in value or not all(p in value for p in parts):
            continue
        equation, known = np.zeros(len(hidden)), 0.0
        for cell, sign in [*((p, 1) for p in parts), (total, -1)]:
            if cell in index:
                equation[index[cell]] += sign
            else:
                known += sign * int(value[cell]["value"])
        if equation.any():
            a_eq.append(equation)
            b_eq.append(-known)
    found = {}
    for cell, k in index.items():
        if not a_eq:
            found[cell] = (0, float("inf"))
            continue
        goal = np.zeros(len(hidden))
        goal[k] = 1
        low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        found[cell] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return found


def test_small_counts_are_suppressed_and_cannot_be_worked_out(app, client, program):
    build_outcomes_program(program, seed=3, apprentices=80)
    sign_in(client, program.coordinator)
    rows = _export(client)
    assert {"suppressed", ""} == {row["status"] for row in rows}
    for row in rows:
        if row["status"] == "suppressed":
            assert row["value"] == ""
        elif row["measure"] not in ("nps", "mean_satisfaction"):
            assert not 0 < int(row["value"]) < 5, row
    for key, cells in _tables(rows).items():
        for cell, (low, high) in _ranges(cells).items():
            assert high - low >= 1, (key, cell, low, high)


def test_published_counts_match_the_raw_rows(app, client, program):
    build_outcomes_program(program, seed=11, apprentices=80)
    sign_in(client, program.coordinator)
    kinds = {p.id: PARTNER_KINDS[p.kind] for p in db.session.scalars(select(PartnerInstitution))}
    cohorts = {c.id: c.name for c in db.session.scalars(select(Cohort))}
    apprentices = {a.id: a for a in db.session.scalars(select(ApprenticeProfile))}
    wanted = Counter()
    for m in db.session.scalars(select(Mentorship)):
        a = apprentices[m.apprentice_id]
        category = m.end_outcome if m.end_outcome in ("completed", "ended_early") else (
            "running" if m.status in ("active", "awaiting_mentor") else "other"
        )  # fmt: skip
        for row in (kinds[a.partner_id], "All"):
            for measure in (category, "total"):
                wanted[cohorts[a.cohort_id], row, measure] += 1
    for threshold in (1, 5):
        published = {
            (r["cohort"], r["row"], r["measure"]): r
            for r in _export(client, threshold)
            if r["table"] == "mentorships_by_partner_kind"
        }
        assert set(published) <= set(wanted) | {
            k for k, r in published.items() if r["value"] == "0"
        }
        for key, count in wanted.items():
            if published[key]["status"] != "suppressed":
                assert int(published[key]["value"]) == count, key
        hidden = sum(r["status"] == "suppressed" for r in published.values())
        assert hidden == 0 if threshold == 1 else hidden > 0


def test_the_export_names_nobody(app, client, program):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)
    text = client.get("/coordinator/outcomes/open-data.csv").get_data(as_text=True)
    for user in db.session.scalars(select(User)):
        assert user.email not in text and user.name not in text
    assert "@" not in text and "2027-" not in text
    header = text.splitlines()[0]
    assert header == "cohort,table,row_dimension,row,measure,value,status"


def test_the_data_dictionary_explains_every_table_and_measure(app, client, program):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)
    rows = _export(client)
    dictionary = client.get("/coordinator/outcomes/open-data-dictionary.csv")
    assert dictionary.mimetype == "text/csv"
    named = {r["name"] for r in csv.DictReader(io.StringIO(dictionary.get_data(as_text=True)))}
    assert {r["table"] for r in rows} <= named
    assert {r["measure"] for r in rows} - {"total"} <= named
    assert {"cohort", "table", "row", "measure", "value", "status"} <= named
    assert "from 1 to 4" in dictionary.get_data(as_text=True)
    markdown = client.get("/coordinator/outcomes/open-data-dictionary.md").get_data(as_text=True)
    assert markdown.startswith("# Pathways open data")
    assert all(f"| `{name}` |" in markdown for name in named)


@pytest.mark.parametrize("seed", range(40))
def test_suppression_leaves_no_hidden_count_determined(seed):
    rng = random.Random(seed)
    height, width = rng.randint(1, 6), rng.randint(1, 4)
    cells = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 15]) for _ in range(width)] for _ in range(height)]
    table = CountTable(list("abcdef"[:height]), list("wxyz"[:width]), cells,
                       rng.random() < 0.8, rng.random() < 0.8)  # fmt: skip
    grid = suppress(table, 5)
    rows = [
        {"row": "All" if table.column_totals and i == height else str(i),
         "measure": "total" if table.row_totals and j == width else str(j),
         "value": "" if (i, j) in table.hidden else str(grid[i, j]),
         "status": "suppressed" if (i, j) in table.hidden else ""}
        for (i, j), _ in np.ndenumerate(grid)
    ]  # fmt: skip
    for (i, j), n in np.ndenumerate(grid):
        assert (i, j) in table.hidden or not 0 < n < 5
    for cell, (low, high) in _ranges(rows).items():
        assert high - low >= 1, (cells, cell, low, high)
