"""Long work shows progress: a bar on a terminal, one summary line when piped."""

from __future__ import annotations

import io
import threading

from bot.cli.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_work_ends_with_one_summary_line_with_the_rate() -> None:
    out = io.StringIO()
    with Progress("checking people.csv", 20_000, name="import people people.csv", stream=out) as p:
        p.advance(20_000)
        p.stage("writing people.csv")
        p.advance(20_000)
    [line] = out.getvalue().splitlines()
    assert line.startswith("import people people.csv: 20,000 rows in ")
    assert line.endswith(" rows/s)")


def test_a_terminal_gets_a_bar_with_where_it_is_and_rows_per_second() -> None:
    out = Terminal()
    with Progress("checking people.csv", 1_000, stream=out) as p:
        workers = [threading.Thread(target=p.advance, args=(250,)) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    shown = out.getvalue()
    assert "checking people.csv" in shown and "500/1000" in shown and "rows/s" in shown
    assert p.done == 500


def test_nothing_is_summarised_when_the_work_failed() -> None:
    out = io.StringIO()
    try:
        with Progress("sweep", None, stream=out):
            raise RuntimeError("stopped")
    except RuntimeError:
        pass
    assert out.getvalue() == ""


def test_work_that_did_not_complete_is_not_summarised() -> None:
    out = io.StringIO()
    with Progress("checking cases.csv", 3, stream=out) as p:
        p.advance(3)
        p.failed()
    assert out.getvalue() == ""


def test_work_of_unknown_size_reports_what_it_counted() -> None:
    out = io.StringIO()
    with Progress("reminder sweep for 2026-11-23", None, unit="reminders", stream=out) as p:
        p.advance(3)
    assert out.getvalue().startswith("reminder sweep for 2026-11-23: 3 reminders in ")
