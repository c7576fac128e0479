"""Which Teams activities to trust, beyond the token's signature and audience.

- The token's issuer must be one the Agents SDK documents for our registration: the Bot
  Framework, or our tenant's Entra ID (v1 and v2 issuers) — `AgentAuthConfiguration.ISSUERS`.
- A Bot Framework token names the service it was issued for (`serviceurl` claim): it must be
  the activity's `serviceUrl`, so a token cannot be replayed with an activity pointing at a host
  of the sender's choosing (which would receive our bearer token and the replies).
- Whatever the token says, we only store, and only post to, a `serviceUrl` on an allowed host:
  Teams' own connector hosts by default (`teams.service_hosts`; tests name their fake's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

BOT_FRAMEWORK = "https://api.botframework.com"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def allowed_service_url(url: object, hosts: Sequence[str]) -> bool:
    """True if `url` is https (http only on loopback) on one of `hosts`."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in {h.lower() for h in hosts}:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)


def trusted_issuer(claims: dict[str, Any], issuers: Sequence[str]) -> bool:
    return claims.get("iss") in set(issuers)


def bound_to(claims: dict[str, Any], service_url: object) -> bool:
    """The token was issued for this activity's service: a Bot Framework token must carry a
    `serviceurl` claim equal to it; an Entra token carrying one must match too."""
    claimed = claims.get("serviceurl")
    if claimed is None:
        return claims.get("iss") != BOT_FRAMEWORK
    return isinstance(service_url, str) and _same(claimed, service_url)


def _same(a: str, b: str) -> bool:
    return a.rstrip("/").lower() == b.rstrip("/").lower()
