"""What the fake Discord remembers: guilds, channels, messages, commands and interactions.

Kept apart from the HTTP and websocket code so that both servers share one world and tests can
assert on typed records (:class:`StoredMessage`, :class:`InteractionRecord`) instead of digging
through raw request logs. Every change wakes :meth:`DiscordState.wait_until`, so tests await a
condition ("three messages in #papers") rather than sleeping and hoping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.discord_files import StoredAttachment, Upload, attachment_descriptions
from tests.fakes.discord_payloads import (
    Payload,
    dm_channel_payload,
    message_payload,
    new_snowflake,
    thread_payload,
)
from tests.fakes.discord_ratelimit import ScaledTime

__all__ = ["DiscordState", "InteractionRecord", "StoredMessage"]

EPHEMERAL = 1 << 6  # message flag 64
LOADING = 1 << 7  # message flag 128: the "Bot is thinking..." placeholder after a defer


@dataclass
class StoredMessage:
    """One message as stored by the fake.

    Attributes:
        channel_id: Where it was posted.
        payload: The message object Discord returns (and GET serves).
        sent: The JSON body the bot sent, including fields Discord does not echo
            (``allowed_mentions``, ``enforce_nonce``).
        created_at: The fake clock's reading when it was stored (real seconds).
        ephemeral: Only the invoking user sees it; it is absent from channel history.
        interaction_id: The interaction it answers, if any.
        attachments: Its files with their bytes, in the order of ``payload["attachments"]``.
    """

    channel_id: int
    payload: Payload
    sent: Payload
    created_at: float
    ephemeral: bool = False
    interaction_id: int | None = None
    attachments: list[StoredAttachment] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The message's snowflake."""
        return int(self.payload["id"])

    @property
    def content(self) -> str:
        """The text content ("" for an embed-only card)."""
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[Payload]:
        """Embeds as the bot sent them (without the ``type: rich`` Discord adds)."""
        return list(self.sent.get("embeds") or [])

    @property
    def components(self) -> list[Payload]:
        """Component rows as stored."""
        return list(self.payload.get("components") or [])

    @property
    def flags(self) -> int:
        """Message flags (64 ephemeral, 4 suppress embeds, 4096 silent...)."""
        return int(self.payload.get("flags") or 0)

    @property
    def nonce(self) -> str | int | None:
        """The nonce the bot sent."""
        value: str | int | None = self.sent.get("nonce")
        return value

    @property
    def enforce_nonce(self) -> bool:
        """Whether the bot asked Discord to deduplicate by nonce."""
        return bool(self.sent.get("enforce_nonce"))

    @property
    def allowed_mentions(self) -> Payload | None:
        """The ``allowed_mentions`` object sent, or ``None`` (Discord's default: ping all)."""
        value: Payload | None = self.sent.get("allowed_mentions")
        return value

    @property
    def message_reference(self) -> Payload | None:
        """The reply target, if the bot replied to a message."""
        value: Payload | None = self.sent.get("message_reference")
        return value


