"""Word exports never fail on stored text, whatever was stored before input was checked."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from policies.docx_export import agenda_docx, records_docx, xml_safe
from policies.records import RecordDraft, RecordSection

STORED = "before \uffff \ufffe \x0b \x00 \ud800 after; مرحبا stays"


def test_characters_word_cannot_hold_become_a_replacement_mark_and_the_rest_is_kept() -> None:
    assert xml_safe(STORED) == "before \ufffd \ufffd \ufffd \ufffd \ufffd after; مرحبا stays"


def test_an_agenda_with_a_noncharacter_exports() -> None:
    document = Document(io.BytesIO(agenda_docx(f"Agenda\n1. Item\n   - {STORED}")))
    assert "after; مرحبا stays" in document.paragraphs[-1].text


def test_a_record_with_a_noncharacter_exports() -> None:
    draft = RecordDraft(
        kind="personal",
        case_ref=None,
        supervisee="Alice \uffff",
        held=date(2026, 11, 23),
        council="Southwark",
        sections=(RecordSection(heading="Wellbeing", text=STORED),),
        warnings=(),
    )
    document = Document(io.BytesIO(records_docx([draft])))
    assert any("after; مرحبا stays" in p.text for p in document.paragraphs)
