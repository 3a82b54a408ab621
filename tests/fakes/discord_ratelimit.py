"""Discord's rate limits for the fake: per-route buckets, the global limit, and scaled time.

Why a fake needs real rate limits: discord.py's HTTP client learns buckets from the
``X-RateLimit-*`` headers, sleeps pre-emptively when ``Remaining`` reaches 0 and retries 429s
itself. Our delivery engine sits on top of that, so its tests are only meaningful against a
server that behaves like Discord (``topics/rate-limits.md`` in discord-api-docs):

* a bucket is identified by ``X-RateLimit-Bucket`` (shared by every channel for one route) plus
  the route's top-level resource (channel, guild or webhook) — discord.py's "major parameters";
* windows are fixed: the first request opens one, it resets ``per`` seconds later;
* a global limit (50 requests/s per bot) applies on top; interaction callbacks and
  token-authenticated webhook calls (followups) are exempt from it.

All windows are written in Discord seconds and multiplied by ``time_scale``; headers report the
scaled (real) seconds, which discord.py accepts as floats, so a 5-second window can pass in
50 ms. The clock is injectable so the fake itself can be tested with a hand-driven clock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "MESSAGE_CREATE_ROUTE",
    "RateLimitDecision",
    "RateLimiter",
    "RateLimits",
    "RouteLimit",
    "ScaledTime",
    "rate_limit_headers",
]

MESSAGE_CREATE_ROUTE = "POST /channels/{channel_id}/messages"


@dataclass(frozen=True)
class RouteLimit:
    """``limit`` requests per ``per`` Discord seconds in one bucket."""

    limit: int
    per: float


def _default_routes() -> dict[str, RouteLimit]:
    # About 5 messages per 5 s per channel, as observed by others [3p] (platform-limits.md).
    return {MESSAGE_CREATE_ROUTE: RouteLimit(5, 5.0)}


@dataclass(frozen=True)
class RateLimits:
    """Rate-limit configuration.

    Attributes:
        routes: Limits by discord.py route key, ``"METHOD /template"`` with the template's
            placeholders as discord.py writes them (``{channel_id}``, ``{guild_id}``...).
        default: The bucket every other rate-limited route gets; ``None`` sends no headers.
        global_per_second: Requests per (scaled) second across all routes; ``None`` disables.
    """

    routes: Mapping[str, RouteLimit] = field(default_factory=_default_routes)
    default: RouteLimit | None = RouteLimit(50, 1.0)
    global_per_second: int | None = 50

    @classmethod
    def off(cls) -> RateLimits:
        """No buckets and no global limit: for tests about something else entirely."""
        return cls(routes={}, default=None, global_per_second=None)


class ScaledTime:
    """Converts Discord seconds to real seconds and reads an injectable monotonic clock."""

    def __init__(
        self, time_scale: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.scale = time_scale
        self._clock = clock

    def now(self) -> float:
        """Real seconds from the injected monotonic clock."""
        return self._clock()

    def span(self, discord_seconds: float) -> float:
        """How many real seconds ``discord_seconds`` last under this scale."""
        return discord_seconds * self.scale


@dataclass
class _Window:
    limit: int
    resets_at: float
    used: int = 0


@dataclass(frozen=True)
class RateLimitDecision:
    """The limiter's verdict: headers to send, and a retry delay when the request is refused.

    Attributes:
        headers: ``X-RateLimit-*`` headers for the response (empty for unlimited routes).
        retry_after: Real seconds to wait, or ``None`` when the request may proceed.
        is_global: Whether the global limit (not the route bucket) refused it.
    """

    headers: dict[str, str]
    retry_after: float | None = None
    is_global: bool = False


def _seconds(value: float) -> str:
    return f"{max(value, 0.001):.3f}"


def rate_limit_headers(
    *, limit: int, remaining: int, reset_after: float, bucket: str | None
) -> dict[str, str]:
    """The five bucket headers, with ``Reset`` in wall-clock epoch seconds as Discord sends it."""
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": _seconds(reset_after),
    }
    if bucket is not None:
        headers["X-RateLimit-Bucket"] = bucket
    return headers


class RateLimiter:
    """Fixed-window buckets keyed like Discord's, plus the global window."""

    def __init__(self, config: RateLimits, clock: ScaledTime) -> None:
        self.config = config
        self._clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global: _Window | None = None

    @staticmethod
    def bucket_hash(route_key: str) -> str:
        """A stable opaque hash per route, shared across channels as Discord's are."""
        return hashlib.sha1(route_key.encode()).hexdigest()[:32]

    def check(
        self, route_key: str, major: str, *, global_exempt: bool = False
    ) -> RateLimitDecision:
        """Count one request against the global window and its bucket, or refuse it."""
        now = self._clock.now()
        per_second = self.config.global_per_second
        if per_second is not None and not global_exempt:
            window = self._global
            if window is None or now >= window.resets_at:
                window = self._global = _Window(per_second, now + self._clock.span(1.0))
            if window.used >= window.limit:
                headers = {"X-RateLimit-Global": "true"}
                return RateLimitDecision(headers, window.resets_at - now, is_global=True)
            window.used += 1
        limit = self.config.routes.get(route_key, self.config.default)
        if limit is None:
            return RateLimitDecision({})
        bucket = self.bucket_hash(route_key)
        window = self._windows.get((bucket, major))
        if window is None or now >= window.resets_at:
            window = _Window(limit.limit, now + self._clock.span(limit.per))
            self._windows[(bucket, major)] = window
        reset_after = window.resets_at - now
        if window.used >= window.limit:
            headers = rate_limit_headers(
                limit=window.limit, remaining=0, reset_after=reset_after, bucket=bucket
            )
            return RateLimitDecision(headers, reset_after)
        window.used += 1
        headers = rate_limit_headers(
            limit=window.limit,
            remaining=window.limit - window.used,
            reset_after=reset_after,
            bucket=bucket,
        )
        return RateLimitDecision(headers)
