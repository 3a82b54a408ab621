"""The PostgreSQL store: a connection pool, its schema, and the two doors to it.

Open it with ``async with PostgresStore.open("postgresql://…") as store:``. Opening connects
once to migrate (:func:`bot.storage.postgres.schema.migrate`, safe with several processes
opening at once), then keeps a ``psycopg_pool`` pool of autocommit connections for the
process. The repositories (:class:`~bot.storage.postgres.tables.Tables`) go through two doors,
for the storage package's own modules (and white-box tests) only, never declared to the core:

- :meth:`PostgresStore.transaction`: a pooled connection inside one transaction (``BEGIN`` …
  ``COMMIT``; any exception rolls it back);
- :meth:`PostgresStore.query`: the rows of one read statement (one snapshot, autocommit).

Unlike SQLite's single writer there is no process-wide write lock: PostgreSQL's row locks order
concurrent writers, in this process and in others. Errors are the core's
(:mod:`bot.core.errors`), translated by :mod:`bot.storage.postgres.errors`; no message carries
the URL or its password.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.storage.postgres.errors import postgres_error, secrets_of
from bot.storage.postgres.schema import MIGRATIONS, migrate
from bot.storage.postgres.tables import Connection, Row, Tables

__all__ = ["DEFAULT_POOL_SIZE", "PostgresStore"]

#: Connections per process: a chat bot's reads and writes are short.
DEFAULT_POOL_SIZE: Final = 4
#: Seconds to wait for the server at open, and for a free pooled connection.
CONNECT_TIMEOUT: Final = 10.0


class PostgresStore(Tables):
    """The delivery and daily tables in a PostgreSQL database, over a connection pool."""

    def __init__(self, pool: AsyncConnectionPool[Connection], *, secrets: Sequence[str]) -> None:
        self._pool = pool
        self._secrets = tuple(secrets)

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        migrations: Sequence[str] = MIGRATIONS,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> AsyncIterator[PostgresStore]:
        """Connect to ``url``, migrate its schema, and keep a pool open until the block ends.

        Raises:
            StorageError: The server cannot be reached or refuses the connection.
            SchemaError: The schema is newer than ``migrations``, or a migration failed.
        """
        secrets = secrets_of(url)
        try:
            conn = await psycopg.AsyncConnection.connect(
                url, connect_timeout=max(1, int(connect_timeout))
            )
        except psycopg.Error as error:
            raise postgres_error(error, "cannot open the PostgreSQL database", secrets) from None
        async with conn:
            await migrate(conn, migrations)
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True},
            timeout=connect_timeout,
            open=False,
            name="paperbot",
        )
        try:
            await pool.open(wait=True, timeout=connect_timeout)
        except psycopg.Error as error:
            await pool.close()
            raise postgres_error(error, "cannot open the PostgreSQL database", secrets) from None
        try:
            yield cls(pool, secrets=secrets)
        finally:
            await pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A pooled connection inside one transaction; any exception rolls it back.

        Raises:
            StorageError: PostgreSQL failed; nothing of the transaction was written.
        """
        try:
            async with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.Error as error:
            raise postgres_error(error, "database write failed", self._secrets) from error

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement (autocommit: one snapshot).

        Raises:
            StorageError: PostgreSQL failed.
        """
        try:
            async with self._pool.connection() as conn:
                cursor = await conn.execute(sql, params or None)
                return await cursor.fetchall()
        except psycopg.Error as error:
            raise postgres_error(error, "database read failed", self._secrets) from error
