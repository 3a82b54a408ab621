"""What the fake Slack API received and how it answered: the evidence tests assert on.

A reliability test's question is "exactly what did the bot send, and what did it hear back?",
so every request is kept whole (headers, raw body, decoded arguments) together with its
outcome, including the outcomes a client never sees (a dropped connection, a stored message
whose answer was lost).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from tests.fakes.slack_faults import FaultKind

__all__ = ["DecodedCall", "FakeSlackStats", "RecordedRequest", "decode_call"]

_JSON_FIELDS = ("blocks", "attachments", "metadata")
"""Form-encoded calls carry these as JSON strings; Slack decodes them, so the fake does too."""


@dataclass
class RecordedRequest:
    """One request the fake received, with how it was answered.

    Attributes:
        method: Web API method (``"chat.postMessage"``) or ``"response_url"``.
        args: Query string and body merged, JSON fields of form bodies decoded, ``token`` removed.
        headers: Request headers as sent (case-insensitive lookup).
        body: Raw request body.
        time: Arrival time on the fake's clock.
        path: Request path (tells ``response_url`` keys apart).
        status: HTTP status answered; ``None`` when the connection was dropped.
        error: The Slack ``error`` code answered, ``None`` when ``ok``.
        fault: The injected fault that shaped the answer, if any.
        ts: ``ts`` of the message this request stored, if any.
        finished: The fake is done with it (answered, or the connection was dropped).
    """

    method: str
    args: dict[str, Any]
    headers: CIMultiDict[str]
    body: bytes
    time: float
    path: str
    status: int | None = None
    error: str | None = None
    fault: FaultKind | None = None
    ts: str | None = None
    finished: bool = False

    @property
    def channel(self) -> str | None:
        """The ``channel`` argument (``channel_id`` for file uploads), which most assertions
        and channel-scoped faults filter on."""
        channel = self.args.get("channel", self.args.get("channel_id"))
        return str(channel) if channel is not None else None

    @property
    def ok(self) -> bool:
        """Answered 200 without a Slack error."""
        return self.status == 200 and self.error is None


@dataclass
class FakeSlackStats:
    """Counters a benchmark can report.

    Attributes:
        requests: Requests received, of any kind.
        stored: Messages stored (posts, ephemerals and updates).
        ratelimited: 429 responses sent, injected or enforced.
        ratelimited_enforced: The 429s the rate limiter decided (not injected).
        server_errors: 5xx responses sent.
        dropped: Connections closed without an answer.
        delayed: Responses held back by a ``DELAY`` fault.
        by_method: Requests per method.
    """

    requests: int = 0
    stored: int = 0
    ratelimited: int = 0
    ratelimited_enforced: int = 0
    server_errors: int = 0
    dropped: int = 0
    delayed: int = 0
    by_method: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DecodedCall:
    """A request body and query read the way Slack reads them."""

    args: dict[str, Any]
    token: str
    body: bytes
    malformed: bool


async def decode_call(request: web.Request) -> DecodedCall:
    """Merge query string and body (JSON or form) into one argument dict.

    slack_sdk sends ``chat.*`` as JSON, ``conversations.history`` as a GET query string and
    ``auth.test`` as a POST with an empty body, and callers of ``api_call(data=...)`` send forms,
    so all of them must decode to the same arguments. The token comes from
    ``Authorization: Bearer`` (where slack_sdk always puts it) or, the legacy way, a ``token``
    field.
    """
    body = await request.read()
    args: dict[str, Any] = dict(request.query)
    malformed = False
    if request.content_type == "application/json" and body:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded, malformed = {}, True
        args.update(decoded if isinstance(decoded, dict) else {"_json": decoded})
    elif body:
        args.update((await request.post()).items())
        for name in _JSON_FIELDS:
            if isinstance(args.get(name), str):
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(args[name])
    form_token = str(args.pop("token", "") or "")
    bearer = request.headers.get("Authorization", "")
    token = bearer.removeprefix("Bearer ").strip() if bearer.startswith("Bearer ") else ""
    return DecodedCall(args, token or form_token, body, malformed)
