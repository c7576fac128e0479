"""Signing in with OpenID Connect (Microsoft Entra ID or any conforming provider).

Authorization code flow with PKCE (S256), `state` and `nonce`, through Authlib's OAuth 2.0
client; the ID token's signature is checked against the provider's published keys and its
issuer, audience, expiry and nonce with joserfc (Authlib's JOSE library). The claim named
by `web.oidc_claim` (Entra's `oid`, the object id) is matched to the `teams:` id in the
person's import row; nobody else gets in. The flow's state, nonce and PKCE verifier travel
in a short-lived signed, HttpOnly cookie, so any `sva serve` process can finish it.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from aiohttp import web
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from bot.web.app import Web, see_other
from storage.sql import SqlTransaction

FLOW_COOKIE = "sva_oidc"
FLOW_TTL = timedelta(minutes=10)
TIMEOUT = 10  # seconds for each call to the provider
REFUSED = "Signing in with your council account did not work. Try again, or ask the assistant for a link: type /dashboard in chat."
UNKNOWN = "Your council account is not linked to anyone in the assistant's directory (the teams: id of your import row)."


@dataclass(frozen=True, slots=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    claim: str
    redirect_uri: str


class Oidc:
    """The two routes of the flow: /signin/oidc and /signin/oidc/callback."""

    def __init__(self, web_: Web, settings: OidcSettings) -> None:
        self.web = web_
        self.settings = settings
        self._metadata: dict[str, Any] | None = None

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/signin/oidc", self.start),
            web.get("/signin/oidc/callback", self.callback),
        ]

    def _client(self) -> OAuth2Session:
        s = self.settings
        return OAuth2Session(
            s.client_id,
            s.client_secret,
            scope="openid profile",
            redirect_uri=s.redirect_uri,
            code_challenge_method="S256",
        )

    async def _discover(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            found: dict[str, Any] = await asyncio.to_thread(_get_json, url)
            self._metadata = found
            return found
        return self._metadata

    async def start(self, request: web.Request) -> web.StreamResponse:
        try:
            metadata = await self._discover()
        except (requests.RequestException, ValueError):
            return self.web.render("refused.html", request, status=502, message=REFUSED)
        nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        url, state = self._client().create_authorization_url(
            metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier
        )
        expires = (self.web.clock() + FLOW_TTL).isoformat()
        flow = self.web.links.signer.sign(
            "oidc", {"s": state, "n": nonce, "v": verifier, "e": expires}
        )
        response = see_other(url)
        response.set_cookie(
            FLOW_COOKIE,
            flow,
            max_age=int(FLOW_TTL.total_seconds()),
            httponly=True,
            secure=self.web.secure_cookies,
            samesite="Lax",
            path="/signin/oidc",
        )
        return response

    async def callback(self, request: web.Request) -> web.StreamResponse:
        flow = self.web.links.signer.read("oidc", request.cookies.get(FLOW_COOKIE, ""))
        state, code = request.query.get("state", ""), request.query.get("code", "")
        if (
            flow is None
            or not code
            or not secrets.compare_digest(state, str(flow["s"]))
            or str(flow["e"]) < self.web.clock().isoformat()
        ):
            return self.web.render("refused.html", request, status=400, message=REFUSED)
        try:
            claims = await self._claims(code, str(flow["v"]), str(flow["n"]))
        except (requests.RequestException, ValueError, KeyError, JoseError, AuthlibBaseError):
            return self.web.render("refused.html", request, status=400, message=REFUSED)
        subject = str(claims.get(self.settings.claim, ""))
        person = await self.web.store.run_sql(lambda tx: _person(tx, subject)) if subject else None
        if person is None:
            return self.web.render("refused.html", request, status=403, message=UNKNOWN)
        response = see_other("/dashboard")
        self.web.start_session(response, person)
        response.del_cookie(FLOW_COOKIE, path="/signin/oidc")
        return response

    async def _claims(self, code: str, verifier: str, nonce: str) -> dict[str, Any]:
        """Exchange the code and return the ID token's claims, once every check has passed."""
        metadata = await self._discover()
        client = self._client()
        token = await asyncio.to_thread(
            client.fetch_token,
            metadata["token_endpoint"],
            code=code,
            code_verifier=verifier,
            timeout=TIMEOUT,
        )
        keys = KeySet.import_key_set(await asyncio.to_thread(_get_json, metadata["jwks_uri"]))
        decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
        return dict(decoded.claims)


def _get_json(url: str) -> Any:
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def _person(tx: SqlTransaction, subject: str) -> str | None:
    return tx.directory.person_for_chat("teams", subject)
