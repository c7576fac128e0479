"""Who may call /api/messages, and the credentials the assistant answers Teams with.

Incoming: every request must carry a token signed by the Bot Framework / Entra ID for our
app id, checked by the Agents SDK's JwtTokenValidator; anything else is 401. `anonymous`
skips that for local testing only. Outgoing: MSAL client credentials for our app id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import jwt
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import RestChannelServiceClientFactory
from microsoft_agents.hosting.core.authorization import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ClaimsIdentity,
    JwtTokenValidator,
)

from bot.channels.teams.trust import trusted_issuer
from bot.config import MsTeamsConfig, TeamsAuth
from bot.errors import ChannelUnavailable

log = logging.getLogger(__name__)
BOT_FRAMEWORK = "https://api.botframework.com"
# MSAL error codes that mean the credentials themselves were refused (not an outage).
REFUSALS = ("invalid_client", "unauthorized_client", "invalid_request", "AADSTS")
# Builds the SDK's connection manager (outgoing credentials) from our app's configuration.
ConnectionsFactory = Callable[[AgentAuthConfiguration], Any]


class _PublishedKeysValidator(JwtTokenValidator):  # type: ignore[misc]
    """The SDK's validator, reading signing keys from one configured address."""

    def __init__(self, configuration: AgentAuthConfiguration, keys_url: str) -> None:
        super().__init__(configuration)
        self._keys_url = keys_url

    async def _get_public_key_or_secret(self, token: str) -> Any:
        header = jwt.get_unverified_header(token)
        return await self._jwk_client_manager.get_signing_key(self._keys_url, header)


class AnonymousConnections:
    """Credentials for `auth = "anonymous"`: outgoing calls carry no token."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration
        self._provider = AnonymousTokenProvider()

    def get_connection(self, connection_name: str) -> AnonymousTokenProvider:
        return self._provider

    def get_default_connection(self) -> AnonymousTokenProvider:
        return self._provider

    def get_token_provider(
        self, claims: ClaimsIdentity, service_url: str
    ) -> AnonymousTokenProvider:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._configuration


class AnonymousClientFactory(RestChannelServiceClientFactory):  # type: ignore[misc]
    """For `auth = "anonymous"`: no user token either (replies go out proactively, where the
    SDK would otherwise insist on one)."""

    async def create_user_token_client(
        self, context: Any, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> Any:
        return await super().create_user_token_client(context, claims_identity, True)


class TeamsAuthenticator:
    """Checks incoming requests and supplies the SDK's connection manager."""

    def __init__(
        self, config: MsTeamsConfig, connections: ConnectionsFactory | None = None
    ) -> None:
        self.anonymous = config.auth is TeamsAuth.ANONYMOUS
        self.configuration = AgentAuthConfiguration(
            client_id=config.app_id or None,
            tenant_id=config.tenant_id or None,
            client_secret=config.client_secret or None,
            connection_name="SERVICE_CONNECTION",
            anonymous_allowed=self.anonymous,
        )
        self.connections = connections(self.configuration) if connections else self._connections()
        self._validator = (
            _PublishedKeysValidator(self.configuration, config.signing_keys_url)
            if config.signing_keys_url
            else JwtTokenValidator(self.configuration)
        )

    def client_factory(self) -> Any:
        """The SDK's client factory (None: its default)."""
        return AnonymousClientFactory(self.connections) if self.anonymous else None

    def _connections(self) -> Any:
        if self.anonymous:
            return AnonymousConnections(self.configuration)
        return MsalConnectionManager({"SERVICE_CONNECTION": self.configuration})

    async def check_credentials(self) -> None:
        """Acquire a Bot Framework token with our app id and secret, as every reply does."""
        provider = self.connections.get_default_connection()
        try:
            await provider.get_access_token(BOT_FRAMEWORK, [f"{BOT_FRAMEWORK}/.default"])
        except ValueError as error:  # MSAL's answer came back without a token
            refused = any(code in str(error) for code in REFUSALS)
            problem = (
                "Entra ID refused teams.app_id/teams.client_secret for teams.tenant_id "
                "(no token); check the Azure Bot's app registration and secret and start again"
                if refused
                else "no token from Entra ID (it did not answer as expected); will try again"
            )
            raise ChannelUnavailable("teams", problem, refused=refused) from error
        except OSError as error:  # requests' connection errors are OSErrors
            raise ChannelUnavailable(
                "teams",
                f"Entra ID did not answer: {type(error).__name__}; will try again",
                refused=False,
            ) from error

    async def claims(self, authorization: str | None) -> ClaimsIdentity | None:
        """The caller's verified claims; None when the request must be refused."""
        if self.anonymous:
            return self._validator.get_anonymous_claims()
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            claims: ClaimsIdentity = await self._validator.validate_token(token)
        except (jwt.PyJWTError, ValueError, KeyError) as problem:
            log.warning("refused a Teams request: %s", problem)
            return None
        if not trusted_issuer(claims.claims, self.configuration.ISSUERS):
            log.warning("refused a Teams request: token issuer not trusted")
            return None
        return claims
