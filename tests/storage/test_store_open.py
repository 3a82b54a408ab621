"""Opening an archive while another process holds it: wait, then say so plainly.

Two ``paperbot`` commands creating the same new archive used to fail now and then with a raw
``sqlite3.OperationalError: database is locked`` at ``PRAGMA journal_mode = WAL``: that switch
needs the file to itself, and SQLite answers it with "locked" at once (no busy wait) while
another connection holds the write lock. The first test pins that moment exactly: a
connection holds the write lock on a new file while the store opens it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import StorageError, Store
from tests.storage.concurrent_open import open_new


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection holding the write lock (RESERVED) on a new, empty archive file."""
    conn = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    conn.close()


class ReleaseWhenRetried(logging.Handler):
    """Lets the holder go at the store's first retry, so the test never guesses a delay."""

    def __init__(self, holder: sqlite3.Connection) -> None:
        super().__init__(logging.DEBUG)
        self.holder = holder
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "locked by another process" in record.getMessage():
            self.retries += 1
            if self.holder.in_transaction:
                self.holder.execute("ROLLBACK")


async def test_a_new_archive_waits_for_a_write_lock_held_elsewhere(
    tmp_path: Path, holder: sqlite3.Connection
) -> None:
    logger = logging.getLogger("bot.storage.sqlite.connections")
    release = ReleaseWhenRetried(holder)
    logger.addHandler(release)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        async with Store.open(tmp_path / "new.db", background_index=False) as store:
            assert await store.dates() == ()
    finally:
        logger.removeHandler(release)
        logger.setLevel(old_level)
    assert release.retries >= 1  # it did meet the lock, and waited instead of failing
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_a_lock_held_past_the_timeout_is_a_clear_store_error(
    tmp_path: Path, holder: sqlite3.Connection
) -> None:
    path = tmp_path / "new.db"
    with pytest.raises(StorageError) as raised:
        async with Store.open(path, busy_timeout=0.05, background_index=False):
            pass
    assert str(raised.value) == (
        f"cannot open the archive {path}: another process has held it locked for 0.05 s; "
        "try again when that process is done"
    )


def test_processes_opening_a_new_archive_together_all_succeed(tmp_path: Path) -> None:
    """Fresh processes in step, two per new file: before the fix 5 to 20 % of opens failed."""
    trials, processes = 40, 2
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([open_new.__module__])
    results = context.Queue()
    outcomes: Counter[str] = Counter()
    for trial in range(trials):
        barrier = context.Barrier(processes, timeout=60)
        path = str(tmp_path / f"new-{trial}.db")
        children = [
            context.Process(target=open_new, args=(path, barrier, results))
            for _ in range(processes)
        ]
        for child in children:
            child.start()
        outcomes.update(results.get(timeout=60) for _ in children)
        for child in children:
            child.join(timeout=60)
    assert outcomes == {"ok": trials * processes}, outcomes
