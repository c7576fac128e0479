"""The assistant's own error hierarchy; SDK and driver errors are translated at the edges."""


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""


class TryAgainLater(AssistantError):
    """A message could not be saved (e.g. the database stayed busy); nothing was changed."""
