"""What the SQLite database holds: its migrations, and :func:`migrate`, which applies them.

:mod:`bot.storage.sqlite.store` does the I/O; the archive's derived row ids and a digest as
rows are backend-neutral (:mod:`bot.storage.archive_rows`), shared with PostgreSQL.

* Schema: ``PRAGMA user_version`` counts the entries of :data:`MIGRATIONS` a file has applied;
  :func:`migrate` applies the rest at open, each in one transaction with its version bump, so a
  failed migration leaves the file at the previous version. A new table (outbox,
  subscriptions) is one more string appended to the tuple; a shipped migration never changes.
* Row ids are derived from the data (:func:`bot.storage.archive_rows.entry_id`), so id order
  *is* date order: a full-text scan ``ORDER BY rowid DESC`` walks the newest digests first and
  can stop early, whatever order the digests were ingested in.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Final

import aiosqlite

from bot.core.errors import SchemaError
from bot.storage.sqlite.console_channel_sql import CONSOLE_CHANNEL_V5
from bot.storage.sqlite.indexer_sql import SEARCH_INDEX_V4
from bot.storage.sqlite.metadata_sql import PAPER_META_V6
from bot.storage.sqlite.outbox_sql import OUTBOX_V2
from bot.storage.sqlite.rollback import roll_back
from bot.storage.sqlite.routing_sql import ROUTING_V7
from bot.storage.sqlite.subscriptions_sql import SUBSCRIPTIONS_V3
from bot.storage.sqlite.voice_sql import VOICE_V8

__all__ = ["MIGRATIONS", "migrate"]

_log = logging.getLogger(__name__)

_ARCHIVE_V1: Final = """
CREATE TABLE digests (
    date         TEXT PRIMARY KEY,            -- ISO date of the digest
    source       TEXT,
    content_hash TEXT NOT NULL,               -- of the file as read; same hash = no-op ingest
    ingested_at  TEXT NOT NULL,               -- ISO timestamp, UTC
    paper_count  INTEGER NOT NULL,
    warnings     TEXT NOT NULL DEFAULT '[]'   -- JSON list of ParseWarning
) STRICT;

CREATE TABLE entries (
    id        INTEGER PRIMARY KEY,            -- entry_id(date, position)
    arxiv_id  TEXT NOT NULL,
    date      TEXT NOT NULL REFERENCES digests(date) ON DELETE CASCADE,
    position  INTEGER NOT NULL,               -- 1-based place in the digest
    line      INTEGER NOT NULL,
    title     TEXT,                           -- the parser's title: None without a title line
    display_title TEXT,                       -- title, else the one the preamble quotes
    url       TEXT,
    missing   TEXT NOT NULL,                  -- comma-separated SectionKey values
    UNIQUE (arxiv_id, date)                   -- also the index for "newest version of an id"
) STRICT;
CREATE INDEX entries_by_date ON entries (date, position);

-- The bulky text of an entry, apart: entries rows stay ~150 bytes, so scans of titles and
-- digests read a few pages instead of one per entry (13x faster title scans, measured).
CREATE TABLE entry_texts (
    id        INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    preamble  TEXT NOT NULL,
    epilogue  TEXT NOT NULL,
    raw       TEXT NOT NULL                   -- the entry exactly as the digest has it
) STRICT;

CREATE TABLE sections (
    id        INTEGER PRIMARY KEY,            -- section_rowid(entry id, ordinal)
    entry_id  INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    number    INTEGER,
    heading   TEXT NOT NULL,
    body      TEXT NOT NULL,
    line      INTEGER NOT NULL
) STRICT;
CREATE INDEX sections_by_entry ON sections (entry_id, key);

-- External-content FTS5: the text lives once, in the tables above. Trigram because Korean
-- glues particles onto words (a word tokenizer never finds 강화 학습 inside 강화 학습을).
CREATE VIRTUAL TABLE titles_fts USING fts5(
    display_title, content='entries', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE sections_fts USING fts5(
    body, content='sections', content_rowid='id', tokenize='trigram');

-- The ingest indexes new rows in bulk (INSERT INTO ..._fts SELECT ... FROM the id span):
-- twice as fast as the per-row insert triggers of sqlite.org/fts5.html section 4.4.3. Deletes
-- use those triggers, which also fire for rows removed by ON DELETE CASCADE.
CREATE TRIGGER entries_ad AFTER DELETE ON entries WHEN old.display_title IS NOT NULL BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, display_title)
    VALUES ('delete', old.id, old.display_title);
END;
CREATE TRIGGER sections_ad AFTER DELETE ON sections BEGIN
    INSERT INTO sections_fts (sections_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
-- Merge index segments 16 at a time, not 4: a quarter of the merge work per ingest
-- (+30 % papers/s in benchmarks/store.py) for a few more segments per query.
INSERT INTO sections_fts (sections_fts, rank) VALUES ('automerge', 16);
"""

#: Forward migrations; index ``i`` takes a file from ``user_version`` ``i`` to ``i + 1``.
MIGRATIONS: Final[tuple[str, ...]] = (
    _ARCHIVE_V1,
    OUTBOX_V2,
    SUBSCRIPTIONS_V3,
    SEARCH_INDEX_V4,
    CONSOLE_CHANNEL_V5,
    PAPER_META_V6,
    ROUTING_V7,
    VOICE_V8,
)


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Apply the migrations ``conn``'s file has not seen yet; return the resulting version.

    The connection must be in autocommit mode (``isolation_level=None``) so that the explicit
    ``BEGIN IMMEDIATE`` here owns the transaction.

    Raises:
        SchemaError: The file is newer than ``migrations`` (written by a later paperbot), or a
            migration failed; in the second case the file is left at its previous version.
    """
    current = await _version(conn)
    if current > len(migrations):
        raise SchemaError(
            f"database schema is version {current}, newer than this paperbot knows "
            f"({len(migrations)}); upgrade paperbot or use another database file"
        )
    for version, script in enumerate(migrations[current:], start=current + 1):
        try:
            await conn.execute("BEGIN IMMEDIATE")
            # Another process may have applied this migration while we waited for the lock
            # (two processes opening a new file at once): read the version again under it.
            if await _version(conn) >= version:
                await conn.execute("COMMIT")
                continue
            for statement in _statements(script):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {version}")
            await conn.execute("COMMIT")
        except Exception as error:
            await roll_back(conn)
            raise SchemaError(f"migration to schema version {version} failed: {error}") from error
        _log.info("database schema migrated to version %d", version)
    return len(migrations)


async def _version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def _statements(script: str) -> list[str]:
    """A migration's statements, one by one (a trigger's ``BEGIN … END`` stays whole)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
