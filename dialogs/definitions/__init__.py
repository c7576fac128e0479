"""The dialogs the assistant offers. Wording is taken from the seeds cited in each prompt."""

from dialogs.definition import DialogDefinition
from dialogs.definitions.decision import DECISION
from dialogs.definitions.ears import EARS_CASE, EARS_PROFESSIONAL
from dialogs.definitions.prep import PREP
from dialogs.definitions.wellbeing import WELLBEING

ALL_DIALOGS: tuple[DialogDefinition, ...] = (
    PREP,
    EARS_CASE,
    EARS_PROFESSIONAL,
    WELLBEING,
    DECISION,
)

__all__ = ["ALL_DIALOGS", "DECISION", "EARS_CASE", "EARS_PROFESSIONAL", "PREP", "WELLBEING"]
