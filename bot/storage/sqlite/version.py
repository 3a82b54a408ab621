"""Whether the archive may have changed: what lets answers be cached and never be stale.

SQLite's ``PRAGMA data_version``, read on a connection of our own, changes whenever any other
connection commits: this process's writer (an ingest from a watched folder or an HTTP poller)
as much as another process (``paperbot ingest`` while ``serve`` runs). Reading it looks only at
the write-ahead log's index in shared memory (about 3 µs on the 100,000-entry archive of
``benchmarks/store.py``), so every request can ask on the event loop itself: no thread hop,
no timer, no window in which a re-ingested digest is answered from a cache.

Any commit changes it, not only an ingest (the delivery lease is renewed every 10 s, the outbox
records each post), so a cache keyed on it recomputes somewhat more often than strictly
needed, which costs what answering without a cache costs, and is never wrong. A ``:memory:``
archive has a single connection and nothing to watch it from: its version differs on every
call, so nothing is cached.

The core sees this through :class:`bot.core.archive.repositories.ArchiveVersion`, obtained from
:meth:`Store.watch_version() <bot.storage.sqlite.store.Store.watch_version>`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import weakref
from collections.abc import Hashable

from bot.storage.sqlite.errors import storage_error

__all__ = ["SqliteArchiveVersion"]

_log = logging.getLogger(__name__)


class SqliteArchiveVersion:
    """The archive's version as seen from a read-only connection of its own.

    Get one with :meth:`Store.watch_version`; :meth:`current` is then safe to call on the
    event loop, and :meth:`close` (or garbage collection) closes the connection. Built on
    ``None`` it watches nothing, and every version is new.
    """

    def __init__(self, conn: sqlite3.Connection | None) -> None:
        self._conn = conn
        self._never_same = itertools.count()
        self._closer = weakref.finalize(self, conn.close) if conn is not None else None

    @classmethod
    async def watch(cls, path: str) -> SqliteArchiveVersion:
        """Watch the database file at ``path``.

        Raises:
            StorageError: The file cannot be opened for reading.
        """
        try:
            return cls(await asyncio.to_thread(_connect, path))
        except sqlite3.Error as error:
            raise storage_error(error, f"cannot watch the archive {path}") from error

    @property
    def watching(self) -> bool:
        """False for a ``:memory:`` archive (or once closed): every version is new."""
        return self._conn is not None

    def current(self) -> Hashable:
        """A value that changes whenever anything was committed to the archive since the last.

        Returns a fresh value (equal to nothing before it) when it cannot tell.
        """
        if self._conn is None:
            return ("unknown", next(self._never_same))
        try:
            # fetchall, not fetchone: the statement must finish, or its read transaction
            # would stay open and keep the write-ahead log from being checkpointed.
            ((version,),) = self._conn.execute("PRAGMA data_version").fetchall()
        except sqlite3.Error:  # e.g. busy while another process recovers the log
            _log.warning("could not read the archive's data_version", exc_info=True)
            return ("unknown", next(self._never_same))
        return int(version)

    def close(self) -> None:
        """Close the connection; from then on every version is new (nothing is cached)."""
        if self._closer is not None:
            self._closer()
        self._conn = None


def _connect(path: str) -> sqlite3.Connection:
    """A connection that only reads (as the store's readers: ``query_only``, same file)."""
    # timeout=0: it is read on the event loop, so a busy file must answer "unknown" at once
    # rather than block every request for sqlite3's default five seconds.
    conn = sqlite3.connect(path, timeout=0, check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn
