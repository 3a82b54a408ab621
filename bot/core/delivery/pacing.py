"""Pacing: send at the platform's speed limit instead of discovering it through 429s.

Token buckets on the injected clock: one per channel (Slack allows about one message per
second per channel) and one per platform workspace/bot (Discord's global 50 requests/s).
Discord's per-route buckets are also honoured by discord.py itself from the rate-limit
headers; ours keep a large fan-out from ever reaching them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.core.clock import Clock

__all__ = ["Pacer", "Pacing", "TokenBucket"]


@dataclass(frozen=True, slots=True)
class Pacing:
    """Rates for one platform; ``None`` means no limit of that kind."""

    per_channel: float | None  # messages per second in one channel
    channel_burst: int = 1
    overall: float | None = None  # messages per second across all channels
    overall_burst: int = 1


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; ``take()`` waits for one."""

    def __init__(self, clock: Clock, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        self._clock = clock
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._stamp = clock.now()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        """Wait until a token is available and take it (callers are served in turn)."""
        async with self._lock:
            now = self._clock.now()
            elapsed = max(0.0, now - self._stamp)
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
            self._stamp = max(self._stamp, now)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return
            # Sleep exactly until the next token exists, then take it: no re-check, so the
            # result never depends on the clock's floating-point resolution.
            wait = (1.0 - self._tokens) / self._rate
            await self._clock.sleep(wait)
            self._tokens = 0.0
            self._stamp += wait


class Pacer:
    """The buckets of every channel of one platform."""

    def __init__(self, clock: Clock, pacing: Pacing) -> None:
        self._clock = clock
        self._pacing = pacing
        self._channels: dict[str, TokenBucket] = {}
        self._overall = (
            TokenBucket(clock, pacing.overall, pacing.overall_burst) if pacing.overall else None
        )

    async def wait(self, channel: str) -> None:
        """Wait for this channel's turn, then for the platform's."""
        if self._pacing.per_channel:
            bucket = self._channels.get(channel)
            if bucket is None:
                bucket = TokenBucket(
                    self._clock, self._pacing.per_channel, self._pacing.channel_burst
                )
                self._channels[channel] = bucket
            await bucket.take()
        if self._overall is not None:
            await self._overall.take()
