"""Random input to every dialog: never an exception, always a reply, never a bad state."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.definitions import ALL_DIALOGS
from dialogs.flow import DONE
from dialogs.messages import Expects
from tests.factories import NOW, Script, dialog_engine, inbound

ENGINE = dialog_engine(max_answer_chars=200)
WORDS = st.sampled_from(
    [
        "back",
        "skip",
        "cancel",
        "help",
        "/help",
        "confirm",
        "edit",
        "edit 1",
        "edit 99",
        "done",
        "That's all",
        "1",
        "2",
        "3",
        "0",
        "10",
        "11",
        "ten",
        "yes",
        "no",
        "",
        " ",
        "\x00",
    ]
)
INPUT = st.one_of(WORDS, st.text(max_size=300))
CONTEXTS = [{"case_ref": "CR-1", "variant": "adhoc"}, {"case_ref": "CR-2", "variant": "scheduled"}]


@settings(max_examples=150, deadline=None)
@given(
    dialog=st.sampled_from([d.name for d in ALL_DIALOGS]),
    context=st.sampled_from(CONTEXTS),
    lines=st.lists(INPUT, max_size=40),
)
def test_any_input_gets_a_reply_and_a_consistent_conversation(
    dialog: str, context: dict[str, str], lines: list[str]
) -> None:
    script = Script(ENGINE, dialog, **context)
    for line in lines:
        if script.conversation is None:
            break
        before = script.conversation.copy()
        turn = ENGINE.handle(script.conversation, inbound(line), NOW)
        assert turn.replies, "every message gets a reply"
        if turn.conversation is None:
            assert turn.changed
            continue
        assert turn.conversation.state != DONE
        assert turn.replies[-1].expects is not Expects.NONE, "the last reply asks for something"
        if not turn.changed:
            assert turn.conversation == before, "refused input changes nothing"
        for answer in turn.conversation.answers.values():
            assert not isinstance(answer, str) or 0 < len(answer) <= 200
        script.conversation = turn.conversation
