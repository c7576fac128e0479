"""A fake of the Bot Framework connector service that Teams activities name as serviceUrl:
it records every activity sent to a conversation, with its Authorization header, and
publishes the signing keys of a local token issuer (for JWT validation tests)."""

from __future__ import annotations

import itertools
import time
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider, ClaimsIdentity

from tests.fakes.http_fake import Call, RecordingServer

APP_ID = "00000000-0000-0000-0000-00000000a99"
OUTBOUND_TOKEN = "outbound-test-token"


class FakeConnector(RecordingServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.uploads: dict[str, bytes] = {}  # file name -> bytes PUT to its upload URL

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/v3/conversations/{conversation}/activities", self._activity),
            web.post("/v3/conversations/{conversation}/activities/{reply_to}", self._activity),
            web.get("/keys", self._keys),
            web.put("/drive/{name}", self._upload),
        ]

    async def _upload(self, request: web.Request) -> web.Response:
        """The OneDrive upload session a file consent hands out: keeps the bytes."""
        body = await request.read()
        size = len(body)
        if request.headers.get("Content-Range") != f"bytes 0-{size - 1}/{size}":
            return web.Response(status=400, text="bad Content-Range")
        self.uploads[request.match_info["name"]] = body
        self.calls.append(Call("upload", {"bytes": size}, request.path, dict(request.headers)))
        return web.json_response({"id": "drive-item-1", "name": request.match_info["name"]},
                                 status=201)  # fmt: skip

    def upload_info(self, name: str) -> dict[str, str]:
        """What Teams sends when the person accepts a file consent card for `name`."""
        return {"name": name, "uploadUrl": f"{self.url}/drive/{name}",
                "contentUrl": f"https://council-my.sharepoint.com/personal/x/{name}",
                "uniqueId": "unique-1", "fileType": "docx"}  # fmt: skip

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        headers = dict(request.headers)
        self.calls.append(Call("activity", body, request.path, headers))
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _keys(self, request: web.Request) -> web.Response:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return web.json_response(
            {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}
        )

    def token(
        self,
        audience: str = APP_ID,
        *,
        key: Any = None,
        issuer: str = "https://api.botframework.com",
        service_url: str | None = None,
    ) -> str:
        """A Bot Framework-shaped token for `audience`, signed by this issuer (or by `key`),
        issued for this connector (or `service_url`)."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "iat": now, "nbf": now, "exp": now + 3600,
                  "serviceurl": service_url or self.url + "/"}  # fmt: skip
        signing = key or self.key
        return jwt.encode(claims, signing, algorithm="RS256", headers={"kid": self.kid})

    def sent(self) -> list[dict[str, Any]]:
        return [c.body for c in self.named("activity")]

    def texts(self) -> str:
        return "\n".join(a.get("text", "") for a in self.sent() if a.get("text"))

    def cards(self) -> list[dict[str, Any]]:
        return [
            att["content"]
            for a in self.sent()
            for att in a.get("attachments") or []
            if att.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]


class _FixedToken(AnonymousTokenProvider):  # type: ignore[misc]
    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return OUTBOUND_TOKEN


class FixedTokenConnections:
    """Outgoing credentials for tests: a fixed token instead of an MSAL call to Entra ID."""

    def __init__(self, configuration: Any) -> None:
        self._configuration = configuration
        self._provider = _FixedToken()

    def get_connection(self, connection_name: str) -> Any:
        return self._provider

    def get_default_connection(self) -> Any:
        return self._provider

    def get_token_provider(self, claims: ClaimsIdentity, service_url: str) -> Any:
        return self._provider

    def get_default_connection_configuration(self) -> Any:
        return self._configuration


class _RefusedToken(AnonymousTokenProvider):  # type: ignore[misc]
    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        # What the SDK's MsalAuth raises when Entra ID answers a wrong secret (AADSTS7000215).
        raise ValueError(
            "Failed to acquire token. {'error': 'invalid_client', 'error_description': "
            "'AADSTS7000215: Invalid client secret provided.'}"
        )


class RefusedTokenConnections(FixedTokenConnections):
    """Outgoing credentials that Entra ID refuses (a wrong client secret)."""

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self._provider = _RefusedToken()
