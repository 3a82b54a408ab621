"""A clock the test moves by hand: implements :class:`bot.core.clock.Clock`."""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Callable

__all__ = ["FakeClock", "SteppedClock"]


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


class SteppedClock:
    """Fake time for a whole running service: it moves only when the test moves it.

    :class:`FakeClock` jumps at every ``sleep``, which suits one component at a time; with a
    scheduler, a delivery loop, pacing, a watcher and a poller all sleeping at once, the first
    sleeper would drag time past the others. Here ``sleep`` waits, and the test walks time
    forward deadline by deadline (:meth:`advance_to`, :meth:`advance_until`), letting the real
    event loop run for a moment (``settle``) at each stop so network I/O to the loopback fakes
    can finish. A request still in flight at a stop simply sees time pass, as on a slow network.
    """

    def __init__(self, start: float, *, settle: float = 0.003) -> None:
        self.time = start
        self.settle = settle
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = 0

    def now(self) -> float:
        """The current fake time, in epoch seconds."""
        return self.time

    async def sleep(self, seconds: float) -> None:
        """Wait until the test has moved time ``seconds`` past now."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._sleepers, (self.time + seconds, self._count, woken))
        await woken

    def _next_deadline(self) -> float | None:
        while self._sleepers and self._sleepers[0][2].done():  # cancelled sleepers
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    def _move(self, when: float) -> None:
        self.time = max(self.time, when)
        while self._sleepers and self._sleepers[0][0] <= self.time:
            _, _, woken = heapq.heappop(self._sleepers)
            if not woken.done():
                woken.set_result(None)

    async def _step(self, limit: float) -> bool:
        """Let the loop run, then wake the earliest sleepers if due by ``limit``; False if none."""
        await asyncio.sleep(self.settle)
        deadline = self._next_deadline()
        if deadline is None or deadline > limit:
            return False
        self._move(deadline)
        return True

    async def advance_to(self, when: float) -> None:
        """Walk time to ``when``, waking every sleeper on the way in deadline order."""
        while await self._step(when):
            pass
        self._move(when)
        await asyncio.sleep(self.settle)

    async def advance_until(
        self, done: Callable[[], bool], *, limit: float, what: str = "it", real_timeout: float = 30
    ) -> float:
        """Walk time forward, deadline by deadline, until ``done()``; returns the fake time.

        Raises:
            AssertionError: ``real_timeout`` real seconds passed first; fake time never passes
                ``limit``.
        """
        started = time.monotonic()
        while not done():
            if time.monotonic() - started > real_timeout:
                raise AssertionError(
                    f"{what} had not happened after {real_timeout} real seconds "
                    f"(fake time {self.time}, limit {limit})"
                )
            await self._step(limit)  # no sleeper due by the limit: only real time passes (I/O)
        return self.time
