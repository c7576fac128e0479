"""Agenda and record drafts as Word files handed over in the chat (Slack, Teams), after the
same access check as the text views and the command line."""

from __future__ import annotations

from datetime import date

from dialogs.messages import Document, Outbound
from policies.docx_export import agenda_docx, records_docx
from policies.records import RecordDraft

FILE_CHANNELS = {"slack", "teams"}  # channels that can hand over a file


def cannot_send_files(channel: str, command: str) -> Outbound:
    """The answer on a channel that cannot carry a file."""
    return Outbound(
        f"I can send Word files in Slack and Teams. Here, type {command} without 'word' to read "
        "it, or ask for it on the command line with --format docx."
    )


def agenda_document(text: str, subject: str) -> Outbound:
    """The agenda draft (already rendered as plain text) as a Word file."""
    return Outbound(
        f"The agenda draft for {subject} as a Word file.",
        document=Document(
            f"agenda-{subject}.docx",
            agenda_docx(text),
            f"Agenda draft: {subject}",
            f"/agenda {subject} word",
        ),
    )


def records_document(drafts: list[RecordDraft], subject: str, held: date) -> Outbound:
    """The session's record drafts as one Word file."""
    return Outbound(
        f"The record drafts for {subject}'s session on {held:%a} {held.day} {held:%b %Y} "
        "as a Word file.",
        document=Document(
            f"records-{subject}-{held.isoformat()}.docx",
            records_docx(drafts),
            f"Record drafts: {subject}, {held.isoformat()}",
            f"/record {subject} {held.isoformat()} word",
        ),
    )
