"""Reports read cases and people by their own pack's words: a case type only Central
Bedfordshire declares (issue 18) is reported on its pack's frequency, not refused."""

from __future__ import annotations

from datetime import date

from bot.operations.reports.overview import case_status
from policies.packs import load_packs
from storage.records import Case

PACKS = load_packs()


def test_a_pack_declared_case_type_is_reported_on_its_frequency() -> None:
    case = Case("CR-9", "cb1", "carer_assessment", "standard", date(2026, 10, 1))
    status = case_status(case, date(2026, 10, 5), PACKS["central-bedfordshire"], date(2026, 11, 26))
    assert status.due == date(2026, 11, 5)
    assert status.overdue_days == 21
