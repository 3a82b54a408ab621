"""Faults the fake Discord can inject: 429s, 5xx, refusals, lost connections and delays.

A delivery engine is only as reliable as its handling of the bad days, and those cannot be
waited for. Each :class:`Fault` targets requests by a small pattern (``"POST
/channels/*/messages"``: ``*`` is one path segment, ``**`` any rest, method ``*`` any), and is
either queued to fire a number of times or drawn from a seeded random stream so a "chaos" test
is reproducible from its seed.

``after_commit`` models the worst case for exactly-once delivery: Discord accepted and stored
the message, then the response was lost (a 5xx from a proxy, a reset connection, or a reply that
arrives after the bot gave up). A retry with the same ``nonce`` must then return the stored
message rather than post a second one.

Durations (``retry_after``, ``seconds``) are Discord seconds, scaled by the fake's time_scale.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ANY_REQUEST",
    "MESSAGE_CREATE",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "route_matches",
]

ANY_REQUEST = "* /**"
MESSAGE_CREATE = "POST /channels/*/messages"


class FaultKind(StrEnum):
    """What goes wrong."""

    RATE_LIMIT = "rate_limit"  # 429 with Discord's body and headers
    SERVER_ERROR = "server_error"  # 500/502/503/504
    DROP = "drop"  # the connection closes without any response
    RESET = "reset"  # the connection is reset (TCP RST): the client reads ECONNRESET
    DELAY = "delay"  # the response is held back, then sent normally
    REFUSE = "refuse"  # a 4xx with Discord's JSON error: the request is refused, not retried


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> tuple[str, re.Pattern[str]]:
    method, _, path = pattern.strip().partition(" ")
    parts = []
    for segment in path.strip("/").split("/"):
        if segment == "**":
            parts.append(".*")
        elif segment == "*":
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return method.upper(), re.compile("/" + "/".join(parts) + "$")


def route_matches(pattern: str, method: str, path: str) -> bool:
    """Whether ``METHOD /path`` (path relative to ``/api/v10``) matches ``pattern``."""
    want_method, regex = _compile(pattern)
    return want_method in ("*", method.upper()) and regex.match(path) is not None


@dataclass(frozen=True)
class Fault:
    """One injected failure. Build with the class methods rather than the constructor.

    Attributes:
        kind: What goes wrong.
        match: Which requests it applies to (see the module docstring).
        status: HTTP status for ``SERVER_ERROR`` and ``REFUSE``.
        code: Discord's JSON error code for ``REFUSE`` (``50035``, ``10062``...).
        message: Discord's error message for ``REFUSE``.
        retry_after: Discord seconds the 429 asks the client to wait.
        is_global: Whether the 429 claims the global limit.
        scope: ``X-RateLimit-Scope`` of the 429: ``user``, ``global`` or ``shared``.
        via: Send ``Via: 1.1 google``; without it discord.py treats a 429 as a Cloudflare ban
            and raises instead of retrying.
        seconds: Discord seconds a ``DELAY`` holds the response.
        after_commit: Apply the fault after the request took effect (message stored).
    """

    kind: FaultKind
    match: str = ANY_REQUEST
    status: int = 500
    retry_after: float = 1.0
    is_global: bool = False
    scope: str = "user"
    via: bool = True
    seconds: float = 0.0
    after_commit: bool = False
    code: int = 0
    message: str = ""

    def __post_init__(self) -> None:
        if self.after_commit and self.kind is FaultKind.RATE_LIMIT:
            raise ValueError("a 429 means the request was not processed; after_commit is moot")

    @classmethod
    def rate_limit(
        cls,
        retry_after: float = 1.0,
        *,
        is_global: bool = False,
        scope: str | None = None,
        via: bool = True,
        match: str = ANY_REQUEST,
    ) -> Fault:
        """A 429 (scope defaults to ``global`` for global limits, else ``user``)."""
        scope = scope or ("global" if is_global else "user")
        return cls(
            FaultKind.RATE_LIMIT,
            match,
            retry_after=retry_after,
            is_global=is_global,
            scope=scope,
            via=via,
        )

    @classmethod
    def server_error(
        cls, status: int = 500, *, after_commit: bool = False, match: str = ANY_REQUEST
    ) -> Fault:
        """A 5xx; discord.py retries 500/502/504/524 itself after 1, 3, 5... real seconds."""
        return cls(FaultKind.SERVER_ERROR, match, status=status, after_commit=after_commit)

    @classmethod
    def refuse(
        cls,
        code: int = 50035,
        message: str = "Invalid Form Body",
        *,
        status: int = 400,
        match: str = ANY_REQUEST,
    ) -> Fault:
        """Discord refuses the request with ``{"code", "message"}`` (``reference.md``)."""
        return cls(FaultKind.REFUSE, match, status=status, code=code, message=message)

    @classmethod
    def drop(cls, *, after_commit: bool = False, match: str = ANY_REQUEST) -> Fault:
        """Close the connection without a response (aiohttp raises ServerDisconnectedError)."""
        return cls(FaultKind.DROP, match, after_commit=after_commit)

    @classmethod
    def reset(cls, *, after_commit: bool = False, match: str = ANY_REQUEST) -> Fault:
        """Reset the connection (aiohttp raises ``ClientOSError``, errno ECONNRESET).

        discord.py retries a reset in place (after ``1 + 2 * tries`` real seconds) only for
        errno 54 and 10054, ECONNRESET on macOS and Windows; Linux's is 104, raised at once.
        """
        return cls(FaultKind.RESET, match, after_commit=after_commit)

    @classmethod
    def delay(
        cls, seconds: float, *, after_commit: bool = False, match: str = ANY_REQUEST
    ) -> Fault:
        """Hold the request (before or after it takes effect) for ``seconds``."""
        return cls(FaultKind.DELAY, match, seconds=seconds, after_commit=after_commit)


@dataclass
class _Queued:
    fault: Fault
    remaining: int


class FaultPlan:
    """Queued faults, fired in order of queuing, then optional seeded random faults."""

    def __init__(self) -> None:
        self._queue: list[_Queued] = []
        self._random_faults: Sequence[Fault] = ()
        self._probability = 0.0
        self._rng = random.Random(0)

    @property
    def pending(self) -> int:
        """How many queued firings are left."""
        return sum(q.remaining for q in self._queue)

    def queue(self, fault: Fault, times: int = 1) -> None:
        """Fire ``fault`` on the next ``times`` matching requests."""
        self._queue.append(_Queued(fault, times))

    def randomly(self, faults: Sequence[Fault], *, probability: float, seed: int) -> None:
        """Fire one of ``faults`` (chosen by the seeded stream) with ``probability`` per match."""
        self._random_faults = tuple(faults)
        self._probability = probability
        self._rng = random.Random(seed)

    def clear(self) -> None:
        """Forget queued and random faults."""
        self._queue.clear()
        self._random_faults = ()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any, consuming one queued firing."""
        for queued in self._queue:
            if queued.remaining > 0 and route_matches(queued.fault.match, method, path):
                queued.remaining -= 1
                self._queue = [q for q in self._queue if q.remaining > 0]
                return queued.fault
        candidates = [f for f in self._random_faults if route_matches(f.match, method, path)]
        if candidates and self._rng.random() < self._probability:
            return self._rng.choice(candidates)
        return None
