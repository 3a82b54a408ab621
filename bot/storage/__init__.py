"""Storage: the one package that holds SQL and imports a database driver.

It implements the repository Protocols the core declares (the archive and its search index in
:mod:`bot.core.archive.repositories`, the delivery and daily-run tables beside theirs) and turns
every driver error into the core's :mod:`bot.core.errors`, so nothing outside sees a
connection, a cursor, SQL text or a driver exception. SQLite, the embedded default, lives in
:mod:`bot.storage.sqlite`; another backend would be a sibling package behind the same
Protocols. The composition root opens storage with :func:`open_store`.

PostgreSQL (issue #17, :mod:`bot.storage.postgres`) uses psycopg 3
(``psycopg[binary,pool]``, the ``postgres`` extra, also in ``dev``), not asyncpg. Both are
maintained and async-native, and a chat bot's database is never its bottleneck. What decides:

- Types: psycopg ships inline annotations, so ``mypy --strict bot`` checks every call into it.
  asyncpg ships none; ``asyncpg-stubs`` on PyPI is a third party's, released after asyncpg and
  pinned to its versions, so each asyncpg upgrade would wait on a second project.
- All the issue needs from one project: ``AsyncConnection``; ``psycopg_pool``'s
  ``AsyncConnectionPool`` (one per ``serve`` process); ``LISTEN``/``NOTIFY`` via
  ``AsyncConnection.notifies()`` (a process hears of new outbox rows without polling); ``COPY``
  via ``AsyncCursor.copy()`` (``paperbot migrate``); the binary protocol per cursor.
- The port: its DB-API shape (``execute``, ``fetchone``, ``async with conn.transaction()``) is
  the aiosqlite repositories' shape, only ``?`` becomes ``%s``; asyncpg's API changes every call.
- Installation: the ``binary`` extra bundles libpq: no system library, no compiler.

asyncpg's edge is raw throughput; the issue's benchmarks compare the backends end to end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path

    from bot.core.delivery.repositories import DeliveryStore
    from bot.storage.postgres.store import PostgresStore
    from bot.storage.protocol import Storage

__all__ = ["is_postgres_url", "open_delivery_store", "open_store"]


def open_store(location: str | Path) -> AbstractAsyncContextManager[Storage]:
    """Open the storage at ``location``; close on exit.

    ``location`` is a SQLite file (or ``":memory:"``), or a ``postgresql://`` URL: the one
    place a location picks a backend. The driver is imported here, on first use, so commands
    that never open storage stay fast, and a SQLite install never imports psycopg.

    Raises:
        StorageError: The storage cannot be opened (another process holding it locked past
            the busy timeout raises :class:`~bot.core.errors.StorageBusy`), or a PostgreSQL
            URL names a database but psycopg is not installed.
        SchemaError: Its schema is newer than this paperbot, or a migration failed.
    """
    if is_postgres_url(location):
        return _open_postgres(str(location))
    from bot.storage.sqlite.store import Store

    return Store.open(location)


def open_delivery_store(location: str | Path) -> AbstractAsyncContextManager[DeliveryStore]:
    """Open the outbox and leases at ``location``: a ``postgresql://`` URL, or SQLite.

    Raises:
        StorageError: The storage cannot be opened.
        SchemaError: Its schema is newer than this paperbot, or a migration failed.
    """
    if not is_postgres_url(location):
        return open_store(location)
    return _open_postgres(str(location))


def _open_postgres(url: str) -> AbstractAsyncContextManager[PostgresStore]:
    """:meth:`PostgresStore.open`, or what to install when psycopg is missing."""
    try:  # psycopg is the optional `postgres` extra: a SQLite install never imports it
        from bot.storage.postgres.store import PostgresStore
    except ImportError as error:
        from bot.core.errors import StorageError

        raise StorageError(
            f"a PostgreSQL database needs its driver ({error.name}): "
            "pip install 'paperbot[postgres]'"
        ) from None
    return PostgresStore.open(url)


def is_postgres_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL database (``postgresql://`` or ``postgres://``).

    Here, not in :mod:`bot.storage.postgres`: telling the backends apart must not import a
    driver the embedded default does not need.
    """
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))
