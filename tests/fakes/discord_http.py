"""The HTTP plumbing of the fake Discord REST API: replies, recording, faults and rate limits.

Every request under ``/api/v10`` passes through :class:`HttpPipeline` (an aiohttp middleware) in
the order Discord's edge would apply them: record → injected fault → authentication → global and
per-route rate limits → route handler → rate-limit headers → faults scheduled "after commit".

Two details decide whether discord.py understands a reply at all (``http.py``,
``json_or_text``): the ``Content-Type`` must be exactly ``application/json`` (aiohttp's
``json_response`` appends ``; charset=utf-8`` and discord.py then treats the body as text), and
a 429 is only retried when a ``Via`` header is present and the body parsed as JSON.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web

from tests.fakes.discord_faults import Fault, FaultKind, FaultPlan
from tests.fakes.discord_files import Upload
from tests.fakes.discord_ratelimit import RateLimiter, ScaledTime
from tests.fakes.discord_state import DiscordState

__all__ = [
    "API_PREFIX",
    "FakeOptions",
    "HttpPipeline",
    "RecordedRequest",
    "discord_error",
    "json_response",
    "read_body",
    "read_json",
    "read_uploads",
]

API_PREFIX = "/api/v10"
_VIA = {"Via": "1.1 google"}  # Google's load balancer adds it to every real Discord response
# Routes authenticated by the interaction/webhook token in the URL, not the bot token.
_TOKEN_ROUTES = ("/interactions/", "/webhooks/")
_MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "webhook_token")

_LOST = (FaultKind.DROP, FaultKind.RESET)  # faults after which no response is written
_NO_LINGER = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: closing sends RST, not FIN

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON reply whose Content-Type is exactly ``application/json`` (see module docstring)."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


def discord_error(
    status: int, code: int, message: str, errors: dict[str, Any] | None = None
) -> web.Response:
    """Discord's error body, ``{"message", "code"[, "errors"]}`` (``reference.md``)."""
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status)


@dataclass(frozen=True)
class FakeOptions:
    """Settings the route handlers share.

    Attributes:
        token: The bot token the fake accepts (``Authorization: Bot <token>``).
        shard_count: What ``GET /gateway/bot`` recommends.
        dispatch_message_events: Echo MESSAGE_CREATE/THREAD_CREATE over the gateway, as
            Discord does when the session has the matching intents.
        interaction_deadline: Discord seconds within which the first callback must arrive
            (Discord: 3); ``None`` never expires, which keeps slow CI machines green.
    """

    token: str
    shard_count: int = 1
    dispatch_message_events: bool = True
    interaction_deadline: float | None = None


@dataclass
class RecordedRequest:
    """One request as the fake saw it.

    Attributes:
        method: HTTP method.
        path: Path relative to ``/api/v10`` (``/channels/1/messages``).
        route: discord.py-style route key (``POST /channels/{channel_id}/messages``).
        query: Query parameters.
        json: Decoded JSON body; for multipart requests the ``payload_json`` part.
        headers: Request headers.
        status: Status sent back, ``None`` when the connection was dropped instead.
        fault: The injected fault that shaped the reply, if any.
        files: File names of a multipart upload (``uploads`` has their bytes).
        response_headers: Headers of the reply (rate-limit headers, ``Via``...).
        uploads: The uploaded files of a multipart request, bytes included.
    """

    method: str
    path: str
    route: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    status: int | None = None
    fault: Fault | None = None
    files: list[str] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)


def _file_index(key: str) -> int | None:
    """``n`` of a ``files[n]`` part name; ``None`` for any other part."""
    if not (key.startswith("files[") and key.endswith("]")):
        return None
    number = key.removeprefix("files[").removesuffix("]")
    return int(number) if number.isdigit() else None


async def read_uploads(request: web.Request) -> tuple[Any, list[Upload]]:
    """Decode a JSON or multipart (``payload_json`` + ``files[n]``) body and its files' bytes.

    aiohttp caches the parsed form (and its file objects), so the middleware and the handler
    can both call this: each read rewinds the file first.
    """
    if request.content_type == "application/json":
        return await request.json(), []
    if not request.content_type.startswith("multipart/"):
        return None, []
    form = await request.post()
    uploads = []
    for key, value in form.items():
        index = _file_index(key)
        if index is None or not isinstance(value, web.FileField):
            continue
        value.file.seek(0)
        content = value.file.read()
        content_type = value.content_type or "application/octet-stream"
        uploads.append(Upload(index, value.filename, content, content_type))
    raw = form.get("payload_json")
    return (json.loads(str(raw)) if raw is not None else None), uploads


