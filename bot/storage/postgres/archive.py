"""The archive in PostgreSQL: ingest and lookups (the core's ``ArchiveRepository``).

The behaviour of :mod:`bot.storage.sqlite.store`, with the rows of
:mod:`bot.storage.archive_rows` and the records of :mod:`bot.storage.archive_records`:

* An ingest is one transaction. It first takes a transaction-scoped advisory lock on its date,
  so two ingests of one date (two processes, or two tasks) run one after the other: the second
  reads the first's content hash and is ``UNCHANGED`` (or ``REPLACED``), never a duplicate-key
  error or a deadlock. Ingests of different dates do not wait for each other.
* The same content hash is a no-op that writes nothing (and so notifies no one); changed
  content deletes the date's digest row (its entries, texts and sections go by
  ``ON DELETE CASCADE``) and writes the new rows with ``COPY``. No search index to maintain:
  PostgreSQL updates the trigram indexes in the same transaction.
* Reads are one statement each (one snapshot); a digest's head and papers are read in one
  ``REPEATABLE READ`` snapshot.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.archive.records import (
    DigestSummary,
    IngestResult,
    IngestStatus,
    PaperEntry,
    SectionItem,
    Suggestion,
)
from bot.core.errors import StorageError
from bot.storage.archive_records import digest_summary, paper_entry, section_items
from bot.storage.archive_rows import (
    ENTRY_COLUMNS,
    SECTION_COLUMNS,
    TEXT_COLUMNS,
    Row,
    digest_rows,
    section_span,
)
from bot.storage.postgres.archive_sql import (
    DATES_SQL,
    DELETE_DIGEST_SQL,
    DIGEST_HEAD_SQL,
    DIGEST_ITEMS_SQL,
    INGEST_LOCK_SQL,
    INSERT_DIGEST_SQL,
    LATEST_DATE_SQL,
    NEWEST_SQL,
    OLD_SQL,
    PAPER_SQL,
    RANGE_SQL,
    SECTION_ITEMS_SQL,
    copy_sql,
)
from bot.storage.search_text import distinct

if TYPE_CHECKING:
    from bot.core.enrichment.repositories import MetadataRepository
    from bot.storage.postgres.tables import Connection
    from digest_parser import Digest, SectionKey

__all__ = ["ArchiveDatabase", "PostgresArchive"]

_log = logging.getLogger(__name__)

#: The first key of the ingest's advisory lock (the second is the date's ordinal): "digs".
_INGEST_LOCK_CLASS = int.from_bytes(b"digs", "big") & 0x7FFF_FFFF


class ArchiveDatabase(Protocol):
    """What the archive uses of the store: the two doors, a snapshot, and the metadata."""

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A pooled connection inside one transaction; any exception rolls it back."""
        ...

    def snapshot(self) -> AbstractAsyncContextManager[Connection]:
        """A pooled connection inside one read-only ``REPEATABLE READ`` transaction."""
        ...

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement."""
        ...

    @property
    def metadata(self) -> MetadataRepository:
        """Hugging Face's metadata per paper."""
        ...


