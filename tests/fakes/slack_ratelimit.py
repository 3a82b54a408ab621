"""Slack-shaped rate limiting for the fake Web API, on a scalable and injectable clock.

Slack documents ``chat.postMessage`` as a "special tier" method: about one message per second
per channel, short bursts allowed, plus a workspace-wide limit whose size it does not publish
(https://docs.slack.dev/apis/web-api/rate-limits). Over the limit it answers HTTP 429 with
``Retry-After: <integer seconds>`` and ``{"ok": false, "error": "ratelimited"}``. Other
methods belong to numbered tiers (``conversations.open`` is Tier 3, the file-upload methods
Tier 4): one workspace-wide allowance per method, modelled as one bucket each.

The fake models both limits as token buckets. Every window is written in *Slack seconds* and
multiplied by ``time_scale`` to get *clock seconds*, so ``time_scale=0.01`` turns the one-second
channel window into 10 ms and keeps reliability tests fast. Time is read from an injected
monotonic clock; :class:`ManualClock` makes a test fully deterministic.

What ``Retry-After`` says under scaling is a real choice, because slack_sdk 3.48's
``AsyncRateLimitErrorRetryHandler`` reads it as ``int(value)`` and then sleeps that many *real*
seconds plus ``random.random()``:

- :attr:`RetryAfterStyle.SLACK` (default) sends what Slack would send in unscaled time: whole
  Slack seconds, rounded up, at least 1. A client that scales its own sleeps by the same
  ``time_scale`` waits exactly long enough; slack_sdk's handler parses it but waits real seconds.
- :attr:`RetryAfterStyle.SCALED` sends the true clock-seconds wait as a decimal (``"0.013"``).
  Only for our own delivery engine: slack_sdk's handler raises ``ValueError`` on it.
- :attr:`RetryAfterStyle.SCALED_FLOOR` sends whole clock seconds rounded down, which is ``"0"``
  under heavy scaling: the one value slack_sdk's handler both parses and gets past quickly
  (its ``random.random()`` jitter, under a second, usually covers the real wait).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "DOCUMENTED_TIERS",
    "TIER_PER_MINUTE",
    "Clock",
    "ManualClock",
    "RateLimiter",
    "RetryAfterStyle",
    "SlackRateLimit",
    "TokenBucket",
]

Clock = Callable[[], float]
"""A monotonic clock in seconds, like :func:`time.monotonic`."""


class ManualClock:
    """A monotonic clock that moves only when a test says so.

    Rate-limit tests then depend on arithmetic, not on how fast the machine is.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward; negative steps would break monotonicity, so they are refused."""
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go backwards")
        self.now += seconds


TIER_PER_MINUTE: Mapping[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}
"""Calls per minute of Slack's tiers ("Tier 3: 50+ per minute", docs.slack.dev rate limits).

Slack writes them as floors ("50+") and tolerates bursts; the fake enforces the floor, which
is the figure a well-behaved client must plan for.
"""

DOCUMENTED_TIERS: Mapping[str, int] = {
    "chat.update": 3,
    "conversations.open": 3,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}
"""Tiers the method reference pages document for the tiered methods the fake serves.

