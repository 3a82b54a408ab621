"""A write cancelled while it waits for another process's lock leaves the store usable.

aiosqlite runs a cancelled ``BEGIN IMMEDIATE`` later anyway, on its own thread; a rollback
guarded by ``in_transaction`` (read before that happened) left the writer inside a transaction
and every later write failed with "cannot start a transaction within a transaction" (CI, #15).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

from bot.storage.sqlite.store import Store


async def test_a_write_cancelled_while_waiting_for_the_lock_leaves_the_writer_clean(
    tmp_path: Path,
) -> None:
    path = tmp_path / "archive.sqlite3"
    async with Store.open(path, background_index=False) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        entered = asyncio.Event()

        async def write() -> None:
            entered.set()
            async with store.transaction() as conn:
                await conn.execute("CREATE TABLE never (x)")

        task = asyncio.create_task(write())
        await entered.wait()  # the task yielded: its BEGIN is queued on the writer's thread
        task.cancel()
        await asyncio.sleep(0)  # the task handles its cancellation while the BEGIN still waits
        other.execute("ROLLBACK")  # the queued BEGIN now succeeds, after the cancellation
        other.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task

        async with store.transaction() as conn:
            await conn.execute("CREATE TABLE later (x)")
        names = {name for (name,) in await store.query("SELECT name FROM sqlite_master")}
        assert "later" in names and "never" not in names
