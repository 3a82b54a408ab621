"""A fake Discord gateway (websocket) that a real discord.py client can connect to.

It speaks the subset of ``topics/gateway.md`` a bot needs: HELLO (op 10) on connect, heartbeat
(op 1) answered by ACK (op 11), IDENTIFY (op 2) answered by READY then one GUILD_CREATE per
guild, RESUME (op 6) with replay of missed dispatches then RESUMED, and REQUEST_GUILD_MEMBERS
(op 8). Each IDENTIFY may carry a ``[shard_id, shard_count]`` pair; a shard receives only the
guilds Discord's formula gives it, ``(guild_id >> 22) % shard_count``, and dispatches for a
guild go to the session of its shard.

Frames are plain JSON text. discord.py asks for ``compress=zlib-stream`` in the URL but only
decompresses binary frames, so uncompressed text frames are accepted as is.

Test-side controls: :meth:`FakeGateway.dispatch` (any event), :meth:`FakeGateway.reconnect`
(op 7), :meth:`FakeGateway.invalidate` (op 9) and :meth:`FakeGateway.disconnect` (close code).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_payloads import Payload
from tests.fakes.discord_state import DiscordState

__all__ = ["FakeGateway", "GatewaySession", "shard_for"]

_log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11
AUTHENTICATION_FAILED, INVALID_SHARD = 4004, 4010  # gateway close codes


def shard_for(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events (topics/gateway.md, "Sharding")."""
    return (guild_id >> 22) % shard_count


@dataclass
class GatewaySession:
    """One identified gateway session; it survives its websocket so it can be resumed.

    Attributes:
        session_id: Sent in READY; the client presents it to RESUME.
        shard: ``(shard_id, shard_count)`` from IDENTIFY, or ``None`` when unsharded.
        identify: The IDENTIFY ``d`` payload (intents, properties, presence...).
        sequence: The last dispatch sequence number sent.
        backlog: Every dispatch frame sent, by sequence, for replay on RESUME.
        resumes: How many times the session was resumed.
    """

    session_id: str
    shard: tuple[int, int] | None
    identify: Payload
    ws: web.WebSocketResponse | None = None
    sequence: int = 0
    backlog: list[tuple[int, str]] = field(default_factory=list)
    resumes: int = 0

    @property
    def connected(self) -> bool:
        """Whether a live websocket carries this session."""
        return self.ws is not None and not self.ws.closed

    def owns(self, guild_id: int) -> bool:
        """Whether this session's shard receives ``guild_id``."""
        return self.shard is None or shard_for(guild_id, self.shard[1]) == self.shard[0]

    async def dispatch(self, event: str, data: Any) -> None:
        """Send one op-0 event with the next sequence number (kept for replay)."""
        self.sequence += 1
        frame = json.dumps({"op": DISPATCH, "t": event, "s": self.sequence, "d": data})
        self.backlog.append((self.sequence, frame))
        if self.connected:
            assert self.ws is not None
            await self.ws.send_str(frame)


