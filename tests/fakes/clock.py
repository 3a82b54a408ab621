"""A clock the test moves by hand: implements :class:`bot.core.clock.Clock`."""

from __future__ import annotations

import asyncio

__all__ = ["FakeClock"]


class FakeClock:
    """``now()`` is whatever the test set; ``sleep(s)`` moves time forward by ``s`` at once.

    Sleeping yields to the event loop once, so other tasks run in between, but no real time
    passes: a 30-second back-off takes microseconds and the same path every run.
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.time = start
        self.slept: list[float] = []

    def now(self) -> float:
        """The current fake time, in epoch seconds."""
        return self.time

    async def sleep(self, seconds: float) -> None:
        """Advance time by ``seconds`` (if positive) and let other tasks run."""
        if seconds > 0:
            self.slept.append(seconds)
            # At least a microsecond: near 1.7e9 s a smaller step is lost to float rounding
            # and a loop waiting for "now >= deadline" would never get there.
            self.time += max(seconds, 1e-6)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move time forward without sleeping."""
        self.time += seconds
