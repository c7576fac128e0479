"""The name check: it warns, it never blocks, and it lets the words of the work through."""

import pytest

from dialogs.names import possible_names
from tests.factories import Script, dialog_engine


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mum says Jayden is scared of the dog", ["Jayden"]),
        ("Visited on Monday with the Police and the School nurse", []),
        ("Kayla. She told me about Tyler-Rose and her Nan", ["Tyler-Rose"]),
        ("The CP conference is in March; Dad attended", []),
        ("", []),
    ],
)
def test_possible_names(text: str, names: list[str]) -> None:
    assert possible_names(text) == names


def test_a_possible_name_in_a_preparation_answer_is_pointed_out_but_kept() -> None:
    script = Script(dialog_engine(), "prep", case_ref="CR-1").say("Mum says Jayden is scared")
    assert "“Jayden” may be a name" in script.texts[0]
    assert script.state == "working_well"
    assert (
        script.conversation is not None
        and script.conversation.answers["worrying"] == "Mum says Jayden is scared"
    )
