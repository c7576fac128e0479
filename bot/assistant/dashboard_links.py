"""Signed tokens for the dashboard: one-time sign-in links sent in chat, and session cookies.

A token is `base64url(JSON payload).base64url(HMAC-SHA256(secret, payload))`. A sign-in
link carries the person, an expiry and a random nonce; the web side accepts it once (the
nonce is stored when used), before it expires, and only with a valid signature. A session
carries the person, an expiry and its own nonce, from which the CSRF token of every form is
derived. Chat identities are already verified by each channel, so a link asked for in chat
signs in the person who asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.assistant.access import QA_ACCESS
from dialogs.messages import Outbound
from storage.sql import SqlTransaction
from storage.store import Transaction


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Signer:
    """Signs and checks payloads with one secret (HMAC-SHA256)."""

    secret: bytes

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps({"for": purpose, **payload}, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def read(self, purpose: str, token: str) -> dict[str, Any] | None:
        """The payload, or None if the token is malformed, forged or for another purpose."""
        body, _, mac = token.partition(".")
        if not body or not mac or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return None
        if not isinstance(payload, dict) or payload.get("for") != purpose:
            return None
        return payload

    def derive(self, label: str, value: str) -> str:
        """A value only the holder of the secret can compute (e.g. a form's CSRF token)."""
        return self._mac(_b64(f"{label}|{value}".encode()))

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())


@dataclass(frozen=True, slots=True)
class Grant:
    """What a valid token says: who, until when, and its nonce."""

    person_id: str
    expires: datetime
    nonce: str


class DashboardLinks:
    """Issues sign-in links (in chat) and reads links and sessions (on the web)."""

    def __init__(
        self, *, signer: Signer, base_url: str, link_ttl: timedelta, session_ttl: timedelta
    ) -> None:
        self.signer = signer
        self.base_url = base_url.rstrip("/")
        self.link_ttl = link_ttl
        self.session_ttl = session_ttl

    def link(self, person_id: str, now: datetime) -> str:
        """A one-time sign-in address for `person_id`, valid for `link_ttl`."""
        token = self._token("link", person_id, now + self.link_ttl)
        return f"{self.base_url}/signin/{token}"

    def session(self, person_id: str, now: datetime) -> str:
        """A session cookie value for `person_id`, valid for `session_ttl`."""
        return self._token("session", person_id, now + self.session_ttl)

    def read(self, purpose: str, token: str, now: datetime) -> Grant | None:
        """The grant of a valid, unexpired token; None otherwise (forged, expired, other use)."""
        payload = self.signer.read(purpose, token)
        if payload is None:
            return None
        try:
            grant = Grant(
                str(payload["p"]), datetime.fromisoformat(str(payload["e"])), str(payload["n"])
            )
        except (KeyError, ValueError):
            return None
        return grant if now < grant.expires else None

    def csrf(self, grant: Grant) -> str:
        """The CSRF token of a session's forms."""
        return self.signer.derive("csrf", grant.nonce)

    def _token(self, purpose: str, person_id: str, expires: datetime) -> str:
        payload = {"p": person_id, "e": expires.isoformat(), "n": secrets.token_urlsafe(18)}
        return self.signer.sign(purpose, payload)


def dashboard_reply(
    tx: Transaction, links: DashboardLinks | None, person_id: str, now: datetime
) -> Outbound:
    """The answer to /dashboard: a one-time sign-in link for someone in the directory."""
    if links is None:
        return Outbound("The dashboard is not switched on here (sva serve runs it).")
    person = tx.person(person_id)
    if person is None:
        return Outbound("The dashboard is for people in the council's directory.")
    if person.access != QA_ACCESS and not _supervises(tx, person_id):
        return Outbound(
            "The dashboard shows the people you supervise or manage, and the directory lists "
            "nobody you supervise; your own supervision is in /agenda. If that is wrong, ask "
            "whoever imports the directory to check your team's supervisor_id."
        )
    minutes = int(links.link_ttl.total_seconds() // 60)
    return Outbound(
        f"Your dashboard sign-in link (it works once, for {minutes} minutes; don't share it):\n"
        f"{links.link(person_id, now)}"
    )


def _supervises(tx: Transaction, person_id: str) -> bool:
    """Whether someone in the directory has this person as their supervisor (the dashboard
    refuses everyone else but QA readers; a store without the directory's tables: yes)."""
    if not isinstance(tx, SqlTransaction):
        return True
    reports = {p.id for p in tx.oversight.reports_of([person_id])}
    return bool(reports - tx.oversight.leavers(sorted(reports)))
