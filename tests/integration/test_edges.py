"""Hardened edges on a real database: numbers too big for it, bounded lists, JSON lines."""

from __future__ import annotations

import json

from bot.assistant.agenda_editing import MAX_OWN_ITEMS
from bot.channels.console import render_json
from dialogs.engine import MAX_LOOP_ITEMS
from dialogs.messages import Choice, Outbound
from storage.sql import SqlStore
from tests.factories import assistant_over, chat

TRY_AGAIN = "couldn't save that"


async def test_numbers_beyond_the_databases_integers_are_answered_not_failed(
    sql_store: SqlStore,
) -> None:
    assistant = assistant_over(sql_store)
    for line, answer in [
        ("/acknowledge 2147483648", "There is no decision 2147483648."),
        ("/dispute 99999999999999999999 no", "There is no decision 99999999999999999999."),
        ("/done 2147483648", "There is no action 2147483648."),
        ("/acknowledge 2147483647", "There is no decision 2147483647"),  # the largest: looked up
    ]:
        [reply] = await chat(assistant, [line])
        assert TRY_AGAIN not in reply.text
        assert reply.text.startswith(answer)
    [reply] = await chat(assistant, ["/decision CR-1 corrects 2147483648"])
    assert TRY_AGAIN not in reply.text and "no decision 2147483648" in reply.text


async def test_a_what_else_question_keeps_a_bounded_number_of_answers(
    sql_store: SqlStore,
) -> None:
    assistant = assistant_over(sql_store)
    await chat(assistant, ["/ears professional", "A conference I chaired"])
    for n in range(MAX_LOOP_ITEMS):
        await chat(assistant, [f"example {n}"])
    [refused, *_] = await chat(assistant, ["one more"])
    assert f"That's {MAX_LOOP_ITEMS} already" in refused.text
    conversation = await sql_store.run(lambda tx: tx.load_conversation("alice"))
    assert conversation is not None
    assert len(conversation.answers["what_happened"]) == MAX_LOOP_ITEMS  # type: ignore[arg-type]


async def test_an_agenda_takes_a_bounded_number_of_ones_own_items(sql_store: SqlStore) -> None:
    assistant = assistant_over(sql_store)
    for n in range(MAX_OWN_ITEMS):
        await chat(assistant, [f"/agenda add point {n}"])
    [refused] = await chat(assistant, ["/agenda add one too many"])
    assert "most items of your own" in refused.text
    edits = await sql_store.run(lambda tx: tx.agenda_edits("alice"))
    assert edits is not None and len(edits.own_items) == MAX_OWN_ITEMS
    await chat(assistant, ["/agenda reset"])
    [shown] = await chat(assistant, ["/agenda add now it fits"])
    assert "now it fits" in shown.text


def test_json_lines_escape_the_unicode_line_separators() -> None:
    message = Outbound("worry\u2028more\u2029still", (Choice("a\u2028b", "v"),))
    line = render_json(message)  # what `sva chat --json` writes for each message
    assert line.splitlines() == [line]  # str.splitlines splits at U+2028/9, as JS readers do
    assert json.loads(line)["text"] == "worry\u2028more\u2029still"
    assert json.loads(line)["choices"][0]["label"] == "a\u2028b"
