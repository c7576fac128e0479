"""Record drafts per pack: headings in the pack's order, pre-filled from what the supervisee
gave, personal data kept to what was shared, person text literal in text, Markdown and Word."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from dialogs.definitions import PREP, WELLBEING
from policies.docx_export import records_docx
from policies.packs import load_packs
from policies.records import FROM_PREPARATION, case_records, personal_record, render_record
from policies.templates import make_templates
from storage.records import PrepNote, SharedWellbeing

PACKS = load_packs()
HELD = date(2026, 11, 23)
INJECTION = "{{ 7*7 }} <script>alert(1)</script> <!channel>"
NOTE = PrepNote(
    "CR-7",
    "scheduled",
    {
        "worrying": f"Bruising seen at school {INJECTION}",
        "working_well": "Gran visits daily",
        "decided": "Visit on Monday",
        "support": None,
        "child_thinks": "Home is calm",
        "child_wants": None,
    },
    False,
    datetime(2026, 11, 20, tzinfo=UTC),
)
SHARED = SharedWellbeing({"score": 3, "leave": "Leave in May"}, datetime(2026, 11, 20, tzinfo=UTC))


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_case_record_has_the_packs_headings_in_order_with_the_preparation_placed(pack: str) -> None:
    [record] = case_records(PACKS[pack], "sw1", HELD, [NOTE], PREP)
    headings = [s.heading for s in record.sections]
    assert headings[: len(PACKS[pack].records.case.headings)] == list(
        PACKS[pack].records.case.headings
    )
    everything = "\n".join(s.text for s in record.sections)
    for answer in (
        "Bruising seen at school",
        "Gran visits daily",
        "Visit on Monday",
        "Home is calm",
    ):
        assert answer in everything  # nothing the supervisee prepared is lost
    text = render_record(record, make_templates(), "txt")
    assert text.startswith("Case supervision record: CR-7")
    assert INJECTION in text


def test_manchester_places_answers_under_signs_of_safety_headings() -> None:
    [record] = case_records(PACKS["manchester"], "sw1", HELD, [NOTE], PREP)
    by_heading = {s.heading: s.text for s in record.sections}
    assert by_heading["What's working well?"] == "What is working well: Gran visits daily"
    assert by_heading["What needs to happen?"] == "What I have decided to do: Visit on Monday"
    assert by_heading["Safety scale (0-10)"] == ""
    assert by_heading[FROM_PREPARATION] == "What the child thinks: Home is calm"


def test_personal_record_holds_only_what_was_shared_and_warns_about_names() -> None:
    record = personal_record(PACKS["somerset"], "sw1", HELD, SHARED, WELLBEING)
    by_heading = {s.heading: s.text for s in record.sections}
    assert (
        "How I am doing (0–10): 3"
        in by_heading["Support (personal safety, wellbeing, sickness absence and leave)"]
    )
    assert record.warnings == ()
    named = personal_record(
        PACKS["somerset"],
        "sw1",
        HELD,
        SharedWellbeing({"pressures": "Worried about Jayden"}, SHARED.completed_at),
        WELLBEING,
    )
    assert named.warnings and "Jayden" in named.warnings[0]
    empty = personal_record(PACKS["somerset"], "sw1", HELD, None, WELLBEING)
    assert all(s.text == "" for s in empty.sections)


def test_markdown_keeps_person_text_literal() -> None:
    [record] = case_records(PACKS["southwark"], "sw1", HELD, [NOTE], PREP)
    markdown = render_record(record, make_templates(), "md")
    assert (
        "\\{\\{ 7\\*7 \\}\\} &lt;script&gt;alert\\(1\\)&lt;/script&gt; &lt;\\!channel&gt;"
        in markdown
    )
    assert "<script>" not in markdown


def test_the_word_document_has_every_heading_and_answer() -> None:
    records = [
        *case_records(PACKS["bexley"], "sw1", HELD, [NOTE], PREP),
        personal_record(PACKS["bexley"], "sw1", HELD, SHARED, WELLBEING),
    ]
    document = Document(io.BytesIO(records_docx(records)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Case supervision record: CR-7"
    assert "What are we worried about and what needs to change?" in headings
    assert "Personal supervision record" in headings
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"What is worrying me: Bruising seen at school {INJECTION}" in body
    assert "Leave, absence, TOIL, lone working: Leave in May" in body


def test_a_case_record_carries_its_open_actions_and_the_decisions_made_on_it() -> None:
    from storage.records import Action, Decision

    actions = [
        Action(
            1, "sw1", "CR-7", "sw1", "visit the school", "attendance has dropped", date(2026, 12, 1)
        ),
        Action(2, "sw1", "CR-8", "sw1", "other case", "n/a", None),
    ]
    decision = Decision(
        5,
        "CR-7",
        "tm1",
        "sw1",
        {"chosen": "Strategy meeting", "rationale": "Risk rose", "disagreement": "sw1 thought not"},
        None,
        datetime(2026, 11, 18, tzinfo=UTC),
    )
    [record] = case_records(PACKS["bexley"], "sw1", HELD, [NOTE], PREP, actions, [decision])
    by_heading = {s.heading: s.text for s in record.sections}
    assert (
        by_heading["Open actions on this case (owner, what, why, by when)"]
        == "sw1 to visit the school, because attendance has dropped, by 01 Dec 2026"
    )
    assert by_heading["Management decisions on this case since the last supervision"] == (
        "Decision 5 (18 Nov 2026): Strategy meeting; rationale: Risk rose; disagreement: sw1 thought not"
    )
