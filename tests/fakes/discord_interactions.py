"""Interaction routes of the fake Discord: the callback, followups and ``@original``.

These are the token-authenticated endpoints (``interactions/receiving-and-responding.md``):

* ``POST /interactions/{id}/{token}/callback`` — exactly one per interaction (a second one is
  400, code 40060). discord.py 2.7 sends ``?with_response=1`` and parses the 200 body
  ``{"interaction": {...}, "resource": {...}}``; a bare 204 would break ``send_message``.
* ``POST /webhooks/{application_id}/{token}`` — followups; the first one after a defer
  (callback type 5) edits the "thinking" placeholder instead of posting a new message, and
  the defer, not the followup, decides whether it is ephemeral.
* ``GET``/``PATCH``/``DELETE /webhooks/{application_id}/{token}/messages/{id|@original}``.
"""

from __future__ import annotations

from aiohttp import web

from tests.fakes.discord_files import Upload
from tests.fakes.discord_http import (
    API_PREFIX,
    FakeOptions,
    discord_error,
    json_response,
    read_uploads,
)
from tests.fakes.discord_payloads import Payload
from tests.fakes.discord_ratelimit import ScaledTime
from tests.fakes.discord_rest import GUILD_MESSAGES_INTENT, RestRoutes, message_errors
from tests.fakes.discord_state import EPHEMERAL, LOADING, InteractionRecord, StoredMessage
from tests.fakes.discord_validation import FormErrors, validate_choices

__all__ = ["InteractionRoutes"]

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5  # interaction types
MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, CHOICES, MODAL = 4, 5, 6, 7, 8, 9  # callback types
# Which callback types each interaction type accepts (receiving-and-responding.md).
_ALLOWED = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED, MODAL},
    COMPONENT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE, MODAL},
    AUTOCOMPLETE: {CHOICES},
    MODAL_SUBMIT: {MESSAGE, DEFERRED, DEFERRED_UPDATE, UPDATE},
}
_CHAT_INPUT_COMMAND_MESSAGE = 20  # message type of a slash command's reply


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


