"""Report formats: CSV cells never run as spreadsheet formulas; Markdown keeps names literal."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.operations.reports.formats import md, safe_cell, to_csv
from bot.operations.reports.measures import Rule, Tally
from bot.operations.reports.model import Period, Report, Row


def test_formula_like_cells_get_an_apostrophe() -> None:
    for text in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Team North") == "Team North"
    assert safe_cell(5) == 5


def test_a_csv_with_a_hostile_team_name_is_inert() -> None:
    row = Row(
        "=cmd|' /C calc'!A0", "p1", "=1+1", {"individual": Tally(1, 1, rules=(Rule("r", "c"),))}
    )
    report = Report(Period(date(2026, 11, 1), date(2026, 11, 30)), "x", [row], [], [])
    cells = [c for r in csv.reader(io.StringIO(to_csv(report))) for c in r]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "'=1+1" in cells


def test_names_with_commas_quotes_and_line_breaks_read_back_as_written() -> None:
    rules = (Rule("pack.a", "c"), Rule("pack.b", "c"))
    shared = Tally(2, 1, 0, 1, 3, rules)
    other = Tally(4, 4, 0, 0, 0, rules)  # the same rules, other figures
    people = [
        Row("Team, North", "p1", 'Sam "Sky" Lee', {"individual": shared, "record": other}),
        Row("Team, North", "p2", "Ann\nMarie", {"individual": shared}),
        Row("Team, North", "p3", "Bo\rJo", {"individual": other}),
    ]
    report = Report(Period(date(2026, 11, 1), date(2026, 11, 30)), "x", people, [], [])
    found = list(csv.DictReader(io.StringIO(to_csv(report), newline="")))
    mine = [
        (r["team"], r["person_id"], r["name"], r["measure"], r["due"], r["percent_on_time"])
        for r in found
        if r["section"] == "person"
    ]
    assert mine == [
        ("Team, North", "p1", 'Sam "Sky" Lee', "individual", "2", "50"),
        ("Team, North", "p1", 'Sam "Sky" Lee', "record", "4", "100"),
        ("Team, North", "p2", "Ann\nMarie", "individual", "2", "50"),
        ("Team, North", "p3", "Bo\rJo", "individual", "4", "100"),
    ]
    assert {r["rules"] for r in found if r["section"] == "person"} == {"pack.a pack.b"}


def test_markdown_escapes_markup() -> None:
    assert md("<b>|x|</b>") == r"\<b\>\|x\|\</b\>"