class FakeGateway:
    """The websocket half of the fake; mounted by ``FakeDiscord`` at ``/gateway``.

    Attributes:
        sessions: Every session identified so far, including disconnected ones.
        received: Every frame the clients sent, decoded, in arrival order.
        heartbeats: How many op-1 heartbeats were acknowledged.
    """

    def __init__(
        self, state: DiscordState, *, token: str, heartbeat_interval_ms: int = 41_250
    ) -> None:
        self.state = state
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""  # set by FakeDiscord once the port is known
        self.sessions: list[GatewaySession] = []
        self.received: list[Payload] = []
        self.heartbeats = 0
        self._sockets: set[web.WebSocketResponse] = set()

    # -- queries -------------------------------------------------------------------------

    def live_sessions(self) -> list[GatewaySession]:
        """Sessions that currently have an open websocket."""
        return [s for s in self.sessions if s.connected]

    async def wait_ready(self, count: int = 1) -> None:
        """Wait until ``count`` sessions are connected and have been sent READY."""
        await self.state.wait_until(
            lambda: len(self.live_sessions()) >= count, f"{count} gateway session(s)"
        )

    # -- test controls -------------------------------------------------------------------

    async def dispatch(
        self, event: str, data: Any, *, guild_id: int | None = None, intent: int | None = None
    ) -> int:
        """Send an event to every live session that owns ``guild_id`` (all when ``None``).

        ``intent`` is the gateway intent bit the event needs (``GUILD_MESSAGES`` for
        MESSAGE_CREATE...); sessions that did not ask for it are skipped, as on Discord.

        Returns:
            How many sessions it was sent to, so a caller can fail loudly on zero.
        """
        targets = [
            s
            for s in self.live_sessions()
            if (guild_id is None or s.owns(guild_id))
            and (intent is None or int(s.identify.get("intents") or 0) & intent)
        ]
        for session in targets:
            await session.dispatch(event, data)
        return len(targets)

    async def reconnect(self) -> None:
        """Ask every live session to reconnect and RESUME (op 7), as Discord does on deploys."""
        for session in self.live_sessions():
            assert session.ws is not None
            await session.ws.send_str(json.dumps({"op": RECONNECT, "d": None}))

    async def invalidate(self, *, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9); ``resumable=False`` forces a fresh IDENTIFY."""
        for session in self.live_sessions():
            assert session.ws is not None
            await session.ws.send_str(json.dumps({"op": INVALID_SESSION, "d": resumable}))

    async def disconnect(self, code: int = 4000) -> None:
        """Close every socket with ``code`` (4000 "unknown error" is resumable)."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake disconnect")

    # -- the websocket handler -----------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler: one websocket connection, from HELLO to close."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-gateway"]}
        await ws.send_str(json.dumps({"op": HELLO, "d": hello}))
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._receive(ws, json.loads(message.data))
        finally:
            self._sockets.discard(ws)
            self.state.changed()
        return ws

    async def close(self) -> None:
        """Close all sockets (server shutdown)."""
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fake shutting down")

    async def _receive(self, ws: web.WebSocketResponse, frame: Payload) -> None:
        self.received.append(frame)
        op, raw = frame.get("op"), frame.get("d")
        data: Payload = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            await self._identify(ws, data)
        elif op == RESUME:
            await self._resume(ws, data)
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(ws, data)
        elif op != PRESENCE:
            _log.debug("fake gateway ignores op %s", op)
        self.state.changed()

    async def _identify(self, ws: web.WebSocketResponse, data: Payload) -> None:
        if data.get("token") != self.token:
            await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        pair = data.get("shard")
        shard = (int(pair[0]), int(pair[1])) if pair else None
        if shard is not None and not 0 <= shard[0] < shard[1]:
            await ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        session = GatewaySession(secrets.token_hex(16), shard, data, ws)
        self.sessions.append(session)
        guilds = [g for g in self.state.guilds if session.owns(int(g["id"]))]
        ready: Payload = {
            "v": 10,
            "user": self.state.bot_user,
            "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.url,
            "application": {"id": self.state.application["id"], "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fake-gateway"],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await session.dispatch("READY", ready)
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", guild)

    async def _resume(self, ws: web.WebSocketResponse, data: Payload) -> None:
        session = next((s for s in self.sessions if s.session_id == data.get("session_id")), None)
        if session is None or data.get("token") != self.token:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return
        session.ws = ws
        session.resumes += 1
        last_seen = int(data.get("seq") or 0)
        for sequence, frame in session.backlog:
            if sequence > last_seen:
                await ws.send_str(frame)
        await session.dispatch("RESUMED", {"_trace": ["fake-gateway"]})

    async def _members_chunk(self, ws: web.WebSocketResponse, data: Payload) -> None:
        guild_id = str(data.get("guild_id"))
        guild = next((g for g in self.state.guilds if g["id"] == guild_id), None)
        session = next((s for s in self.sessions if s.ws is ws), None)
        if guild is None or session is None:
            return
        chunk = {
            "guild_id": guild_id,
            "members": guild["members"],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
