"""Whether the archive may have changed, for PostgreSQL: commit notifications, counted.

SQLite reads ``PRAGMA data_version`` (:mod:`bot.storage.sqlite.version`); PostgreSQL has no
such counter, but it has ``LISTEN``/``NOTIFY``: every write transaction of
:class:`~bot.storage.postgres.store.PostgresStore` sends ``NOTIFY`` on :data:`CHANNEL` just
before its commit, and PostgreSQL delivers it to every listener when (and only if) the
transaction commits. A watch keeps one dedicated connection listening, in a background task
that counts what it hears, so :meth:`PostgresArchiveVersion.current` is a synchronous read of
two integers, cheap enough for every request on the event loop:

* what was heard: commits by any process, this one included;
* this process's own commits, which the store counts right after each commit, so an answer
  cached before this process's own ingest is never served after it while the notification
  is still on its way.

Another process's commit is heard a moment after it commits (one network round trip), where
SQLite sees it at once: that is the stale window of a second process, in milliseconds. As in
SQLite, any commit changes the version (a lease renewal too): a cache recomputes somewhat
more often than strictly needed, and is never wrong. If the listening connection fails, the
watch stops watching: every version is then new, so nothing is cached, never stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final

import psycopg

from bot.storage.postgres.errors import postgres_error

__all__ = ["CHANNEL", "NOTIFY_SQL", "PostgresArchiveVersion"]

_log = logging.getLogger(__name__)

#: The channel every write transaction notifies.
CHANNEL: Final = "paperbot_commits"
NOTIFY_SQL: Final = f"NOTIFY {CHANNEL}"
_LISTEN_SQL: Final = f"LISTEN {CHANNEL}"


class PostgresArchiveVersion:
    """The archive's version as counted by a listening connection of its own.

    Get one with :meth:`PostgresStore.watch_version`; :meth:`close` stops the task and closes
    the connection.

    Args:
        conn: The connection, already listening (autocommit).
        own_commits: Reads how many transactions this process's store has committed.
    """

    def __init__(self, conn: psycopg.AsyncConnection[Any], own_commits: Callable[[], int]) -> None:
        self._conn = conn
        self._own_commits = own_commits
        self._heard = 0
        self._watching = True
        self._never_same = itertools.count()
        self._task = asyncio.create_task(self._listen(), name="paperbot-archive-version")

    @classmethod
    async def watch(
        cls, url: str, own_commits: Callable[[], int], *, secrets: Sequence[str] = ()
    ) -> PostgresArchiveVersion:
        """Connect to ``url`` and listen for commits.

        Raises:
            StorageError: The server cannot be reached, or refuses to listen.
        """
        try:
            conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise postgres_error(error, "cannot watch the archive", secrets) from None
        try:
            await conn.execute(_LISTEN_SQL)
        except psycopg.Error as error:
            await conn.close()
            raise postgres_error(error, "cannot watch the archive", secrets) from None
        version = cls(conn, own_commits)
        await asyncio.sleep(0)  # the task starts: a close() from now on reaches its `finally`
        return version

    @property
    def watching(self) -> bool:
        """False once closed or once the listening connection failed: every version is new."""
        return self._watching

    def current(self) -> Hashable:
        """A value that changes whenever anything was committed since the last reading.

        Returns a fresh value (equal to nothing before it) when it cannot tell.
        """
        if not self._watching:
            return ("unknown", next(self._never_same))
        return self._heard, self._own_commits()

    def close(self) -> None:
        """Stop listening; from then on every version is new (nothing is cached)."""
        self._watching = False
        self._task.cancel()

    async def _listen(self) -> None:
        """Count notifications until closed or the connection fails; then close it."""
        try:
            async for _ in self._conn.notifies():
                self._heard += 1
        except psycopg.Error:
            _log.warning("lost the archive's commit notifications: no answer is cached now")
        finally:
            self._watching = False
            with contextlib.suppress(psycopg.Error):
                await self._conn.close()
