"""Time, injected: the scheduler and the delivery worker never read the wall clock directly.

Tests pass a clock they move by hand, so "wait 30 s for Retry-After" or "post at 08:00
Asia/Seoul" runs in microseconds and the same way every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Protocol

__all__ = ["Clock", "SystemClock", "sleep_unless"]


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


async def sleep_unless(clock: Clock, seconds: float | None, event: asyncio.Event) -> bool:
    """Sleep on ``clock`` for ``seconds`` (``None``: no limit), or until ``event`` is set.

    Long-running loops sleep through this so that stopping them (or waking them early) takes
    effect at once, not when a five-minute poll interval ends: ``paperbot serve`` must exit
    promptly on SIGTERM.

    Returns:
        Whether ``event`` was set.
    """
    if event.is_set():
        return True
    waits: list[asyncio.Task[object]] = [asyncio.create_task(event.wait())]
    if seconds is not None:
        waits.append(asyncio.create_task(clock.sleep(seconds)))
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
        for task in waits:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return event.is_set()
