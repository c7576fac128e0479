"""Who is at the console: `sva chat --user X` (or the OS login) through the directory.

X is looked up among the `console:` identities of the people import, case-insensitively.
With nobody imported yet the console runs as a demo person, `demo:X`, whose records can
never be mixed with an imported person's (imports refuse ids starting with `demo:`).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.sql import SqlStore, SqlTransaction

DEMO_PREFIX = "demo:"


@dataclass(frozen=True, slots=True)
class ConsoleIdentity:
    """The person the console talks for (None: refused), and whether it is the demo."""

    person_id: str | None
    demo: bool = False

    @property
    def label(self) -> str:
        """What the console says about who you are, before the first message."""
        if self.demo:
            return (
                f"Demo: nobody has been imported yet, so you are the demo person "
                f"{self.person_id}. What you enter here is kept apart from imported people; "
                "import people (sva import people) with console:LOGIN identities to use yours."
            )
        return f"You are {self.person_id}."


def unknown_console_user(login: str) -> str:
    """The refusal for a console login nobody's import row lists."""
    return (
        f"Nobody in the directory has the console identity {login!r}. Ask your administrator "
        f"to add console:{login} to the chat column of your row in the people import "
        "(sva import people), or give yours with --user. Nothing was stored."
    )


async def console_identity(store: SqlStore, login: str) -> ConsoleIdentity:
    """The person whose import row lists `console:LOGIN` (any case), the demo person when
    the directory is empty, else a refusal (person_id None)."""

    def find(tx: SqlTransaction) -> ConsoleIdentity:
        found = tx.directory.person_for_console(login)
        if found is not None:
            return ConsoleIdentity(found)
        if tx.directory.count_people() == 0:
            return ConsoleIdentity(DEMO_PREFIX + login.lower(), demo=True)
        return ConsoleIdentity(None)

    return await store.run_sql(find)
