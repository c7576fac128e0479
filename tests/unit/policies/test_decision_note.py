"""The decision case note in each council's own wording; person text comes out literally."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.definitions import DECISION
from policies.decision_note import render_decision_note
from policies.packs import load_packs
from policies.templates import make_templates
from storage.records import Decision, DecisionResponse

PACKS = load_packs()
DECISION_RECORD = Decision(
    id=3,
    case_ref="CR-9",
    recorded_by="tm1",
    acknowledge_by="sw1",
    answers={
        "presenting": "{{ 7*7 }} <script>alert(1)</script> <!channel>",
        "options": ["Visit today", "Strategy discussion"],
        "chosen": "Strategy discussion",
        "rationale": "Risk has increased",
        "disagreement": None,
        "actions": ["sw1 to visit by Friday, because of the new risk"],
        "child_seen": "yes",
        "acknowledge_by": "sw1",
    },
    corrects_id=1,
    created_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
    responses=(
        DecisionResponse(
            "sw1", "disputed", "Risk is lower", datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
        ),
    ),
)


@pytest.mark.parametrize(
    ("pack", "title"),
    [
        ("bexley", "Supervision/Management Oversight"),
        ("southwark", "Managers Decision"),
        ("manchester", "Ad Hoc Case Discussion"),
        ("somerset", "Managers Decisions and Actions"),
        ("central-bedfordshire", "Management Case Supervision"),
    ],
)
def test_each_council_names_the_case_note_its_own_way(pack: str, title: str) -> None:
    note = render_decision_note(DECISION_RECORD, PACKS[pack], DECISION, make_templates())
    assert note.splitlines()[0] == f"{title}: CR-9"


def test_the_note_has_every_answer_the_response_and_the_correction() -> None:
    note = render_decision_note(DECISION_RECORD, PACKS["southwark"], DECISION, make_templates())
    assert "Decision 3, recorded 23 Nov 2026 09:30 by tm1 (corrects decision 1)" in note
    assert "Options considered:\n- Visit today\n- Strategy discussion" in note
    assert "Option chosen:\nStrategy discussion" in note
    assert "Disagreement" not in note.split("Responses:")[0]  # skipped answers are left out
    assert "- 23 Nov 2026 11:00 sw1 disputed: Risk is lower" in note
    assert "{{ 7*7 }} <script>alert(1)</script> <!channel>" in note


def test_advice_is_exported_as_the_councils_advice_case_note() -> None:
    # southwark:1926-1928 written up as a case note on the file and copied to the manager
    from dataclasses import replace

    advice = replace(DECISION_RECORD, answers={**DECISION_RECORD.answers, "recorded_as": "advice"})
    note = render_decision_note(advice, PACKS["southwark"], DECISION, make_templates())
    assert note.startswith("Case note: advice and guidance (copied to the manager)")
    decision = render_decision_note(DECISION_RECORD, PACKS["southwark"], DECISION, make_templates())
    assert decision.startswith("Managers Decision")


def test_the_advice_note_body_says_it_is_advice_not_a_decision() -> None:
    # southwark:1948-1962 any management decisions remain with the manager
    from dataclasses import replace

    advice = replace(DECISION_RECORD, answers={**DECISION_RECORD.answers, "recorded_as": "advice"})
    note = render_decision_note(advice, PACKS["southwark"], DECISION, make_templates())
    assert note.splitlines()[1] == "Advice 3, recorded 23 Nov 2026 09:30 by tm1 (corrects 1)"
    assert "not a management decision" in note
    assert "Decision 3" not in note
