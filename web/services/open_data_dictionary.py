"""The data dictionary published beside the open-data export: what each column and value means."""

from __future__ import annotations

import csv
import io

from web.csv_cells import safe_row

COLUMNS = ("name", "kind", "description")


def dictionary_rows(threshold: int) -> list[list[str]]:
    """(name, kind, description) of every column, table and measure of the export."""
    return [
        ["cohort", "column", "The program intake (cohort) the counts belong to."],
        ["table", "column", "Which table the row belongs to; the tables are listed below."],
        ["row_dimension", "column", "What the rows of the table are grouped by."],
        ["row", "column", "The group counted; 'All' is the total over the groups."],
        ["measure", "column", "What is counted; 'total' is the sum over the row's measures."],
        ["value", "column", "The count (a whole number), or a score where the measure says so."],
        [
            "status",
            "column",
            f"'suppressed' when the value is left out: counts from 1 to {threshold - 1}, and "
            "other cells that would let such a count be worked out from the totals. Zero "
            "counts are published.",
        ],
        [
            "mentorships_by_partner_kind",
            "table",
            "Mentorships (published mentor-apprentice pairs) by kind of partner institution "
            "and how they stand. Rows and columns add up to the totals.",
        ],
        [
            "mentorships_by_pathway",
            "table",
            "Mentorships by career pathway the apprentice chose. An apprentice may choose "
            "several pathways, so the rows do not add up to the cohort's total.",
        ],
        [
            "survey_answers",
            "table",
            "Answers to the 30-day pulse and end-of-year surveys, by survey and side, grouped "
            "by how likely the person is to recommend Pathways (0-10).",
        ],
        [
            "agreed_goals_by_partner_kind",
            "table",
            "Goals both sides of a pair agreed, by whether the mentor signed them off as met.",
        ],
        [
            "goals_met_by_skill",
            "table",
            "Goals signed off as met, by skill of the city's IT skills taxonomy they were tied "
            "to. A goal may be tied to several skills.",
        ],
        [
            "hires_by_department",
            "table",
            "Apprentices hired by the city after the program, by the hiring department.",
        ],
        [
            "retention_checks",
            "table",
            "Checks of hired apprentices 6 and 12 months after the hire, by the answer.",
        ],
        ["completed", "measure", "Mentorships that ran their course."],
        ["ended_early", "measure", "Mentorships that ended before the program year did."],
        ["running", "measure", "Mentorships still running or waiting for the mentor."],
        ["other", "measure", "Mentorships declined by the mentor or withdrawn."],
        ["promoters", "measure", "Answers of 9 or 10 to 'would you recommend Pathways'."],
        ["passives", "measure", "Answers of 7 or 8."],
        ["detractors", "measure", "Answers from 0 to 6."],
        [
            "nps",
            "measure",
            "Net promoter score: percentage of promoters minus percentage of detractors, "
            "from -100 to 100. Left out when any count of its row is suppressed.",
        ],
        [
            "mean_satisfaction",
            "measure",
            "Mean satisfaction from 1 (very unhappy) to 5 (very happy), two decimals. Left "
            "out when any count of its row is suppressed.",
        ],
        ["met", "measure", "Agreed goals the mentor signed off as met."],
        ["not_met", "measure", "Agreed goals not (yet) signed off."],
        ["signed_off", "measure", "Goals tied to the skill that the mentor signed off."],
        ["hires", "measure", "Apprentices hired into the department."],
        ["still_employed", "measure", "Checks answered: still employed by the city."],
        ["left", "measure", "Checks answered: no longer employed by the city."],
        ["awaiting", "measure", "Checks not answered yet."],
        [
            "privacy",
            "note",
            "The export holds counts only: no names, email addresses, ids, dates or dates of "
            "birth. Each cohort's tables are suppressed on their own.",
        ],
    ]


def dictionary_csv(threshold: int) -> str:
    """The data dictionary as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in dictionary_rows(threshold):
        writer.writerow(safe_row(row))
    return out.getvalue()


def dictionary_markdown(threshold: int) -> str:
    """The data dictionary as a Markdown table, for the data portal's description page."""
    lines = [
        "# Pathways open data: data dictionary",
        "",
        "| Name | Kind | Description |",
        "| --- | --- | --- |",
    ]
    for name, kind, description in dictionary_rows(threshold):
        lines.append(f"| `{name}` | {kind} | {description.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
