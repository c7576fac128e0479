"""Supervision records as a Word document (python-docx), for councils that file .docx."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

from policies.records import RecordDraft

# What XML 1.0 (and so Word) cannot hold: controls but tab/newline, surrogates, U+FFFE/FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with characters Word cannot store shown as U+FFFD, so an export never fails on
    text stored before such characters were refused at input."""
    return NOT_XML.sub("\ufffd", text)


def records_docx(drafts: list[RecordDraft]) -> bytes:
    """One document: each record under its own heading, each section under a sub-heading.
    Text goes in as runs of plain text, so nothing a person typed is interpreted."""
    document = _new_document()
    for number, draft in enumerate(drafts):
        if number:
            document.add_page_break()  # type: ignore[no-untyped-call]
        title = (
            f"Case supervision record: {draft.case_ref}"
            if draft.kind == "case"
            else "Personal supervision record"
        )
        document.add_heading(title, level=1)
        document.add_paragraph(
            xml_safe(
                f"Supervisee: {draft.supervisee}. Session: {draft.held:%d %b %Y}. {draft.council} supervision policy."
            )
        )
        for warning in draft.warnings:
            document.add_paragraph(xml_safe(f"Warning: {warning}"))
        for section in draft.sections:
            document.add_heading(xml_safe(section.heading), level=2)
            for line in (section.text or "(to complete)").split("\n"):
                document.add_paragraph(xml_safe(line))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def agenda_docx(text: str) -> bytes:
    """The plain-text agenda as a Word document: its title and numbered items as headings."""
    document = _new_document()
    lines = xml_safe(text).splitlines()
    document.add_heading(lines[0] if lines else "Agenda", level=1)
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            continue
        number, _, rest = stripped.partition(". ")
        if number.isdecimal() and not line.startswith(" "):
            document.add_heading(f"{number}. {rest}", level=2)
        else:
            document.add_paragraph(stripped)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _new_document() -> WordDocument:
    """An empty Word document. python-docx (and lxml) is imported on first use: a running
    server that never sends a Word file keeps ~10 MiB less resident (issue 16: idle < 150)."""
    from docx import Document

    return Document()
