"""The fault suite's accounting: what counts as lost, slowed, duplicated, re-sent, out of order."""

from __future__ import annotations

from benchmarks.faults.serve import Outcome, People, count
from benchmarks.faults.services import SERVICES, Shown
from bot.assistant.inbox import slow_down
from tests.fakes.http_fake import Call


def shown_to_slack(*texts: tuple[int, str]) -> Shown:
    service = SERVICES["slack"]()
    for person, text in texts:
        service.fake.calls.append(Call("chat.postMessage", {"channel": f"U{person}", "text": text}))
    return service.replies


def crowd(acked: dict[int, set[int]]) -> People:
    people = People(len(acked))
    people.acked = acked
    people.next = {p: max(a, default=-1) + 1 for p, a in acked.items()}
    return people


def test_a_message_answered_slow_down_is_slowed_not_lost() -> None:
    shown = shown_to_slack(
        (0, "I don't know the command /k0x0. Type /help to see what I can do."),
        (0, slow_down("/k0x2").text),  # refused over the bounds, ahead of /k0x1's answer
        (0, "I don't know the command /k0x1. Type /help to see what I can do."),
    )
    outcome = Outcome("slack")
    count(outcome, crowd({0: {0, 1, 2, 3}}), shown().shown, {0: [0, 2, 1]})
    assert (outcome.lost, outcome.slowed, outcome.out_of_order) == (1, 1, 0)  # 3: no answer
    assert (outcome.duplicated, outcome.resent) == (0, 0)


def test_answers_out_of_order_twice_or_to_someone_else_are_counted() -> None:
    shown = shown_to_slack(
        (0, "I don't know the command /k0x1."),
        (0, "I don't know the command /k0x0."),
        (0, "I don't know the command /k0x0."),
        (1, "I don't know the command /k0x2."),  # another person's token: not an answer
    )
    outcome = Outcome("slack")
    count(outcome, crowd({0: {0, 1, 2}, 1: set()}), shown().shown, {0: [1, 0, 0]})
    assert (outcome.lost, outcome.out_of_order, outcome.duplicated, outcome.resent) == (1, 1, 1, 0)


def test_reading_what_was_shown_is_incremental_and_a_person_waits_past_the_window() -> None:
    service = SERVICES["slack"]()
    people = People(1, window=2)
    people.next[0] = 2
    assert people.waiting(service, 0)
    service.fake.calls.append(Call("chat.postMessage", {"channel": "U0", "text": "/k0x0."}))
    assert not people.waiting(service, 0)
    service.fake.calls.append(Call("chat.postMessage", {"channel": "U0", "text": "/k0x1."}))
    assert service.replies().shown == {0: [(0, False), (1, False)]}
    assert service.replies().shown == {0: [(0, False), (1, False)]}  # not read twice
