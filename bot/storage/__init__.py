"""Storage: the one package that holds SQL and imports a database driver.

It implements the repository Protocols the core declares (the archive and its search index in
:mod:`bot.core.archive.repositories`, the delivery and daily-run tables beside theirs) and turns
every driver error into the core's :mod:`bot.core.errors`, so nothing outside sees a
connection, a cursor, SQL text or a driver exception. SQLite, the embedded default, lives in
:mod:`bot.storage.sqlite`; another backend would be a sibling package behind the same
Protocols. The composition root opens storage with :func:`open_store`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path

    from bot.storage.sqlite.store import Store

__all__ = ["open_store"]


def open_store(location: str | Path) -> AbstractAsyncContextManager[Store]:
    """Open the storage at ``location`` (a SQLite file, or ``":memory:"``); close on exit.

    The one place a location picks a backend: today every location is a SQLite file. The
    driver is imported here, on first use, so commands that never open storage stay fast.

    Raises:
        StorageError: The storage cannot be opened (another process holding it locked past
            the busy timeout raises :class:`~bot.core.errors.StorageBusy`).
        SchemaError: Its schema is newer than this paperbot, or a migration failed.
    """
    from bot.storage.sqlite.store import Store

    return Store.open(location)
