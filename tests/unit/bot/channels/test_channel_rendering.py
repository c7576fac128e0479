"""Each channel's rendering of the same replies keeps within its service's limits and shows
person-entered text literally."""

from __future__ import annotations

import html

from bot.assistant.typed_commands import as_command as typed
from bot.channels.slack.render import MAX_BLOCKS, MAX_SECTION, escape, render
from bot.channels.teams.cards import render as teams_render
from bot.channels.telegram.render import MAX_TEXT, as_command
from bot.channels.telegram.render import render as telegram_render
from dialogs.messages import Choice, Expects, Outbound

HOSTILE = "<!here> <https://x.example|y> & <b>bold</b>"
CHOICES = Outbound(
    "Confirm?", (Choice("Confirm and save", "confirm"), Choice("Edit", "edit")), Expects.CHOICE
)


def test_slack_escapes_mrkdwn_control_characters() -> None:
    assert (
        escape(HOSTILE) == "&lt;!here&gt; &lt;https://x.example|y&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    )


def test_slack_splits_escaped_text_within_3000_characters_and_50_blocks() -> None:
    text = "&" * 200_000  # every character becomes five when escaped
    messages = render([Outbound(text)])
    sections = [b["text"]["text"] for m in messages for b in m.blocks]
    assert all(len(m.blocks) <= MAX_BLOCKS for m in messages)
    assert all(len(s) <= MAX_SECTION for s in sections)
    assert "".join(sections) == escape(text)


def test_slack_scales_are_eleven_buttons() -> None:
    [message] = render([Outbound("How are you? 0-10", expects=Expects.SCALE)])
    buttons = message.blocks[-1]["elements"]
    assert [b["text"]["text"] for b in buttons] == [str(n) for n in range(11)]


def test_telegram_escapes_html_and_keeps_within_4096_after_parsing() -> None:
    messages = telegram_render([Outbound(HOSTILE * 300)])
    assert all(len(html.unescape(m.html)) <= MAX_TEXT for m in messages)
    assert "".join(html.unescape(m.html) for m in messages) == HOSTILE * 300
    assert "<b>" not in "".join(m.html for m in messages)


def test_telegram_puts_the_keyboard_on_the_last_piece_only() -> None:
    messages = telegram_render([Outbound("x\n" * 3000, CHOICES.choices, Expects.CHOICE)])
    assert [m.keyboard is not None for m in messages] == [False, True]


def test_telegram_reads_its_command_forms() -> None:
    assert as_command("/prep@sva_bot AB-1 adhoc") == "/prep AB-1 adhoc"
    assert as_command("/start") == "/help"
    assert as_command("just an answer") == "just an answer"


def test_teams_sends_plain_text_and_a_card_for_choices() -> None:
    activities = teams_render([Outbound(HOSTILE), CHOICES])
    assert [a.text_format for a in activities if a.text] == ["plain", "plain"]
    card = activities[-1].attachments[0].content
    assert [a["title"] for a in card["actions"]] == ["Confirm and save", "Edit"]


def test_bare_command_words_are_commands_only_outside_a_dialog() -> None:
    assert typed("prep AB-1", idle=True) == "/prep AB-1"
    assert typed("prep work with the school went well", idle=False) == (
        "prep work with the school went well"
    )
    assert typed("The family moved", idle=True) == "The family moved"
