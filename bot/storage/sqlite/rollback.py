"""Ending a failed transaction on an aiosqlite connection, cancellation included.

aiosqlite runs every statement on the connection's own thread, in the order they were queued;
cancelling the coroutine that awaits a statement does not take it off that queue. So when a
task is cancelled while its ``BEGIN IMMEDIATE`` waits for another process's lock, the ``BEGIN``
still runs *later*, and ``conn.in_transaction`` read in the event loop at the moment of the
cancellation says "no transaction": a guard ``if conn.in_transaction: rollback()`` then skips
the rollback and leaves the connection inside a transaction that no one will end (every later
write fails with "cannot start a transaction within a transaction"; seen in CI).

The cure is to queue the rollback unconditionally: it runs after whatever was queued before it
and sqlite3's ``rollback()`` does nothing when no transaction is open at that point.
"""

from __future__ import annotations

import aiosqlite

__all__ = ["roll_back"]


async def roll_back(conn: aiosqlite.Connection) -> None:
    """End the connection's transaction, if any, after every statement queued before this."""
    await conn.rollback()
