"""Schema version 3: the archive (digests, entries, their texts and sections) and HF metadata.

The same tables, columns and values as SQLite's archive (:mod:`bot.storage.sqlite.schema`,
version 1) and ``paper_meta`` (:mod:`bot.storage.sqlite.metadata_sql`, version 6), so
``paperbot migrate`` copies them column by column: the derived ids of
:mod:`bot.storage.archive_rows` as ``BIGINT``, ISO dates as ``TEXT``, JSON as ``TEXT``, epoch
seconds as ``DOUBLE PRECISION``; flags are ``BOOLEAN`` as in the delivery tables. Key columns
are ``COLLATE "C"`` so ``max(date)`` and every ``ORDER BY`` agree with SQLite's byte order.

Search has no shadow tables here: ``pg_trgm``'s GIN indexes (``gin_trgm_ops``) on the searched
columns answer ``ILIKE '%…%'`` for any substring of three characters or more, and PostgreSQL
keeps them current in the writing transaction itself (:mod:`bot.storage.postgres.search`).
``CREATE EXTENSION`` needs a role allowed to create it (pg_trgm is a trusted extension since
PostgreSQL 13: the database owner may).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ARCHIVE_V3",
    "DATES_SQL",
    "DELETE_DIGEST_SQL",
    "DIGEST_HEAD_SQL",
    "DIGEST_ITEMS_SQL",
    "INGEST_LOCK_SQL",
    "INSERT_DIGEST_SQL",
    "LATEST_DATE_SQL",
    "NEWEST_SQL",
    "OLD_SQL",
    "PAPER_SQL",
    "RANGE_SQL",
    "SECTION_ITEMS_SQL",
    "copy_sql",
]

ARCHIVE_V3: Final = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE digests (
    date         TEXT COLLATE "C" PRIMARY KEY,  -- ISO date of the digest
    source       TEXT,
    content_hash TEXT NOT NULL,                 -- of the file as read; same hash = no-op ingest
    ingested_at  TEXT NOT NULL,                 -- ISO timestamp, UTC
    paper_count  INTEGER NOT NULL,
    warnings     TEXT NOT NULL DEFAULT '[]'     -- JSON list of ParseWarning
);

CREATE TABLE entries (
    id            BIGINT PRIMARY KEY,           -- entry_id(date, position)
    arxiv_id      TEXT COLLATE "C" NOT NULL,
    date          TEXT COLLATE "C" NOT NULL REFERENCES digests (date) ON DELETE CASCADE,
    position      INTEGER NOT NULL,             -- 1-based place in the digest
    line          INTEGER NOT NULL,
    title         TEXT,                         -- the parser's title: NULL without a title line
    display_title TEXT,                         -- title, else the one the preamble quotes
    url           TEXT,
    missing       TEXT NOT NULL,                -- comma-separated SectionKey values
    UNIQUE (arxiv_id, date)                     -- also the index for "newest version of an id"
);
CREATE INDEX entries_by_date ON entries (date, position);
CREATE INDEX entries_title_trgm ON entries USING gin (display_title gin_trgm_ops);

-- The bulky text of an entry, apart, as in SQLite: scans of entries read few pages.
CREATE TABLE entry_texts (
    id        BIGINT PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    preamble  TEXT NOT NULL,
    epilogue  TEXT NOT NULL,
    raw       TEXT NOT NULL                     -- the entry exactly as the digest has it
);

CREATE TABLE sections (
    id        BIGINT PRIMARY KEY,               -- section_rowid(entry id, ordinal)
    entry_id  BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    key       TEXT COLLATE "C" NOT NULL,
    number    INTEGER,
    heading   TEXT NOT NULL,
    body      TEXT NOT NULL,
    line      INTEGER NOT NULL
);
CREATE INDEX sections_by_entry ON sections (entry_id, key);
CREATE INDEX sections_body_trgm ON sections USING gin (body gin_trgm_ops);

-- Hugging Face's metadata, per paper (not per entry): re-ingesting a digest keeps it.
CREATE TABLE paper_meta (
    arxiv_id      TEXT COLLATE "C" PRIMARY KEY,
    title         TEXT,                         -- the English title
    authors       TEXT NOT NULL DEFAULT '[]',   -- JSON array of names, paper order
    organization  TEXT,
    upvotes       INTEGER,
    comments      INTEGER,
    github_repo   TEXT,                         -- https URL
    github_stars  INTEGER,
    project_page  TEXT,                         -- https URL
    thumbnail     TEXT,                         -- https URL on a Hugging Face host
    keywords      TEXT NOT NULL DEFAULT '[]',   -- JSON array
    withdrawn     BOOLEAN NOT NULL DEFAULT FALSE,
    fetched_at    DOUBLE PRECISION              -- epoch seconds, UTC
);
CREATE INDEX paper_meta_title_trgm ON paper_meta USING gin (title gin_trgm_ops);
CREATE INDEX paper_meta_authors_trgm ON paper_meta USING gin (authors gin_trgm_ops);
"""

