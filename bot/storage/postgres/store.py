"""The PostgreSQL store: a connection pool, its schema, and the two doors to it.

Open it with ``async with PostgresStore.open("postgresql://…") as store:``. Opening connects
once to migrate (:func:`bot.storage.postgres.schema.migrate`, safe with several processes
opening at once), then keeps a ``psycopg_pool`` pool of autocommit connections for the
process. The repositories (:class:`~bot.storage.postgres.tables.Tables`) go through two doors,
for the storage package's own modules (and white-box tests) only, never declared to the core:

- :meth:`PostgresStore.transaction`: a pooled connection inside one transaction (``BEGIN`` …
  ``COMMIT``; any exception rolls it back), which notifies the archive's watchers as it
  commits (:mod:`bot.storage.postgres.version`);
- :meth:`PostgresStore.query`: the rows of one read statement (one snapshot, autocommit);
- :meth:`PostgresStore.snapshot`: a connection in one read-only ``REPEATABLE READ``
  transaction, for the few reads that take several statements from one state.

The archive's methods (the core's :class:`~bot.core.archive.repositories.Archive`) are those of
:class:`~bot.storage.postgres.archive.PostgresArchive` and
:class:`~bot.storage.postgres.search.PostgresSearch`, which the store hands its doors to.

Unlike SQLite's single writer there is no process-wide write lock: PostgreSQL's row locks order
concurrent writers, in this process and in others. Errors are the core's
(:mod:`bot.core.errors`), translated by :mod:`bot.storage.postgres.errors`; no message carries
the URL or its password.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from secrets import token_hex
from typing import TYPE_CHECKING, Any, Final

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.storage.postgres.archive import PostgresArchive
from bot.storage.postgres.errors import postgres_error, secrets_of
from bot.storage.postgres.schema import MIGRATIONS, migrate
from bot.storage.postgres.search import PostgresSearch
from bot.storage.postgres.tables import Connection, Row, Tables
from bot.storage.postgres.version import NOTIFY_SQL, PostgresArchiveVersion

if TYPE_CHECKING:
    from bot.core.archive.records import (
        DigestSummary,
        IngestResult,
        PaperEntry,
        SearchHit,
        SectionItem,
        Suggestion,
    )
    from digest_parser import Digest, SectionKey

__all__ = ["DEFAULT_POOL_SIZE", "PostgresStore"]

#: Connections per process: a chat bot's reads and writes are short.
DEFAULT_POOL_SIZE: Final = 4
#: Seconds to wait for the server at open, and for a free pooled connection.
CONNECT_TIMEOUT: Final = 10.0


class PostgresStore(Tables):
    """The archive and every other table, in PostgreSQL, over a connection pool."""

    def __init__(
        self, pool: AsyncConnectionPool[Connection], *, url: str, secrets: Sequence[str]
    ) -> None:
        self._pool = pool
        self._url = url  # for the version's own connection; never in a message or log
        self._secrets = tuple(secrets)
        self._commits = 0  # this process's committed transactions (see watch_version)
        self._token = token_hex(8)  # tells this store's notifications apart
        self._archive = PostgresArchive(self)
        self._search = PostgresSearch(self)

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
            yield cls(pool, url=url, secrets=secrets)
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
                await conn.execute(
                    NOTIFY_SQL, (self._token,)
                )  # delivered to the watchers at commit
        except psycopg.Error as error:
            raise postgres_error(error, "database write failed", self._secrets) from error
        self._commits += 1

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

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Connection]:
        """A pooled connection in one read-only ``REPEATABLE READ`` transaction.

        Raises:
            StorageError: PostgreSQL failed.
        """
        try:
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield conn
        except psycopg.Error as error:
            raise postgres_error(error, "database read failed", self._secrets) from error

    # The archive (ArchiveRepository): see bot.storage.postgres.archive.

    async def ingest(self, digest: Digest, *, content_hash: str) -> IngestResult:
        """Archive a digest; the same content again is a no-op, changed content replaces.

        Raises:
            StorageError: The digest has no date or is too large, or the write failed; the
                archive then holds exactly what it held before.
        """
        return await self._archive.ingest(digest, content_hash=content_hash)

    async def dates(self) -> tuple[dt.date, ...]:
        """Every archived digest date, newest first."""
        return await self._archive.dates()

    async def latest_date(self) -> dt.date | None:
        """The newest digest's date, or ``None`` while the archive is empty."""
        return await self._archive.latest_date()

    async def paper(self, arxiv_id: str, date: dt.date | None = None) -> PaperEntry | None:
        """The entry of ``arxiv_id`` in the digest of ``date`` (default: its newest digest)."""
        return await self._archive.paper(arxiv_id, date)

    async def section_items(
        self, key: SectionKey, date: dt.date, *, limit: int, offset: int = 0
    ) -> tuple[SectionItem, ...]:
        """The papers of a digest in order, each with its first section of ``key``."""
        return await self._archive.section_items(key, date, limit=limit, offset=offset)

    async def digest(self, date: dt.date) -> DigestSummary | None:
        """The digest of ``date``: its papers and which sections each has, or ``None``."""
        return await self._archive.digest(date)

    async def ids_between(self, low: str, high: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Known ids in ``[low, high)``, highest first (ids grow with time), newest titles."""
        return await self._archive.ids_between(low, high, limit=limit)

    async def newest_papers(self, *, limit: int) -> tuple[Suggestion, ...]:
        """The newest digest's papers in order."""
        return await self._archive.newest_papers(limit=limit)

    async def watch_version(self) -> PostgresArchiveVersion:
        """Watch the database for commits by any process; the caller closes it.

        Raises:
            StorageError: The server cannot be reached for the listening connection.
        """
        return await PostgresArchiveVersion.watch(
            self._url, lambda: self._commits, token=self._token, secrets=self._secrets
        )

    # Search (SearchIndex): see bot.storage.postgres.search.

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Papers whose title contains ``text`` (any case), newest digest first."""
        return await self._search.titles_containing(text, limit=limit)

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Ranked hits for ``query`` in titles and section bodies; no user text raises.

        Ask for one more than you show to learn whether another page exists.
        """
        return await self._search.search(query, limit=limit, offset=offset)

    async def indexed(self) -> int:
        """0: PostgreSQL keeps the trigram indexes current in every write transaction."""
        return await self._search.indexed()

    async def unindexed(self) -> tuple[int, int]:
        """``(0, 0)``: nothing is ever archived and not yet searchable."""
        return await self._search.unindexed()

    async def indexer_idle(self) -> None:
        """Returns at once: there is no background indexer."""
        await self._search.indexer_idle()