class _Unchanged(Exception):
    """The digest is archived with this content already: roll back, write nothing."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__(result.date.isoformat())
        self.result = result


class PostgresArchive:
    """The ``digests``, ``entries``, ``entry_texts`` and ``sections`` tables."""

    def __init__(self, db: ArchiveDatabase) -> None:
        self._db = db

    async def ingest(self, digest: Digest, *, content_hash: str) -> IngestResult:
        if digest.date is None:
            raise StorageError(f"{digest.source or 'digest'}: no date, so it cannot be archived")
        day = digest.date.isoformat()
        try:
            rows = digest_rows(digest)
        except ValueError as error:
            raise StorageError(f"{digest.source or day}: {error}") from error
        try:
            async with self._db.transaction() as conn:
                await conn.execute(INGEST_LOCK_SQL, (_INGEST_LOCK_CLASS, digest.date.toordinal()))
                cursor = await conn.execute(OLD_SQL, (*section_span(digest.date), day))
                old = await cursor.fetchone()
                if old is not None and old[0] == content_hash:
                    unchanged = IngestStatus.UNCHANGED
                    raise _Unchanged(IngestResult(digest.date, unchanged, old[1], old[2]))
                await conn.execute(DELETE_DIGEST_SQL, (day,))
                now = dt.datetime.now(dt.UTC).isoformat()
                head = (day, digest.source, content_hash, now, len(rows.entries), rows.warnings)
                await conn.execute(INSERT_DIGEST_SQL, head)
                await _copy(conn, "entries", ENTRY_COLUMNS, rows.entries)
                await _copy(conn, "entry_texts", TEXT_COLUMNS, rows.texts)
                await _copy(conn, "sections", SECTION_COLUMNS, rows.sections)
        except _Unchanged as same:
            return same.result
        except StorageError as error:  # busy stays busy: the caller may try again
            raise type(error)(f"ingest of the {day} digest failed: {error}") from error
        status = IngestStatus.NEW if old is None else IngestStatus.REPLACED
        papers, sections = len(rows.entries), len(rows.sections)
        _log.info("archived the %s digest (%s): %d papers", day, status, papers)
        return IngestResult(digest.date, status, papers, sections, old[1] if old else 0)

    async def dates(self) -> tuple[dt.date, ...]:
        rows = await self._db.query(DATES_SQL)
        return tuple(dt.date.fromisoformat(day) for (day,) in rows)

    async def latest_date(self) -> dt.date | None:
        ((day,),) = await self._db.query(LATEST_DATE_SQL)
        return dt.date.fromisoformat(day) if day else None

    async def paper(self, arxiv_id: str, date: dt.date | None = None) -> PaperEntry | None:
        if "\x00" in arxiv_id:  # PostgreSQL text cannot hold it, so no id does
            return None
        day = date.isoformat() if date else None
        rows = await self._db.query(PAPER_SQL, arxiv_id, day, day)
        if not rows:
            return None
        aid = rows[0][0]
        meta = (await self._db.metadata.of_papers((aid,))).get(aid)
        return paper_entry(rows[0], meta)

    async def section_items(
        self, key: SectionKey, date: dt.date, *, limit: int, offset: int = 0
    ) -> tuple[SectionItem, ...]:
        day = date.isoformat()
        rows = await self._db.query(SECTION_ITEMS_SQL, key.value, day, limit, offset)
        return section_items(rows, key)

    async def digest(self, date: dt.date) -> DigestSummary | None:
        day = date.isoformat()
        async with self._db.snapshot() as conn:  # the head and its papers from one state
            head = await (await conn.execute(DIGEST_HEAD_SQL, (day,))).fetchone()
            if head is None:
                return None
            rows = await (await conn.execute(DIGEST_ITEMS_SQL, (day,))).fetchall()
        return digest_summary(date, head, rows)

    async def ids_between(self, low: str, high: str, *, limit: int) -> tuple[Suggestion, ...]:
        bounds = _without_nul(low), _without_nul(high)
        return distinct(await self._db.query(RANGE_SQL, *bounds, limit * 4), limit)

    async def newest_papers(self, *, limit: int) -> tuple[Suggestion, ...]:
        return distinct(await self._db.query(NEWEST_SQL, limit), limit)


async def _copy(conn: Connection, table: str, columns: tuple[str, ...], rows: list[Row]) -> None:
    """Write ``rows`` into ``table`` with one ``COPY`` (much faster than row-wise INSERTs)."""
    if not rows:
        return
    async with conn.cursor() as cursor, cursor.copy(copy_sql(table, columns)) as copy:
        for row in rows:
            await copy.write_row(row)


def _without_nul(bound: str) -> str:
    """A range bound PostgreSQL can take that orders every id as ``bound`` does.

    PostgreSQL text cannot hold NUL (SQLite's can; a user may type anything). No id contains
    one, so ``"a\x00b"`` sits between ``"a"`` and every longer id starting ``"a"``, exactly
    where ``"a\x01"`` does: both ``>=`` and ``<`` keep their meaning.
    """
    head, nul, _ = bound.partition("\x00")
    return head + "\x01" if nul else bound
