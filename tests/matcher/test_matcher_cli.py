"""The pathways-match command end to end on files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from matcher.cli import main

DATA = Path(__file__).parent / "data"
APPRENTICES = (DATA / "apprentices.csv").read_text()
MENTORS = (DATA / "mentors.csv").read_text()
RULES = """objective = "max_matches"
min_overlap_minutes = 60
rejected = [["a2", "m1"]]
[weights]
skills = 0.5
pathways = 0.2
schedule = 0.2
location = 0.1
language = 0.0
"""


def _files(tmp_path, apprentices=APPRENTICES):
    (tmp_path / "a.csv").write_text(apprentices)
    (tmp_path / "m.csv").write_text(MENTORS)
    (tmp_path / "rules.toml").write_text(RULES)
    return [
        f"--apprentices={tmp_path / 'a.csv'}",
        f"--mentors={tmp_path / 'm.csv'}",
        f"--config={tmp_path / 'rules.toml'}",
        f"--out={tmp_path / 'pairs.csv'}",
        f"--scores-out={tmp_path / 'scores.csv'}",
        f"--report={tmp_path / 'report.json'}",
        "--quiet",
    ]


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_writes_pairs_scores_and_report(tmp_path):
    assert main(_files(tmp_path)) == 0
    pairs = {r["apprentice_id"]: r for r in _rows(tmp_path / "pairs.csv")}
    assert set(pairs) == {"a1", "a2", "a3", "a4"}
    assert list(pairs["a1"])[:3] == ["apprentice_id", "mentor_id", "score"]
    assert pairs["a4"]["mentor_id"] == "" and "No compatible mentor" in pairs["a4"]["reason"]
    assert pairs["a3"]["mentor_id"] == "m1" and "python" in pairs["a3"]["reason"]
    assert pairs["a2"]["mentor_id"] == ""  # excluded m2, rejected with m1 by the config
    scored = {(r["apprentice_id"], r["mentor_id"]) for r in _rows(tmp_path / "scores.csv")}
    assert ("a2", "m1") not in scored and ("a2", "m2") not in scored
    assert ("a1", "m1") in scored and not any(a == "a4" for a, _ in scored)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["matched"] == 2 and "baselines" in report and report["solve"]["exact"]


def test_cli_rejects_malformed_rows_and_writes_nothing(tmp_path, capsys):
    bad = APPRENTICES.replace("a3,Cy,c@x,HS", "a3,Cy,c@x,HS").replace("python,tue", "python:9,tue")
    bad = bad.replace("either,South,english,false", "boat,South,english,maybe")
    assert main(_files(tmp_path, bad)) == 2
    err = capsys.readouterr().err
    assert "line 4, column skills" in err and "line 5, column mode" in err
    assert "line 5, column minor" in err
    assert not any(tmp_path.glob("pairs.csv")) and not any(tmp_path.glob("report.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "m.csv", "rules.toml"]


def test_cli_rejects_bad_config(tmp_path, capsys):
    args = _files(tmp_path)
    (tmp_path / "rules.toml").write_text('objective = "fastest"\n')
    assert main(args) == 2
    assert "objective" in capsys.readouterr().err


def test_python_dash_m_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "matcher", *_files(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pairs.csv").exists()
