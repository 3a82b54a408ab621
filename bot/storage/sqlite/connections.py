"""Connections to the archive file: opened alike, switched to WAL once, pooled, closed in order.

Kept apart from :mod:`bot.storage.sqlite.store` so the store reads as behaviour.

Waiting for other processes: every connection waits up to ``busy_timeout`` seconds for a lock
another process holds (SQLite's busy handler). One step is not covered by it: switching a new
file to WAL (:func:`use_wal`) fails *at once* with "database is locked" when another connection
holds the write lock at that instant, as when two processes create the same archive together
(5 to 20 % of such starts, measured). That step is retried here, with growing pauses, for
the same ``busy_timeout``; then the error says that another process holds the archive.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

import aiosqlite

from bot.core.errors import StorageBusy, StorageError
from bot.storage.archive_rows import Row
from bot.storage.sqlite.errors import is_busy, storage_error
from bot.storage.sqlite.rollback import roll_back

__all__ = ["BUSY_TIMEOUT", "Read", "Readers", "close_all", "connect", "use_wal"]

_log = logging.getLogger(__name__)

BUSY_TIMEOUT: Final = 5.0  # seconds to wait for another process's lock
_FIRST_PAUSE: Final = 0.002  # seconds before the first retry of the WAL switch; it doubles
_LONGEST_PAUSE: Final = 0.2  # ...up to this: another process's switch takes milliseconds


async def connect(
    path: str,
    opened: list[aiosqlite.Connection],
    *,
    read_only: bool = False,
    busy_timeout: float = BUSY_TIMEOUT,
) -> aiosqlite.Connection:
    """Open ``path`` and append the connection to ``opened`` (closed by :func:`close_all`).

    Raises:
        StorageError: The file cannot be opened, or is not a database.
    """
    try:
        if not opened and path != ":memory:":
            # Open once with the standard library first: a failed aiosqlite.connect() leaves
            # its worker thread to report to an event loop that may be gone by then.
            await asyncio.to_thread(_probe, path, busy_timeout)
        conn = await aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
        opened.append(conn)
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout * 1000)}")
        # WAL + NORMAL: commits stay atomic; a power cut may lose the last ones, which
        # re-ingesting repairs (sqlite.org/pragma.html#pragma_synchronous).
        await conn.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            await conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        raise _open_error(path, error, busy_timeout) from error
    return conn


async def use_wal(
    conn: aiosqlite.Connection, path: str, *, busy_timeout: float = BUSY_TIMEOUT
) -> None:
    """Put the archive in WAL mode, waiting for another process that holds it locked.

    Raises:
        StorageError: Still locked after ``busy_timeout`` seconds, or another SQLite error.
    """
    deadline = time.monotonic() + busy_timeout
    pause = _FIRST_PAUSE
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.Error as error:
            if not is_busy(error) or time.monotonic() + pause > deadline:
                raise _open_error(path, error, busy_timeout) from error
        _log.debug("the archive %s is locked by another process; again in %.3f s", path, pause)
        await asyncio.sleep(pause)
        pause = min(2 * pause, _LONGEST_PAUSE)


def _open_error(path: str, error: sqlite3.Error, busy_timeout: float) -> StorageError:
    """What to tell the user; "database is locked" alone does not say what to do."""
    if is_busy(error):
        return StorageBusy(
            f"cannot open the archive {path}: another process has held it locked for "
            f"{busy_timeout:g} s; try again when that process is done"
        )
    return storage_error(error, f"cannot open the archive {path}")


def _probe(path: str, busy_timeout: float) -> None:
    """Raise ``sqlite3.Error`` if ``path`` cannot be opened and read as a database."""
    conn = sqlite3.connect(path, timeout=busy_timeout)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


Read = Callable[..., Awaitable[list[Row]]]
"""``await read(sql, *params)``: the rows of one read statement."""


class Readers:
    """The pool of reader connections: one statement on any idle reader, or a snapshot.

    Args:
        readers: The pool's connections.
        shared_lock: The write lock when the only connection is the writer (``:memory:``):
            a snapshot then holds it instead of opening a read transaction.
    """

    def __init__(
        self, readers: Sequence[aiosqlite.Connection], *, shared_lock: asyncio.Lock | None
    ) -> None:
        self._shared_lock = shared_lock
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for conn in readers:
            self._idle.put_nowait(conn)

    async def read(self, sql: str, *params: Any) -> list[Row]:
        """The rows of one read statement, on an idle reader (its own consistent snapshot).

        Raises:
            StorageError: SQLite failed.
        """
        conn = await self._idle.get()
        try:
            return [tuple(row) for row in await conn.execute_fetchall(sql, params)]
        except sqlite3.Error as error:
            raise storage_error(error, "archive read failed") from error
        finally:
            self._idle.put_nowait(conn)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Read]:
        """A read transaction on one reader: its statements all see the same committed state.

        On ``:memory:`` the only connection is the writer, so this holds the write lock
        instead (never call it inside the store's ``transaction()``).

        Raises:
            StorageError: SQLite failed.
        """
        if self._shared_lock is not None:
            async with self._shared_lock:
                yield self.read
            return
        conn = await self._idle.get()

        async def read(sql: str, *params: Any) -> list[Row]:
            return [tuple(row) for row in await conn.execute_fetchall(sql, params)]

        try:
            await conn.execute("BEGIN")
            yield read
        except sqlite3.Error as error:
            raise storage_error(error, "archive read failed") from error
        finally:
            try:
                await roll_back(conn)  # only reads happened: ending is all it does
            finally:
                self._idle.put_nowait(conn)


async def close_all(opened: list[aiosqlite.Connection]) -> None:
    """Close the readers, then the writer after ``PRAGMA optimize`` (as the docs advise)."""
    for conn in reversed(opened):
        if conn is opened[0]:
            try:
                await conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                _log.warning("PRAGMA optimize failed", exc_info=True)
        await conn.close()
