"""The Slack channel, on Bolt: direct messages, /supervision, buttons, the preparation modal
and App Home; reminders and agenda drafts as direct messages.

Every request's signature is checked first (401, one log line, otherwise). A person's plain
direct message is then committed to the durable inbox and answered 200 without Bolt's
dispatch (`direct_message`: most acknowledgements, and Bolt's dispatch was most of their
cost). Everything else goes through Bolt, which runs with `process_before_response`, so
Slack's acknowledgement (the HTTP 200, or the Socket Mode envelope ack) goes only after our
listener has committed the event: either way an acknowledged event survives a crash. The answer is worked out in the background, and replies
go out through the reply outbox once the turn is stored. If the inbox cannot be written the
request gets 503 and Slack sends it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.assistant.forms import FormRejected, FormSubmission, form_fields, submit_form
from bot.assistant.gateway import Event, Gateway, unknown_person, unsaved
from bot.assistant.typed_commands import wants_form, without_form
from bot.channels.slack import commands
from bot.channels.slack.render import render
from bot.channels.slack.views import (
    PREP_FORM,
    form_answers,
    form_errors,
    home_view,
    late_refusal,
    prep_modal,
    stranger_view,
)
from bot.config import SlackConfig
from bot.errors import ChannelUnavailable, TryAgainLater
from dialogs.definitions import PREP
from dialogs.messages import Outbound

log = logging.getLogger(__name__)
CHANNEL = "slack"
RATE_LIMIT_RETRIES = 20  # 429s waited out (Retry-After) before giving up on one call
FORM_ACK_SECONDS = 2.5  # Slack waits 3 s for a view_submission answer
IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "channel_join"}


def direct_message(body: str) -> tuple[dict[str, Any], str] | None:
    """A person's direct message to the app, as the Events API sends it: (event, event id);
    None for anything else (Bolt's to route), including anything unusual about it."""
    if not body.startswith("{"):
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("type") != "event_callback":
        return None
    event, key = payload.get("event"), payload.get("event_id")
    if not isinstance(event, dict) or not isinstance(key, str) or not key:
        return None
    plain = event.get("type") == "message" and "subtype" not in event and "bot_id" not in event
    person, text = event.get("user"), event.get("text", "")
    if not plain or event.get("channel_type") != "im" or not isinstance(person, str):
        return None
    if not isinstance(text, str):
        return None
    return event, key


class SlackChannel:
    """The assistant's Slack app. Mount `routes()` on the server, or `start()` Socket Mode."""

    def __init__(self, config: SlackConfig, gateway: Gateway, *, socket_mode: bool = False) -> None:
        self._config = config
        self._socket_mode = socket_mode
        self._gateway = gateway
        self.client = AsyncWebClient(token=config.bot_token, base_url=config.api_url)
        self.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        )
        self.app = AsyncApp(
            name="supervision-assistant",  # unnamed, Bolt walks the call stack (0.3 s a start)
            client=self.client,
            signing_secret=config.signing_secret,
            process_before_response=True,
            # `_http` checks every HTTP request's signature before Bolt sees it (and answers a
            # bad one 401 with one log line); Bolt's own check of the same would be a second
            # HMAC on each acknowledgement. Socket Mode has no signatures to check.
            request_verification_enabled=False,
        )
        self._verifier = None if socket_mode else SignatureVerifier(config.signing_secret)
        self._socket: AsyncSocketModeHandler | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._bot_user: str | None = None  # our own user id (auth.test), whose posts we skip
        self._register()
        gateway.attach(CHANNEL, self, self._by_email)

    # -- serving -----------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [] if self._socket_mode else [web.post("/slack/events", self._http)]

    async def _http(self, request: web.Request) -> web.Response:
        body = await request.text()
        assert self._verifier is not None  # routes() mounts this over HTTP only
        if not self._verifier.is_valid_request(body, dict(request.headers)):
            log.warning("refused a Slack request: missing or wrong signature")
            return web.Response(status=401, text="invalid signature")
        direct = direct_message(body)
        if direct is not None and direct[0]["user"] != self._bot_user:
            return await self._acknowledge(*direct)
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:
            log.warning("refused a Slack request: the body is not a Slack payload")
            return web.Response(status=400, text="not a Slack payload")
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def _acknowledge(self, event: dict[str, Any], key: str) -> web.Response:
        """A person's direct message, signature checked: committed to the inbox, then 200.
        Bolt's dispatch (its context, middleware and listener matching) was most of the
        event loop's time per acknowledgement (issue 16), and a direct message needs none
        of it; everything else, and Socket Mode, still goes through Bolt."""
        try:
            await self._on_direct(event, key)
        except Exception as error:
            await self._on_error(error, None)
            return web.Response(status=503)
        return web.Response(status=200)

    async def start(self, *, serving: bool = True) -> None:
        """Check the bot token with auth.test; in Socket Mode, then connect (no public
        endpoint needed) unless not `serving`. ChannelUnavailable says what is wrong in one
        line."""
        if self.client.session is None:
            # One connection pool for every call: slack_sdk otherwise opens a new connection
            # per call (issue 16: `_sock_connect` was a fifth of the server's time under load).
            timeout = aiohttp.ClientTimeout(total=self.client.timeout)
            self.client.session = aiohttp.ClientSession(timeout=timeout)
        try:
            await self._check_token()
            if not self._socket_mode or not serving:
                return
            self._socket = AsyncSocketModeHandler(self.app, self._config.app_token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        except BaseException:
            await self.stop()  # nothing left open; a retry starts afresh
            raise

    def _share_auth(self, answer: Any) -> None:
        """Give Bolt the auth.test answer we got at start. Bolt asks Slack until it has one,
        so each event of a burst arriving before its first answer made its own call, on a new
        connection, before being acknowledged (issue 16: the slowest acks under load). Bolt
        keeps the answer on its authorization middleware and offers no setter. Our own user
        id is kept too: the direct path skips our own messages, as Bolt does."""
        self._bot_user = answer.get("user_id")
        for middleware in self.app._async_middleware_list:
            if isinstance(middleware, AsyncSingleTeamAuthorization):
                middleware.auth_test_result = middleware.auth_test_result or answer

    async def _check_token(self) -> None:
        try:
            self._share_auth(await self.client.auth_test())
        except SlackApiError as error:
            code = error.response.get("error")
            raise ChannelUnavailable(
                CHANNEL,
                f"Slack refused slack.bot_token (auth.test: {code}); set the app's bot token "
                "(xoxb-…) from its OAuth page and start again",
                refused=True,
            ) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ChannelUnavailable(
                CHANNEL,
                f"Slack's API ({self._config.api_url}) did not answer: "
                f"{type(error).__name__}; will try again",
                refused=False,
            ) from error

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._background:  # late form replies still posting
            await asyncio.gather(*self._background, return_exceptions=True)
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    # -- listeners ---------------------------------------------------------------------

    def _register(self) -> None:
        self.app.error(self._on_error)
        self.app.event("message")(self._on_message)
        self.app.event("app_home_opened")(self._on_home)
        self.app.command("/supervision")(self._on_command)
        self.app.action({"type": "block_actions", "action_id": commands.BUTTON})(self._on_button)
        self.app.view(PREP_FORM)(self._on_form)

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") in IGNORED_SUBTYPES:
            return
        await self._on_direct(event, str(body.get("event_id") or f"ts:{event.get('ts')}"))

    async def _on_direct(self, event: dict[str, Any], key: str) -> None:
        text = commands.unescape(event.get("text") or "")
        await self._receive(event["user"], key, text=text, typed=True)

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        words = commands.unescape(str(command.get("text") or "")).split()
        if wants_form(words):
            await ack()
            await self._open_form(command["trigger_id"], words)
            return
        in_dm = str(command.get("channel_id", "")).startswith("D")
        await ack() if in_dm else await ack(commands.ACKNOWLEDGED)
        text = commands.from_slash(words)
        key = f"command:{command.get('trigger_id')}"
        await self._receive(command["user_id"], key, text=text)

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        user = body["user"]["id"]
        key = f"action:{body.get('container', {}).get('message_ts')}:{action.get('action_ts')}"
        await self._receive(user, key, value=str(action.get("value", "")), button=True)
        await ack()

    async def _on_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Store the modal; refusals go back onto the form while Slack still waits (3 s),
        after that the outcome (with the answers, if refused) follows as a direct message."""
        user = body["user"]["id"]
        work = asyncio.ensure_future(self._store_form(user, view))
        try:
            errors, replies = await asyncio.wait_for(asyncio.shield(work), FORM_ACK_SECONDS)
        except TimeoutError:
            await ack()
            self._later(self._late_form(user, view, work))
            return
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await self._post(user, replies)

    async def _late_form(
        self,
        user: str,
        view: dict[str, Any],
        work: asyncio.Future[tuple[dict[str, str] | None, list[Outbound]]],
    ) -> None:
        errors, replies = await work
        await self._post(user, [late_refusal(errors, view["state"])] if errors else replies)

    def _later(self, work: Any) -> None:
        """Run after the acknowledgement (nothing in it is an answer to keep)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _store_form(
        self, user: str, view: dict[str, Any]
    ) -> tuple[dict[str, str] | None, list[Outbound]]:
        fields = form_fields(PREP)
        person = await self._gateway.person(CHANNEL, user, self._by_email)
        if person is None:
            return {fields[0].key: unknown_person(CHANNEL, user).text[:500]}, []
        key = f"view:{view['id']}:{view.get('hash', '')}"
        answers = form_answers(view["state"])
        form = FormSubmission(person, CHANNEL, view["private_metadata"], answers, key)
        try:
            return None, await submit_form(self._gateway.assistant, form)
        except FormRejected as rejected:
            return form_errors(rejected.problems, fields), []
        except TryAgainLater as problem:
            return {fields[0].key: unsaved(problem).text}, []

    async def _on_home(self, event: dict[str, Any]) -> None:
        if event.get("tab") == "home":
            self._later(self._publish_home(event["user"]))

    async def _publish_home(self, user: str) -> None:
        person = await self._gateway.person(CHANNEL, user, self._by_email)
        view = (
            stranger_view(unknown_person(CHANNEL, user).text)
            if person is None
            else home_view(await self._gateway.home(person))
        )
        await self.client.views_publish(user_id=user, view=view)

    async def _open_form(self, trigger_id: str, words: list[str]) -> None:
        command = commands.from_slash(without_form(words))
        case_ref = command.split()[1] if len(command.split()) > 1 else ""
        await self.client.views_open(
            trigger_id=trigger_id, view=prep_modal(command, case_ref, form_fields(PREP))
        )

    # -- conversation and delivery -----------------------------------------------------

    async def _receive(
        self,
        user: str,
        key: str,
        *,
        text: str = "",
        value: str | None = None,
        typed: bool = False,
        button: bool = False,
    ) -> None:
        """Commit the event to the inbox; Slack is acknowledged when this returns."""
        address = {"user": user}
        event = Event(CHANNEL, user, key, address, text, value, typed=typed, button=button)
        await self._gateway.receive(event)

    async def _on_error(self, error: Exception, response: Any) -> None:
        """A listener failed (the inbox could not be written): 503, so Slack retries."""
        if isinstance(error, TryAgainLater):
            log.warning("Slack event not stored yet (Slack will retry): %s", error)
        else:
            log.error("Slack listener failed", exc_info=error)
        if response is not None:
            response.status = 503

    async def reply(self, address: dict[str, Any], messages: list[Outbound]) -> bool:
        """Deliver queued replies to a person's direct messages; False if Slack refused."""
        return await self.send(str(address["user"]), str(address["user"]), messages)

    async def _post(self, user_id: str, replies: list[Outbound]) -> None:
        files = [r for r in replies if r.document is not None]
        text = [r for r in replies if r.document is None]
        for message in render(text):
            await self.client.chat_postMessage(
                channel=user_id, text=message.text, blocks=message.blocks
            )
        for reply in files:
            await self._upload(user_id, reply)

    async def _upload(self, user_id: str, reply: Outbound) -> None:
        """A Word file into the person's direct messages (files_upload_v2)."""
        assert reply.document is not None
        opened = await self.client.conversations_open(users=user_id)
        await self.client.files_upload_v2(
            channel=opened["channel"]["id"],
            content=reply.document.content,
            filename=reply.document.filename,
            title=reply.document.title,
            initial_comment=reply.text,
        )

    async def post_to_channel(self, channel_id: str, messages: list[Outbound]) -> bool:
        """Post in a team channel (the assistant must be a member); False if refused."""
        return await self.send(f"channel {channel_id}", channel_id, messages)

    async def send(self, person_id: str, user_id: str, messages: list[Outbound]) -> bool:
        """Deliver to a person (a reminder, an agenda draft); False if Slack refused."""
        try:
            if "@" in user_id:  # listed by e-mail: find their Slack id once, then remember it
                found = await self.client.users_lookupByEmail(email=user_id)
                user_id = found["user"]["id"]
                await self._gateway.link(CHANNEL, user_id, person_id)
            await self._post(user_id, messages)
        except SlackApiError as error:
            log.warning("Slack refused a message to %s: %s", person_id, error.response.get("error"))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack unreachable for %s: %s", person_id, error)
            return False
        return True

    async def _by_email(self, user_id: str) -> str | None:
        """The person whose import row lists this Slack user's e-mail (if the council allows)."""
        if not self._config.match_by_email:
            return None
        try:
            info = await self.client.users_info(user=user_id)
        except SlackApiError:
            return None
        email = (info.get("user") or {}).get("profile", {}).get("email")
        if not email:
            return None
        return await self._gateway.person(CHANNEL, email)  # rows may list an e-mail as the id
