"""A loopback fake of the Slack Web API, for driving the real slack_sdk and slack-bolt in tests.

Tests never touch the internet. They point the real ``AsyncWebClient`` at this server::

    async with FakeSlackAPI(channels={"C0PAPERS"}) as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
        response = await client.chat_postMessage(channel="C0PAPERS", text="hello")
        assert slack.posted("C0PAPERS")[0].ts == response["ts"]

It listens on ``127.0.0.1`` on a free port and speaks Slack's documented JSON: HTTP 200 with
``{"ok": true, ...}`` or ``{"ok": false, "error": "<code>"}``, except rate limits (429 with
``Retry-After``) and injected server errors. The methods live in
:mod:`~tests.fakes.slack_workspace`, channels and ``ts`` in :mod:`~tests.fakes.slack_channels`,
Block Kit checks in :mod:`~tests.fakes.slack_blocks`, limits in
:mod:`~tests.fakes.slack_ratelimit` and faults in :mod:`~tests.fakes.slack_faults`. This module
adds the transport: token checks, the record of every request, ``response_url`` endpoints
(Bolt's ``respond()`` posts there; a message Slack would refuse gets HTTP 400 and the error),
the upload URLs of ``files.getUploadURLExternal`` (files in :mod:`~tests.fakes.slack_files`)
and the faults that need the socket (drops, delays).

Direct messages: ``conversations.open`` with ``users=U0ALICE`` answers the DM ``D0ALICE``, and
``chat.postMessage`` or ``files.completeUploadExternal`` accept either ID as the target, as
Slack does for the app's DM. ``slack.refuse_dms("U0ALICE", "user_disabled")`` makes them fail.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from multidict import CIMultiDict

from tests.fakes.slack_blocks import BlockKitLimits, check_message
from tests.fakes.slack_channels import ChannelStore, FakeChannel, StoredMessage
from tests.fakes.slack_faults import FaultKind, FaultPlan
from tests.fakes.slack_files import UploadedFile, upload_content
from tests.fakes.slack_ratelimit import Clock, RateLimiter, SlackRateLimit
from tests.fakes.slack_records import DecodedCall, FakeSlackStats, RecordedRequest, decode_call
from tests.fakes.slack_workspace import (
    FakeWorkspace,
    MethodResult,
    SlackError,
    SlackIdentity,
    dm_channel_id,
)

__all__ = [
    "RESPONSE_URL",
    "UPLOAD_URL",
    "FakeSlackAPI",
    "FakeSlackStats",
    "RecordedRequest",
    "UploadedFile",
]

RESPONSE_URL = "response_url"
"""The ``method`` under which ``response_url`` posts are recorded and faults are injected."""

UPLOAD_URL = "upload_url"
"""The ``method`` under which posts to upload URLs are recorded and faults are injected."""

RESPONSE_URL_USES = 5
"""Slack accepts five responses per ``response_url`` (docs.slack.dev, "Handling slash commands")."""

_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class FakeSlackAPI:
    """The fake server; use it as an async context manager.

    Args:
        bot_token: The ``xoxb-`` token Web API calls must carry.
        app_token: The ``xapp-`` token ``apps.connections.open`` must carry.
        channels: Channel IDs that exist; ``None`` accepts any ID (no ``channel_not_found``).
        rate_limit: Limits to enforce; ``None`` (the default) accepts any pace, because most
            tests are about payloads, not pacing.
        time_scale: Multiplier applied to every rate-limit window (``0.01``: 1 s becomes 10 ms).
        clock: Monotonic clock for rate limits and request times (inject a ``ManualClock``).
        limits: Block Kit limits to enforce.
        identity: The bot's IDs, as ``auth.test`` reports them.
        wait_timeout: Real seconds :meth:`wait_until` waits before failing the test.
        dm_refused: User ID -> error code: DMs with these users fail with that code (see
            :meth:`refuse_dms`).

    Attributes:
        requests: Every request received, in arrival order.
        faults: Queue faults here: ``slack.faults.inject("chat.postMessage", Fault.drop())``.
        stats: Counters (requests, 429s sent, drops...).
        workspace: Channels, limits and method implementations.
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-paperbot-test",
        app_token: str = "xapp-paperbot-test",
        channels: Iterable[str] | None = None,
        rate_limit: SlackRateLimit | None = None,
        time_scale: float = 1.0,
        clock: Clock = time.monotonic,
        limits: BlockKitLimits | None = None,
        identity: SlackIdentity | None = None,
        wait_timeout: float = 5.0,
        wall_clock: Callable[[], float] | None = None,
        dm_refused: Mapping[str, str] | None = None,
    ) -> None:
        """See the class docstring; ``wall_clock`` (epoch seconds) makes ``ts`` values real
        times, as Slack's are, for tests that compare them with a delivery clock."""
        self.bot_token = bot_token
        self.wait_timeout = wait_timeout
        self.app_token = app_token
        self._clock = clock
        limiter = (
            RateLimiter(rate_limit, time_scale=time_scale, clock=clock) if rate_limit else None
        )
        self.workspace = FakeWorkspace(
            channels=ChannelStore(channels, wall_clock),
            identity=identity or SlackIdentity(),
            limits=limits or BlockKitLimits(),
            limiter=limiter,
            ws_url=lambda: self.socket_mode_url,
            upload_url=self.upload_url,
            dm_refused=dict(dm_refused or {}),
        )
        self.requests: list[RecordedRequest] = []
        self.faults = FaultPlan()
        self.stats = FakeSlackStats()
        self._response_keys = itertools.count(1)
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # --- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on ``127.0.0.1`` on a port the OS picks."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        # A short shutdown_timeout: a handler parked in a DELAY fault is woken by close()
        # anyway, and teardown must never wait aiohttp's default 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Stop listening; wakes delayed handlers so they end without storing. Idempotent."""
        self._closing.set()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # --- addresses -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        if self._port is None:
            raise RuntimeError("FakeSlackAPI is not started; use `async with`")
        return f"http://127.0.0.1:{self._port}/"

    @property
    def base_url(self) -> str:
        """For ``AsyncWebClient(base_url=...)``; ends in ``/api/`` as Slack's does."""
        return f"{self.url}api/"

    @property
    def socket_mode_url(self) -> str:
        """The ``ws://`` URL ``apps.connections.open`` hands out (no websocket is served)."""
        return f"ws://127.0.0.1:{self._port}/socket-mode?ticket=fake"

    def response_url(self, key: str | None = None) -> str:
        """A fresh ``response_url`` on this server, to put in a slash command or action payload."""
        return f"{self.url}response/{key or f'R{next(self._response_keys):04d}'}"

    def upload_url(self, file_id: str) -> str:
        """Where the bytes of ``file_id`` go; ``files.getUploadURLExternal`` hands it out."""
        return f"{self.url}upload/{file_id}"

    # --- what happened -------------------------------------------------------------------

    def channel(self, channel_id: str) -> FakeChannel:
        """The channel's state (created in open mode); KeyError when it was not declared."""
        found = self.workspace.channels.get(channel_id)
        if found is None:
            raise KeyError(channel_id)
        return found

    def posted(self, channel_id: str) -> list[StoredMessage]:
        """Messages stored in the channel, oldest first, thread replies included."""
        return list(self.channel(channel_id).messages)

    def ephemerals(self, channel_id: str) -> list[StoredMessage]:
        """``chat.postEphemeral`` messages of the channel, oldest first."""
        return list(self.channel(channel_id).ephemerals)

    def uploads(self, channel: str) -> list[UploadedFile]:
        """Files shared in the channel or DM, oldest first; a ``U…`` user ID names its DM.

        Files completed without any channel are private; find them in
        ``slack.workspace.files.uploaded`` (their ``channel`` is ``None``).
        """
        return self.workspace.files.in_channel(self._conversation_id(channel))

    def direct_messages(self, user_id: str) -> list[StoredMessage]:
        """Messages the bot posted in its DM with ``user_id``, oldest first (none if unopened)."""
        found = self.workspace.channels.find(dm_channel_id(user_id))
        return list(found.messages) if found is not None else []

    def dm_channel_id(self, user_id: str) -> str:
        """The ``D…`` ID of the bot's DM with ``user_id`` (``conversations.open`` answers it)."""
        return dm_channel_id(user_id)

    def calls(self, method: str, channel: str | None = None) -> list[RecordedRequest]:
        """Requests for ``method`` (optionally naming ``channel``), in arrival order."""
        return [
            r
            for r in self.requests
            if r.method == method and (channel is None or r.channel == channel)
        ]

    def responses(self, url: str | None = None) -> list[RecordedRequest]:
        """What was posted to ``response_url`` endpoints (to ``url`` only, when given)."""
        path = None if url is None else "/" + url.removeprefix(self.url)
        return [r for r in self.calls(RESPONSE_URL) if path is None or r.path == path]

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds; it is re-checked whenever a request finishes.

        Bolt answers a slash command before the listener's ``respond()`` runs, so a test waits
        for the effect instead of sleeping and hoping. The wait gives up after ``wait_timeout``
        seconds so a broken test fails instead of hanging; wrap the call in
        ``asyncio.timeout()`` for a tighter bound.

        Raises:
            TimeoutError: ``predicate`` is still false after ``wait_timeout`` seconds.
        """
        async with asyncio.timeout(self.wait_timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_for_calls(self, method: str, count: int = 1) -> list[RecordedRequest]:
        """Wait until ``count`` requests for ``method`` are finished; returns all finished."""

        def finished() -> list[RecordedRequest]:
            return [r for r in self.calls(method) if r.finished]

        await self.wait_until(lambda: len(finished()) >= count)
        return finished()

    # --- configuration -------------------------------------------------------------------

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        archived: bool = False,
        member: bool = True,
    ) -> FakeChannel:
        """Declare a channel; ``member=False`` makes calls answer ``not_in_channel``."""
        return self.workspace.channels.add(channel_id, name, archived=archived, member=member)

    def refuse_dms(self, user_id: str, error: str = "user_disabled") -> None:
        """Make DMs with ``user_id`` fail with ``error``, as HTTP 200 ``ok: false``.

        ``conversations.open``, ``chat.postMessage`` and ``files.completeUploadExternal`` into
        that DM (named by ``U…`` or ``D…``) answer ``error``. Use a documented code:
        ``user_disabled``, ``user_not_found`` or ``user_not_visible`` (``conversations.open``
        reference), ``cannot_dm_bot`` (what Slack answers for a bot user), or
        ``messages_tab_disabled`` (``chat.postMessage`` reference), which lets the open
        succeed and refuses what is sent.
        """
        self.workspace.dm_refused[user_id] = error

    def allow_dms(self, user_id: str) -> None:
        """Undo :meth:`refuse_dms`."""
        self.workspace.dm_refused.pop(user_id, None)

    def fail_channel(self, channel_id: str, error: str | None) -> None:
        """Make every call naming the channel answer ``error`` until set back to ``None``."""
        self.channel(channel_id).error = error

    # --- HTTP handlers -------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        record, call = await self._record(request, method)
        try:
            if call.malformed:
                raise SlackError("invalid_json")
            self._authenticate(method, call.token)
            await self._fault(request, record, after_store=False)
            result = self.workspace.call(method, record.args)
            await self._after_store(request, record, result)
            return self._answer(record, 200, result.body)
        except SlackError as exc:
            return self._answer(record, exc.status, exc.body, exc.headers)
        finally:
            record.finished = True
            await self._notify()

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        record, _ = await self._record(request, RESPONSE_URL)
        try:
            await self._fault(request, record, after_store=False)
            uses = sum(1 for r in self.responses() if r.path == record.path and r.ok)
            if uses >= RESPONSE_URL_USES:
                # Slack's exact answer here is undocumented; the status and code are ours.
                raise SlackError("used_url_multiple_times", status=404)
            self._check_response_message(record.args)
            return self._answer(record, 200, {"ok": True})
        except SlackError as exc:
            return self._answer(record, exc.status, exc.body, exc.headers)
        finally:
            record.finished = True
            await self._notify()

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The upload URL: keep the bytes, answer as Slack's upload service does.

        The URL is the credential, as Slack's pre-signed one is: no token is checked. Slack
        answers 200 with a plain-text body (``OK - <bytes>``); an unknown or already completed
        file ID gets 404 here (Slack's answer for that is undocumented).
        """
        file_id = request.match_info["file_id"]
        body = await request.read()
        record = RecordedRequest(
            UPLOAD_URL,
            {"file_id": file_id},
            CIMultiDict(request.headers),
            body,
            self._clock(),
            request.path,
        )
        self._count(record)
        try:
            await self._fault(request, record, after_store=False)
            content = upload_content(request.headers.get("Content-Type", ""), body)
            if self.workspace.files.receive(file_id, content) is None:
                raise SlackError("file_not_found", status=404)
            self._answer(record, 200, {"ok": True})
            return web.Response(text=f"OK - {len(content)}")
        except SlackError as exc:
            return self._answer(record, exc.status, exc.body, exc.headers)
        finally:
            record.finished = True
            await self._notify()

    def _conversation_id(self, channel: str) -> str:
        return dm_channel_id(channel) if channel.startswith("U") else channel

    def _check_response_message(self, args: dict[str, Any]) -> None:
        """Refuse a message Slack would refuse, as an incoming webhook does: HTTP 400.

        Slack documents ``invalid_blocks`` and friends with status 400 for incoming webhooks
        ("Sending messages using incoming webhooks", error table); a ``response_url`` is one of
        those. The JSON body is the Web API's, with the details of what was wrong.
        """
        if args.get("delete_original"):
            return
        rejection = check_message(
            args.get("text"),
            args.get("blocks"),
            attachments=args.get("attachments"),
            limits=self.workspace.limits,
        )
        if rejection is not None:
            raise SlackError(rejection.error, status=400, body=rejection.body())

    async def _record(
        self, request: web.Request, method: str
    ) -> tuple[RecordedRequest, DecodedCall]:
        call = await decode_call(request)
        record = RecordedRequest(
            method, call.args, CIMultiDict(request.headers), call.body, self._clock(), request.path
        )
        self._count(record)
        return record, call

    def _count(self, record: RecordedRequest) -> None:
        self.requests.append(record)
        self.stats.requests += 1
        self.stats.by_method[record.method] = self.stats.by_method.get(record.method, 0) + 1

    def _authenticate(self, method: str, token: str) -> None:
        if not token:
            raise SlackError("not_authed")
        if token not in (self.bot_token, self.app_token):
            raise SlackError("invalid_auth")
        if (token == self.app_token) != (method in _APP_TOKEN_METHODS):
            raise SlackError("not_allowed_token_type")

    async def _after_store(
        self, request: web.Request, record: RecordedRequest, result: MethodResult
    ) -> None:
        if result.stored is None:
            return
        record.ts = result.stored.ts
        self.stats.stored += 1
        await self._fault(request, record, after_store=True)

    async def _fault(
        self, request: web.Request, record: RecordedRequest, *, after_store: bool
    ) -> None:
        """Apply the next matching fault, if any: raise the error, drop, or delay."""
        fault = self.faults.take(record.method, record.channel, after_store=after_store)
        if fault is None:
            return
        record.fault = fault.kind
        if fault.kind is FaultKind.DELAY:
            self.stats.delayed += 1
            if not await self._sleep(fault.seconds):
                self._drop(request, record)
            return
        if fault.kind is FaultKind.DROP:
            self._drop(request, record)
        headers = {"Retry-After": fault.retry_after} if fault.kind is FaultKind.RATELIMITED else {}
        raise SlackError(fault.error, status=fault.status, headers=headers)

    def _drop(self, request: web.Request, record: RecordedRequest) -> None:
        """Close the socket without a response; the client sees a disconnect."""
        self.stats.dropped += 1
        if request.transport is not None:
            request.transport.close()
        raise _Dropped

    async def _sleep(self, seconds: float) -> bool:
        """Sleep ``seconds`` real seconds; ``False`` when :meth:`close` cut the sleep short."""
        try:
            async with asyncio.timeout(seconds):
                await self._closing.wait()
        except TimeoutError:
            return True
        return False

    def _answer(
        self,
        record: RecordedRequest,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        record.status = status
        record.error = None if body.get("ok") else str(body.get("error"))
        if status == 429:
            self.stats.ratelimited += 1
            if record.fault is not FaultKind.RATELIMITED:
                self.stats.ratelimited_enforced += 1
        elif status >= 500:
            self.stats.server_errors += 1
        return web.json_response(body, status=status, headers=headers)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


class _Dropped(web.HTTPException):
    """Raised after closing the transport; aiohttp finds no socket to write it to."""

    status_code = 500
