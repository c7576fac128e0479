"""Agenda and record drafts as Word files handed over in the chat (Slack, Teams, Telegram), after the
same access check as the text views and the command line."""

from __future__ import annotations

from datetime import date

from dialogs.messages import Document, Outbound
from policies.docx_export import agenda_docx, records_docx
from policies.records import RecordDraft

FILE_CHANNELS = {"slack", "teams", "telegram"}  # channels that can hand over a file


def cannot_send_files(channel: str, command: str) -> Outbound:
    """The answer on a channel that cannot carry a file."""
    return Outbound(
        f"I can send Word files in Slack, Teams and Telegram. Here, type {command} without 'word' to read "
        "it, or ask for it on the command line with --format docx."
    )


def agenda_document(text: str, subject: str, name: str) -> Outbound:
    """The agenda draft (already rendered as plain text) as a Word file; `name` is who it is
    for as people read it, `subject` their id (the file name and the command that remakes it)."""
    return Outbound(
        f"The agenda draft for {name} as a Word file.",
        document=Document(
            f"agenda-{subject}.docx",
            agenda_docx(text),
            f"Agenda draft: {name}",
            f"/agenda {subject} word",
        ),
    )


def records_document(drafts: list[RecordDraft], subject: str, name: str, held: date) -> Outbound:
    """The session's record drafts as one Word file (`name` and `subject` as for the agenda)."""
    return Outbound(
        f"The record drafts for {name}'s session on {held:%a} {held.day} {held:%b %Y} "
        "as a Word file.",
        document=Document(
            f"records-{subject}-{held.isoformat()}.docx",
            records_docx(drafts),
            f"Record drafts: {name}, {held.isoformat()}",
            f"/record {subject} {held.isoformat()} word",
        ),
    )
