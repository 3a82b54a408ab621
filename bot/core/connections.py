"""Connections to the archive file: opened alike, closed in order.

Kept apart from :mod:`bot.core.store` so the store reads as behaviour.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Final

import aiosqlite

from .schema import StoreError

__all__ = ["BUSY_TIMEOUT_MS", "close_all", "connect"]

_log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS: Final = 5_000  # how long to wait for another process's write lock


async def connect(
    path: str, opened: list[aiosqlite.Connection], *, read_only: bool = False
) -> aiosqlite.Connection:
    """Open ``path`` and append the connection to ``opened`` (closed by :func:`close_all`).

    Raises:
        StoreError: The file cannot be opened, or is not a database.
    """
    try:
        if not opened and path != ":memory:":
            # Open once with the standard library first: a failed aiosqlite.connect() leaves
            # its worker thread to report to an event loop that may be gone by then.
            await asyncio.to_thread(_probe, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        opened.append(conn)
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL + NORMAL: commits stay atomic; a power cut may lose the last ones, which
        # re-ingesting repairs (sqlite.org/pragma.html#pragma_synchronous).
        await conn.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            await conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the archive {path}: {error}") from error
    return conn


def _probe(path: str) -> None:
    """Raise ``sqlite3.Error`` if ``path`` cannot be opened and read as a database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


async def close_all(opened: list[aiosqlite.Connection]) -> None:
    """Close the readers, then the writer after ``PRAGMA optimize`` (as the docs advise)."""
    for conn in reversed(opened):
        if conn is opened[0]:
            try:
                await conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                _log.warning("PRAGMA optimize failed", exc_info=True)
        await conn.close()
