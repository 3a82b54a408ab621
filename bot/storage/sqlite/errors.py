"""SQLite's errors become the project's own here, so no driver exception leaves storage.

Every place in :mod:`bot.storage.sqlite` that catches a ``sqlite3.Error`` (aiosqlite raises the
same classes) hands it to :func:`storage_error`, which keeps the message a user reads exactly as
it was (``"<what failed>: <SQLite's words>"``) and picks the class the core may react to:
:class:`~bot.core.errors.StorageBusy` when SQLite gave up waiting for another connection's lock,
:class:`~bot.core.errors.StorageError` otherwise. Migrations raise
:class:`~bot.core.errors.SchemaError` themselves (:func:`bot.storage.sqlite.schema.migrate`).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Final

from bot.core.errors import StorageBusy, StorageError

__all__ = ["is_busy", "is_locked", "storage_error"]

_log = logging.getLogger(__name__)

#: Primary result codes of a lock held elsewhere (sqlite.org/rescode.html#busy, #locked).
_LOCK_CODES: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code, without the extended bits (None if SQLite set none)."""
    code = getattr(error, "sqlite_errorcode", None)  # set by Python 3.11+ on SQLite's errors
    return code & 0xFF if isinstance(code, int) else None


def is_busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY, whatever its extended code: another connection holds the file's lock."""
    return _primary_code(error) == sqlite3.SQLITE_BUSY


def is_locked(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: a lock held elsewhere, after the busy timeout if any."""
    return _primary_code(error) in _LOCK_CODES


def storage_error(error: sqlite3.Error, what: str) -> StorageError:
    """The project's error for ``error``: ``"{what}: {error}"``, busy or not.

    Raise it ``from error`` so the driver's traceback stays in the logs.
    """
    kind = StorageBusy if is_locked(error) else StorageError
    return kind(f"{what}: {error}")
