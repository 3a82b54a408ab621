"""Whose turn it is when many interactions arrive at once: what is owed now goes first.

Discord gives an interaction 3 seconds for its first response, and autocomplete cannot be
deferred at all; a deferred answer ("thinking…") may follow up for 15 minutes. All of them
share one event loop and a few archive reader connections, so when fifty commands arrive
together, the order in which their work runs decides who waits:

* an answer is **owed now** while it is being made for the first response (a card answered
  directly, a list of autocomplete choices);
* once :data:`~bot.discord.responder.DEFER_WHEN_MAKING` replies are being made, the next is
  deferred at once: making it would keep its user waiting behind all the others, so it is
  acknowledged first and made afterwards;
* deferred work starts when nothing owed now is being made (or after :data:`OWED_FIRST_MAX`
  at most, so a stream of autocomplete cannot starve it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Final

__all__ = ["OWED_FIRST_MAX", "Turns"]

#: Seconds deferred work waits at most for answers owed now: well inside a followup's
#: 15 minutes, long enough for any burst of direct answers to be made (~2 ms each).
OWED_FIRST_MAX: Final = 0.5


class Turns:
    """Counts the replies being made, and lets deferred work wait for those owed now.

    Args:
        busy_at: Replies being made from which the next one is deferred first.
    """

    def __init__(self, *, busy_at: int) -> None:
        self._busy_at = busy_at
        self._making = 0
        self._owed = 0
        self._owed_done = asyncio.Event()
        self._owed_done.set()

    @property
    def busy(self) -> bool:
        """Whether a new reply should be deferred before it is made."""
        return self._making >= self._busy_at

    @contextlib.contextmanager
    def making(self) -> Iterator[None]:
        """Count a reply as being made for as long as the block runs."""
        self._making += 1
        try:
            yield
        finally:
            self._making -= 1

    @contextlib.contextmanager
    def owed_now(self) -> Iterator[None]:
        """Mark the block as work for a first response: deferred work waits for it."""
        self._owed += 1
        self._owed_done.clear()
        try:
            yield
        finally:
            self._owed -= 1
            if not self._owed:
                self._owed_done.set()

    async def after_owed(self) -> None:
        """Return once nothing owed now is being made, or after :data:`OWED_FIRST_MAX`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(OWED_FIRST_MAX):
                await self._owed_done.wait()
