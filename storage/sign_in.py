"""Dashboard sign-in links are signed tokens; storage only remembers which were used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from storage.tables import SignInUseRow


class SignInSql:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def used(self, nonce: str) -> bool:
        """Has this link been used?"""
        return bool(
            self._db.scalar(
                select(func.count()).select_from(SignInUseRow).where(SignInUseRow.nonce == nonce)
            )
        )

    def use(self, nonce: str, person_id: str, now: datetime) -> bool:
        """Mark a link used; False if it had been used before (a link works once)."""
        if self.used(nonce):
            return False
        try:
            with self._db.begin_nested():  # two tabs racing: the primary key lets one win
                self._db.execute(
                    insert(SignInUseRow).values(nonce=nonce, person_id=person_id, used_at=now)
                )
        except IntegrityError:
            return False
        return True
