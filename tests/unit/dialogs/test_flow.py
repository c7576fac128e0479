"""The walk (every answer's route through a dialog) agrees with the transitions machine."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.conversation import Answer, Conversation
from dialogs.definitions import ALL_DIALOGS
from dialogs.flow import DialogFlow

FLOWS = {d.name: DialogFlow(d) for d in ALL_DIALOGS}
# An answer as stored: text, a score, a list, skipped (None); or no answer yet.
ANSWERS = st.one_of(st.none(), st.just("an answer"), st.just(3), st.just(["one", "two"]))


def walk_by_firing(flow: DialogFlow, conversation: Conversation) -> tuple[list[str], str]:
    """The walk as the machine takes it: fire "next" through each settled prompt."""
    cursor = conversation.copy()
    cursor.state = flow.initial
    path: list[str] = []
    while flow.definition.is_prompt(cursor.state):
        answer = cursor.answers.get(cursor.state, "unanswered")
        prompt = flow.definition.prompt(cursor.state)
        if answer == "unanswered" or (answer is None and not prompt.is_optional(cursor)):
            break
        path.append(cursor.state)
        flow.fire(cursor, "next")
    return path, cursor.state


@settings(max_examples=300, deadline=None)
@given(data=st.data(), dialog=st.sampled_from(sorted(FLOWS)))
def test_the_walk_follows_the_machines_own_transitions(dialog: str, data: st.DataObject) -> None:
    flow = FLOWS[dialog]
    keys = [p.key for p in flow.definition.prompts]
    answered = data.draw(st.lists(st.sampled_from(keys), unique=True))
    answers: dict[str, Answer] = {key: data.draw(ANSWERS) for key in answered}
    context = data.draw(st.sampled_from([{"variant": "adhoc"}, {"variant": "scheduled"}, {}]))
    conversation = Conversation("p", dialog, keys[0], answers=answers, context=context)

    assert flow.walk(conversation) == walk_by_firing(flow, conversation)
