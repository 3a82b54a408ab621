"""The paper archive: every digest ever ingested, in one SQLite file, searchable.

Why it looks like this:

* Every (paper, date) version is kept, because consecutive digests repeat a paper with a
  different summary; reads return the newest unless a date is named.
* One writer connection behind a lock, and a small pool of reader connections. In WAL mode a
  reader sees the last committed state while an ingest writes, so fifty concurrent lookups
  never queue behind it. A ``:memory:`` database is private to one connection, so there the
  writer serves the reads too.
* An ingest is one ``BEGIN IMMEDIATE`` transaction: a changed file for a date takes that
  date's rows out of the search index (if they were in it), deletes them and inserts the new
  ones; any failure rolls back to the previous state. The same content hash is a no-op.
* The ingest does not index for search: it lists the date for the :class:`Indexer`, which the
  store starts and stops and which indexes in large batches once ingests pause (that work was
  ~80 % of an ingest). Search stays complete meanwhile (:mod:`bot.storage.sqlite.search`);
  :meth:`Store.indexed` waits for the index when a caller needs it whole.
* Every read is one SQL statement, so it sees one consistent snapshot without a transaction;
  the few that need several statements in one snapshot use a read transaction
  (:meth:`Readers.snapshot <bot.storage.sqlite.connections.Readers.snapshot>`).

The store implements the core's :class:`~bot.core.archive.repositories.Archive`; the other
tables' repositories come from :class:`~bot.storage.sqlite.tables.Tables`. Errors are the
core's (:mod:`bot.core.errors`), translated from SQLite's by :mod:`bot.storage.sqlite.errors`::

    StorageError        the archive cannot do what was asked
    ├── StorageBusy     another process held the file locked past the busy timeout
    └── SchemaError     the file's schema is newer than ours, or a migration failed

:meth:`Store.transaction` and :meth:`Store.query` hand out a connection and take SQL text: they
are for the storage package's own modules (and white-box tests), never declared to the core.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.core.archive.records import (
    DigestSummary,
    IngestResult,
    IngestStatus,
    PaperEntry,
    SearchHit,
    SectionItem,
    Suggestion,
)
from bot.core.errors import SchemaError, StorageError
from bot.storage.archive_records import digest_summary, paper_entry, section_items
from bot.storage.archive_rows import Row, digest_rows, entry_span, section_span
from bot.storage.search_text import distinct
from bot.storage.sqlite.connections import BUSY_TIMEOUT, Readers, close_all, connect, use_wal
from bot.storage.sqlite.errors import storage_error
from bot.storage.sqlite.indexer import Indexer
from bot.storage.sqlite.indexer_sql import (
    MARK_UNINDEXED_SQL,
    UNINDEX_SECTIONS_SQL,
    UNINDEX_TITLES_SQL,
    UNINDEXED_PAPERS_SQL,
)
from bot.storage.sqlite.rollback import roll_back
from bot.storage.sqlite.schema import MIGRATIONS, migrate
from bot.storage.sqlite.search import Searcher
from bot.storage.sqlite.store_sql import (
    DATES_SQL,
    DELETE_DIGEST_SQL,
    DIGEST_HEAD_SQL,
    DIGEST_ITEMS_SQL,
    INSERT_DIGEST_SQL,
    INSERT_ENTRIES_SQL,
    INSERT_SECTIONS_SQL,
    INSERT_TEXTS_SQL,
    LATEST_DATE_SQL,
    NEWEST_SQL,
    OLD_SQL,
    PAPER_SQL,
    RANGE_SQL,
    SECTION_ITEMS_SQL,
)
from bot.storage.sqlite.tables import Tables
from bot.storage.sqlite.version import SqliteArchiveVersion
from digest_parser import Digest, SectionKey

__all__ = ["DEFAULT_PATH", "SchemaError", "StorageError", "Store"]

_log = logging.getLogger(__name__)

DEFAULT_PATH: Final = "paperbot.db"
DEFAULT_READERS: Final = 4  # lookups are short; more readers than cores only add threads


class Store(Tables):
    """The archive. Open it with ``async with Store.open(path) as store:``.

    Args:
        writer: The one connection that writes.
        readers: The reader pool; ``[writer]`` for a ``:memory:`` archive.
        path: The file, as opened: what :meth:`watch_version` watches.
    """

    def __init__(
        self,
        writer: aiosqlite.Connection,
        readers: Sequence[aiosqlite.Connection],
        *,
        path: str,
    ) -> None:
        # Absolute, as SQLite names it: a later chdir must not make another file watched.
        self._file = None if path in ("", ":memory:") else str(Path(path).absolute())
        self._writer = writer
        self._write_lock = asyncio.Lock()
        shared = any(conn is writer for conn in readers)  # ":memory:": one for all
        pool = Readers(readers, shared_lock=self._write_lock if shared else None)
        self._read, self._snapshot = pool.read, pool.snapshot
        self._indexer = Indexer(writer, self._write_lock)
        self._searcher = Searcher(self._read, self._snapshot)

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: str | Path = DEFAULT_PATH,
        *,
        readers: int = DEFAULT_READERS,
        migrations: Sequence[str] = MIGRATIONS,
        background_index: bool = True,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> AsyncIterator[Store]:
        """Open the archive at ``path``, creating and migrating it as needed; close on exit.

        Args:
            path: The database file, or ``":memory:"`` for a private one-connection archive.
            readers: Reader connections in the pool (``:memory:`` has none of its own).
            migrations: The schema migrations; tests pass a longer list to check upgrades.
            background_index: Run the search indexer in the background, and finish its work
                when the block ends normally (else only :meth:`indexed` indexes: tests use
                that to hold the index back).
            busy_timeout: Seconds to wait for a lock another process holds (opening a new
                file too: see :mod:`bot.storage.sqlite.connections`).

        Raises:
            StorageError: The file cannot be opened, or another process holds it locked for
                longer than ``busy_timeout``.
            SchemaError: The file cannot be migrated to ``migrations``.
        """
        memory, name = str(path) == ":memory:", str(path)
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await connect(name, opened, busy_timeout=busy_timeout)
            if not memory:
                await use_wal(writer, name, busy_timeout=busy_timeout)
            await migrate(writer, migrations)
            pool = [writer]
            if not memory:
                pool = [
                    await connect(name, opened, read_only=True, busy_timeout=busy_timeout)
                    for _ in range(readers)
                ]
            store = cls(writer, pool, path=name)
        except BaseException as error:
            await close_all(opened)
            if isinstance(error, sqlite3.Error):  # e.g. reading the schema version
                raise storage_error(error, f"cannot open the archive {name}") from error
            raise
        try:
            if background_index:
                store._indexer.start()  # catches up with whatever an earlier run left
            try:
                yield store
            except BaseException:
                await store._indexer.stop()  # what is not indexed waits for the next open
                raise
            if background_index:  # a normal close leaves the index complete
                await store._finish_index()
            await store._indexer.stop()
        finally:
            await close_all(opened)

    async def ingest(self, digest: Digest, *, content_hash: str) -> IngestResult:
        """Archive a digest; the same content again is a no-op, changed content replaces.

        Raises:
            StorageError: The digest has no date or is too large, or the write failed; the
                archive then holds exactly what it held before.
        """
        if digest.date is None:
            raise StorageError(f"{digest.source or 'digest'}: no date, so it cannot be archived")
        day = digest.date.isoformat()
        try:
            rows = digest_rows(digest)
        except ValueError as error:
            raise StorageError(f"{digest.source or day}: {error}") from error
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
                spans = (*entry_span(digest.date), *section_span(digest.date))
                async with conn.execute(OLD_SQL, (day, *spans[2:])) as cursor:
                    old = await cursor.fetchone()
                if old is not None and old[0] == content_hash:
                    await conn.rollback()
                    return IngestResult(digest.date, IngestStatus.UNCHANGED, old[1], old[2])
                if old is not None and not old[3]:  # indexed: out of the index first
                    await conn.execute(UNINDEX_TITLES_SQL, spans[:2])
                    await conn.execute(UNINDEX_SECTIONS_SQL, spans[2:])
                await conn.execute(DELETE_DIGEST_SQL, (day,))
                now = dt.datetime.now(dt.UTC).isoformat()
                digest_row = (
                    day,
                    digest.source,
                    content_hash,
                    now,
                    len(rows.entries),
                    rows.warnings,
                )
                await conn.execute(INSERT_DIGEST_SQL, digest_row)
                await conn.executemany(INSERT_ENTRIES_SQL, rows.entries)
                await conn.executemany(INSERT_TEXTS_SQL, rows.texts)
                await conn.executemany(INSERT_SECTIONS_SQL, rows.sections)
                await conn.execute(MARK_UNINDEXED_SQL, (day,))
                await conn.commit()
            except BaseException as error:  # cancellation too: never leave it half-written
                await roll_back(conn)
                if isinstance(error, sqlite3.Error):
                    raise storage_error(error, f"ingest of the {day} digest failed") from error
                raise
        self._indexer.wrote()
        status = IngestStatus.NEW if old is None else IngestStatus.REPLACED
        papers, sections = len(rows.entries), len(rows.sections)
        _log.info("archived the %s digest (%s): %d papers", day, status, papers)
        return IngestResult(digest.date, status, papers, sections, old[1] if old else 0)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer, under the write lock.

        For the other tables of the database (outbox, subscriptions): their modules own their
        SQL, the store owns the connection. Any exception rolls the whole transaction back.

        Raises:
            StorageError: SQLite failed; nothing of the transaction was written.
        """
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.commit()
            except BaseException as error:
                await roll_back(conn)
                if isinstance(error, sqlite3.Error):
                    raise storage_error(error, "archive write failed") from error
                raise

    async def indexed(self) -> int:
        """Index every digest still waiting for the search index, now; return its papers.

        Search is complete without it; this makes it fast (and ranked) for all of them.

        Raises:
            StorageError: Indexing failed; what it had not committed stays waiting.
        """
        return await self._indexer.catch_up()

    async def _finish_index(self) -> None:
        try:
            await self._indexer.catch_up()
        except StorageError:
            _log.warning("search index left incomplete; the next open catches up", exc_info=True)

    async def unindexed(self) -> tuple[int, int]:
        """``(digests, papers)`` archived but not yet in the search index."""
        ((digests, papers),) = await self._read(UNINDEXED_PAPERS_SQL)
        return int(digests), int(papers)

    async def indexer_idle(self) -> None:
        """Wait until the background indexer finds nothing left to index (it must run)."""
        await self._indexer.idle()

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement, on a reader (a consistent snapshot)."""
        return await self._read(sql, *params)

    async def watch_version(self) -> SqliteArchiveVersion:
        """Watch the archive file for commits by any connection; the caller closes it.

        A ``:memory:`` archive has nothing to watch from: its version is never the same twice.

        Raises:
            StorageError: The file cannot be opened for reading.
        """
        if self._file is None:
            return SqliteArchiveVersion(None)
        return await SqliteArchiveVersion.watch(self._file)

    async def dates(self) -> tuple[dt.date, ...]:
        """Every archived digest date, newest first."""
        rows = await self._read(DATES_SQL)
        return tuple(dt.date.fromisoformat(day) for (day,) in rows)

    async def latest_date(self) -> dt.date | None:
        """The newest digest's date, or ``None`` while the archive is empty."""
        ((day,),) = await self._read(LATEST_DATE_SQL)
        return dt.date.fromisoformat(day) if day else None

    async def paper(self, arxiv_id: str, date: dt.date | None = None) -> PaperEntry | None:
        """The entry of ``arxiv_id`` in the digest of ``date`` (default: its newest digest)."""
        rows = await self._read(PAPER_SQL, arxiv_id, date.isoformat() if date else None)
        if not rows:
            return None
        meta = (await self.metadata.of_papers((rows[0][0],))).get(rows[0][0])
        return paper_entry(rows[0], meta)

    async def section_items(
        self, key: SectionKey, date: dt.date, *, limit: int, offset: int = 0
    ) -> tuple[SectionItem, ...]:
        """The papers of a digest in order, each with its first section of ``key``."""
        rows = await self._read(SECTION_ITEMS_SQL, key.value, date.isoformat(), limit, offset)
        return section_items(rows, key)

    async def digest(self, date: dt.date) -> DigestSummary | None:
        """The digest of ``date``: its papers and which sections each has, or ``None``."""
        day = date.isoformat()
        async with self._snapshot() as read:  # the head and its papers from one state
            head = await read(DIGEST_HEAD_SQL, day)
            if not head:
                return None
            rows = await read(DIGEST_ITEMS_SQL, day)
        return digest_summary(date, head[0], rows)

    async def ids_between(self, low: str, high: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Known ids in ``[low, high)``, highest first (ids grow with time), newest titles."""
        return distinct(await self._read(RANGE_SQL, low, high, limit * 4), limit)

    async def newest_papers(self, *, limit: int) -> tuple[Suggestion, ...]:
        """The newest digest's papers in order."""
        return distinct(await self._read(NEWEST_SQL, limit), limit)

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Papers whose title contains ``text`` (any case), newest digest first."""
        return await self._searcher.titles_containing(text, limit=limit)

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Ranked hits for ``query`` in titles and section bodies; no user text raises.

        Ask for one more than you show to learn whether another page exists.
        """
        return await self._searcher.search(query, limit=limit, offset=offset)
