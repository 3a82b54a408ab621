"""Time, injected: the scheduler and the delivery worker never read the wall clock directly.

Tests pass a clock they move by hand, so "wait 30 s for Retry-After" or "post at 08:00
Asia/Seoul" runs in microseconds and the same way every time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """Wall time in epoch seconds, and a way to wait for some of it to pass."""

    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (0 or less returns at once)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        """``time.time()``."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``."""
        await asyncio.sleep(max(0.0, seconds))
