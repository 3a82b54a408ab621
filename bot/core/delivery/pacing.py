"""Pacing: send at the platform's speed limit instead of discovering it through 429s.

Token buckets on the injected clock: one per channel (Slack allows about one message per
second per channel) and one per platform workspace/bot (Discord's global 50 requests/s).
Discord's per-route buckets are also honoured by discord.py itself from the rate-limit
headers; ours keep a large fan-out from ever reaching them.

The overall rate is kept twice: once when a channel's next row may be claimed (so a crash
leaves few rows ``sending``), and again right before the request goes out (:meth:`Pacer.send`).
Between the two the worker claims the row and renders it from the database; when the database
stalls (a checkpoint, a busy server), turns taken before the stall would otherwise all reach
the platform together after it, and a window of Discord's global limit (50 a second, which the
default pacing fills to 48 + a burst of 2) overflows. The second bucket spreads them out again.

The overall buckets can be *paused* by the platform's adapter when the platform says every
request must wait (Discord's global 429). While the platform's client sleeps out such a 429,
the requests it holds back pile up; a bucket that kept handing out turns meanwhile would add
its own pile, and all of it would reach the platform at once when the wait ends, overfilling
the next window and earning the next global 429 (a cascade measured by
``benchmarks/fanout.py``). Paused, the bucket hands out nothing until the adapter sees the
platform accept a request again, and then starts empty, not from a saved burst.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.core.clock import Clock, sleep_unless

__all__ = ["MAX_PAUSE", "Pacer", "Pacing", "TokenBucket"]

_log = logging.getLogger(__name__)

#: Platform seconds a pause lasts at most when nothing resumes it (the adapter saw no request
#: succeed, e.g. the one that was refused failed for good): longer than any global wait.
MAX_PAUSE = 5.0


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
        self._open = asyncio.Event()
        self._open.set()

    @property
    def paused(self) -> bool:
        """:meth:`pause` was called and nothing has resumed the bucket since."""
        return not self._open.is_set()

    def pause(self) -> None:
        """Hand out no token until :meth:`resume` (or :data:`MAX_PAUSE` passes)."""
        self._open.clear()

    def resume(self) -> None:
        """Hand out tokens again, starting empty (no burst saved up while paused)."""
        self._open.set()

    async def take(self) -> None:
        """Wait until a token is available and take it (callers are served in turn)."""
        async with self._lock:
            while True:
                if self.paused:
                    await self._sit_out_pause()
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
                if not self.paused:
                    return
                # Paused while waiting: that token belongs to the time before the pause.

    async def _sit_out_pause(self) -> None:
        if not await sleep_unless(self._clock, MAX_PAUSE, self._open):
            _log.warning("nothing resumed the paused pacing in %.0f s; resuming", MAX_PAUSE)
            self._open.set()
        self._tokens, self._stamp = 0.0, self._clock.now()


class Pacer:
    """The buckets of every channel of one platform."""

    def __init__(self, clock: Clock, pacing: Pacing) -> None:
        self._clock = clock
        self._pacing = pacing
        self._channels: dict[str, TokenBucket] = {}
        self._overall = self._bucket(pacing.overall, pacing.overall_burst)
        self._wire = self._bucket(pacing.overall, pacing.overall_burst)

    def _bucket(self, rate: float | None, burst: int) -> TokenBucket | None:
        return TokenBucket(self._clock, rate, burst) if rate else None

    async def wait(self, channel: str) -> None:
        """Wait for this channel's turn, then for the platform's (before claiming a row)."""
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

    async def send(self) -> None:
        """Wait for the platform's turn on the wire (right before a request goes out)."""
        if self._wire is not None:
            await self._wire.take()

    def pause(self) -> None:
        """The platform refused a request for every channel: give no turns until :meth:`resume`."""
        for bucket in (self._overall, self._wire):
            if bucket is not None:
                bucket.pause()

    def resume(self) -> None:
        """The platform accepted a request again: give turns at the rate, without a burst."""
        for bucket in (self._overall, self._wire):
            if bucket is not None:
                bucket.resume()