# Ingest. The per-date advisory lock serialises two ingests of one date (two processes, or
# two tasks of one): the second waits for the first's commit, then reads its content hash.
# Two int4 keys: a key space apart from the migrations' single bigint key.
INGEST_LOCK_SQL: Final = "SELECT pg_advisory_xact_lock(%s, %s)"
OLD_SQL: Final = """
SELECT content_hash, paper_count, (SELECT count(*) FROM sections WHERE id BETWEEN %s AND %s)
FROM digests WHERE date = %s"""
DELETE_DIGEST_SQL: Final = "DELETE FROM digests WHERE date = %s"  # its rows go by ON DELETE CASCADE
INSERT_DIGEST_SQL: Final = (
    "INSERT INTO digests (date, source, content_hash, ingested_at, paper_count, warnings)"
    " VALUES (%s, %s, %s, %s, %s, %s)"
)


def copy_sql(table: str, columns: tuple[str, ...]) -> str:
    """A ``COPY … FROM STDIN`` naming its columns, so later migrations may add columns."""
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN"


# Reads: the columns and order of SQLite's (bot.storage.sqlite.store_sql), read by
# bot.storage.archive_records.
DATES_SQL: Final = "SELECT date FROM digests ORDER BY date DESC"
LATEST_DATE_SQL: Final = "SELECT max(date) FROM digests"
# Parameters: the id, then the date twice (NULL for the newest).
PAPER_SQL: Final = """
SELECT e.arxiv_id, e.date, e.position, e.line, e.title, e.url, e.missing,
       t.preamble, t.epilogue, t.raw, d.paper_count,
       (SELECT string_agg(date, ',') FROM entries WHERE arxiv_id = e.arxiv_id),
       (SELECT json_agg(json_build_array(id, json_build_object('key', key, 'number', number,
               'heading', heading, 'body', body, 'line', line)))
        FROM sections WHERE entry_id = e.id)
FROM entries e JOIN digests d ON d.date = e.date JOIN entry_texts t ON t.id = e.id
WHERE e.id = (SELECT id FROM entries WHERE arxiv_id = %s AND (%s::text IS NULL OR date = %s)
              ORDER BY date DESC LIMIT 1)"""
SECTION_ITEMS_SQL: Final = """
SELECT e.arxiv_id, e.display_title, e.position, s.number, s.heading, s.body, s.line FROM entries e
LEFT JOIN sections s ON s.id = (SELECT id FROM sections WHERE entry_id = e.id AND key = %s
                                ORDER BY id LIMIT 1)
WHERE e.date = %s ORDER BY e.position LIMIT %s OFFSET %s"""
# The head and the papers of a digest, read in one snapshot (REPEATABLE READ), for the reason
# SQLite reads them apart (issue #12: the warnings once, not once per paper).
DIGEST_HEAD_SQL: Final = "SELECT source, ingested_at, warnings FROM digests WHERE date = %s"
DIGEST_ITEMS_SQL: Final = """
SELECT e.arxiv_id, e.display_title, e.position,
       (SELECT string_agg(key, ',' ORDER BY id) FROM sections WHERE entry_id = e.id)
FROM entries e WHERE e.date = %s ORDER BY e.position"""
RANGE_SQL: Final = """
SELECT arxiv_id, display_title FROM entries WHERE arxiv_id >= %s AND arxiv_id < %s
ORDER BY arxiv_id DESC, date DESC LIMIT %s"""
NEWEST_SQL: Final = """
SELECT arxiv_id, display_title FROM entries WHERE date = (SELECT max(date) FROM digests)
ORDER BY position LIMIT %s"""
