"""A compliance report as CSV, JSON, Markdown or Word (the terminal table is in bot/cli).

Every format carries the rule ids each figure was measured against and their citations, and
the people left out with the reason. CSV cells that a spreadsheet would run as a formula
(starting =, +, -, @, tab or carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from bot.operations.reports.measures import Rule, Tally
from bot.operations.reports.model import MEASURES, Report, Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LINE_END = "\r\n"  # RFC 4180; the csv module quotes a cell holding either character
CSV_HEADER = (
    "section",
    "team",
    "person_id",
    "name",
    "measure",
    "due",
    "on_time",
    "late",
    "missed",
    "percent_on_time",
    "worst_days",
    "rules",
    "reason",
)


def rows(report: Report) -> Iterator[tuple[str, Row]]:
    """People, then teams, then the total, each with its section name."""
    for row in report.people:
        yield "person", row
    for row in report.teams:
        yield "team", row
    yield "total", report.total()


def rules(report: Report) -> list[Rule]:
    """Every rule any figure was measured against, by id."""
    found: dict[str, Rule] = {}
    # A few thousand distinct sets among 300,000 tallies, in the order first met (a set's
    # order would follow string hashing, which changes from run to run).
    sets = dict.fromkeys(tally.rules for _, row in rows(report) for tally in row.tallies.values())
    for rule_set in sets:
        found |= {r.id: r for r in rule_set}
    found |= {line.rule.id: line.rule for line in report.cases}
    found |= {rule.id: rule for rule in report.unrecorded_rules}
    return [found[k] for k in sorted(found)]


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: formula-like strings get an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(report: Report) -> str:
    """The report as CSV (RFC 4180: lines end in CRLF, so a line break of either kind in a
    name is quoted inside its cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow(CSV_HEADER)
    out.writelines(_tally_lines(report))
    writer.writerows(
        (
            "cases",
            safe_cell(line.team),
            "",
            "",
            safe_cell(f"case:{line.case_type}:{line.risk}"),
            line.open,
            "",
            "",
            line.overdue,
            "",
            line.longest_overdue_days,
            safe_cell(line.rule.id),
            "",
        )
        for line in report.cases
    )
    for measure, reason, count in report.excluded_counts():
        excluded: tuple[object, ...] = ("excluded", "", "", "", measure, count)
        writer.writerow(safe_cell(v) for v in (*excluded, "", "", "", "", "", "", reason))
    for rule in rules(report):
        cells: tuple[object, ...] = ("rule", *[""] * 10, rule.id, rule.cite)
        writer.writerow(safe_cell(v) for v in cells)
    return out.getvalue()


def _tally_lines(report: Report) -> Iterator[str]:
    """One CSV line per measure of each person, team and the total. A council's report has
    300,000 of them but only 55,000 rows and a few thousand distinct tallies, so each row's
    name cells and each tally's figures are written once (by the csv module, quoted as it
    quotes) and the lines are joined from those pieces."""
    line = _CsvLine()
    tails: dict[Tally, str] = {}
    measures = {m: line.cells((m,)) for m in MEASURES}
    for section, row in rows(report):
        names = line.cells((section, row.team, row.person_id or "", row.name))
        for measure, t in row.tallies.items():
            tail = tails.get(t)
            if tail is None:
                ids = " ".join(r.id for r in t.rules)
                tail = tails[t] = line.cells((*_numbers(t), ids, ""))
            yield f"{names},{measures[measure]},{tail}{LINE_END}"


class _CsvLine:
    """Cells written as part of one CSV line (no line end) by the csv module, formula-like
    text made safe."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv.writer(self._out, lineterminator=LINE_END)

    def cells(self, values: tuple[object, ...]) -> str:
        self._out.seek(0)
        self._out.truncate()
        self._writer.writerow([safe_cell(v) for v in values])
        return self._out.getvalue()[: -len(LINE_END)]


def _numbers(t: Tally) -> tuple[object, ...]:
    percent = "" if t.percent_on_time is None else t.percent_on_time
    return (t.due, t.on_time, t.late, t.missed, percent, t.worst_days)


def tally_json(t: Tally) -> dict[str, Any]:
    return {
        "due": t.due,
        "on_time": t.on_time,
        "late": t.late,
        "missed": t.missed,
        "percent_on_time": t.percent_on_time,
        "worst_days": t.worst_days,
        "rules": [r.id for r in t.rules],
    }


def to_json(report: Report) -> str:
    def row_json(row: Row) -> dict[str, Any]:
        measures = {m: tally_json(t) for m, t in row.tallies.items()}
        return {"team": row.team, "person_id": row.person_id, "name": row.name} | measures

    body = {
        "scope": report.scope,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "people": [row_json(r) for r in report.people],
        "teams": [row_json(r) for r in report.teams],
        "total": row_json(report.total()),
        "cases": [
            {
                "team": c.team,
                "case_type": c.case_type,
                "risk": c.risk,
                "open": c.open,
                "overdue": c.overdue,
                "longest_overdue_days": c.longest_overdue_days,
                "rule": c.rule.id,
            }
            for c in report.cases
        ],
        "excluded": [
            {"measure": m, "reason": r, "people": n} for m, r, n in report.excluded_counts()
        ],
        "rules": {r.id: r.cite for r in rules(report)},
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md(text: object) -> str:
    """Person-entered text as literal Markdown (markup and HTML escaped)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def figure(t: Tally | None) -> str:
    """ "7/9 on time (2 late, 0 missed; worst 5 days)" or "–"."""
    if t is None or t.due == 0:
        return "–"
    days = "day" if t.worst_days == 1 else "days"
    worst = f"; worst {t.worst_days} {days}" if t.worst_days else ""
    return f"{t.on_time}/{t.due} on time ({t.late} late, {t.missed} missed{worst})"


def to_markdown(report: Report) -> str:
    lines = [f"# Supervision compliance: {md(report.scope)}", "", f"{report.period.label}", ""]
    for title, section in (("Teams", report.teams), ("People", report.people)):
        lines += [f"## {title}", "", "| " + " | ".join(["Name", *MEASURES.values()]) + " |"]
        lines.append("|" + " --- |" * (len(MEASURES) + 1))
        for row in [*section, *([report.total()] if title == "Teams" else [])]:
            cells = [md(row.name), *(figure(row.tallies.get(m)) for m in MEASURES)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## Cases by type and risk",
        "",
        "| Team | Case type | Risk | Open | Overdue | Longest overdue (days) | Rule |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in report.cases:
        case_cells = (
            md(c.team),
            c.case_type,
            c.risk,
            c.open,
            c.overdue,
            c.longest_overdue_days,
            c.rule.id,
        )
        lines.append("| " + " | ".join(str(v) for v in case_cells) + " |")
    lines += ["", "## People not measured", ""]
    lines += [f"- {m}: {n} ({md(r)})" for m, r, n in report.excluded_counts()] or ["- none"]
    lines += ["", "## Rules", ""]
    lines += [f"- `{r.id}`: {md(r.cite)}" for r in rules(report)]
    return "\n".join(lines) + "\n"


def to_docx(report: Report) -> bytes:
    """The report as a Word document: the same tables as the Markdown, as plain text runs."""
    from docx import Document  # on first use: a server that never makes one keeps ~10 MiB

    document = Document()
    document.add_heading(f"Supervision compliance: {report.scope}", level=1)
    document.add_paragraph(report.period.label)
    for title, section in (("Teams", [*report.teams, report.total()]), ("People", report.people)):
        document.add_heading(title, level=2)
        table = document.add_table(rows=1, cols=len(MEASURES) + 1)
        for cell, text in zip(table.rows[0].cells, ["Name", *MEASURES.values()], strict=True):
            cell.text = text
        for row in section:
            cells = table.add_row().cells
            values = [row.name, *(figure(row.tallies.get(m)) for m in MEASURES)]
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    document.add_heading("Cases by type and risk", level=2)
    headers = ("Team", "Case type", "Risk", "Open", "Overdue", "Longest overdue (days)", "Rule")
    cases = document.add_table(rows=1, cols=len(headers))
    for cell, text in zip(cases.rows[0].cells, headers, strict=True):
        cell.text = text
    for c in report.cases:
        line = (c.team, c.case_type, c.risk, c.open, c.overdue, c.longest_overdue_days, c.rule.id)
        for cell, value in zip(cases.add_row().cells, line, strict=True):
            cell.text = str(value)
    document.add_heading("People not measured", level=2)
    for m, r, n in report.excluded_counts():
        document.add_paragraph(f"{m}: {n} ({r})")
    document.add_heading("Rules", level=2)
    for rule in rules(report):
        document.add_paragraph(f"{rule.id}: {rule.cite}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