Tiered limits are per method and per workspace (not per channel), so these methods get one
bucket each; ``chat.postMessage`` keeps its "special tier" per-channel buckets.
"""


class RetryAfterStyle(StrEnum):
    """How the fake writes ``Retry-After`` for limits it enforces (see the module docstring)."""

    SLACK = "slack"
    SCALED = "scaled"
    SCALED_FLOOR = "scaled_floor"


@dataclass(frozen=True)
class SlackRateLimit:
    """The limits the fake enforces, in Slack seconds (before ``time_scale``).

    Attributes:
        channel_per_second: Sustained posts per channel; Slack documents "about 1 per second".
        channel_burst: Posts a quiet channel accepts back to back. Slack allows "short bursts"
            without a number; 3 is our assumption, small enough that a flood trips it.
        workspace_per_second: Sustained posts across all channels. Slack keeps a workspace-wide
            cap but publishes no figure; 5/s is an assumption, chosen above the per-channel rate.
        workspace_burst: Burst allowance of the workspace bucket (assumed).
        methods: Web API methods the limits apply to; each has its own buckets.
        tiers: Tiered methods and their tier (see :data:`TIER_PER_MINUTE`); each gets one
            workspace-wide bucket refilling at the tier's rate. A method in ``methods`` is
            limited as a special-tier method instead.
        tier_burst: Calls a tiered method accepts back to back before its rate applies. Slack
            documents "bursts" without a number; 5 is our assumption.
        retry_after: How ``Retry-After`` is written; see :class:`RetryAfterStyle`.
    """

    channel_per_second: float = 1.0
    channel_burst: int = 3
    workspace_per_second: float = 5.0
    workspace_burst: int = 10
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"chat.postMessage"}))
    tiers: Mapping[str, int] = field(default_factory=lambda: dict(DOCUMENTED_TIERS))
    tier_burst: int = 5
    retry_after: RetryAfterStyle = RetryAfterStyle.SLACK


class TokenBucket:
    """A classic token bucket in clock seconds.

    A bucket starts full, so a quiet channel accepts a burst, and refills continuously; the
    wait it reports is exact, which is what makes ``Retry-After`` honest.
    """

    def __init__(self, *, capacity: int, per_second: float, now: float) -> None:
        if capacity < 1 or per_second <= 0:
            raise ValueError("a bucket needs capacity >= 1 and a positive refill rate")
        self.capacity = capacity
        self.per_second = per_second
        self._tokens = float(capacity)
        self._updated = now

    def wait(self, now: float) -> float:
        """Clock seconds until one token is available (0.0 when one is available now)."""
        self._refill(now)
        missing = 1.0 - self._tokens
        return 0.0 if missing <= 1e-12 else missing / self.per_second

    def take(self, now: float) -> None:
        """Spend one token; call only after :meth:`wait` returned 0."""
        self._refill(now)
        self._tokens = max(0.0, self._tokens - 1.0)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self.per_second)
        self._updated = now


class RateLimiter:
    """Decides whether a call is over Slack's limits and what ``Retry-After`` to send.

    Rejected calls spend no tokens, as a client that backs off must eventually get through.
    """

    def __init__(self, policy: SlackRateLimit, *, time_scale: float, clock: Clock) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.policy = policy
        self.time_scale = time_scale
        self._clock = clock
        self._channels: dict[tuple[str, str], TokenBucket] = {}
        self._workspace: dict[str, TokenBucket] = {}
        self._tiered: dict[str, TokenBucket] = {}

    def applies_to(self, method: str) -> bool:
        """Whether ``method`` is rate limited at all."""
        return method in self.policy.methods or method in self.policy.tiers

    def admit(self, method: str, channel: str) -> float | None:
        """Spend a token for one call, or refuse it.

        Returns:
            ``None`` when the call is admitted, else the wait in *clock* seconds until it
            would be (the longer of the channel and workspace waits).
        """
        if not self.applies_to(method):
            return None
        now = self._clock()
        buckets: tuple[TokenBucket, ...]
        if method in self.policy.methods:
            buckets = (
                self._channel_bucket(method, channel, now),
                self._workspace_bucket(method, now),
            )
        else:
            buckets = (self._tier_bucket(method, now),)
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.take(now)
        return None

    def retry_after(self, wait: float) -> str:
        """The ``Retry-After`` header value for a wait of ``wait`` clock seconds."""
        style = self.policy.retry_after
        if style is RetryAfterStyle.SCALED:
            return f"{wait:.6f}".rstrip("0").rstrip(".") or "0"
        if style is RetryAfterStyle.SCALED_FLOOR:
            return str(math.floor(wait))
        slack_seconds = wait / self.time_scale
        return str(max(1, math.ceil(slack_seconds - 1e-9)))

    def _channel_bucket(self, method: str, channel: str, now: float) -> TokenBucket:
        key = (method, channel)
        if key not in self._channels:
            self._channels[key] = TokenBucket(
                capacity=self.policy.channel_burst,
                per_second=self.policy.channel_per_second / self.time_scale,
                now=now,
            )
        return self._channels[key]

    def _tier_bucket(self, method: str, now: float) -> TokenBucket:
        if method not in self._tiered:
            per_minute = TIER_PER_MINUTE[self.policy.tiers[method]]
            self._tiered[method] = TokenBucket(
                capacity=self.policy.tier_burst,
                per_second=per_minute / 60.0 / self.time_scale,
                now=now,
            )
        return self._tiered[method]

    def _workspace_bucket(self, method: str, now: float) -> TokenBucket:
        if method not in self._workspace:
            self._workspace[method] = TokenBucket(
                capacity=self.policy.workspace_burst,
                per_second=self.policy.workspace_per_second / self.time_scale,
                now=now,
            )
        return self._workspace[method]