@dataclass
class InteractionRecord:
    """One dispatched interaction and everything the bot answered to it.

    Attributes:
        id: The interaction's snowflake.
        token: Its token (used by callbacks, followups and ``@original``).
        payload: The INTERACTION_CREATE data dispatched to the bot.
        callbacks: Bodies of every ``POST /interactions/{id}/{token}/callback`` attempt that
            was accepted (``{"type": 4, "data": {...}}``), in order.
        original: The message the response created or the defer's placeholder.
        followups: Messages created through the followup webhook.
        edits: Bodies of ``PATCH .../messages/@original``.
        created_at: The fake clock's reading at dispatch (for the response deadline).
    """

    id: int
    token: str
    payload: Payload
    created_at: float = 0.0
    callbacks: list[Payload] = field(default_factory=list)
    original: StoredMessage | None = None
    followups: list[StoredMessage] = field(default_factory=list)
    edits: list[Payload] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """Whether a callback was accepted."""
        return bool(self.callbacks)

    @property
    def response(self) -> Payload:
        """The first (and only valid) callback body."""
        if not self.callbacks:
            raise AssertionError(f"interaction {self.id} has not been answered")
        return self.callbacks[0]

    @property
    def response_type(self) -> int:
        """Callback type: 4 message, 5 deferred, 6 deferred update, 7 update, 8 choices, 9 modal."""
        return int(self.response["type"])

    @property
    def data(self) -> Payload:
        """The callback's ``data`` (empty for a plain defer)."""
        return dict(self.response.get("data") or {})

    @property
    def content(self) -> str:
        """Text of the response message."""
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[Payload]:
        """Embeds of the response message."""
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[Payload]:
        """Component rows of the response message."""
        return list(self.data.get("components") or [])

    @property
    def flags(self) -> int:
        """Flags of the response (64 when ephemeral)."""
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether the response (or the defer) was ephemeral."""
        return bool(self.flags & EPHEMERAL)

    @property
    def choices(self) -> list[Payload]:
        """Autocomplete choices of a type-8 answer."""
        return list(self.data.get("choices") or [])

    @property
    def attachments(self) -> list[StoredAttachment]:
        """Files of the response message (``original``), bytes included; [] without one."""
        return list(self.original.attachments) if self.original is not None else []


class DiscordState:
    """The fake's world. Mutated only from the event loop, so no locking is needed."""

    def __init__(
        self,
        *,
        bot_user: Payload,
        application: Payload,
        guilds: Sequence[Payload],
        clock: ScaledTime,
        nonce_window: float,
        wait_timeout: float = 5.0,
    ) -> None:
        # The builders' process-wide source, not one of its own: two time-based sources can
        # hand out the same id in the same millisecond (a new channel took the default one's).
        self.snowflake = new_snowflake
        self.wait_timeout = wait_timeout
        self.clock = clock
        self.nonce_window = nonce_window
        self.bot_user = bot_user
        self.application = application
        self.guilds: list[Payload] = list(guilds)
        self.channels: dict[int, Payload] = {}
        self.messages: dict[int, list[StoredMessage]] = {}
        self.commands: dict[int | None, list[Payload]] = {None: []}
        self.interactions: dict[int, InteractionRecord] = {}
        self.forbidden: dict[int, int] = {}
        # Users Discord knows (guild members and any added by a test), by id: who a DM can
        # be opened with and who ``GET /users/{id}`` finds.
        self.users: dict[int, Payload] = {int(bot_user["id"]): bot_user}
        self.dm_channels: dict[int, int] = {}  # recipient's user id → DM channel id
        self.refusing_dms: set[int] = set()  # users whose privacy settings block the bot
        self._nonces: dict[tuple[int, str], StoredMessage] = {}
        self._waiters: list[asyncio.Future[None]] = []
        for guild in self.guilds:
            for channel in guild["channels"]:
                self.add_channel({**channel, "guild_id": guild["id"]})
            for member in guild.get("members") or []:
                self.users.setdefault(int(member["user"]["id"]), member["user"])

    # -- waiting -------------------------------------------------------------------------

    def changed(self) -> None:
        """Wake everything blocked in :meth:`wait_until`."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(self, predicate: Callable[[], bool], what: str = "") -> None:
        """Return once ``predicate()`` is true, re-checking after every change of state.

        Gives up after ``wait_timeout`` real seconds so a broken test fails instead of hanging;
        wrap the call in ``asyncio.timeout()`` for a tighter bound.

        Raises:
            TimeoutError: with ``what`` in the message, so a failing test says what it missed.
        """
        try:
            async with asyncio.timeout(self.wait_timeout):
                while not predicate():
                    waiter = asyncio.get_running_loop().create_future()
                    self._waiters.append(waiter)
                    await waiter
        except TimeoutError:
            wanted = what or getattr(predicate, "__qualname__", "a condition")
            message = f"fake Discord: gave up after {self.wait_timeout}s waiting for {wanted}"
            raise TimeoutError(message) from None

    # -- channels and messages -----------------------------------------------------------

    def add_channel(self, channel: Payload) -> Payload:
        """Index a channel (with ``guild_id``) so REST routes can find it."""
        self.channels[int(channel["id"])] = channel
        self.messages.setdefault(int(channel["id"]), [])
        return channel

    def guild_of(self, channel_id: int) -> int | None:
        """The guild a channel belongs to."""
        guild_id = self.channels[channel_id].get("guild_id")
        return int(guild_id) if guild_id is not None else None

    def create_message(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        *,
        message_type: int = 0,
        ephemeral: bool = False,
        interaction_id: int | None = None,
        files: Sequence[str | Upload] = (),
    ) -> tuple[StoredMessage, bool]:
        """Store a message, or return the earlier one with the same enforced nonce.

        ``files`` are the uploaded files (bare names stand for empty files, for callers that
        predate :class:`Upload`); they become attachments, bytes kept.

        Returns:
            The stored message and whether it was newly created.
        """
        now = self.clock.now()
        nonce = body.get("nonce")
        key = (channel_id, str(nonce))
        if nonce is not None and body.get("enforce_nonce"):
            existing = self._nonces.get(key)
            if existing and now - existing.created_at <= self.clock.span(self.nonce_window):
                return existing, False
        flags = int(body.get("flags") or 0)
        payload = message_payload(
            self.snowflake(),
            channel_id=channel_id,
            author=self.bot_user,
            content=str(body.get("content") or ""),
            embeds=body.get("embeds") or (),
            components=body.get("components") or (),
            flags=flags,
            message_type=message_type,
            guild_id=self.guild_of(channel_id) if channel_id in self.channels else None,
            nonce=nonce,
            message_reference=body.get("message_reference"),
            application_id=int(self.application["id"]) if interaction_id else None,
        )
        uploads = [Upload(i, f, b"") if isinstance(f, str) else f for i, f in enumerate(files)]
        attachments = self._attachments(channel_id, body, uploads)
        payload["attachments"] = [attachment.payload() for attachment in attachments]
        stored = StoredMessage(
            channel_id, payload, dict(body), now, ephemeral, interaction_id, attachments
        )
        if not ephemeral:
            self.messages.setdefault(channel_id, []).append(stored)
            if channel_id in self.channels:
                self.channels[channel_id]["last_message_id"] = payload["id"]
        if nonce is not None:
            self._nonces[key] = stored
        self.changed()
        return stored, True

    def _attachments(
        self, channel_id: int, body: Mapping[str, Any] | None, uploads: Sequence[Upload]
    ) -> list[StoredAttachment]:
        """New attachments for uploaded files, with the descriptions the body gave them."""
        descriptions = attachment_descriptions(body)
        return [
            StoredAttachment(
                self.snowflake(),
                channel_id,
                upload.filename,
                upload.content,
                upload.content_type,
                descriptions.get(upload.index),
            )
            for upload in uploads
        ]

    def find_message(self, channel_id: int, message_id: int) -> StoredMessage | None:
        """A message in a channel's history by id."""
        return next((m for m in self.messages.get(channel_id, []) if m.id == message_id), None)

    def history(
        self,
        channel_id: int,
        *,
        limit: int = 50,
        before: int | None = None,
        after: int | None = None,
        around: int | None = None,
    ) -> list[Payload]:
        """``GET /channels/{id}/messages``: newest first, as Discord returns even for ``after``."""
        stored = self.messages.get(channel_id, [])
        if around is not None:
            older = [m for m in stored if m.id <= around][-((limit + 1) // 2) :]
            newer = [m for m in stored if m.id > around][: limit // 2]
            chosen = older + newer
        elif after is not None:
            chosen = [m for m in stored if m.id > after][:limit]
        else:
            older_than = [m for m in stored if before is None or m.id < before]
            chosen = older_than[-limit:] if limit else []
        return [m.payload for m in reversed(chosen)]

    def edit_message(
        self, stored: StoredMessage, body: Mapping[str, Any], uploads: Sequence[Upload] = ()
    ) -> None:
        """Apply an edit body to a stored message (content, embeds, components, flags, files).

        Files follow Discord's edit rule: uploads are appended, and an ``attachments`` list in
        the body names the existing attachments to keep (the others are removed).
        """
        if uploads or "attachments" in body:
            kept = stored.attachments
            if "attachments" in body:
                listed = body["attachments"] or []
                wanted = {str(a.get("id")) for a in listed if isinstance(a, dict)}
                kept = [a for a in kept if str(a.id) in wanted]
            stored.attachments = kept + self._attachments(stored.channel_id, body, uploads)
            stored.payload["attachments"] = [a.payload() for a in stored.attachments]
        for key in ("content", "components"):
            if key in body:
                stored.payload[key] = body[key] if body[key] is not None else ""
        if "embeds" in body:
            stored.payload["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
            stored.sent["embeds"] = body["embeds"] or []
        if "content" in body:
            stored.sent["content"] = body["content"]
        if "flags" in body:
            stored.payload["flags"] = int(body["flags"] or 0)
        stored.payload["edited_timestamp"] = stored.payload["timestamp"]
        self.changed()

    def create_thread(self, channel_id: int, message_id: int, body: Mapping[str, Any]) -> Payload:
        """A thread from a message; like Discord, the thread takes the message's id."""
        thread = thread_payload(
            message_id,
            guild_id=self.guild_of(channel_id) or 0,
            parent_id=channel_id,
            owner_id=int(self.bot_user["id"]),
            name=str(body.get("name") or "thread"),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        self.add_channel(thread)
        self.changed()
        return thread

    # -- users and direct messages -------------------------------------------------------

    def add_user(self, user: Payload) -> Payload:
        """Make a user known to Discord (found by ``GET /users/{id}``, reachable by DM)."""
        self.users[int(user["id"])] = user
        return user

    def open_dm(self, user_id: int) -> Payload:
        """The DM channel with a known user, created on first use and the same ever after.

        Discord answers every ``POST /users/@me/channels`` for one recipient with the same
        channel, so the id is kept per user; the channel is indexed like any other so the
        message routes (and their 403/404 answers) serve it unchanged.
        """
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            channel = dm_channel_payload(self.snowflake(), self.users[user_id])
            channel_id = self.dm_channels[user_id] = int(channel["id"])
            self.add_channel(channel)
            self.changed()
        return self.channels[channel_id]

    def dm_recipient(self, channel_id: int) -> int | None:
        """The user a DM channel talks to; ``None`` for any other channel."""
        channel = self.channels.get(channel_id) or {}
        if channel.get("type") != 1 or not channel.get("recipients"):
            return None
        return int(channel["recipients"][0]["id"])

    # -- application commands ------------------------------------------------------------

    def put_commands(
        self, guild_id: int | None, bodies: Sequence[Mapping[str, Any]]
    ) -> list[Payload]:
        """Bulk overwrite: keep ids of commands whose (name, type) survives, as Discord does."""
        previous = {(c["name"], c["type"]): c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for body in bodies:
            kind = int(body.get("type") or 1)
            command = {
                "id": previous.get((body["name"], kind)) or str(self.snowflake()),
                "application_id": self.application["id"],
                "version": str(self.snowflake()),
                "type": kind,
                "default_member_permissions": None,
                "nsfw": False,
                "options": [],
                "description": "",
                **body,
            }
            if command["default_member_permissions"] is not None:  # Discord answers a string
                command["default_member_permissions"] = str(command["default_member_permissions"])
            if guild_id is not None:
                command["guild_id"] = str(guild_id)
            stored.append(command)
        self.commands[guild_id] = stored
        self.changed()
        return stored

    def find_command(self, name: str, guild_id: int | None) -> Payload | None:
        """A chat-input command by name: the guild's first, then the global ones."""
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == 1:
                    return command
        return None
