"""The assistant's own error hierarchy; SDK and driver errors are translated at the edges."""


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""


class TryAgainLater(AssistantError):
    """A message could not be saved (e.g. the database stayed busy); nothing was changed."""


class StorageRefused(TryAgainLater):
    """Nothing was saved, and nothing will be until someone acts: the database is read-only
    or full, or its file was deleted or replaced (the message says which, in one line). A
    kind of TryAgainLater, so whatever keeps unsaved work for a retry still does; a channel
    talking to a person says this message instead of "please send it again"."""


class ChannelUnavailable(AssistantError):
    """A chat channel could not start. `refused`: the service rejected our credentials (a
    configuration problem, fixed by the operator); otherwise it could not be reached."""

    def __init__(self, channel: str, problem: str, *, refused: bool) -> None:
        super().__init__(f"{channel}: {problem}")
        self.channel = channel
        self.refused = refused


class CannotListen(AssistantError):
    """The server could not listen on its address. `busy`: the port is in use (perhaps by
    the instance being replaced: worth trying again); otherwise the address is wrong."""

    def __init__(self, host: str, port: int, problem: str, *, busy: bool) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {problem}")
        self.busy = busy


def first_line(error: Exception) -> str:
    """An error's first line, for one line to an operator (a database driver's message goes
    on with the statement)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
