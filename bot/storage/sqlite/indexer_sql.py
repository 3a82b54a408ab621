"""Schema version 4 and the SQL of :mod:`bot.storage.sqlite.indexer`: the search index off the
write path.

Kept apart from the archive schema so each stays readable;
:data:`bot.storage.sqlite.schema.MIGRATIONS` lists it after the subscriptions.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "HASH_BYTES",
    "INDEX_SECTIONS_SQL",
    "INDEX_TITLES_SQL",
    "MARK_UNINDEXED_SQL",
    "PENDING_SQL",
    "SEARCH_INDEX_V4",
    "UNINDEXED_PAPERS_SQL",
    "UNINDEX_SECTIONS_SQL",
    "UNINDEX_TITLES_SQL",
    "UNMARK_SQL",
]

#: FTS5 buffers index writes in a hash table and writes a segment whenever it outgrows this
#: (default 1 MiB) or a transaction commits. 16 MiB holds a whole indexer batch, so a batch is
#: one segment, not a dozen to merge later: indexing costs half (benchmarks/store.py).
HASH_BYTES: Final = 16 * 1024 * 1024

SEARCH_INDEX_V4: Final = f"""
-- Digests whose rows are archived but not yet in titles_fts and sections_fts. The ingest adds
-- the date in its own transaction; the indexer indexes the digest and deletes the date in one
-- transaction, so a digest is either wholly indexed or listed here, whatever crashes when.
-- Search reads listed digests with LIKE meanwhile (bot/core/search.py).
CREATE TABLE unindexed_digests (
    date TEXT PRIMARY KEY REFERENCES digests(date) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The per-row delete triggers of version 1 would also fire for rows never indexed, and an
-- external-content index told to delete what it never held is corrupt. The ingest now takes
-- an indexed digest out of the index itself, in bulk, before deleting its rows.
DROP TRIGGER entries_ad;
DROP TRIGGER sections_ad;

INSERT INTO titles_fts (titles_fts, rank) VALUES ('hashsize', {HASH_BYTES});
INSERT INTO sections_fts (sections_fts, rank) VALUES ('hashsize', {HASH_BYTES});
"""

MARK_UNINDEXED_SQL: Final = "INSERT INTO unindexed_digests (date) VALUES (?)"
UNMARK_SQL: Final = "DELETE FROM unindexed_digests WHERE date = ?"
#: Waiting digests, oldest first, with their paper counts (to size a batch).
PENDING_SQL: Final = """
SELECT u.date, d.paper_count FROM unindexed_digests u JOIN digests d ON d.date = u.date
ORDER BY u.date LIMIT ?"""
UNINDEXED_PAPERS_SQL: Final = """
SELECT count(*), coalesce(sum(d.paper_count), 0)
FROM unindexed_digests u JOIN digests d ON d.date = u.date"""
# A batch of digests' rows, by their id spans (ids follow dates:
# bot.storage.archive_rows.entry_span), given as a JSON list of [first, last] pairs. One statement
# for the whole batch, because FTS5 writes its hash table out as a segment at every statement's
# savepoint: a statement per digest would make a segment per digest again (measured: twice the
# indexing time).
INDEX_TITLES_SQL: Final = """
INSERT INTO titles_fts (rowid, display_title)
SELECT e.id, e.display_title FROM json_each(?) j CROSS JOIN entries e
    ON e.id BETWEEN json_extract(j.value, '$[0]') AND json_extract(j.value, '$[1]')
WHERE e.display_title IS NOT NULL"""
INDEX_SECTIONS_SQL: Final = """
INSERT INTO sections_fts (rowid, body)
SELECT s.id, s.body FROM json_each(?) j CROSS JOIN sections s
    ON s.id BETWEEN json_extract(j.value, '$[0]') AND json_extract(j.value, '$[1]')"""
# The same rows out of the index: the values must be exactly those that were indexed, which
# they are, since rows are never updated, only deleted with their digest.
UNINDEX_TITLES_SQL: Final = """
INSERT INTO titles_fts (titles_fts, rowid, display_title)
SELECT 'delete', id, display_title FROM entries
WHERE id BETWEEN ? AND ? AND display_title IS NOT NULL"""
UNINDEX_SECTIONS_SQL: Final = """
INSERT INTO sections_fts (sections_fts, rowid, body)
SELECT 'delete', id, body FROM sections WHERE id BETWEEN ? AND ?"""