async def read_body(request: web.Request) -> tuple[Any, list[str]]:
    """Decode a JSON or multipart body and the names of its files (see :func:`read_uploads`)."""
    body, uploads = await read_uploads(request)
    return body, [upload.filename for upload in uploads]


async def read_json(request: web.Request) -> Any:
    """The request's JSON body (``payload_json`` for multipart), ``None`` when there is none."""
    body, _ = await read_body(request)
    return body


class HttpPipeline:
    """The middleware: the fake's edge, shared by every REST route."""

    def __init__(
        self,
        *,
        options: FakeOptions,
        state: DiscordState,
        limiter: RateLimiter,
        faults: FaultPlan,
        clock: ScaledTime,
    ) -> None:
        self.options = options
        self.state = state
        self.limiter = limiter
        self.faults = faults
        self.clock = clock
        self.requests: list[RecordedRequest] = []
        self.rate_limited = 0  # 429s sent, from buckets, the global limit or injected faults

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """aiohttp middleware entry point."""
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)  # the gateway websocket
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        body, uploads = await read_uploads(request)
        record = RecordedRequest(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            route=f"{request.method} {template.removeprefix(API_PREFIX)}",
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=[upload.filename for upload in uploads],
            uploads=uploads,
        )
        self.requests.append(record)
        try:
            response = await self._serve(request, handler, record)
        finally:
            self.state.changed()
        dropped = record.fault is not None and record.fault.kind in _LOST
        record.status = None if dropped else response.status
        record.response_headers = dict(response.headers)
        return response

    async def _serve(
        self, request: web.Request, handler: Handler, record: RecordedRequest
    ) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            status = request.match_info.http_exception.status
            return discord_error(status, 0, f"{status}: {request.match_info.http_exception.reason}")
        record.fault = self.faults.take(record.method, record.path)
        fault = record.fault if record.fault and record.fault.after_commit else None
        if record.fault is not None and fault is None:  # before the request takes effect
            if record.fault.kind is not FaultKind.DELAY:
                return self._apply(request, record.fault)
            await asyncio.sleep(self.clock.span(record.fault.seconds))
        token_route = record.path.startswith(_TOKEN_ROUTES)
        if not token_route and request.headers.get("Authorization") != f"Bot {self.options.token}":
            return discord_error(401, 0, "401: Unauthorized")
        headers: dict[str, str] = {}
        if not record.path.startswith("/interactions/"):  # callbacks have no limits at all
            major = "+".join(
                request.match_info[k] for k in _MAJOR_PARAMETERS if k in request.match_info
            )
            decision = self.limiter.check(record.route, major, global_exempt=token_route)
            headers = decision.headers
            if decision.retry_after is not None:
                scope = "global" if decision.is_global else "user"
                return self.too_many(decision.retry_after, decision.is_global, scope, headers)
        response = await handler(request)
        response.headers.update({**_VIA, **headers})
        if fault is not None:  # after commit: the handler's effect is stored, now fail
            if fault.kind is not FaultKind.DELAY:
                return self._apply(request, fault)
            await asyncio.sleep(self.clock.span(fault.seconds))
        return response

    def too_many(
        self,
        retry_after: float,
        is_global: bool,
        scope: str,
        headers: dict[str, str] | None = None,
        *,
        via: bool = True,
    ) -> web.Response:
        """A 429 exactly as Discord words it (``topics/rate-limits.md``), counted."""
        self.rate_limited += 1
        retry_after = max(round(retry_after, 3), 0.001)
        all_headers = {
            **(headers or {}),
            "Retry-After": f"{retry_after:.3f}",
            "X-RateLimit-Scope": scope,
        }
        if is_global:
            all_headers["X-RateLimit-Global"] = "true"
        if via:
            all_headers.update(_VIA)
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        return json_response(body, 429, all_headers)

    def _apply(self, request: web.Request, fault: Fault) -> web.Response:
        if fault.kind is FaultKind.RATE_LIMIT:
            retry_after = self.clock.span(fault.retry_after)
            return self.too_many(retry_after, fault.is_global, fault.scope, via=fault.via)
        if fault.kind in _LOST:
            transport = request.transport
            if transport is not None and fault.kind is FaultKind.RESET:
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _NO_LINGER)
                transport.abort()
            elif transport is not None:
                transport.close()
            return web.Response(status=599)  # never written: the connection is gone
        if fault.kind is FaultKind.REFUSE:
            return discord_error(fault.status, fault.code, fault.message)
        if fault.status == 500:
            return discord_error(500, 0, "500: Internal Server Error")
        # Cloudflare's 5xx pages are HTML, which discord.py reads as text.
        phrase = HTTPStatus(fault.status).phrase
        html = f"<html><body><h1>{fault.status} {phrase}</h1></body></html>"
        return web.Response(status=fault.status, text=html, content_type="text/html")
