"""The compliance report's charts and the tables beside them, from computed reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from bot.operations.reports.measures import Tally
from bot.operations.reports.model import Measure, Report
from bot.web.charts import Bar, bar_chart


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and the same figures as table rows (caption, headers, rows)."""

    id: str
    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def monthly_chart(chart_id: str, title: str, measure: Measure, reports: list[Report]) -> Chart:
    """Per month: the share of due items met on time (one bar per month)."""
    bars, rows = [], []
    for report in reports:
        tally = report.total().tallies.get(measure, Tally())
        label = f"{report.period.start:%b %Y}"
        percent = tally.percent_on_time
        text = "nothing due" if percent is None else f"{percent}% ({tally.on_time} of {tally.due})"
        bars.append(Bar(label, percent or 0, text))
        rules = ", ".join(r.id for r in tally.rules) or "–"
        rows.append(
            (
                label,
                tally.due,
                tally.on_time,
                tally.late,
                tally.missed,
                "–" if percent is None else f"{percent}%",
                rules,
            )
        )
    description = "; ".join(f"{b.label}: {b.text}" for b in bars)
    svg = bar_chart(chart_id=chart_id, title=title, description=description, bars=bars, maximum=100)
    headers = ("Month", "Due", "On time", "Late", "Missed", "On time (%)", "Rule")
    return Chart(chart_id, title, svg, headers, rows)


def case_chart(lines: list[dict[str, Any]]) -> Chart:
    """Overdue cases by case status (type and risk)."""
    title = "Overdue cases by case status"
    bars = [
        Bar(
            f"{line['case_type'].replace('_', ' ')} ({line['risk']})",
            line["overdue"],
            f"{line['overdue']} of {line['open']} overdue",
        )
        for line in lines
    ]
    top = max((line["open"] for line in lines), default=0)
    description = "; ".join(f"{b.label}: {b.text}" for b in bars) or "No open cases."
    svg = bar_chart(
        chart_id="case-chart", title=title, description=description, bars=bars, maximum=top
    )
    rows = [
        (b.label, line["open"], line["overdue"], line["longest"], line["rule"])
        for b, line in zip(bars, lines, strict=True)
    ]
    headers = ("Case status", "Open", "Overdue", "Longest overdue (days)", "Rule")
    return Chart("case-chart", title, svg, headers, rows)
