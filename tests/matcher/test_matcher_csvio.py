"""CSV contract: good files parse, every bad cell is reported with its line and column."""

from __future__ import annotations

import io

import pytest

from matcher.csvio import (
    CsvProblem,
    CsvProblems,
    read_apprentices,
    read_apprentices_with_lines,
    read_mentors,
    read_mentors_with_lines,
)
from matcher.profiles import TimeSlot

A_HEADER = (
    "id,name,email,partner,pathways,skills,availability,mode,region,languages,minor,"
    "exclude_mentors,notes\n"
)
M_HEADER = (
    "id,name,email,department,title,pathways,skills,capacity,availability,mode,"
    "region,languages,background_checked\n"
)


def test_reads_apprentices_with_lists_levels_and_unknown_columns():
    text = A_HEADER + (
        "a1,Ann,a@x.org,City College,Data & Analytics;GIS,Python:3;sql,"
        '"mon 17:00-20:00; sat 09:00-12:00",remote,North,English;Spanish,'
        "true,m2;m3,likes maps\n"
    )
    [a] = read_apprentices(io.StringIO(text))
    assert a.id == "a1" and a.partner == "City College"
    assert a.pathways == {"Data & Analytics", "GIS"}
    assert a.skills == {"python": 3, "sql": 1}
    assert a.availability == (TimeSlot(0, 1020, 1200), TimeSlot(5, 540, 720))
    assert a.mode == "remote" and a.minor is True
    assert a.languages == {"english", "spanish"}
    assert a.exclude_mentors == {"m2", "m3"}


def test_reads_mentors_with_defaults():
    text = M_HEADER + "m1,Mo,m@x,IT,Analyst,Data,sql:2,,tue 12:00-13:00,,,,\n"
    [m] = read_mentors(io.StringIO(text))
    assert m.capacity == 1 and m.mode == "either" and m.background_checked is False
    assert m.languages == {"english"}


def test_every_problem_is_reported_with_line_and_column():
    text = A_HEADER + (
        "a1,Ann,,,Data,python:5,mon 17:00-20:00,boat,,english,maybe,,\n"
        ",Bo,,,Data,sql,funday 10:00-11:00,remote,,english,true,,\n"
        '"a3",Cy,,,"multi\nline",sql,mon 10:00-09:00,remote,,english,false,,\n'
        "a3,Di,,,Data,sql,mon 10:00-11:00,remote,,english,false,,\n"
    )
    with pytest.raises(CsvProblems) as caught:
        read_apprentices(io.StringIO(text))
    got = {(p.line, p.column) for p in caught.value.problems}
    assert got == {
        (2, "skills"),
        (2, "mode"),
        (2, "minor"),
        (3, "id"),
        (3, "availability"),
        (4, "availability"),
        (6, "id"),
    }
    assert all(isinstance(p, CsvProblem) and p.message for p in caught.value.problems)


def test_missing_column_is_a_header_problem():
    with pytest.raises(CsvProblems) as caught:
        read_mentors(io.StringIO("id,name\nm1,Mo\n"))
    assert {p.line for p in caught.value.problems} == {1}
    assert "capacity" in {p.column for p in caught.value.problems}


def test_bad_capacity_and_flag():
    text = M_HEADER + "m1,Mo,,,,,,-1,tue 12:00-13:00,,,,perhaps\n"
    with pytest.raises(CsvProblems) as caught:
        read_mentors(io.StringIO(text))
    assert {p.column for p in caught.value.problems} == {"capacity", "background_checked"}


def test_writers_round_trip_through_readers():
    from matcher.csvio import write_apprentices, write_mentors

    text = A_HEADER + (
        'a1,Ann,a@x.org,CC,Data;GIS,python:3;sql,"mon 17:00-20:00",remote,North,'
        "english;spanish,true,m2;m3,\n"
    )
    apprentices = read_apprentices(io.StringIO(text))
    out = io.StringIO()
    write_apprentices(out, apprentices)
    assert read_apprentices(io.StringIO(out.getvalue())) == apprentices
    mentors = read_mentors(
        io.StringIO(
            M_HEADER + "m1,Mo,m@x,IT,Analyst,Data,sql:2,3,"
            "tue 12:00-13:00,in_person,North,english,true\n"
        )
    )
    out = io.StringIO()
    write_mentors(out, mentors)
    assert read_mentors(io.StringIO(out.getvalue())) == mentors


def test_records_come_with_the_line_they_start_on():
    text = A_HEADER + (
        "a1,Ann,a@x.org,City College,Data,python,mon 17:00-20:00,remote,,english,false,,\n"
        "\n"
        ",,,,,,,,,,,,\n"
        'a2,Bo,b@x.org,City College,"multi\nline",sql,mon 17:00-20:00,remote,,,false,,\n'
        "a3,Cy,c@x.org,City College,Data,sql,mon 17:00-20:00,remote,,english,false,,\n"
    )
    numbered = read_apprentices_with_lines(io.StringIO(text))
    assert [(line, a.id) for line, a in numbered] == [(2, "a1"), (5, "a2"), (7, "a3")]
    assert [a.id for a in read_apprentices(io.StringIO(text))] == ["a1", "a2", "a3"]
    mentors = M_HEADER + "\nm1,Mo,m@x,IT,Analyst,Data,sql:2,,tue 12:00-13:00,,,,\n"
    [(line, mentor)] = read_mentors_with_lines(io.StringIO(mentors))
    assert (line, mentor.id) == (3, "m1")


def test_a_record_with_a_bad_cell_is_kept_for_its_other_checks():
    text = M_HEADER + (
        "m1,Maya,maya@x.org,DoIT,Engineer,gis,sql,2,mon 17:00-20:00,either,,english,true\n"
        "m2,Bo,bo@x.org,DoIT,Engineer,gis,sql,lots,mon 17:00-20:00,by bus,,english,true\n"
    )
    with pytest.raises(CsvProblems) as raised:
        read_mentors_with_lines(io.StringIO(text))

    assert [(line, m.id) for line, m in raised.value.parsed] == [(2, "m1")]
    [(line, bo)] = raised.value.refused
    assert (line, bo.id, bo.email, bo.capacity) == (3, "m2", "bo@x.org", 0)
    assert {(p.line, p.column) for p in raised.value.problems} == {(3, "capacity"), (3, "mode")}


def test_cells_past_the_header_are_a_problem_but_empty_ones_are_not():
    text = M_HEADER + (
        "m1,Maya,maya@x.org,DoIT,Engineer,gis,sql,2,mon 17:00-20:00,either,,english,true,,\n"
        "m2,Chen, Bo,bo@x.org,DoIT,Engineer,gis,sql,2,mon 17:00-20:00,either,,english,true\n"
    )
    with pytest.raises(CsvProblems) as raised:
        read_mentors(io.StringIO(text))

    [problem] = [p for p in raised.value.problems if p.line == 3 and p.column == ""]
    assert problem.message.startswith("the line has 1 cell more than the header has columns")
    assert all(p.line == 3 for p in raised.value.problems)
