"""A loopback fake of Discord (REST + gateway) that the real discord.py client talks to.

Tests never touch the network and never need a Discord account, yet they exercise discord.py's
own HTTP layer (buckets, 429 retries), gateway (READY, GUILD_CREATE, shards) and CommandTree.
The pieces live in sibling modules; this one assembles them behind :class:`FakeDiscord`:

    discord_payloads    typed payload builders (users, guilds, channels, members, messages)
    discord_interaction_payloads  INTERACTION_CREATE builders (commands, autocomplete, clicks)
    discord_state       the stored world: StoredMessage, InteractionRecord, wait_until
    discord_validation  Discord's body limits → 400 / 50035 "Invalid Form Body"
    discord_ratelimit   buckets, global limit, scaled time (RateLimits, RouteLimit)
    discord_faults      injected 429 / 5xx / dropped or reset connections / delays (Fault)
    discord_http        middleware: record → fault → auth → limits → handler
    discord_rest        login, gateway discovery, users and DMs, commands, channels, messages
    discord_files       uploaded files and the attachments kept for them, bytes included
    discord_interactions  interaction callback, followups, @original
    discord_gateway     the websocket: HELLO, heartbeats, IDENTIFY → READY, RESUME, shards
    discord_client      point_discord_at() and running_client() for a real discord.py client

Typical use::

    async with FakeDiscord(time_scale=0.01) as fake:        # also points discord.py at it
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        async with running_client(client, fake):           # login + connect + on_ready
            record = await fake.slash_command("ping")        # INTERACTION_CREATE, awaits answer
            assert record.content == "pong" and record.ephemeral
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

from aiohttp import web

from tests.fakes import discord_interaction_payloads as interaction
from tests.fakes import discord_payloads as build
from tests.fakes.discord_client import point_discord_at, running_client
from tests.fakes.discord_faults import MESSAGE_CREATE, Fault, FaultPlan, route_matches
from tests.fakes.discord_files import StoredAttachment, Upload
from tests.fakes.discord_gateway import FakeGateway
from tests.fakes.discord_http import API_PREFIX, FakeOptions, HttpPipeline, RecordedRequest
from tests.fakes.discord_interactions import InteractionRoutes
from tests.fakes.discord_payloads import Payload
from tests.fakes.discord_ratelimit import RateLimiter, RateLimits, RouteLimit, ScaledTime
from tests.fakes.discord_rest import GUILDS_INTENT, RestRoutes
from tests.fakes.discord_state import DiscordState, InteractionRecord, StoredMessage

__all__ = [
    "MESSAGE_CREATE",
    "FakeDiscord",
    "Fault",
    "InteractionRecord",
    "RateLimits",
    "RecordedRequest",
    "RouteLimit",
    "StoredAttachment",
    "StoredMessage",
    "Upload",
    "point_discord_at",
    "running_client",
]


class FakeDiscord:
    """The fake Discord server: start it, point a real client at it, drive and inspect it.

    Time: every Discord duration (rate-limit windows, ``retry_after`` of injected 429s, the
    nonce window, fault delays, the interaction deadline) is multiplied by ``time_scale``, and
    headers report the scaled seconds; ``clock`` is the monotonic clock windows are read from.

    Args:
        token: Bot token the fake accepts.
        guilds: Full guild payloads (see ``discord_payloads.default_guild``).
            Defaults to one guild holding the bot and one human member.
        bot_user: The bot's user payload (``bot=True``).
        shard_count: Shards ``GET /gateway/bot`` recommends (``AutoShardedClient`` obeys).
        rate_limits: Buckets and global limit; ``RateLimits.off()`` disables them.
        time_scale: Real seconds per Discord second (``0.01``: a 5 s window lasts 50 ms).
        clock: Monotonic clock in real seconds, injectable for deterministic tests.
        nonce_window: Discord seconds during which a repeated enforced nonce is deduplicated.
        interaction_deadline: Discord seconds to answer an interaction (3 on Discord), or
            ``None`` for no deadline.
        heartbeat_interval_ms: Sent in HELLO.
        dispatch_message_events: Echo MESSAGE_CREATE / THREAD_CREATE over the gateway.
        patch_discord: Apply :func:`point_discord_at` while the fake runs.
        wait_timeout: Real seconds every ``wait_*`` method, :meth:`interact` and
            :func:`running_client` wait before failing; wrap a call in ``asyncio.timeout()``
            for a tighter bound.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        guilds: Sequence[Payload] | None = None,
        bot_user: Payload | None = None,
        shard_count: int = 1,
        rate_limits: RateLimits | None = None,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        nonce_window: float = 300.0,
        interaction_deadline: float | None = None,
        heartbeat_interval_ms: int = 41_250,
        dispatch_message_events: bool = True,
        patch_discord: bool = True,
        wait_timeout: float = 5.0,
    ) -> None:
        self.token = token
        self.wait_timeout = wait_timeout
        self.clock = ScaledTime(time_scale, clock)
        bot = bot_user or build.user_payload(username="paperbot", bot=True)
        human = build.user_payload(username="tester")
        app_id = build.new_snowflake()
        application = build.application_payload(app_id, name="paperbot", owner=human, bot_user=bot)
        self.state = DiscordState(
            bot_user=bot,
            application=application,
            guilds=guilds if guilds is not None else [build.default_guild(bot, human)],
            clock=self.clock,
            nonce_window=nonce_window,
            wait_timeout=wait_timeout,
        )
        self.options = FakeOptions(
            token, shard_count, dispatch_message_events, interaction_deadline
        )
        self.gateway = FakeGateway(
            self.state, token=token, heartbeat_interval_ms=heartbeat_interval_ms
        )
        self.faults = FaultPlan()
        self.limiter = RateLimiter(rate_limits or RateLimits(), self.clock)
        self.pipeline = HttpPipeline(
            options=self.options,
            state=self.state,
            limiter=self.limiter,
            faults=self.faults,
            clock=self.clock,
        )
        self._rest = RestRoutes(self.state, self.gateway, self.options)
        self._interactions = InteractionRoutes(self._rest, self.options, self.clock)
        self._patch = patch_discord
        self._exit_stack = contextlib.ExitStack()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.gateway_url = ""

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on ``127.0.0.1:<free port>`` and, if asked, point discord.py here."""
        app = web.Application(middlewares=[self.pipeline.middleware])
        app.router.add_get("/gateway", self.gateway.handle)
        self._rest.register(app.router)
        self._interactions.register(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}{API_PREFIX}"
        self.gateway_url = self.gateway.url = f"ws://127.0.0.1:{port}/gateway"
        if self._patch:
            self._exit_stack.enter_context(point_discord_at(self.base_url, self.gateway_url))

    async def close(self) -> None:
        """Close gateway sockets, stop the server and restore discord.py's URLs."""
        try:
            await self.gateway.close()
            if self._runner is not None:
                await self._runner.cleanup()
        finally:
            self._exit_stack.close()

    # -- the world -----------------------------------------------------------------------

    @property
    def bot_user(self) -> Payload:
        """The bot's user payload."""
        return self.state.bot_user

    @property
    def application_id(self) -> int:
        """The application id (also the interaction webhook id)."""
        return int(self.state.application["id"])

    @property
    def guild_id(self) -> int:
        """The first guild's id."""
        return int(self.state.guilds[0]["id"])

    @property
    def channel_id(self) -> int:
        """The first text channel of the first guild (``#papers`` by default)."""
        return int(next(c["id"] for c in self.state.guilds[0]["channels"] if c["type"] == 0))

    @property
    def user(self) -> Payload:
        """The first human member of the first guild: who invokes commands by default."""
        members = self.state.guilds[0]["members"]
        return next(m["user"] for m in members if not m["user"].get("bot"))

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request, in arrival order."""
        return self.pipeline.requests

    @property
    def rate_limited(self) -> int:
        """How many 429 responses were sent (buckets, global limit and injected)."""
        return self.pipeline.rate_limited

    def requests_matching(self, pattern: str) -> list[RecordedRequest]:
        """Requests matching ``"METHOD /path/*"`` (see ``discord_faults.route_matches``)."""
        return [r for r in self.requests if route_matches(pattern, r.method, r.path)]

    def messages(self, channel_id: int | None = None) -> list[StoredMessage]:
        """Non-ephemeral messages of a channel (default ``channel_id``), oldest first."""
        return list(self.state.messages.get(channel_id or self.channel_id, []))

    def direct_messages(self, user_id: int) -> list[StoredMessage]:
        """Messages the bot sent to a user by DM, oldest first ([] when it never opened one)."""
        channel_id = self.state.dm_channels.get(user_id)
        return self.messages(channel_id) if channel_id is not None else []

    def commands(self, guild_id: int | None = None) -> list[Payload]:
        """Application commands of a guild, or the global ones when ``guild_id`` is None."""
        return list(self.state.commands.get(guild_id, []))

    # -- controls ------------------------------------------------------------------------

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Queue ``fault`` for the next ``times`` matching requests."""
        self.faults.queue(fault, times)

    def inject_random(self, faults: Sequence[Fault], *, probability: float, seed: int) -> None:
        """Fire one of ``faults`` on matching requests with ``probability``, reproducibly."""
        self.faults.randomly(faults, probability=probability, seed=seed)

    def forbid(self, channel_id: int, code: int = 50013) -> None:
        """Answer 403 for a channel: 50001 Missing Access or 50013 Missing Permissions."""
        self.state.forbidden[channel_id] = code

    def allow(self, channel_id: int) -> None:
        """Undo :meth:`forbid`."""
        self.state.forbidden.pop(channel_id, None)

    def add_user(self, username: str = "stranger", *, user_id: int | None = None) -> Payload:
        """A user Discord knows who shares no guild with the bot; returns its payload.

        Guild members are known already. Only known users can be fetched
        (``client.fetch_user``) or sent DMs; anyone else is 404 / 10013 Unknown User.
        """
        return self.state.add_user(build.user_payload(user_id, username))

    def dm_channel_id(self, user_id: int) -> int:
        """The id of the DM channel with a known user (opened now if it was not yet).

        The same id every time for one user, as Discord's ``POST /users/@me/channels``
        returns; useful to inject faults on ``POST /channels/<id>/messages``.
        """
        return int(self.state.open_dm(user_id)["id"])

    def refuse_dms(self, user_id: int) -> None:
        """Make a user refuse the bot's DMs (blocked it, or closed DMs from server members).

        Opening the DM still succeeds; sending into it is 403 / 50007 "Cannot send messages
        to this user", which discord.py raises as ``discord.Forbidden``.
        """
        self.state.refusing_dms.add(user_id)

    def accept_dms(self, user_id: int) -> None:
        """Undo :meth:`refuse_dms`."""
        self.state.refusing_dms.discard(user_id)

    async def create_channel(self, name: str, *, guild_id: int | None = None) -> int:
        """Add a text channel and announce it with CHANNEL_CREATE; returns its id."""
        gid = guild_id or self.guild_id
        guild = next(g for g in self.state.guilds if int(g["id"]) == gid)
        channel = build.text_channel_payload(self.state.snowflake(), guild_id=gid, name=name)
        guild["channels"].append({k: v for k, v in channel.items() if k != "guild_id"})
        self.state.add_channel(channel)
        await self.gateway.dispatch("CHANNEL_CREATE", channel, guild_id=gid, intent=GUILDS_INTENT)
        return int(channel["id"])

    async def delete_channel(self, channel_id: int) -> None:
        """Remove a channel (later sends get 404 Unknown Channel) and announce CHANNEL_DELETE."""
        channel = self.state.channels.pop(channel_id)
        gid = int(channel["guild_id"])
        for guild in self.state.guilds:
            guild["channels"] = [c for c in guild["channels"] if int(c["id"]) != channel_id]
        await self.gateway.dispatch("CHANNEL_DELETE", channel, guild_id=gid, intent=GUILDS_INTENT)

    async def dispatch(self, event: str, data: Any, *, guild_id: int | None = None) -> int:
        """Send any gateway event; returns how many sessions received it."""
        return await self.gateway.dispatch(event, data, guild_id=guild_id)

    async def wait_until(self, predicate: Callable[[], bool], what: str = "") -> None:
        """Wait until ``predicate()`` holds; re-checked after every request and gateway frame."""
        await self.state.wait_until(predicate, what)

    async def wait_for_direct_messages(self, user_id: int, count: int) -> list[StoredMessage]:
        """Wait until the bot sent a user at least ``count`` DMs and return them."""
        await self.wait_until(
            lambda: len(self.direct_messages(user_id)) >= count, f"{count} DM(s) to {user_id}"
        )
        return self.direct_messages(user_id)

    async def wait_for_messages(
        self, count: int, channel_id: int | None = None
    ) -> list[StoredMessage]:
        """Wait until a channel holds at least ``count`` messages and return them."""
        await self.wait_until(
            lambda: len(self.messages(channel_id)) >= count, f"{count} message(s)"
        )
        return self.messages(channel_id)

    # -- interactions --------------------------------------------------------------------

    def interaction_base(
        self,
        *,
        channel_id: int | None = None,
        user: Payload | None = None,
        permissions: str | None = None,
    ) -> dict[str, Any]:
        """Keyword arguments shared by the ``discord_interaction_payloads`` builders.

        ``permissions`` is the member's permission bit set in the channel, as a decimal
        string (Discord's shape); by default an ordinary member's.
        """
        channel = self.state.channels[channel_id or self.channel_id]
        extra = {} if permissions is None else {"permissions": permissions}
        return extra | {
            "interaction_id": self.state.snowflake(),
            "token": "fake-" + secrets.token_urlsafe(48),
            "application_id": self.application_id,
            "guild_id": int(channel["guild_id"]),
            "channel": channel,
            "user": user or self.user,
        }

    async def interact(self, payload: Payload) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE and wait for the bot's callback (not its followups)."""
        record = InteractionRecord(
            int(payload["id"]), payload["token"], payload, created_at=self.clock.now()
        )
        self.state.interactions[record.id] = record
        guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        if not await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id):
            raise RuntimeError(
                "no live gateway session received the interaction: is the client connected?"
            )
        try:
            await self.wait_until(lambda: record.answered, f"a callback to interaction {record.id}")
        except TimeoutError as exc:
            recent = ", ".join(f"{r.route} → {r.status}" for r in self.requests[-5:])
            raise TimeoutError(
                f"{exc}; the bot never answered (recent requests: {recent or 'none'})"
            ) from None
        return record

    async def slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Payload] | None = None,
        *,
        channel_id: int | None = None,
        user: Payload | None = None,
        focused: str | None = None,
        permissions: str | None = None,
    ) -> InteractionRecord:
        """Invoke ``/name`` as a user would; with ``focused``, send its autocomplete instead.

        The command id and scope come from the last ``CommandTree.sync``; an unsynced command
        is sent with the channel's guild id, which discord.py resolves to the guild's command
        or, failing that, the global one.
        """
        base = self.interaction_base(channel_id=channel_id, user=user, permissions=permissions)
        command_id, scope = self._command_scope(name, base["guild_id"])
        payload = interaction.command_interaction(
            name, options, command_id=command_id, command_guild_id=scope, focused=focused, **base
        )
        return await self.interact(payload)

    def _command_scope(self, name: str, guild_id: int) -> tuple[int, int | None]:
        """Id and registration guild of ``/name``; unsynced commands get the invoking guild."""
        command = self.state.find_command(name, guild_id)
        if command is None:
            return self.state.snowflake(), guild_id
        scope = command.get("guild_id")
        return int(command["id"]), int(scope) if scope else None

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Payload],
        *,
        focused: str,
        **kwargs: Any,
    ) -> InteractionRecord:
        """An AUTOCOMPLETE interaction; the answer's choices are ``record.choices``."""
        return await self.slash_command(name, options, focused=focused, **kwargs)

    async def click(
        self,
        message: StoredMessage | Payload,
        custom_id: str,
        *,
        component_type: int = 2,
        values: Sequence[str] | None = None,
        user: Payload | None = None,
    ) -> InteractionRecord:
        """Click a button (or pick ``values`` in a select, ``component_type=3``) on a message."""
        data = message.payload if isinstance(message, StoredMessage) else message
        base = self.interaction_base(channel_id=int(data["channel_id"]), user=user)
        payload = interaction.component_interaction(
            data, custom_id, component_type=component_type, values=values, **base
        )
        return await self.interact(payload)

    async def wait_for_followups(
        self, record: InteractionRecord, count: int = 1
    ) -> list[StoredMessage]:
        """Wait until the bot sent ``count`` followups to an interaction."""
        await self.wait_until(lambda: len(record.followups) >= count, f"{count} followup(s)")
        return list(record.followups)
