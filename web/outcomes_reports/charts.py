"""The report's sections as chart rows: (label, value to scale the bar, value to show)."""

from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _

from web.outcomes_reports.labels import RATE_COLUMNS, VALUE_LABELS

TOP_SKILLS = 15


def shown(column: str, value) -> str:
    """A cell as the page shows it: rates as percentages, missing values as a dash."""
    if value is None:
        return "—"
    if column in RATE_COLUMNS:
        return f"{100 * value:.0f}%"
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else f"{value:g}"


def chart_rows(section: dict) -> list[tuple[str, float, str]]:
    """The one figure of each group that the section's chart draws."""
    key, columns, rows = section["key"], section["columns"], section["rows"]
    at = {column: index for index, column in enumerate(columns)}
    if key == "nps":
        return [
            (_nps_label(row, at), row[at["nps"]], shown("nps", row[at["nps"]]))
            for row in rows
            if row[at["nps"]] is not None
        ]
    if key == "skills":
        return [(row[0], row[at["signed_off"]], str(row[at["signed_off"]])) for row in rows][
            :TOP_SKILLS
        ]
    if key == "hires":
        by_department = Counter()
        for row in rows:
            by_department[row[at["department"]]] += row[at["hires"]]
        return [(name or "—", n, str(n)) for name, n in by_department.most_common()]
    rate = {"completion": "completion_rate", "goals": "met_rate", "retention": "retention_rate"}
    column = rate[key]
    return [
        (_group_label(key, row[0]), 100 * row[at[column]], shown(column, row[at[column]]))
        for row in rows
        if row[at[column]] is not None
    ]


def _group_label(key: str, group) -> str:
    return _("%(months)s months", months=group) if key == "retention" else str(group)


def _nps_label(row: list, at: dict) -> str:
    survey = VALUE_LABELS.get(row[at["survey"]], row[at["survey"]])
    side = VALUE_LABELS.get(row[at["respondent"]], row[at["respondent"]])
    return f"{row[at['cohort']]} · {survey} · {side}"


def chart_axis(section: dict, rows: list[tuple[str, float, str]]) -> tuple[float, list[str]]:
    """The bars' full scale and the axis ticks: 0-100% for shares, the score's size for NPS."""
    if section["key"] in ("completion", "goals", "retention"):
        return 100, ["0%", "50%", "100%"]
    if section["key"] == "nps":
        return 100, ["0", "±50", "±100"]
    peak = max((abs(value) for _, value, _ in rows), default=0)
    ticks = [0, peak / 2, peak] if peak % 2 == 0 else [0, peak]
    return peak, [f"{tick:g}" for tick in ticks]
