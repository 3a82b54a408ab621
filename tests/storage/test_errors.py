"""SQLite's errors leave storage as the core's, with the message a user has always read."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.errors import StorageBusy, StorageError
from bot.storage.sqlite.errors import is_busy, is_locked, storage_error
from bot.storage.sqlite.store import Store
from tests.storage.test_store import hash_of, make_digest, make_paper

DAY = dt.date(2026, 1, 5)


@contextlib.contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Another connection (as another process would) holds the file's write lock."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")


def sqlite_error(code: int, message: str) -> sqlite3.Error:
    """A driver error as SQLite raises it, with its (extended) result code."""
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


def test_busy_and_locked_become_storage_busy() -> None:
    busy_recovery = sqlite3.SQLITE_BUSY | (1 << 8)  # SQLITE_BUSY_RECOVERY
    for code in (sqlite3.SQLITE_BUSY, busy_recovery, sqlite3.SQLITE_LOCKED):
        error = storage_error(sqlite_error(code, "database is locked"), "archive write failed")
        assert type(error) is StorageBusy
        assert str(error) == "archive write failed: database is locked"
    assert is_busy(sqlite_error(busy_recovery, "busy"))
    assert not is_busy(sqlite_error(sqlite3.SQLITE_LOCKED, "locked"))
    assert is_locked(sqlite_error(sqlite3.SQLITE_LOCKED, "locked"))


def test_other_errors_are_storage_errors() -> None:
    full = storage_error(sqlite_error(sqlite3.SQLITE_FULL, "database or disk is full"), "x")
    assert type(full) is StorageError
    assert str(full) == "x: database or disk is full"
    assert type(storage_error(sqlite3.InterfaceError("no code"), "y")) is StorageError


async def test_a_write_lock_held_past_the_timeout_is_storage_busy(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    digest = make_digest(DAY.isoformat(), make_paper("2601.00001", "A title"))
    async with Store.open(path, background_index=False, busy_timeout=0.05) as store:
        with write_locked(path), pytest.raises(StorageBusy) as raised:
            await store.ingest(digest, content_hash=hash_of(digest))
        assert str(raised.value) == "ingest of the 2026-01-05 digest failed: database is locked"
        with write_locked(path), pytest.raises(StorageBusy, match=r"^archive write failed: "):
            async with store.transaction() as conn:
                await conn.execute("DELETE FROM leases")
        assert await store.dates() == ()  # nothing was written
