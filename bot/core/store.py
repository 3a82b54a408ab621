"""The paper archive: every digest ever ingested, in one SQLite file, searchable.

Why it looks like this:

* Every (paper, date) version is kept, because consecutive digests repeat a paper with a
  different summary; reads return the newest unless a date is named.
* One writer connection behind a lock, and a small pool of reader connections. In WAL mode a
  reader sees the last committed state while an ingest writes, so fifty concurrent lookups
  never queue behind it. A ``:memory:`` database is private to one connection, so there the
  writer serves the reads too.
* An ingest is one ``BEGIN IMMEDIATE`` transaction: a changed file for a date deletes that
  date's rows (the FTS triggers follow the cascade) and inserts the new ones; any failure rolls
  back to the previous state. The same content hash is a no-op.
* Every read is one SQL statement, so it sees one consistent snapshot without a transaction.
* Search is FTS5 with the trigram tokenizer (substrings, so Korean particles do not hide
  words). Ranking is bm25 over the newest :data:`SEARCH_WINDOW` matches: row ids follow dates,
  so that window is read newest-first and stops early, keeping a common word fast at any size.

Errors (both defined in :mod:`bot.core.schema`)::

    StoreError          the archive cannot do what was asked (wraps sqlite3 errors)
    └── SchemaError     the file's schema is newer than ours, or a migration failed
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final, Literal

import aiosqlite
from pydantic import TypeAdapter

from digest_parser import Digest, Paper, ParseWarning, Section, SectionKey

from .schema import (
    MIGRATIONS,
    DigestItem,
    DigestSummary,
    IngestResult,
    IngestStatus,
    PaperEntry,
    Row,
    SchemaError,
    SearchHit,
    SectionItem,
    Snippet,
    StoreError,
    Suggestion,
    clean_query,
    digest_rows,
    entry_span,
    fts_expression,
    like_pattern,
    migrate,
    section_span,
    snippet_around,
)
from .store_sql import (
    DIGEST_SQL,
    FLOOR_SQL,
    HITS_SQL,
    INDEX_SECTIONS_SQL,
    INDEX_TITLES_SQL,
    INSERT_DIGEST_SQL,
    INSERT_ENTRIES_SQL,
    INSERT_SECTIONS_SQL,
    INSERT_TEXTS_SQL,
    NEWEST_SQL,
    OLD_SQL,
    PAPER_SQL,
    RANGE_SQL,
    RANK_SQL,
    SECTION_ITEMS_SQL,
    SHORT_BODIES_SQL,
    SHORT_TITLES_SQL,
    TITLE_FTS_SQL,
)

__all__ = ["DEFAULT_PATH", "SchemaError", "Store", "StoreError"]

_log = logging.getLogger(__name__)

DEFAULT_PATH: Final = "paperbot.db"
DEFAULT_READERS: Final = 4  # lookups are short; more readers than cores only add threads
BUSY_TIMEOUT_MS: Final = 5_000  # how long to wait for another process's write lock
#: Matches ranked by bm25 per search: the newest ones, so a common word stays fast.
SEARCH_WINDOW: Final = 500
#: Newest digests scanned for 1-2 character text, which a trigram index cannot answer.
SHORT_SCAN_DIGESTS: Final = 60
TITLE_BOOST: Final = 2.0  # a title hit outranks the same bm25 score in a section body

_WARNINGS: Final = TypeAdapter(tuple[ParseWarning, ...])
_SECTIONS: Final = TypeAdapter(tuple[Section, ...])


class Store:
    """The archive. Open it with ``async with Store.open(path) as store:``."""

    def __init__(
        self, writer: aiosqlite.Connection, readers: Sequence[aiosqlite.Connection]
    ) -> None:
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for conn in readers:
            self._idle.put_nowait(conn)

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: str | Path = DEFAULT_PATH,
        *,
        readers: int = DEFAULT_READERS,
        migrations: Sequence[str] = MIGRATIONS,
    ) -> AsyncIterator[Store]:
        """Open the archive at ``path``, creating and migrating it as needed; close on exit.

        Args:
            path: The database file, or ``":memory:"`` for a private one-connection archive.
            readers: Reader connections in the pool (``:memory:`` has none of its own).
            migrations: The schema migrations; tests pass a longer list to check upgrades.

        Raises:
            StoreError: The file cannot be opened.
            SchemaError: The file cannot be migrated to ``migrations``.
        """
        memory = str(path) == ":memory:"
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await _connect(str(path), opened)
            if not memory:
                await writer.execute("PRAGMA journal_mode = WAL")
            await migrate(writer, migrations)
            pool = [writer]
            if not memory:
                pool = [await _connect(str(path), opened, read_only=True) for _ in range(readers)]
            store = cls(writer, pool)
        except BaseException:
            await _close(opened)
            raise
        try:
            yield store
        finally:
            await _close(opened)

    async def ingest(self, digest: Digest, *, content_hash: str) -> IngestResult:
        """Archive a digest; the same content again is a no-op, changed content replaces.

        Raises:
            StoreError: The digest has no date or is too large, or the write failed; the
                archive then holds exactly what it held before.
        """
        if digest.date is None:
            raise StoreError(f"{digest.source or 'digest'}: no date, so it cannot be archived")
        day = digest.date.isoformat()
        try:
            rows = digest_rows(digest)
        except ValueError as error:
            raise StoreError(f"{digest.source or day}: {error}") from error
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
                await conn.execute("DELETE FROM digests WHERE date = ?", (day,))
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
                await conn.execute(INDEX_TITLES_SQL, spans[:2])
                await conn.execute(INDEX_SECTIONS_SQL, spans[2:])
                await conn.commit()
            except BaseException as error:  # cancellation too: never leave it half-written
                if conn.in_transaction:
                    await conn.rollback()
                if isinstance(error, sqlite3.Error):
                    raise StoreError(f"ingest of the {day} digest failed: {error}") from error
                raise
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
            StoreError: SQLite failed; nothing of the transaction was written.
        """
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.commit()
            except BaseException as error:
                if conn.in_transaction:
                    await conn.rollback()
                if isinstance(error, sqlite3.Error):
                    raise StoreError(f"archive write failed: {error}") from error
                raise

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement, on a reader (a consistent snapshot)."""
        return await self._read(sql, *params)

    async def _read(self, sql: str, *params: Any) -> list[Row]:
        conn = await self._idle.get()
        try:
            return [tuple(row) for row in await conn.execute_fetchall(sql, params)]
        except sqlite3.Error as error:
            raise StoreError(f"archive read failed: {error}") from error
        finally:
            self._idle.put_nowait(conn)

    async def dates(self) -> tuple[dt.date, ...]:
        """Every archived digest date, newest first."""
        rows = await self._read("SELECT date FROM digests ORDER BY date DESC")
        return tuple(dt.date.fromisoformat(day) for (day,) in rows)

    async def latest_date(self) -> dt.date | None:
        """The newest digest's date, or ``None`` while the archive is empty."""
        ((day,),) = await self._read("SELECT max(date) FROM digests")
        return dt.date.fromisoformat(day) if day else None

    async def paper(self, arxiv_id: str, date: dt.date | None = None) -> PaperEntry | None:
        """The entry of ``arxiv_id`` in the digest of ``date`` (default: its newest digest)."""
        rows = await self._read(PAPER_SQL, arxiv_id, date.isoformat() if date else None)
        if not rows:
            return None
        aid, day, position, line, title, url, missing, preamble, epilogue, raw = rows[0][:10]
        total, dates, sections = rows[0][10:]
        paper = Paper(
            arxiv_id=aid,
            url=url,
            title=title,
            line=line,
            preamble=preamble,
            epilogue=epilogue,
            sections=_SECTIONS.validate_python([s for _, s in sorted(json.loads(sections))]),
            missing=tuple(SectionKey(key) for key in missing.split(",") if key),
            raw=raw,
        )
        seen = sorted({dt.date.fromisoformat(d) for d in dates.split(",")}, reverse=True)
        return PaperEntry(paper, dt.date.fromisoformat(day), position, total, tuple(seen))

    async def section_items(
        self, key: SectionKey, date: dt.date, *, limit: int, offset: int = 0
    ) -> tuple[SectionItem, ...]:
        """The papers of a digest in order, each with its first section of ``key``."""
        rows = await self._read(SECTION_ITEMS_SQL, key.value, date.isoformat(), limit, offset)
        items = []
        for aid, title, position, number, heading, body, line in rows:
            section = None
            if heading is not None:  # NULL when the paper has no such section
                section = Section(key=key, number=number, heading=heading, body=body, line=line)
            items.append(SectionItem(aid, title, position, section))
        return tuple(items)

    async def digest(self, date: dt.date) -> DigestSummary | None:
        """The digest of ``date``: its papers and which sections each has, or ``None``."""
        rows = await self._read(DIGEST_SQL, date.isoformat())
        if not rows:
            return None
        source, at, warnings = rows[0][4:]
        papers = tuple(  # a digest without papers still yields one row, of NULLs
            DigestItem(aid, title, pos, _keys(keys)) for aid, title, pos, keys, *_ in rows if aid
        )
        return DigestSummary(
            date, source, dt.datetime.fromisoformat(at), _WARNINGS.validate_json(warnings), papers
        )

    async def ids_between(self, low: str, high: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Known ids in ``[low, high)``, highest first (ids grow with time), newest titles."""
        return _distinct(await self._read(RANGE_SQL, low, high, limit * 4), limit)

    async def newest_papers(self, *, limit: int) -> tuple[Suggestion, ...]:
        """The newest digest's papers in order."""
        return _distinct(await self._read(NEWEST_SQL, limit), limit)

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Papers whose title contains ``text`` (any case), newest digest first."""
        text = clean_query(text)
        if not text:
            return ()
        if len(text) < 3:  # a trigram index holds nothing shorter
            floor = entry_span(await self._short_floor())[0]
            found = await self._read(SHORT_TITLES_SQL, floor, like_pattern(text), limit * 4)
            return _distinct([(aid, title) for aid, _, title, *_ in found], limit)
        return _distinct(await self._read(TITLE_FTS_SQL, fts_expression(text), limit * 4), limit)

    async def _short_floor(self) -> dt.date:
        """The oldest digest date that scans for 1-2 character text still read."""
        found = await self._read(FLOOR_SQL, SHORT_SCAN_DIGESTS - 1)
        return dt.date.fromisoformat(found[0][0]) if found else dt.date.min

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Ranked hits for ``query`` in titles and section bodies; no user text raises.

        Ask for one more than you show to learn whether another page exists.
        """
        query = clean_query(query)
        if not query or limit <= 0:
            return []
        if len(query) < 3:  # the trigram index holds nothing shorter: scan the newest rows
            wanted, pattern, floor = offset + limit, like_pattern(query), await self._short_floor()
            rows = await self._read(SHORT_TITLES_SQL, entry_span(floor)[0], pattern, wanted)
            if len(rows) < wanted:
                start, more = section_span(floor)[0], wanted - len(rows)
                rows += await self._read(SHORT_BODIES_SQL, start, pattern, more)
            return [_hit(row, snippet_around(row[4], query)) for row in rows[offset:]]
        expression, window = fts_expression(query), max(SEARCH_WINDOW, offset + limit)
        ranked = await self._read(RANK_SQL, expression, window, TITLE_BOOST, limit, offset)
        if not ranked:
            return []
        ids = {kind: json.dumps([rid for k, rid in ranked if k == kind]) for kind in "st"}
        rows = await self._read(HITS_SQL, expression, ids["s"], ids["t"])
        found = {(kind, rid): rest for kind, rid, *rest in rows}
        hits = (found.get((kind, rid)) for kind, rid in ranked)
        return [_hit(row, Snippet.parse(row[4])) for row in hits if row is not None]


def _hit(row: Sequence[Any], snippet: Snippet) -> SearchHit:
    """A hit from ``(arxiv_id, date, title, section key or "title", ...)``."""
    arxiv_id, day, title, key = row[:4]
    field: SectionKey | Literal["title"] = "title" if key == "title" else SectionKey(key)
    return SearchHit(arxiv_id, dt.date.fromisoformat(day), title, field, snippet)


def _distinct(rows: Sequence[Row], limit: int) -> tuple[Suggestion, ...]:
    """The first row of every id (the rows come newest first), as suggestions."""
    seen: dict[str, Suggestion] = {}
    for arxiv_id, title, *_ in rows:
        if arxiv_id not in seen and len(seen) < limit:
            seen[arxiv_id] = Suggestion(arxiv_id, title or "")
    return tuple(seen.values())


def _keys(csv: str | None) -> tuple[SectionKey, ...]:
    present = set((csv or "").split(","))
    return tuple(key for key in SectionKey.ordered() if key.value in present)


async def _connect(
    path: str, opened: list[aiosqlite.Connection], *, read_only: bool = False
) -> aiosqlite.Connection:
    try:
        if not opened and path != ":memory:":
            # Open once with the standard library first: a failed aiosqlite.connect() leaves
            # its worker thread to report to an event loop that may be gone by then.
            await asyncio.to_thread(_probe, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        opened.append(conn)
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL + NORMAL: commits stay atomic; a power cut may lose the last ones, which
        # re-ingesting repairs (sqlite.org/pragma.html#pragma_synchronous).
        await conn.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            await conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the archive {path}: {error}") from error
    return conn


def _probe(path: str) -> None:
    """Raise ``sqlite3.Error`` if ``path`` cannot be opened and read as a database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


async def _close(opened: list[aiosqlite.Connection]) -> None:
    """Close the readers, then the writer after ``PRAGMA optimize`` (as the docs advise)."""
    for conn in reversed(opened):
        if conn is opened[0]:
            try:
                await conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                _log.warning("PRAGMA optimize failed", exc_info=True)
        await conn.close()
