"""Noticing what other processes commit, so ``serve`` sends what they planned at once.

``paperbot post`` beside a running ``serve`` plans its messages in the shared outbox and leaves
the sending to serve, the holder of the platform's delivery lease; ``paperbot retry`` requeues
rows the same way. SQLite tells no one about a commit, so serve looks: about once a second it
reads the archive's version (:class:`~bot.core.archive.repositories.ArchiveVersion`, a few
microseconds on the event loop for SQLite, no query unless it moved) and, when it moved, pokes the
delivery worker, which then looks for channels with new work.

The interval is real time, not the injected clock: it measures how soon serve reacts to another
process, which runs in real time, and decides nothing that is due. Under a test's stepped clock
it costs no fake-time steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.core.archive.repositories import ArchiveVersion

__all__ = ["POLL_SECONDS", "CommitWatch"]

_log = logging.getLogger(__name__)

#: How often to look, in real seconds: ``post`` beside ``serve`` waits at most about this long.
POLL_SECONDS = 0.5


class CommitWatch:
    """Calls ``changed()`` after any connection (of any process) committed to the archive.

    It fires for this process's own commits too (every send, every lease renewal): a poke
    then costs the worker one query for channels with work, which is cheap and never wrong.
    """

    def __init__(
        self,
        version: ArchiveVersion,
        changed: Callable[[], None],
        *,
        interval: float = POLL_SECONDS,
    ) -> None:
        self._version = version
        self._changed = changed
        self._interval = interval
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Look every ``interval`` seconds until :meth:`stop`."""
        seen = self._version.current()
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._interval)
            now = self._version.current()
            if now != seen:
                seen = now
                self._changed()

    def stop(self) -> None:
        """End :meth:`run` at once."""
        self._stop.set()
