"""REST routes of the fake Discord: login, gateway discovery, commands, channels and messages.

Each handler answers as discord-api-docs describes (status codes, error codes, message objects)
so discord.py raises the same exceptions it would in production: ``NotFound`` for 10003/10008,
``Forbidden`` for 50001/50013, ``HTTPException`` 400 with code 50035 for a body over a limit.
Route placeholders use discord.py's names so :class:`RateLimits` keys match its route keys.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakes.discord_gateway import FakeGateway
from tests.fakes.discord_http import (
    API_PREFIX,
    FakeOptions,
    discord_error,
    json_response,
    read_json,
    read_uploads,
)
from tests.fakes.discord_payloads import Payload
from tests.fakes.discord_state import DiscordState, StoredMessage
from tests.fakes.discord_validation import (
    FormErrors,
    is_empty_message,
    validate_commands,
    validate_message,
)

__all__ = ["RestRoutes", "invalid_body", "message_errors"]

GUILDS_INTENT, GUILD_MESSAGES_INTENT, DIRECT_MESSAGES_INTENT = 1 << 0, 1 << 9, 1 << 12
_FORBIDDEN_MESSAGES = {50001: "Missing Access", 50013: "Missing Permissions"}
CANNOT_MESSAGE_USER = 50007  # opcodes-and-status-codes.md: "Cannot send messages to this user"
UNKNOWN_USER = 10013
# Discord sends every DM event to shard 0 (topics/gateway.md, "Sharding"); guild id 0 is
# what the gateway's shard formula maps to shard 0.
_DM_SHARD_GUILD = 0


def message_errors(
    body: Any, *, allow_empty: bool = False, prefix: tuple[str, ...] = ()
) -> web.Response | None:
    """The 400 Discord would send for a message body, or ``None`` when it is acceptable.

    ``prefix`` locates the message inside a larger body (``("data",)`` in a callback).
    """
    if not isinstance(body, dict):
        return discord_error(400, 50109, "The request body contains invalid JSON.")
    if not allow_empty and is_empty_message(body):
        return discord_error(400, 50006, "Cannot send an empty message")
    errors = FormErrors(prefix)
    validate_message(body, errors)
    return invalid_body(errors)


def invalid_body(errors: FormErrors) -> web.Response | None:
    """A 50035 "Invalid Form Body" reply when ``errors`` holds anything."""
    return json_response(errors.body(), 400) if errors else None


class RestRoutes:
    """Handlers for the bot-token routes; registered on the app by :meth:`register`."""

    def __init__(self, state: DiscordState, gateway: FakeGateway, options: FakeOptions) -> None:
        self.state = state
        self.gateway = gateway
        self.options = options

    def register(self, router: web.UrlDispatcher) -> None:
        """Mount every route under ``/api/v10``."""
        p = API_PREFIX
        router.add_get(f"{p}/users/@me", self.get_me)  # before /users/{user_id}: "@me" wins
        router.add_post(f"{p}/users/@me/channels", self.create_dm)
        router.add_get(f"{p}/users/{{user_id}}", self.get_user)
        router.add_get(f"{p}/oauth2/applications/@me", self.get_application)
        router.add_get(f"{p}/gateway", self.get_gateway)
        router.add_get(f"{p}/gateway/bot", self.get_gateway_bot)
        for scope in ("", "/guilds/{guild_id}"):
            path = f"{p}/applications/{{application_id}}{scope}/commands"
            router.add_get(path, self.get_commands)
            router.add_put(path, self.put_commands)
        router.add_get(f"{p}/channels/{{channel_id}}", self.get_channel)
        router.add_get(f"{p}/channels/{{channel_id}}/messages", self.list_messages)
        router.add_post(f"{p}/channels/{{channel_id}}/messages", self.create_message)
        message = f"{p}/channels/{{channel_id}}/messages/{{message_id}}"
        router.add_get(message, self.get_message)
        router.add_patch(message, self.edit_message)
        router.add_delete(message, self.delete_message)
        router.add_post(f"{message}/threads", self.create_thread)

    # -- login and gateway discovery -----------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        """``GET /users/@me``: the bot user (discord.py's ``static_login``)."""
        return json_response(self.state.bot_user)

    async def get_application(self, request: web.Request) -> web.Response:
        """``GET /oauth2/applications/@me``: read by ``Client.login`` for the application id."""
        return json_response(self.state.application)

    async def get_gateway(self, request: web.Request) -> web.Response:
        """``GET /gateway``."""
        return json_response({"url": self.gateway.url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        """``GET /gateway/bot``: recommended shards and the IDENTIFY budget (1000 a day)."""
        used = len(self.gateway.sessions)
        limit = {
            "total": 1000,
            "remaining": 1000 - used,
            "reset_after": 86_400_000,
            "max_concurrency": 1,
        }
        body = {
            "url": self.gateway.url,
            "shards": self.options.shard_count,
            "session_start_limit": limit,
        }
        return json_response(body)

    # -- users and direct messages -------------------------------------------------------

    async def get_user(self, request: web.Request) -> web.Response:
        """``GET /users/{id}`` (``Client.fetch_user``): 404 / 10013 for a user nobody knows."""
        user_id = request.match_info["user_id"]
        user = self.state.users.get(int(user_id)) if user_id.isdigit() else None
        return json_response(user) if user else discord_error(404, UNKNOWN_USER, "Unknown User")

    async def create_dm(self, request: web.Request) -> web.Response:
        """``POST /users/@me/channels`` (``User.create_dm``): the recipient's DM channel.

        Opening a DM never fails for a user who refuses DMs: Discord only refuses the
        message (403 / 50007, see :meth:`create_message`). A DM with the bot itself is 400 /
        50007; an id nobody knows is 404 / 10013 Unknown User.
        """
        body = await read_json(request)
        raw = body.get("recipient_id") if isinstance(body, dict) else None
        if raw is None or not str(raw).isdigit():
            errors = FormErrors()
            errors.add(("recipient_id",), "BASE_TYPE_REQUIRED", "This field is required")
            return json_response(errors.body(), 400)
        user_id = int(str(raw))
        if user_id == int(self.state.bot_user["id"]):
            return discord_error(400, CANNOT_MESSAGE_USER, "Cannot send messages to this user")
        if user_id not in self.state.users:
            return discord_error(404, UNKNOWN_USER, "Unknown User")
        return json_response(self.state.open_dm(user_id))

    # -- application commands -----------------------------------------------------------

    def _scope(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        if request.match_info["application_id"] != self.state.application["id"]:
            return None, discord_error(403, 50001, "Missing Access")
        guild_id = request.match_info.get("guild_id")
        return (int(guild_id) if guild_id else None), None

    async def get_commands(self, request: web.Request) -> web.Response:
        """``GET .../commands``: what the last bulk overwrite stored."""
        guild_id, error = self._scope(request)
        return error or json_response(self.state.commands.get(guild_id, []))

    async def put_commands(self, request: web.Request) -> web.Response:
        """``PUT .../commands``: bulk overwrite (``CommandTree.sync``), validated first."""
        guild_id, error = self._scope(request)
        if error:
            return error
        bodies = await read_json(request)
        if not isinstance(bodies, list):
            return discord_error(400, 50109, "The request body contains invalid JSON.")
        errors = FormErrors()
        validate_commands(bodies, errors)
        return invalid_body(errors) or json_response(self.state.put_commands(guild_id, bodies))

    # -- channels and messages -----------------------------------------------------------

    def _channel(self, request: web.Request) -> tuple[int, web.Response | None]:
        """The channel id, or the 404/403 Discord gives for it."""
        channel_id = int(request.match_info["channel_id"])
        if channel_id not in self.state.channels:
            return channel_id, discord_error(404, 10003, "Unknown Channel")
        code = self.state.forbidden.get(channel_id)
        if code is not None:
            return channel_id, discord_error(403, code, _FORBIDDEN_MESSAGES.get(code, "Forbidden"))
        return channel_id, None

    def _message(self, request: web.Request) -> tuple[StoredMessage | None, web.Response | None]:
        channel_id, error = self._channel(request)
        if error:
            return None, error
        found = self.state.find_message(channel_id, int(request.match_info["message_id"]))
        return found, (None if found else discord_error(404, 10008, "Unknown Message"))

    async def get_channel(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}``."""
        channel_id, error = self._channel(request)
        return error or json_response(self.state.channels[channel_id])

    async def list_messages(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages``: newest first; ``limit`` 1–100 (default 50)."""
        channel_id, error = self._channel(request)
        if error:
            return error
        query = request.query
        try:
            limit = int(query.get("limit", 50))
            bounds = {k: int(query[k]) for k in ("before", "after", "around") if k in query}
        except ValueError:
            return discord_error(400, 50035, "Invalid Form Body")
        if not 1 <= limit <= 100:
            errors = FormErrors()
            errors.add(("limit",), "NUMBER_TYPE_MAX", "int value should be <= 100 and >= 1.")
            return json_response(errors.body(), 400)
        return json_response(self.state.history(channel_id, limit=limit, **bounds))

    async def create_message(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/messages`` with Discord's nonce semantics.

        With ``enforce_nonce: true`` a repeated nonce in the same channel within the nonce
        window returns the message already created instead of posting a second one.
        """
        channel_id, error = self._channel(request)
        body, uploads = await read_uploads(request)
        error = error or message_errors(body) or self._refused_dm(channel_id)
        if error:
            return error
        stored, created = self.state.create_message(channel_id, body, files=uploads)
        if created:
            await self.announce("MESSAGE_CREATE", stored.payload, channel_id, GUILD_MESSAGES_INTENT)
        return json_response(stored.payload)

    def _refused_dm(self, channel_id: int) -> web.Response | None:
        """403 / 50007 for a DM to a user who blocks the bot or closed DMs, as Discord says."""
        recipient = self.state.dm_recipient(channel_id)
        if recipient is None or recipient not in self.state.refusing_dms:
            return None
        return discord_error(403, CANNOT_MESSAGE_USER, "Cannot send messages to this user")

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages/{mid}``."""
        found, error = self._message(request)
        return error or json_response(found.payload if found else None)

    async def edit_message(self, request: web.Request) -> web.Response:
        """``PATCH /channels/{id}/messages/{mid}``: validated like a create; files appended."""
        found, error = self._message(request)
        body, uploads = await read_uploads(request)
        error = error or message_errors(body, allow_empty=True)
        if error or found is None:
            return error or discord_error(404, 10008, "Unknown Message")
        self.state.edit_message(found, body, uploads)
        return json_response(found.payload)

    async def delete_message(self, request: web.Request) -> web.Response:
        """``DELETE /channels/{id}/messages/{mid}``: 204."""
        found, error = self._message(request)
        if error or found is None:
            return error or discord_error(404, 10008, "Unknown Message")
        self.state.messages[found.channel_id].remove(found)
        self.state.changed()
        return web.Response(status=204)

    async def create_thread(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/messages/{mid}/threads``: a public thread on a message."""
        found, error = self._message(request)
        if error or found is None:
            return error or discord_error(404, 10008, "Unknown Message")
        if found.id in self.state.channels:
            return discord_error(400, 160004, "A thread has already been created for this message")
        body = await read_json(request) or {}
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors = FormErrors()
            errors.length_between(("name",), name, 1, 100)
            return json_response(errors.body(), 400)
        thread = self.state.create_thread(found.channel_id, found.id, body)
        found.payload["thread"] = thread
        await self.announce(
            "THREAD_CREATE", {**thread, "newly_created": True}, found.id, GUILDS_INTENT
        )
        return json_response(thread, 201)

    async def announce(self, event: str, data: Payload, channel_id: int, intent: int) -> None:
        """Echo a change over the gateway to sessions whose intents ask for it.

        Events of a DM channel need ``DIRECT_MESSAGES`` instead of the guild intent and go to
        shard 0 only, as on Discord.
        """
        if not self.options.dispatch_message_events:
            return
        if self.state.dm_recipient(channel_id) is not None:
            await self.gateway.dispatch(
                event, data, guild_id=_DM_SHARD_GUILD, intent=DIRECT_MESSAGES_INTENT
            )
            return
        guild_id = self.state.guild_of(channel_id)
        payload = {**data, "guild_id": str(guild_id)} if guild_id is not None else data
        await self.gateway.dispatch(event, payload, guild_id=guild_id, intent=intent)
