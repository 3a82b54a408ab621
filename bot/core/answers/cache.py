"""Answers kept while the archive stays the same, and computed once when many ask at once.

Fifty people asking at the same moment share one event loop, so the last of them waits for
the CPU of every answer before theirs: a card rendered again, a digest listed again, the same
search run again, is latency for everyone behind it. An answer depends only on the request and
on the archive, so it is kept, keyed by the request (a reply by its
:class:`~bot.core.answers.query.Query`), for as long as the archive's version (see
:class:`~bot.core.archive.repositories.ArchiveVersion`) stays the same; the first request after a
change finds the cache empty. Requests for an answer still being computed wait for that
computation instead of starting their own.

Failures are never kept: whoever was waiting sees the exception, and the next request tries
again. The cache is bounded (least recently used answers go first).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["AnswerCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AnswerCache(Generic[K, V]):
    """Values (never ``None``) by key, valid while ``version()`` returns the same value.

    Args:
        version: The archive's version now; cheap, called on every :meth:`get`.
        size: How many answers to keep at most.
    """

    def __init__(self, version: Callable[[], Hashable], *, size: int) -> None:
        self._version = version
        self._size = size
        self._seen: Hashable = None
        self._done: OrderedDict[K, V] = OrderedDict()
        self._running: dict[K, asyncio.Future[V]] = {}

    def __len__(self) -> int:
        return len(self._done)

    def peek(self, key: K) -> V | None:
        """The answer kept for ``key``, or ``None``; never computes one."""
        self._check_version()
        if key not in self._done:
            return None
        self._done.move_to_end(key)
        return self._done[key]

    async def get(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        """The answer for ``key``: kept, being computed, or computed now by ``compute()``.

        A caller that is cancelled while waiting does not cancel a computation others share.
        """
        kept = self.peek(key)
        if kept is not None:
            return kept
        version = self._seen
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(compute())
            self._running[key] = running
            running.add_done_callback(lambda done: self._finished(key, version, done))
        return await asyncio.shield(running)

    def _check_version(self) -> None:
        version = self._version()
        if version != self._seen:
            self.clear()
            self._seen = version

    def clear(self) -> None:
        """Forget every answer (computations under way finish for their callers only)."""
        self._done.clear()
        self._running.clear()

    def _finished(self, key: K, version: Hashable, done: asyncio.Future[V]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        if done.cancelled() or done.exception() is not None or version != self._seen:
            return
        self._done[key] = done.result()
        self._done.move_to_end(key)
        while len(self._done) > self._size:
            self._done.popitem(last=False)