class InteractionRoutes:
    """Handlers for interaction callbacks and the interaction webhook."""

    def __init__(self, rest: RestRoutes, options: FakeOptions, clock: ScaledTime) -> None:
        self.rest = rest
        self.state = rest.state
        self.options = options
        self.clock = clock

    def register(self, router: web.UrlDispatcher) -> None:
        """Mount the routes (placeholders named as in discord.py's ``Route``)."""
        p = API_PREFIX
        router.add_post(
            f"{p}/interactions/{{webhook_id}}/{{webhook_token}}/callback", self.callback
        )
        hook = f"{p}/webhooks/{{webhook_id}}/{{webhook_token}}"
        router.add_post(hook, self.followup)
        router.add_get(f"{hook}/messages/{{message_id}}", self.get_message)
        router.add_patch(f"{hook}/messages/{{message_id}}", self.edit_message)
        router.add_delete(f"{hook}/messages/{{message_id}}", self.delete_message)

    # -- callback ------------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        """The one response to an interaction."""
        interaction_id = request.match_info["webhook_id"]
        record = (
            self.state.interactions.get(int(interaction_id)) if interaction_id.isdigit() else None
        )
        if (
            record is None
            or record.token != request.match_info["webhook_token"]
            or self._expired(record)
        ):
            return discord_error(404, 10062, "Unknown interaction")
        if record.callbacks:
            return discord_error(400, 40060, "Interaction has already been acknowledged.")
        raw, uploads = await read_uploads(request)
        body: Payload = raw if isinstance(raw, dict) else {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in _ALLOWED.get(int(record.payload["type"]), set()):
            errors = FormErrors()
            errors.add(("type",), "INTERACTION_CALLBACK_TYPE_INVALID", "Invalid callback type")
            return json_response(errors.body(), 400)
        error = self._check(kind, data)
        if error:
            return error
        message = await self._apply(record, kind, data, uploads)
        record.callbacks.append(body)
        self.state.changed()
        if not _truthy(request.query.get("with_response")):
            return web.Response(status=204)
        return json_response(self._callback_response(record, kind, message))

    def _expired(self, record: InteractionRecord) -> bool:
        deadline = self.options.interaction_deadline
        if deadline is None:
            return False
        return self.clock.now() - record.created_at > self.clock.span(deadline)

    @staticmethod
    def _check(kind: int, data: Payload) -> web.Response | None:
        if kind in (MESSAGE, UPDATE):
            return message_errors(data, allow_empty=kind == UPDATE, prefix=("data",))
        if kind == CHOICES:
            errors = FormErrors(("data",))
            validate_choices(data.get("choices"), ("choices",), errors)
            return json_response(errors.body(), 400) if errors else None
        return None

    async def _apply(
        self, record: InteractionRecord, kind: int, data: Payload, uploads: list[Upload]
    ) -> StoredMessage | None:
        """Carry out the callback: post, defer or update a message (files kept with bytes)."""
        channel_id = int(record.payload["channel_id"])
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        message_type = (
            _CHAT_INPUT_COMMAND_MESSAGE if record.payload["type"] == APPLICATION_COMMAND else 0
        )
        if kind == MESSAGE:
            record.original = await self._post(
                record, channel_id, data, message_type, ephemeral, uploads
            )
        elif kind == DEFERRED:
            placeholder = {"content": "", "flags": LOADING | (EPHEMERAL if ephemeral else 0)}
            record.original = await self._post(
                record, channel_id, placeholder, message_type, ephemeral
            )
        elif kind == UPDATE:
            message_id = int(record.payload.get("message", {}).get("id", 0))
            target = self.state.find_message(channel_id, message_id)
            if target is not None:
                self.state.edit_message(target, data, uploads)
                record.original = target
        return record.original

    async def _post(
        self,
        record: InteractionRecord,
        channel_id: int,
        body: Payload,
        message_type: int,
        ephemeral: bool,
        uploads: list[Upload] | None = None,
    ) -> StoredMessage:
        stored, _ = self.state.create_message(
            channel_id,
            body,
            message_type=message_type,
            ephemeral=ephemeral,
            interaction_id=record.id,
            files=uploads or (),
        )
        if not ephemeral:
            await self.rest.announce(
                "MESSAGE_CREATE", stored.payload, channel_id, GUILD_MESSAGES_INTENT
            )
        return stored

    @staticmethod
    def _callback_response(
        record: InteractionRecord, kind: int, message: StoredMessage | None
    ) -> Payload:
        interaction: Payload = {
            "id": str(record.id),
            "type": record.payload["type"],
            "response_message_loading": kind == DEFERRED,
            "response_message_ephemeral": bool(message and message.flags & EPHEMERAL),
        }
        resource: Payload = {"type": kind}
        if message is not None and kind in (MESSAGE, DEFERRED, UPDATE):
            interaction["response_message_id"] = str(message.id)
            if kind != DEFERRED:
                resource["message"] = message.payload
        return {"interaction": interaction, "resource": resource}

    # -- the interaction webhook ---------------------------------------------------------

    def _record(self, request: web.Request) -> InteractionRecord | None:
        """The answered interaction whose token is in the URL (others are unknown webhooks)."""
        if request.match_info["webhook_id"] != self.state.application["id"]:
            return None
        token = request.match_info["webhook_token"]
        found = next((r for r in self.state.interactions.values() if r.token == token), None)
        return found if found is not None and found.answered else None

    async def followup(self, request: web.Request) -> web.Response:
        """``POST /webhooks/{app}/{token}``: a followup message."""
        record = self._record(request)
        if record is None:
            return discord_error(404, 10015, "Unknown Webhook")
        body, uploads = await read_uploads(request)
        error = message_errors(body)
        if error:
            return error
        original = record.original
        if original is not None and original.flags & LOADING:
            flags = (original.flags & EPHEMERAL) | (
                int(body.get("flags") or 0) & ~(EPHEMERAL | LOADING)
            )
            self.state.edit_message(original, {**body, "flags": flags}, uploads)
            stored = original
        else:
            ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
            channel_id = int(record.payload["channel_id"])
            stored = await self._post(record, channel_id, body, 0, ephemeral, uploads)
        record.followups.append(stored)
        self.state.changed()
        if not _truthy(request.query.get("wait")):
            return web.Response(status=204)
        return json_response(stored.payload)

    def _webhook_message(
        self, request: web.Request
    ) -> tuple[InteractionRecord | None, StoredMessage | None]:
        record = self._record(request)
        if record is None:
            return None, None
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            return record, record.original
        candidates = [m for m in (record.original, *record.followups) if m is not None]
        return record, next((m for m in candidates if str(m.id) == wanted), None)

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET .../messages/{id|@original}``."""
        record, message = self._webhook_message(request)
        if record is None:
            return discord_error(404, 10015, "Unknown Webhook")
        return (
            json_response(message.payload)
            if message
            else discord_error(404, 10008, "Unknown Message")
        )

    async def edit_message(self, request: web.Request) -> web.Response:
        """``PATCH .../messages/{id|@original}``: also completes a deferred response."""
        record, message = self._webhook_message(request)
        if record is None:
            return discord_error(404, 10015, "Unknown Webhook")
        if message is None:
            return discord_error(404, 10008, "Unknown Message")
        body, uploads = await read_uploads(request)
        error = message_errors(body, allow_empty=True)
        if error:
            return error
        record.edits.append(body)
        if message.flags & LOADING:
            body = {**body, "flags": message.flags & EPHEMERAL}
        self.state.edit_message(message, body, uploads)
        return json_response(message.payload)

    async def delete_message(self, request: web.Request) -> web.Response:
        """``DELETE .../messages/{id|@original}``: 204."""
        record, message = self._webhook_message(request)
        if record is None or message is None:
            return discord_error(404, 10008, "Unknown Message")
        history = self.state.messages.get(message.channel_id, [])
        if message in history:
            history.remove(message)
        self.state.changed()
        return web.Response(status=204)
