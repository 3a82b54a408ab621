"""Keep the full-text index up with the archive, off the ingest's write path.

Why it exists: trigram indexing was ~80 % of an ingest's cost, and an index written one digest
per transaction pays twice (a small FTS5 segment per commit, merged again and again later).
So the ingest only archives the rows and lists the date in ``unindexed_digests``, and this
indexer, owned by the :class:`~bot.storage.sqlite.store.Store` and started and stopped with it,
catches up:

* A batch is one ``BEGIN IMMEDIATE`` transaction that indexes whole digests (about
  :data:`BATCH_PAPERS` papers; one statement per index and the larger hash of schema v4 make
  it one FTS5 segment) and deletes their dates from the list. A digest is therefore indexed
  entirely or listed, and a crash anywhere leaves the list for the next open, which catches
  up first thing.
* It yields to writers: it starts only once no ingest has come for :data:`QUIET_S`, and takes
  the write lock one batch at a time (``asyncio.Lock`` is fair), so a bulk ingest runs at write
  speed, and an ingest, an outbox claim or a subscription change waits at most one batch:
  ~0.4 s, or ~3 s for the batch that completes 16 segments and so merges them (FTS5
  automerge, at 100,000 entries). Readers never wait for it (WAL).
* Meanwhile search is complete anyway: it reads the listed digests with ``LIKE``
  (:mod:`bot.storage.sqlite.search`).
* Several processes on one file may each run one: the batch picks its dates inside its own
  transaction, so no digest is indexed twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from typing import Final

import aiosqlite

from bot.core.errors import StorageError
from bot.storage.archive_rows import entry_span, section_span
from bot.storage.sqlite.errors import storage_error
from bot.storage.sqlite.indexer_sql import (
    INDEX_SECTIONS_SQL,
    INDEX_TITLES_SQL,
    PENDING_SQL,
    UNMARK_SQL,
)
from bot.storage.sqlite.rollback import roll_back
from bot.storage.sqlite.store_sql import LAGGING_SQL

__all__ = ["BATCH_PAPERS", "QUIET_S", "Indexer"]

_log = logging.getLogger(__name__)

#: Papers per batch (~0.4 s): batches of 4,000 indexed 100,000 entries 3 % faster
#: (benchmarks/store.py), not worth keeping writers waiting twice as long.
BATCH_PAPERS: Final = 2_000
#: Seconds without an ingest before indexing starts: longer than the gap between the digests
#: of a bulk ingest (milliseconds), short against a person waiting for a search.
QUIET_S: Final = 0.05
RETRY_S: Final = 5.0  # after a failed batch (disk full, another process's lock)
_PENDING_ROWS: Final = 1_000  # dates read to size a batch; a batch never needs more


class Indexer:
    """Indexes listed digests in the background; see the module docstring for the rules."""

    def __init__(
        self,
        writer: aiosqlite.Connection,
        write_lock: asyncio.Lock,
        *,
        batch_papers: int = BATCH_PAPERS,
        quiet: float = QUIET_S,
    ) -> None:
        self._writer = writer
        self._lock = write_lock
        self._batch_papers = batch_papers
        self._quiet = quiet
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._last_write = float("-inf")
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run in the background from now on, starting with whatever a previous run left."""
        if self._task is None:
            self._wake.set()
            self._task = asyncio.create_task(self._run(), name="paperbot-search-indexer")

    async def stop(self) -> None:
        """Stop; a batch under way rolls back and stays listed for the next run."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def wrote(self) -> None:
        """Note that an ingest listed a digest: index it once ingests pause."""
        self._last_write = asyncio.get_running_loop().time()
        self._idle.clear()
        self._wake.set()

    async def idle(self) -> None:
        """Wait until the background run has found nothing left to index."""
        await self._idle.wait()

    async def catch_up(self) -> int:
        """Index everything listed now, without waiting for a pause; return the papers.

        Raises:
            StorageError: A batch failed; it rolled back and its digests stay listed.
        """
        total = 0
        while True:
            digests, papers = await self.batch()
            if not digests:
                return total
            total += papers

    async def batch(self) -> tuple[int, int]:
        """Index one batch of listed digests in one transaction.

        Returns:
            ``(digests, papers)`` indexed: ``(0, 0)`` when none was listed.

        Raises:
            StorageError: SQLite failed; nothing of the batch was written.
        """
        async with self._lock:
            conn = self._writer
            try:
                async with conn.execute(LAGGING_SQL) as cursor:  # no write lock for nothing
                    if not (await cursor.fetchone() or (0,))[0]:
                        return 0, 0
                await conn.execute("BEGIN IMMEDIATE")
                dates, papers = await self._pick(conn)
                if not dates:
                    await conn.rollback()
                    return 0, 0
                titles = json.dumps([entry_span(day) for day in dates])
                await conn.execute(INDEX_TITLES_SQL, (titles,))
                sections = json.dumps([section_span(day) for day in dates])
                await conn.execute(INDEX_SECTIONS_SQL, (sections,))
                await conn.executemany(UNMARK_SQL, [(day.isoformat(),) for day in dates])
                await conn.commit()
            except BaseException as error:  # cancellation too: never leave it half-written
                await roll_back(conn)
                if isinstance(error, sqlite3.Error):
                    raise storage_error(error, "indexing archived digests failed") from error
                raise
        _log.debug("indexed %d digests (%d papers) for search", len(dates), papers)
        return len(dates), papers

    async def _pick(self, conn: aiosqlite.Connection) -> tuple[list[dt.date], int]:
        """The oldest listed digests up to the batch size (at least one), and their papers."""
        dates: list[dt.date] = []
        papers = 0
        async with conn.execute(PENDING_SQL, (_PENDING_ROWS,)) as cursor:
            async for day, count in cursor:
                if dates and papers + count > self._batch_papers:
                    break
                dates.append(dt.date.fromisoformat(day))
                papers += count
        return dates, papers

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while True:
                delay = self._last_write + self._quiet - loop.time()
                if delay > 0:  # ingests are still coming: let them have the writer
                    await asyncio.sleep(delay)
                    continue
                try:
                    if (await self.batch())[0] == 0:
                        break
                except StorageError:
                    _log.warning("search indexing failed; retrying later", exc_info=True)
                    await asyncio.sleep(RETRY_S)
            if not self._wake.is_set():
                self._idle.set()
