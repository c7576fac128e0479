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
def test_possible_names_basics(text: str, names: list[str]) -> None:
    assert possible_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Referred to the Hub on Monday",
        "Discussed at the Front Door, then at the Legal Gateway Panel",
        "Taken to Legal Planning Meeting; the Virtual School Head attended",
        # manchester:351-355 the case summary is against Safe, Happy, Healthy and Successful
        "Summary against Safe, Happy, Healthy and Successful done",
        "The Reg 24 assessment and the Connected Carers Panel",
        "Health Visitor and GP agree; Cafcass and Ofsted informed",
    ],
)
def test_ordinary_words_of_the_work_are_not_names(text: str) -> None:
    assert possible_names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mum took Kayla to the Hub", ["Kayla"]),
        ("Saw the Smiths at the Hub", ["Smiths"]),
        ("Spoke to the Smith family about Jayden", ["Smith", "Jayden"]),
        ("Met the Jones children at the Front Door", ["Jones"]),
        ("Visited the Ahmed household and the Smith's flat", ["Ahmed", "Smith's"]),
        ("Mum, Brook and the Hub worker", ["Brook"]),
    ],
)
def test_real_names_are_still_found_beside_the_ordinary_words(text: str, names: list[str]) -> None:
    assert possible_names(text) == names


def test_a_possible_name_in_a_preparation_answer_is_pointed_out_but_kept() -> None:
    script = Script(dialog_engine(), "prep", case_ref="CR-1").say("Mum says Jayden is scared")
    assert "“Jayden” may be a name" in script.texts[0]
    assert script.state == "working_well"
    assert (
        script.conversation is not None
        and script.conversation.answers["worrying"] == "Mum says Jayden is scared"
    )
