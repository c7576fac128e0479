"""Golden files: each pack's agenda and record drafts, in text and Markdown, from fixed inputs.
A change in wording or layout shows up as a diff to review. To accept a deliberate change:
SVA_UPDATE_GOLDEN=1 pytest tests/unit/policies/test_golden.py"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dialogs.definitions import PREP
from dialogs.definitions import WELLBEING as CHECKIN_DIALOG
from policies.agenda import DueCase, compose_agenda, render_agenda
from policies.packs import load_packs
from policies.records import case_records, personal_record, render_record
from policies.templates import make_templates
from storage.records import Action, PrepNote, SharedWellbeing

GOLDEN = Path(__file__).parent.parent.parent / "golden"
PACKS = load_packs()
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOTE = PrepNote(
    "CR-7",
    "adhoc",
    {
        "worrying": "Bruising seen at school; <!channel> {{ 7*7 }}",
        "working_well": "Gran visits daily",
        "decided": None,
        "support": "Whether to convene a strategy discussion",
        "child_thinks": "Home is calm",
        "child_wants": None,
    },
    True,
    WHEN,
)
SHARED = SharedWellbeing({"score": 3, "leave": "Leave in May"}, WHEN)
ACTION = Action(
    4, "sw1", "CR-7", "sw1", "visit the school", "attendance has dropped", date(2026, 12, 1)
)


def outputs(pack_name: str) -> dict[str, str]:
    pack, templates = PACKS[pack_name], make_templates()
    draft = compose_agenda(
        pack=pack,
        prep_notes=[NOTE],
        shared=SHARED,
        prep=PREP,
        checkin=CHECKIN_DIALOG,
        session_date=date(2026, 12, 2),
        due_cases=[DueCase("CR-9", date(2026, 11, 10), True, "x")],
        actions=[ACTION],
    )
    [case] = case_records(pack, "sw1", date(2026, 11, 23), [NOTE], PREP)
    personal = personal_record(pack, "sw1", date(2026, 11, 23), SHARED, CHECKIN_DIALOG)
    return {
        "agenda.txt": render_agenda(draft, templates, "txt"),
        "agenda.md": render_agenda(draft, templates, "md"),
        "case_record.txt": render_record(case, templates, "txt"),
        "case_record.md": render_record(case, templates, "md"),
        "personal_record.txt": render_record(personal, templates, "txt"),
        "personal_record.md": render_record(personal, templates, "md"),
    }


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_rendered_outputs_match_their_golden_files(pack: str) -> None:
    for name, text in outputs(pack).items():
        path = GOLDEN / pack / name
        if os.environ.get("SVA_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
        assert path.read_text(encoding="utf-8") == text + "\n", (
            f"{path} differs (see the module docstring)"
        )


def test_key_dates_from_the_start_date_and_the_pack() -> None:
    from policies.agenda import key_dates
    from tests.factories import person

    newcomer = person("sw9", started="2026-10-19")
    somerset = key_dates(PACKS["somerset"], newcomer, date(2026, 11, 23))
    assert [(d.isoformat(), what.split(" (")[0]) for d, what in somerset] == [
        ("2027-01-19", "direct observation of practice and feedback"),  # somerset:225 quarterly
        ("2027-01-19", "probation review at the end of month 3"),
    ]  # month 1 (19 Nov) and the agreement (19 Nov) have passed; month 5 is beyond three months
    # Recorded: the agreement signed on 2 Nov and an observation on 16 Nov (somerset 7.2, 9.1).
    early = key_dates(PACKS["somerset"], newcomer, date(2026, 11, 1))
    assert "supervision agreement in place" in [w.split(" (")[0] for _, w in early]
    recorded = key_dates(
        PACKS["somerset"],
        newcomer,
        date(2026, 11, 1),
        agreed_on=date(2026, 11, 2),
        observed_on=date(2026, 11, 16),
    )
    assert [(d.isoformat(), what.split(" (")[0]) for d, what in recorded] == [
        ("2026-11-19", "probation review at the end of month 1"),
        ("2027-01-19", "probation review at the end of month 3"),
    ]  # no agreement date; the observation counts from 16 Nov (due 16 Feb, beyond 3 months)
    assert ("2027-01-19", "direct observation of practice and feedback") in [
        (d.isoformat(), w.split(" (")[0]) for d, w in early
    ]
    southwark = key_dates(PACKS["southwark"], newcomer, date(2026, 11, 1))
    assert [d.isoformat() for d, _ in southwark] == ["2027-01-19"]
    # Bexley sets no probation or agreement dates; four observations a year (lines 137-138).
    bexley = key_dates(PACKS["bexley"], newcomer, date(2026, 11, 1))
    assert [(d.isoformat(), what.split(" (")[0]) for d, what in bexley] == [
        ("2027-01-19", "direct observation of practice")
    ]


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_group_record_template_matches_its_golden_file(pack: str) -> None:
    from bot.operations.rota_planner import group_record
    from storage.records import RotaEntry
    from tests.factories import person

    records = PACKS[pack].records
    headings = records.group.headings if records.group else records.case.headings
    entry = RotaEntry(
        "Team A", date(2026, 12, 2), {"presenter": "sw1", "facilitator": "tm1"}, "CR-5"
    )
    members = [
        person("tm1", role="team_manager", name="Tom Manager"),
        person("sw1", name="Sara Worker"),
        person("sw2", name="Sam Worker"),
    ]
    text = group_record("Team A", entry, members, {"sw2"}, headings)
    path = GOLDEN / pack / "group_record.txt"
    if os.environ.get("SVA_UPDATE_GOLDEN") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text + "\n"
