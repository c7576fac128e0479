"""The Microsoft Teams channel, on the Microsoft 365 Agents SDK: POST /api/messages on the
`sva serve` server, Adaptive Cards for choices, scales and the preparation form, and
proactive messages through the conversation reference kept from the person's last message.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, ConversationReference, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import ActivityHandler, TurnContext

from bot.assistant.forms import FormRejected, FormSubmission, form_fields, submit_form
from bot.assistant.gateway import Event, Gateway, unsaved
from bot.assistant.typed_commands import wants_form, without_form
from bot.channels.teams.auth import ConnectionsFactory, TeamsAuthenticator
from bot.channels.teams.cards import ANSWER, FORM, form_card, render
from bot.channels.teams.files import on_file_consent
from bot.channels.teams.trust import allowed_service_url, bound_to
from bot.config import MsTeamsConfig
from bot.errors import TryAgainLater
from dialogs.definitions import PREP
from dialogs.messages import Outbound

log = logging.getLogger(__name__)
CHANNEL = "teams"
HELLO = Outbound("Hello. I'm your supervision assistant. Type help to see what I can do.")
CHANNEL_HELLO = Outbound(
    "Hello. If this team's group supervision nudges are set to come here, they will."
)
PRIVATE_ONLY = Outbound(
    "I only talk about supervision in a private chat, so nothing here is kept. "
    "Please open a chat with me and write there."
)
SORRY = "Sorry, something went wrong on my side. Nothing you sent before this was lost."


class _Agent(ActivityHandler):  # type: ignore[misc]
    """The SDK's activity routing, handing messages and installs to the channel."""

    def __init__(self, channel: TeamsChannel) -> None:
        self._channel = channel

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self._channel.on_message(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        if turn_context.activity.name == "fileConsent/invoke":
            return await self._channel.on_file_consent(turn_context)
        return await super().on_invoke_activity(turn_context)

    async def on_members_added_activity(
        self, members_added: list[Any], turn_context: TurnContext
    ) -> None:
        await self._channel.on_installed(members_added, turn_context)


class TeamsChannel:
    def __init__(
        self, config: MsTeamsConfig, gateway: Gateway, connections: ConnectionsFactory | None = None
    ) -> None:
        self._config = config
        self._gateway = gateway
        self._auth = TeamsAuthenticator(config, connections)
        self.adapter = CloudAdapter(
            connection_manager=self._auth.connections,
            channel_service_client_factory=self._auth.client_factory(),
        )
        self.adapter.on_turn_error = self._on_error
        self._agent = _Agent(self)
        gateway.attach(CHANNEL, self)

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/api/messages", self._messages)]

    async def start(self, *, serving: bool = True) -> None:
        """Check that our app id and secret get a token from Entra ID (what every reply
        needs, serving or not); ChannelUnavailable says what is wrong in one line."""
        if self._auth.anonymous:
            log.warning("teams.auth = anonymous: /api/messages is NOT authenticated")
            return
        await self._auth.check_credentials()

    async def stop(self) -> None:
        return None

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        claims = await self._auth.claims(request.headers.get("Authorization"))
        if claims is None:
            return web.json_response({"error": "a valid bearer token is required"}, status=401)
        try:
            body = await request.json()
            service_url = body.get("serviceUrl") if isinstance(body, dict) else None
        except ValueError:
            log.warning("refused a Teams request: the body is not JSON")
            return web.json_response({"error": "not an activity"}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            log.warning("refused a Teams request: the body is not an activity")
            return web.json_response({"error": "not an activity"}, status=400)
        if not self._auth.anonymous and not bound_to(claims.claims, service_url):
            log.warning("refused a Teams request: token not issued for this serviceUrl")
            return web.json_response({"error": "token not issued for this service"}, status=401)
        if not allowed_service_url(service_url, self._config.service_hosts):
            log.warning("refused a Teams request: serviceUrl host not allowed")
            return web.json_response({"error": "serviceUrl not allowed"}, status=403)
        with warnings.catch_warnings():  # the SDK reads this string key, as its middleware sets it
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            request["claims_identity"] = claims
        response: web.StreamResponse = await self.adapter.process(request, self._agent)
        return response

    # -- turns -------------------------------------------------------------------------

    async def on_message(self, context: TurnContext) -> None:
        activity: Activity = context.activity
        if not _personal(activity):  # a mention in a team channel: dialogs are private
            await _reply(context, [PRIVATE_ONLY])
            return
        user_id = _user_id(activity)
        person = await self._gateway.person(CHANNEL, user_id)
        if person is not None:
            await self._remember(person, activity)
        key = f"activity:{activity.id}" if activity.id else None
        value = activity.value if isinstance(activity.value, dict) else {}
        text = (activity.text or "").strip()
        words = text.lstrip("/").split()
        if person is not None and FORM in value:
            await _reply(context, await self._submit(person, value, key))
        elif person is not None and wants_form(words):
            command = "/" + " ".join(without_form(words))
            title = f"Case preparation: {' '.join(words[1:2])}"
            await context.send_activity(form_card(command, title, form_fields(PREP)))
        else:
            # Committed to the inbox before the HTTP answer; replies follow through the outbox.
            address = _reference(activity)
            event_id = key or f"activity:{uuid.uuid4().hex}"
            if ANSWER in value:
                event = Event(
                    CHANNEL, user_id, event_id, address, "", str(value[ANSWER]), button=True
                )
            else:
                event = Event(CHANNEL, user_id, event_id, address, text, typed=True)
            await self._gateway.receive(event)

    async def on_file_consent(self, context: TurnContext) -> InvokeResponse:
        return await on_file_consent(self._gateway, CHANNEL, context)

    async def _submit(self, person: str, value: dict[str, Any], key: str | None) -> list[Outbound]:
        answers = {k: str(v) for k, v in value.items() if k != FORM and isinstance(v, str | int)}
        form = FormSubmission(person, CHANNEL, str(value[FORM]), answers, key)
        try:
            return await submit_form(self._gateway.assistant, form)
        except FormRejected as rejected:
            labels = {f.key: f.label for f in form_fields(PREP)}
            problems = [
                f"{labels.get(k, 'The form')}: {text}" for k, text in rejected.problems.items()
            ]
            return [
                Outbound(
                    "Not saved yet. "
                    + " ".join(problems)
                    + " Please correct the form and save it again."
                )
            ]
        except TryAgainLater as problem:
            return [unsaved(problem)]

    async def on_installed(self, members: list[Any], context: TurnContext) -> None:
        """When the app is added, keep the reference so reminders can reach the person (or,
        added to a team, so the team's group supervision nudges can reach its channel)."""
        activity: Activity = context.activity
        recipient = activity.recipient.id if activity.recipient else None
        if not _personal(activity):
            if any(member.id == recipient for member in members):
                await self._remember(_channel_key(activity.conversation.id), activity)
                await _reply(context, [CHANNEL_HELLO])
            return
        for member in members:
            if member.id == recipient:
                continue
            person = await self._gateway.person(
                CHANNEL, getattr(member, "aad_object_id", None) or member.id
            )
            if person is not None:
                await self._remember(person, activity)
                await _reply(context, [HELLO])

    async def _remember(self, person: str, activity: Activity) -> None:
        await self._gateway.remember_reference(CHANNEL, person, _reference(activity))

    async def _on_error(self, context: TurnContext, error: Exception) -> None:
        # Never echo the exception to the person: it may hold someone else's data.
        log.error("Teams turn failed", exc_info=error)
        await context.send_activity(Outbound(SORRY).text)

    # -- proactive ---------------------------------------------------------------------

    async def post_to_channel(self, channel_id: str, messages: list[Outbound]) -> bool:
        """Post in a team's channel, if the app was added to that team (else False)."""
        return await self.send(_channel_key(channel_id), channel_id, messages)

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        """Deliver through the stored conversation reference; False if there is none yet
        (the person has not talked to the assistant in Teams) or Teams refused."""
        stored = await self._gateway.reference(CHANNEL, person_id)
        if stored is None:
            return False
        return await self.reply(stored, messages, person_id)

    async def reply(
        self, address: dict[str, Any], messages: list[Outbound], who: str = "a person"
    ) -> bool:
        """Deliver through a conversation reference; False if Teams refused."""
        stored = address
        if not allowed_service_url(stored.get("serviceUrl"), self._config.service_hosts):
            log.warning("did not post to %s: serviceUrl host not allowed", who)
            return False
        continuation = ConversationReference.model_validate(stored).get_continuation_activity()

        async def deliver(context: TurnContext) -> None:
            await context.send_activities(render(messages))

        try:
            if self._auth.anonymous:  # no app id to build claims from: the anonymous ones
                claims = await self._auth.claims(None)
                await self.adapter.continue_conversation_with_claims(claims, continuation, deliver)
            else:
                await self.adapter.continue_conversation(self._config.app_id, continuation, deliver)
        except Exception as error:  # the SDK raises its HTTP client's errors as they come
            log.warning("Teams could not deliver to %s: %s", who, type(error).__name__)
            return False
        return True


async def _reply(context: TurnContext, replies: list[Outbound]) -> None:
    if replies:
        await context.send_activities(render(replies))


def _reference(activity: Activity) -> dict[str, Any]:
    """Where to answer this activity's conversation later (a stored conversation reference)."""
    reference: dict[str, Any] = activity.get_conversation_reference().model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return reference


def _user_id(activity: Activity) -> str:
    """The person's Entra object id (as in the import row), else their Teams user id."""
    sender = activity.from_property
    return str(getattr(sender, "aad_object_id", None) or sender.id)


def _personal(activity: Activity) -> bool:
    kind = activity.conversation.conversation_type if activity.conversation else None
    return kind in (None, "personal")


def _channel_key(conversation_id: str) -> str:
    """Where a team channel's reference is kept ("#" + channel id, never a person id)."""
    return "#" + conversation_id.split(";", 1)[0]
