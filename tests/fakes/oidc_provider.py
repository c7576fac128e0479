"""A local OpenID Connect provider shaped like Microsoft Entra ID, for the dashboard sign-in.

Discovery, /authorize (signs the configured user in at once and redirects back with a code),
/token (authorization code + PKCE S256 + client secret → an RS256 ID token with `oid`), and
/keys (the JWKS). `misbehave` makes it issue a token a careful client must refuse.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.fakes.http_fake import Call, RecordingServer


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str


class FakeOidcProvider(RecordingServer):
    def __init__(self, *, client_id: str, client_secret: str, user_oid: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_oid = user_oid
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, Grant] = {}
        self.misbehave = ""  # "", "audience", "nonce", "expired", "signature"

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/.well-known/openid-configuration", self.discovery),
            web.get("/authorize", self.authorize),
            web.post("/token", self.token),
            web.get("/keys", self.keys),
        ]

    async def discovery(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/keys",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def authorize(self, request: web.Request) -> web.Response:
        q = request.query
        self.calls.append(Call("authorize", dict(q), request.path))
        if q.get("client_id") != self.client_id or q.get("code_challenge_method") != "S256":
            return web.Response(status=400, text="bad authorization request")
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(
            q["client_id"], q["redirect_uri"], q.get("nonce", ""), q["code_challenge"]
        )
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        return web.Response(status=302, headers={"Location": target})

    async def token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.calls.append(Call("token", {k: str(v) for k, v in form.items()}, request.path))
        grant = self.codes.pop(str(form.get("code", "")), None)
        client_id, secret = _client_auth(request, form)
        verifier = str(form.get("code_verifier", ""))
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            grant is None
            or (client_id, secret) != (self.client_id, self.client_secret)
            or challenge != grant.challenge
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        return web.json_response(
            {
                "access_token": "at",
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": self.id_token(grant),
            }
        )

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": "someone-else" if self.misbehave == "audience" else grant.client_id,
            "iat": now,
            "nbf": now,
            "exp": now - 60 if self.misbehave == "expired" else now + 600,
            "nonce": "another" if self.misbehave == "nonce" else grant.nonce,
            "oid": self.user_oid,
            "name": "Maya Manager",
        }
        key = (
            RSAKey.generate_key(2048, parameters={"kid": "k1"})
            if self.misbehave == "signature"
            else self.key
        )
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    async def keys(self, request: web.Request) -> web.Response:
        return web.json_response({"keys": [self.key.as_dict(private=False)]})


def _client_auth(request: web.Request, form: dict[str, Any]) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        return client_id, secret
    return str(form.get("client_id", "")), str(form.get("client_secret", ""))
